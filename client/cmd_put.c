/*
 * cmd_put.c - `zcftp put LOCAL URL`: STOR through sendfile, then MFMT so
 * the remote copy keeps the local mtime. A URL ending in '/' or naming a
 * remote directory receives LOCAL's basename.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "progress.h"
#include "sys.h"

static int remote_is_dir(struct zc_session *s, const char *path)
{
	struct listing_entry e;
	char name[4096];
	size_t len = strlen(path);
	if (len > 0 && path[len - 1] == '/')
		return 1;
	return ftp_stat(&s->c, path, &e, name, sizeof name) == 0 && e.type == 'd';
}

static int remote_target(struct zc_session *s, const char *local, char *buf, size_t n)
{
	const char *base = strrchr(local, '/');
	base = base ? base + 1 : local;
	const char *p = s->url.path;
	int len = remote_is_dir(s, p)
		? snprintf(buf, n, "%s%s%s", p, p[strlen(p) - 1] == '/' ? "" : "/", base)
		: snprintf(buf, n, "%s", p);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

static void on_progress(uint64_t bytes, void *arg)
{
	progress_update(arg, 0, bytes);
}

static int send_file(struct zc_session *s, int fd, const struct stat *st,
		     const char *target, const struct mirror_opts *o)
{
	struct progress prog;
	struct xfer_opts xo;
	struct xfer_result r;
	progress_init(&prog, o->quiet ? PROG_QUIET : PROG_TTY, o->verbose, stdout);
	progress_set_total(&prog, 1, (uint64_t)st->st_size);
	xfer_opts_init(&xo);
	xo.timeout_ms = o->timeout_ms;
	xo.rate_limit = o->rate_limit;
	xo.progress = on_progress;
	xo.progress_arg = &prog;
	int rc = ftp_stor(&s->c, target, 0, fd, &xo, &r);
	progress_file_done(&prog, 0, "put", target, rc == 0 ? r.bytes : 0, rc == 0);
	progress_finish(&prog);
	progress_destroy(&prog);
	if (rc == 0 && !o->no_mtime && (s->c.feat & FEAT_MFMT) &&
	    ftp_mfmt(&s->c, target, st->st_mtim.tv_sec, 0) < 0)
		fprintf(stderr, "zcftp: %s: could not set the mtime: %s\n", target, s->c.msg);
	return rc;
}

int cmd_put(int argc, char **argv, const struct mirror_opts *o)
{
	struct zc_session s;
	char target[URL_PATH_MAX];
	if (argc != 2) {
		fprintf(stderr, "usage: zcftp put LOCAL URL\n");
		return ZC_EXIT_FATAL;
	}
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "zcftp: %s: %s\n", argv[0], fd < 0 ? strerror(errno) : "not a regular file");
		sys_close(fd);
		return ZC_EXIT_FAILED;
	}
	if (session_open(&s, argv[1], o) != 0) {
		sys_close(fd);
		return ZC_EXIT_FATAL;
	}
	int rc = remote_target(&s, argv[0], target, sizeof target);
	if (rc == 0)
		rc = send_file(&s, fd, &st, target, o);
	if (rc < 0)
		session_error(&s, target, "put", rc);
	sys_close(fd);
	session_close(&s);
	return rc < 0 ? ZC_EXIT_FAILED : ZC_EXIT_OK;
}
