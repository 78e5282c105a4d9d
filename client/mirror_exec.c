/*
 * mirror_exec.c - carry out a plan: directories first (in path order, so
 * parents precede children), then files on the worker pool, then deletes
 * (already deepest-first in the plan).
 *
 * Downloads never show a partial file under its final name: they go to
 * ".zcftp-part.<name>" in the same directory (same filesystem, so the
 * rename is atomic), get their mtime, and are renamed on success. A
 * failed or killed transfer leaves only the temp file, which --continue
 * (and every in-run retry) resumes with REST.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mirror_int.h"
#include "sys.h"

#define SMALL_PIPE (64u << 10)	/* default pipe size: no F_SETPIPE_SZ cost */
#define BACKOFF_MS 250
#define BACKOFF_MAX_MS 8000

struct wprog {
	struct mrun *m;
	int w;
};

static void on_progress(uint64_t bytes, void *arg)
{
	struct wprog *p = arg;
	progress_update(&p->m->prog, p->w, bytes);
}

static void xopts(struct mrun *m, int w, uint64_t size, struct wprog *wp,
		  struct xfer_opts *o)
{
	xfer_opts_init(o);
	o->timeout_ms = m->o->timeout_ms;
	o->rate_limit = m->o->rate_limit;
	/* Small files: a default-sized pipe; big ones: the engine's 1 MiB. */
	o->pipe_size = size <= SMALL_PIPE ? (int)SMALL_PIPE : 0;
	wp->m = m;
	wp->w = w;
	o->progress = on_progress;
	o->progress_arg = wp;
}

/* "name" -> ".zcftp-part.name" (in the same directory). */
static int part_name(const char *name, char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s%s", MIRROR_PART_PREFIX, name);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

/* Open the temp file in dfd; *offset = bytes to keep when resuming. */
static int open_part(int dfd, const char *part, int resume, uint64_t size,
		     uint64_t *offset)
{
	*offset = 0;
	int fd = openat(dfd, part, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
			(resume ? 0 : O_TRUNC), 0644);
	if (fd < 0 || !resume)
		return fd < 0 ? -errno : fd;
	struct stat st;
	if (fstat(fd, &st) == 0 && (uint64_t)st.st_size <= size)
		*offset = (uint64_t)st.st_size;
	if (ftruncate(fd, (off_t)*offset) < 0 || lseek(fd, (off_t)*offset, SEEK_SET) < 0) {
		int e = -errno;
		sys_close(fd);
		return e;
	}
	return fd;
}

/* Set the mtime, close fd (always) and rename the temp file into place. */
static int finish_part(struct mrun *m, int dfd, int fd, const struct mentry *s,
		       const char *part, const char *name)
{
	if (!m->o->no_mtime && s->mtime != MENTRY_MTIME_UNKNOWN) {
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT },
					  { .tv_sec = s->mtime } };
		if (futimens(fd, ts) < 0) {
			int e = -errno;
			sys_close(fd);
			return e;
		}
	}
	if (close(fd) < 0)
		return -errno;
	return renameat(dfd, part, dfd, name) < 0 ? -errno : 0;
}

/*
 * Pipelining across files: right after this file's 226, the next file
 * of this worker is taken from the pool and its EPSV + RETR sent, so the
 * server opens it while we set the mtime, rename, and create the next
 * temp file. Not with --continue (REST needs the local size first).
 */
static void send_ahead(struct mrun *m, int w)
{
	char rpath[URL_PATH_MAX];
	size_t i;
	if (m->upload || m->o->cont || !m->items || !mrun_pool_reserve(m, w, &i))
		return;
	const struct mact *a = &m->plan.v[m->items[i]];
	if (a->kind == MACT_COPY && mrun_rpath(m, a->path, rpath, sizeof rpath) == 0)
		(void)ftp_retr_begin(&m->conn[w], rpath);
}

