/* session.c - the single connection of ls/get/put/rm/mkdir/mv. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "netrc.h"

int session_open(struct zc_session *s, const char *url_arg, const struct mirror_opts *o)
{
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
	int rc = client_tls_ctx(&s->url, o, &s->c.tls_ctx);
	if (rc == 0) {
		rc = ftp_connect(&s->c);
		if (rc == 0)
			return 0;
		client_report_connect(&s->c, rc);
	}
	session_close(s);
	return ZC_EXIT_FATAL;
}

int client_tls_ctx(const struct zc_url *u, const struct mirror_opts *o, SSL_CTX **ctx)
{
	char err[256];
	*ctx = NULL;
	if (u->scheme == URL_FTP)
		return 0;
	*ctx = ftp_tls_ctx_new(o->cacert, o->insecure, err, sizeof err);
	if (!*ctx) {
		fprintf(stderr, "zcftp: %s\n", err);
		return -EINVAL;
	}
	if (o->insecure && !o->quiet)
		fprintf(stderr, "zcftp: warning: --insecure: the server's "
			"certificate is not verified\n");
	return 0;
}

void client_report_connect(const struct ftpconn *c, int rc)
{
	char where[URL_PATH_MAX + 300], msg[FTP_MSG_MAX + 200];
	url_format(c->url, where, sizeof where);
	if (rc == -EACCES) {
		fprintf(stderr, "zcftp: %s: login failed: %s\n", where, c->msg);
		return;
	}
	ftp_strerror(c, rc, msg, sizeof msg);
	fprintf(stderr, "zcftp: %s: cannot connect: %s%s\n", where, msg,
		rc == -EPROTO && strstr(msg, "certificate verify failed") ?
		" (trust the server's CA with --cacert FILE)" : "");
}

void session_close(struct zc_session *s)
{
	if (s->c.url) {
		ftp_close(&s->c, 1);
		reply_reader_free(&s->c.rr);
	}
	SSL_CTX_free(s->c.tls_ctx);
	s->c.tls_ctx = NULL;
	url_wipe(&s->url);
}

void session_error(const struct zc_session *s, const char *path, const char *what, int rc)
{
	char msg[FTP_MSG_MAX + 64];
	fprintf(stderr, "zcftp: %s: %s: %s\n", path, what, ftp_strerror(&s->c, rc, msg, sizeof msg));
}
