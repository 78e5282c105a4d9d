/*
 * mirror_dirs.c - directory mtimes after a run. Creating, replacing or
 * removing a file changes its directory's mtime, so directories get the
 * source's mtime only after all their files are done (and deletes ran):
 * locally with utimensat, remotely with MFMT (deferred, pipelined on
 * connection 0). A directory is touched only when it differs or
 * something happened inside it, so a no-change run sends nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "mirror_int.h"
#include "sys.h"

/* Local side: compare with what is there now (cheap: one fstatat). */
static void local_dir_mtime(struct mrun *m, const struct mentry *d)
{
	struct stat st;
	const char *name;
	int dfd = mrun_lparent(m, d->path, &name);
	if (dfd < 0)
		return;	/* not created (failure reported), or not ours to touch */
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISDIR(st.st_mode) && st.st_mtim.tv_sec != d->mtime) {
		struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, { .tv_sec = d->mtime } };
		if (utimensat(dfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
			mrun_fail(m, d->path, "mtime: %s", strerror(errno));
	}
	sys_close(dfd);
}

/* Remote side: the directory of every action changed on the server. */
static int dir_changed(const struct mrun *m, const char *dir, size_t len)
{
	for (size_t i = 0; i < m->plan.n; i++) {
		const struct mact *a = &m->plan.v[i];
		const char *slash = strrchr(a->path, '/');
		size_t plen = slash ? (size_t)(slash - a->path) : 0;
		if (a->kind != MACT_MTIME && a->kind != MACT_CONFLICT &&
		    plen == len && memcmp(a->path, dir, len) == 0)
			return 1;
	}
	return 0;
}

static void remote_dir_mtime(struct mrun *m, const struct mentry *d)
{
	const struct mentry *r = mlist_find(&m->dst, d->path);
	char rpath[URL_PATH_MAX];
	if (r && r->type != 'd')
		return;
	if (r && r->mtime == d->mtime && !dir_changed(m, d->path, strlen(d->path)))
		return;
	int rc = mrun_rpath(m, d->path, rpath, sizeof rpath);
	if (rc == 0)
		rc = mrun_conn(m, 0);
	if (rc == 0)
		rc = ftp_mfmt(&m->conn[0], rpath, d->mtime, 1);
	if (rc < 0) {
		char msg[FTP_MSG_MAX + 64];
		mrun_fail(m, d->path, "mtime: %s", ftp_strerror(&m->conn[0], rc, msg, sizeof msg));
	}
}

void exec_dir_mtimes(struct mrun *m)
{
	if (m->o->no_mtime || (m->upload && !(m->conn[0].feat & FEAT_MFMT)))
		return;
	for (size_t i = 0; i < m->src.n; i++) {
		const struct mentry *d = &m->src.v[i];
		if (d->type != 'd' || d->mtime == MENTRY_MTIME_UNKNOWN ||
		    mrun_under_conflict(m, d->path))
			continue;
		if (m->upload)
			remote_dir_mtime(m, d);
		else
			local_dir_mtime(m, d);
	}
}