/* Download s into name in directory dfd (through the temp file). */
static int get_into(struct mrun *m, int w, const struct mentry *s, int dfd,
		    const char *name, int resume, uint64_t *moved)
{
	char part[4096], rpath[URL_PATH_MAX];
	struct ftpconn *c = &m->conn[w];
	int rc = part_name(name, part, sizeof part);
	if (rc == 0)
		rc = mrun_rpath(m, s->path, rpath, sizeof rpath);
	if (rc < 0)
		return rc;
	resume = resume && (c->feat & FEAT_REST);
	/* From offset 0 the RETR can go out before the file is created. */
	if (!resume && !c->ahead)
		(void)ftp_retr_begin(c, rpath);
	uint64_t off;
	int fd = open_part(dfd, part, resume, s->size, &off);
	if (fd < 0) {
		ftp_retr_cancel(c);
		return fd;
	}
	struct xfer_opts o;
	struct xfer_result r = { 0 };
	struct wprog wp;
	xopts(m, w, s->size - off, &wp, &o);
	if (off < s->size || s->size == 0)
		rc = ftp_retr_sized(c, rpath, off, s->size, fd, &o, &r);
	*moved = r.bytes;
	if (rc < 0) {
		sys_close(fd);
		return rc;
	}
	send_ahead(m, w);
	return finish_part(m, dfd, fd, s, part, name);
}

/* One download attempt. resume: keep what the temp file holds. */
static int get_once(struct mrun *m, int w, const struct mentry *s, int resume,
		    uint64_t *moved)
{
	const char *name;
	int dfd = mrun_lparent_cached(m, w, s->path, &name);
	return dfd < 0 ? dfd : get_into(m, w, s, dfd, name, resume, moved);
}

static int put_once(struct mrun *m, int w, const struct mentry *s, uint64_t *moved)
{
	char rpath[URL_PATH_MAX];
	struct ftpconn *c = &m->conn[w];
	int rc = mrun_rpath(m, s->path, rpath, sizeof rpath);
	if (rc < 0)
		return rc;
	int fd = m->o->follow_symlinks ?
		 openat(m->lroot, s->path, O_RDONLY | O_CLOEXEC) :
		 mrun_lopen(m, s->path, O_RDONLY);
	if (fd < 0)
		return m->o->follow_symlinks ? -errno : fd;
	struct xfer_opts o;
	struct xfer_result r = { 0 };
	struct wprog wp;
	xopts(m, w, s->size, &wp, &o);
	rc = ftp_stor(c, rpath, 0, fd, &o, &r);
	*moved = r.bytes;
	sys_close(fd);
	if (rc == 0 && !m->o->no_mtime && (c->feat & FEAT_MFMT))
		rc = ftp_mfmt(c, rpath, s->mtime, 1);
	return rc;
}

static int mtime_once(struct mrun *m, int w, const struct mentry *s)
{
	if (m->upload) {
		char rpath[URL_PATH_MAX];
		int rc = mrun_rpath(m, s->path, rpath, sizeof rpath);
		return rc < 0 ? rc : ftp_mfmt(&m->conn[w], rpath, s->mtime, 1);
	}
	const char *name;
	int dfd = mrun_lparent(m, s->path, &name);
	if (dfd < 0)
		return dfd;
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = s->mtime } };
	int rc = utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	sys_close(dfd);
	return rc;
}

/* Run one file action with reconnects and bounded, growing back-off.
 * 1: worker w was refused by a server limit, the item goes back. */
static int file_item(struct mrun *m, int w, size_t i)
{
	const struct mact *a = &m->plan.v[i];
	uint64_t moved = 0;
	int rc = 0;
	for (int attempt = 0; ; attempt++) {
		rc = mrun_conn(m, w);
		if (mrun_retire(m, w, rc)) {
			progress_update(&m->prog, w, 0);	/* no bytes in flight */
			return 1;
		}
		if (rc == 0 && a->kind == MACT_MTIME)
			rc = mtime_once(m, w, a->src);
		else if (rc == 0 && m->upload)
			rc = put_once(m, w, a->src, &moved);
		else if (rc == 0)
			rc = get_once(m, w, a->src, m->o->cont || attempt > 0, &moved);
		if (rc == 0 || attempt >= m->o->retries || !ftp_transient(&m->conn[w], rc))
			break;
		if (rc != -EREMOTEIO)
			ftp_close(&m->conn[w], 0);
		int ms = BACKOFF_MS << attempt;
		usleep((useconds_t)(ms > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : ms) * 1000u);
	}
	const char *verb = a->kind == MACT_MTIME ? "mtime" : m->upload ? "put" : "get";
	progress_file_done(&m->prog, w, verb, a->path, moved, rc == 0);
	if (rc < 0) {
		char msg[FTP_MSG_MAX + 64];
		mrun_fail(m, a->path, "%s: %s", verb, ftp_strerror(&m->conn[w], rc, msg, sizeof msg));
	}
	return 0;
}

