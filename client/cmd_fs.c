/*
 * cmd_fs.c - `zcftp rm URL...`, `zcftp mkdir URL...`, `zcftp mv URL NEW`.
 * Several URLs on the same server (host, port, user) share a connection.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

static int same_server(const struct zc_url *a, const struct zc_url *b)
{
	return a->scheme == b->scheme && strcmp(a->host, b->host) == 0 &&
	       strcmp(a->port, b->port) == 0 && (!b->has_user || strcmp(a->user, b->user) == 0);
}

typedef int (*path_op)(struct zc_session *s, const char *path);

static int op_rm(struct zc_session *s, const char *path)
{
	int rc = ftp_path_cmd(&s->c, "DELE", path);
	/* DELE on a directory fails; RMD removes it when it is empty. */
	if (rc == -EREMOTEIO && s->c.code / 100 == 5 && ftp_path_cmd(&s->c, "RMD", path) == 0)
		return 0;
	return rc;
}

static int op_mkdir(struct zc_session *s, const char *path)
{
	return ftp_path_cmd(&s->c, "MKD", path);
}

/* Apply op to every URL, reconnecting only when the server changes. */
static int each_url(int argc, char **argv, const struct mirror_opts *o,
		    const char *what, path_op op)
{
	struct zc_session s;
	int open = 0, failed = 0;
	for (int i = 0; i < argc; i++) {
		struct zc_url u;
		if (url_parse(argv[i], &u) < 0) {
			fprintf(stderr, "zcftp: argument %d: invalid URL\n", i + 1);
			return ZC_EXIT_FATAL;
		}
		if (open && !same_server(&s.url, &u)) {
			session_close(&s);
			open = 0;
		}
		url_wipe(&u);
		if (!open && session_open(&s, argv[i], o) != 0)
			return ZC_EXIT_FATAL;
		open = 1;
		if (url_parse(argv[i], &u) < 0)
			continue;
		int rc = op(&s, u.path);
		url_wipe(&u);
		if (rc < 0) {
			session_error(&s, u.path, what, rc);
			failed = 1;
		}
	}
	if (open)
		session_close(&s);
	return failed ? ZC_EXIT_FAILED : ZC_EXIT_OK;
}

int cmd_rm(int argc, char **argv, const struct mirror_opts *o)
{
	if (argc < 1) {
		fprintf(stderr, "usage: zcftp rm URL...\n");
		return ZC_EXIT_FATAL;
	}
	return each_url(argc, argv, o, "rm", op_rm);
}

int cmd_mkdir(int argc, char **argv, const struct mirror_opts *o)
{
	if (argc < 1) {
		fprintf(stderr, "usage: zcftp mkdir URL...\n");
		return ZC_EXIT_FATAL;
	}
	return each_url(argc, argv, o, "mkdir", op_mkdir);
}

/* NEW is a URL on the same server, an absolute path, or a name in the
 * source's directory. */
static int new_path(const struct zc_url *from, const char *arg, char *buf, size_t n)
{
	struct zc_url u;
	int len;
	if (url_is_remote(arg)) {
		if (url_parse(arg, &u) < 0 || !same_server(from, &u))
			return -EXDEV;
		len = snprintf(buf, n, "%s", u.path);
		url_wipe(&u);
	} else if (arg[0] == '/') {
		len = snprintf(buf, n, "%s", arg);
	} else {
		const char *slash = strrchr(from->path, '/');
		len = snprintf(buf, n, "%.*s%s", (int)(slash - from->path + 1), from->path, arg);
	}
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int cmd_mv(int argc, char **argv, const struct mirror_opts *o)
{
	struct zc_session s;
	char to[URL_PATH_MAX];
	if (argc != 2) {
		fprintf(stderr, "usage: zcftp mv URL NEWPATH\n");
		return ZC_EXIT_FATAL;
	}
	if (session_open(&s, argv[0], o) != 0)
		return ZC_EXIT_FATAL;
	int rc = new_path(&s.url, argv[1], to, sizeof to);
	if (rc == -EXDEV)
		fprintf(stderr, "zcftp: mv: NEWPATH must be on the same server\n");
	if (rc == 0) {
		/* RFC 959 4.1.3: RNFR answers 350, then RNTO does the work. */
		rc = ftp_cmd(&s.c, "RNFR %s", s.url.path);
		rc = rc == FTP_R_PENDING ? ftp_path_cmd(&s.c, "RNTO", to) : rc < 0 ? rc : -EREMOTEIO;
		if (rc < 0)
			session_error(&s, s.url.path, "mv", rc);
	}
	session_close(&s);
	return rc < 0 ? ZC_EXIT_FAILED : ZC_EXIT_OK;
}
