/* session.c - the single connection of ls/get/put/rm/mkdir/mv. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "netrc.h"

int session_open(struct zc_session *s, const char *url_arg, const struct mirror_opts *o)
{
	char where[URL_PATH_MAX + 300], msg[FTP_MSG_MAX + 64];
	memset(s, 0, sizeof *s);
	s->c.fd = -1;
	if (url_parse(url_arg, &s->url) < 0) {
		fprintf(stderr, "zcftp: invalid URL (see zcftp(1) for the syntax)\n");
		return ZC_EXIT_FATAL;
	}
	if (creds_resolve(&s->url, 1) < 0) {
		fprintf(stderr, "zcftp: no password for %s (use ~/.netrc or $%s)\n",
			s->url.user, NETRC_ENV_PASSWORD);
		url_wipe(&s->url);
		return ZC_EXIT_FATAL;
	}
	ftp_init(&s->c, &s->url, o->timeout_ms);
	s->c.pipeline = !o->no_pipeline;
	int rc = ftp_connect(&s->c);
	if (rc == 0)
		return 0;
	url_format(&s->url, where, sizeof where);
	if (rc == -EPROTONOSUPPORT)
		fprintf(stderr, "zcftp: %s: TLS (ftps://, ftpes://) is not yet supported\n", where);
	else if (rc == -EACCES)
		fprintf(stderr, "zcftp: %s: login failed: %s\n", where, s->c.msg);
	else
		fprintf(stderr, "zcftp: %s: cannot connect: %s\n", where,
			ftp_strerror(&s->c, rc, msg, sizeof msg));
	session_close(s);
	return ZC_EXIT_FATAL;
}

void session_close(struct zc_session *s)
{
	if (s->c.url) {
		ftp_close(&s->c, 1);
		reply_reader_free(&s->c.rr);
	}
	url_wipe(&s->url);
}

void session_error(const struct zc_session *s, const char *path, const char *what, int rc)
{
	char msg[FTP_MSG_MAX + 64];
	fprintf(stderr, "zcftp: %s: %s: %s\n", path, what, ftp_strerror(&s->c, rc, msg, sizeof msg));
}