/* Directories and deletes run in plan order on connection 0. */
static int local_dir_op(struct mrun *m, const struct mact *a)
{
	const char *name;
	int rc = 0, dfd = mrun_lparent(m, a->path, &name);
	if (dfd < 0)
		return a->kind == MACT_DELETE && dfd == -ENOENT ? 0 : dfd;
	if (a->kind == MACT_MKDIR && mkdirat(dfd, name, 0755) < 0 && errno != EEXIST)
		rc = -errno;
	if (a->kind == MACT_DELETE &&
	    unlinkat(dfd, name, a->dst->type == 'd' ? AT_REMOVEDIR : 0) < 0 &&
	    errno != ENOENT)
		rc = -errno;
	sys_close(dfd);
	return rc;
}

static int remote_dir_op(struct mrun *m, const struct mact *a)
{
	char rpath[URL_PATH_MAX];
	int rc = mrun_rpath(m, a->path, rpath, sizeof rpath);
	if (rc == 0)
		rc = mrun_conn(m, 0);
	if (rc < 0)
		return rc;
	const char *verb = a->kind == MACT_MKDIR ? "MKD" :
			   a->dst->type == 'd' ? "RMD" : "DELE";
	return ftp_path_cmd(&m->conn[0], verb, rpath);
}

static void serial_item(struct mrun *m, size_t i)
{
	const struct mact *a = &m->plan.v[i];
	int rc = m->upload ? remote_dir_op(m, a) : local_dir_op(m, a);
	if (rc < 0) {
		char msg[FTP_MSG_MAX + 64];
		mrun_fail(m, a->path, "%s: %s", mact_name(a->kind),
			  m->upload ? ftp_strerror(&m->conn[0], rc, msg, sizeof msg)
				    : strerror(-rc));
	} else if (m->o->verbose && !m->o->quiet) {
		progress_note(&m->prog, "%s %s", mact_name(a->kind), a->path);
	}
}

static int file_item_ix(struct mrun *m, int w, size_t i)
{
	return file_item(m, w, m->items[i]);
}

int mrun_under_conflict(const struct mrun *m, const char *path)
{
	char pre[4096];
	for (const char *sl = strchr(path, '/'); sl; sl = strchr(sl + 1, '/')) {
		size_t len = (size_t)(sl - path);
		if (len >= sizeof pre)
			return 1;
		memcpy(pre, path, len);
		pre[len] = '\0';
		const struct mentry *s = mlist_find(&m->src, pre);
		const struct mentry *d = mlist_find(&m->dst, pre);
		if (s && d && !(s->type == 'd' && d->type == 'd'))
			return 1;
	}
	return 0;
}

/* Actions below a conflict are skipped: the conflicting directory on
 * the destination may be a symlink leading anywhere. */
static int runnable(const struct mrun *m, const struct mact *a, enum mact_kind k)
{
	return a->kind == k && !mrun_under_conflict(m, a->path);
}

static int is_large(const struct mact *a)
{
	return a->kind == MACT_COPY && a->src->size != MENTRY_SIZE_UNKNOWN &&
	       a->src->size >= MIRROR_LARGE_FILE;
}

/* m->items: the file actions, large files first: one that started last
 * would run alone at the end while the other connections sit idle.
 * Returns how many. */
static size_t file_items(struct mrun *m)
{
	const struct mplan *p = &m->plan;
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < p->n; i++) {
			const struct mact *a = &p->v[i];
			if (is_large(a) != (pass == 0))
				continue;
			if (runnable(m, a, MACT_COPY) || runnable(m, a, MACT_MTIME))
				m->items[n++] = i;
			else if (pass == 1 && runnable(m, a, MACT_CONFLICT))
				mrun_fail(m, a->path, "a file on one side, a directory or link on the other");
		}
	}
	return n;
}

void exec_plan(struct mrun *m)
{
	const struct mplan *p = &m->plan;
	for (size_t i = 0; i < p->n; i++)
		if (runnable(m, &p->v[i], MACT_MKDIR))
			serial_item(m, i);
	m->items = calloc(p->n + 1, sizeof *m->items);
	if (!m->items) {
		mrun_fail(m, ".", "out of memory");
		return;
	}
	mrun_pool(m, file_items(m), file_item_ix);
	mrun_wdir_close_all(m);
	free(m->items);
	m->items = NULL;
	for (size_t i = 0; i < p->n; i++)
		if (runnable(m, &p->v[i], MACT_DELETE))
			serial_item(m, i);
	exec_dir_mtimes(m);
}
