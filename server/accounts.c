/* accounts.c - system accounts and local-user password checks (see accounts.h). */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts.h"
#include "buf.h"
#include "compat.h"
#include "log.h"
#include "namelist.h"

#define PW_BUF 16384

int account_lookup(const char *name, struct account *out)
{
	struct passwd pw, *res = NULL;
	char *buf = malloc(PW_BUF);
	if (!buf)
		return -ENOMEM;
	int rc = getpwnam_r(name, &pw, buf, PW_BUF, &res);
	if (rc == 0 && !res)
		rc = ENOENT;
	if (rc == 0) {
		out->uid = pw.pw_uid;
		out->gid = pw.pw_gid;
		if (zc_strlcpy(out->name, pw.pw_name, sizeof out->name) < 0
		    || zc_strlcpy(out->home, pw.pw_dir, sizeof out->home) < 0
		    || zc_strlcpy(out->shell, pw.pw_shell ? pw.pw_shell : "", sizeof out->shell) < 0)
			rc = ENAMETOOLONG;
	}
	free(buf);
	return -rc;
}

/* /etc/shells lists the login shells; an account with any other shell
 * (nologin, false) is meant to have no interactive access, so no FTP. */
static int shell_allowed(const char *shell)
{
	char line[512];
	int ok = 0;
	FILE *f = fopen("/etc/shells", "re");
	if (!f)
		return 0;
	while (!ok && fgets(line, sizeof line, f)) {
		line[strcspn(line, "\r\n")] = '\0';
		ok = line[0] == '/' && strcmp(line, shell) == 0;
	}
	fclose(f);
	return ok;
}

/* Shadow hash of name into hash (empty if none); 0 if the account is
 * usable as far as shadow is concerned, -EACCES if locked or expired. */
static int shadow_state(const char *name, char *hash, size_t n)
{
	struct spwd sp, *res = NULL;
	char buf[4096];
	hash[0] = '\0';
	if (getspnam_r(name, &sp, buf, sizeof buf, &res) != 0 || !res)
		return -EACCES;
	int rc = zc_strlcpy(hash, sp.sp_pwdp ? sp.sp_pwdp : "", n) < 0 ? -EACCES : 0;
	long today = (long)(time(NULL) / 86400);
	if (hash[0] == '!' || hash[0] == '*' || hash[0] == '\0')
		rc = -EACCES;	/* locked, or no password: never a valid FTP login */
	if (sp.sp_expire > 0 && today >= sp.sp_expire)
		rc = -EACCES;
	explicit_bzero(buf, sizeof buf);
	return rc;
}

/* A setting for unknown users that costs what a real check costs: the
 * method of root's own hash (the system's choice, whatever it is), else
 * libcrypt's preferred one. */
static const char *dummy_setting(void)
{
	static char setting[512];
	if (setting[0])
		return setting;
	if (shadow_state("root", setting, sizeof setting) < 0 && setting[0] == '!')
		memmove(setting, setting + 1, strlen(setting));	/* locked root: same method */
	if (setting[0] != '$' && !crypt_gensalt_rn(NULL, 0, NULL, 0, setting, sizeof setting))
		zc_strlcpy(setting, "$6$zcftpdzcftpdzc", sizeof setting);
	return setting;
}

static int policy_allows(const struct zc_config *cfg, const char *name, const struct account *a)
{
	if (a->uid == 0 || namelist_has(cfg->users_deny, name))
		return 0;
	if (cfg->users_allow && cfg->users_allow[0] && !namelist_has(cfg->users_allow, name))
		return 0;
	return !cfg->check_shell || shell_allowed(a->shell);
}

int local_user_check(const struct zc_config *cfg, const char *name, const char *pass,
		     struct auth_user *out)
{
	struct account a;
	char hash[512];
	int known = account_lookup(name, &a) == 0;
	int state = known ? shadow_state(name, hash, sizeof hash) : -EACCES;
	/* Every path does exactly one crypt: the real hash or a dummy one. */
	int ok = auth_verify_hash(pass, state == 0 ? hash : dummy_setting());
	explicit_bzero(hash, sizeof hash);
	if (!ok || state < 0 || !policy_allows(cfg, name, &a))
		return -EACCES;
	out->kind = AUTH_LOCAL;
	out->writable = cfg->users_writable;
	out->uid = a.uid;
	out->gid = a.gid;
	zc_strlcpy(out->account, a.name, sizeof out->account);
	if (zc_strlcpy(out->root, cfg->local_root ? cfg->local_root : a.home, sizeof out->root) < 0)
		return -EACCES;
	return auth_apply_user_options(cfg, name, out) < 0 ? -EACCES : 0;
}
