/*
 * cmd_get.c - `zcftp get URL [LOCAL]`: one file, into a temp name in the
 * destination directory, renamed on success (like mirror), mtime kept,
 * --continue resumes the temp file with REST.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "progress.h"
#include "sys.h"

static const char *base_of(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

/* LOCAL, or LOCAL/basename when LOCAL is a directory, or ./basename. */
static int local_target(const char *remote, const char *local, char *buf, size_t n)
{
	const char *base = base_of(remote);
	struct stat st;
	int len;
	if (!base[0] || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EISDIR;
	if (!local)
		len = snprintf(buf, n, "%s", base);
	else if (stat(local, &st) == 0 && S_ISDIR(st.st_mode))
		len = snprintf(buf, n, "%s/%s", local, base);
	else
		len = snprintf(buf, n, "%s", local);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

#define SIZE_IS_DIR (FTP_SIZE_UNKNOWN - 1)

/* "213 1234": the size, FTP_SIZE_UNKNOWN when it is not a number. */
static uint64_t parse_size(const char *t)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(t, &end, 10);
	if (end == t || errno || v >= SIZE_IS_DIR || (*end && *end != ' ' && *end != '\n'))
		return FTP_SIZE_UNKNOWN;
	return (uint64_t)v;
}

/* Size and mtime: MLST when offered, else (or for a fact MLST left out)
 * SIZE and MDTM; FTP_SIZE_UNKNOWN / FTP_MTIME_UNKNOWN when unknown, and
 * an unknown size always means a full RETR. */
static void remote_info(struct zc_session *s, uint64_t *size, time_t *mtime)
{
	struct listing_entry e;
	char name[4096];
	*size = FTP_SIZE_UNKNOWN;
	*mtime = FTP_MTIME_UNKNOWN;
	if (ftp_stat(&s->c, s->url.path, &e, name, sizeof name) == 0) {
		if (e.type == 'd') {
			*size = SIZE_IS_DIR;
			return;
		}
		*size = e.size;
		*mtime = e.mtime;
	}
	if (*size == FTP_SIZE_UNKNOWN &&
	    ftp_cmd(&s->c, "SIZE %s", s->url.path) == FTP_R_FILE_STATUS)
		*size = parse_size(ftp_text(&s->c));
	if (*mtime == FTP_MTIME_UNKNOWN &&
	    ftp_cmd(&s->c, "MDTM %s", s->url.path) == FTP_R_FILE_STATUS &&
	    listing_parse_time(ftp_text(&s->c), mtime) < 0)
		*mtime = FTP_MTIME_UNKNOWN;
}

static void on_progress(uint64_t bytes, void *arg)
{
	progress_update(arg, 0, bytes);
}

static int fetch(struct zc_session *s, const char *target, const struct mirror_opts *o)
{
	char part[4096], dirbuf[4096];
	uint64_t size, off = 0;
	time_t mtime;
	remote_info(s, &size, &mtime);
	if (size == SIZE_IS_DIR)
		return -EISDIR;
	zc_strlcpy(dirbuf, target, sizeof dirbuf);
	int len = snprintf(part, sizeof part, "%s/%s%s", dirname(dirbuf),
			   MIRROR_PART_PREFIX, base_of(target));
	if (len < 0 || (size_t)len >= sizeof part)
		return -ENAMETOOLONG;
	int fd = open(part, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	struct stat st;
	if (fd < 0)
		return -errno;
	if (o->cont && fstat(fd, &st) == 0 && (uint64_t)st.st_size <= size)
		off = (uint64_t)st.st_size;
	if (ftruncate(fd, (off_t)off) < 0 || lseek(fd, (off_t)off, SEEK_SET) < 0) {
		sys_close(fd);
		return -errno;
	}
	struct progress prog;
	progress_init(&prog, o->quiet ? PROG_QUIET : PROG_TTY, o->verbose, stdout);
	progress_set_total(&prog, 1, size == FTP_SIZE_UNKNOWN ? 0 : size - off);
	struct xfer_opts xo;
	struct xfer_result r = { 0 };
	xfer_opts_init(&xo);
	xo.timeout_ms = o->timeout_ms;
	xo.rate_limit = o->rate_limit;
	xo.progress = on_progress;
	xo.progress_arg = &prog;
	int rc = off == size ? 0 : ftp_retr_sized(&s->c, s->url.path, off, size, fd, &xo, &r);
	progress_file_done(&prog, 0, "get", target, rc == 0 ? r.bytes : 0, rc == 0);
	progress_finish(&prog);
	progress_destroy(&prog);
	if (rc == 0 && mtime != FTP_MTIME_UNKNOWN && !o->no_mtime) {
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = mtime } };
		if (futimens(fd, ts) < 0)
			rc = -errno;
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(part, target) < 0)
		rc = -errno;
	return rc;
}

int cmd_get(int argc, char **argv, const struct mirror_opts *o)
{
	struct zc_session s;
	char target[4096];
	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: zcftp get URL [LOCAL]\n");
		return ZC_EXIT_FATAL;
	}
	if (session_open(&s, argv[0], o) != 0)
		return ZC_EXIT_FATAL;
	int rc = local_target(s.url.path, argc == 2 ? argv[1] : NULL, target, sizeof target);
	if (rc == 0)
		rc = fetch(&s, target, o);
	if (rc == -EISDIR)
		fprintf(stderr, "zcftp: %s is a directory (use zcftp mirror)\n", s.url.path);
	else if (rc < 0)
		session_error(&s, s.url.path, "get", rc);
	session_close(&s);
	return rc < 0 ? ZC_EXIT_FAILED : ZC_EXIT_OK;
}
