/*
 * netrc.h - credentials for zcftp: the URL, then ~/.netrc (the ftp(1)
 * format: "machine NAME login USER password PASS", "default", "macdef"
 * skipped), then $ZCFTP_PASSWORD, then a prompt on the terminal with echo
 * off, then anonymous. Secrets are wiped by the caller with url_wipe().
 */
#ifndef ZC_CLIENT_NETRC_H
#define ZC_CLIENT_NETRC_H

#include <stddef.h>

#include "url.h"

#define NETRC_FILE_MAX (1u << 20)	/* refuse larger ~/.netrc files */
#define NETRC_ENV_PASSWORD "ZCFTP_PASSWORD"
#define NETRC_ANON_USER "anonymous"
#define NETRC_ANON_PASS "zcftp@"

struct netrc_cred {
	int has_login, has_password;
	char login[URL_FIELD_MAX];
	char password[URL_FIELD_MAX];
};

/*
 * Find the entry for host in the netrc text[0..len). A "machine" entry
 * for host wins; otherwise the "default" entry. When user is not NULL,
 * an entry whose login differs from user is skipped (the URL named the
 * account). Tokens are separated by blanks; a token may be "quoted" with
 * \ escapes (GNU inetutils). "macdef NAME" skips to the next blank line.
 * Returns 0 (found, *out filled), -ENOENT, or -EINVAL (a keyword without
 * its value; *out is cleared).
 */
int netrc_parse(const char *text, size_t len, const char *host,
		const char *user, struct netrc_cred *out);

/*
 * Read path and call netrc_parse(). Like ftp(1), a file holding a
 * password that other users can read is refused (-EPERM) with a warning.
 * Returns 0, -ENOENT (no file or no entry), -EPERM, -EFBIG, -errno.
 */
int netrc_lookup(const char *path, const char *host, const char *user,
		 struct netrc_cred *out);

/*
 * Fill u->user/u->pass if missing, from ~/.netrc ($HOME), then
 * $ZCFTP_PASSWORD, then a prompt when interactive and stdin is a
 * terminal, else anonymous (only when no user was named). Returns 0 or
 * -EACCES (a user was named but no password could be found).
 */
int creds_resolve(struct zc_url *u, int interactive);

/*
 * Prompt on /dev/tty with echo off, read one line into buf (without the
 * newline). Returns 0, -ENOTTY (no terminal), -E2BIG, or -errno.
 */
int creds_prompt(const char *prompt, char *buf, size_t n);

#endif
