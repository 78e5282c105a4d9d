/*
 * vfs_open.c - opening files for transfers: RETR, STOR/APPE/REST, STOU
 * and the hidden temporary files of atomic uploads.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "buf.h"
#include "sys.h"
#include "vpath.h"
#include "vfs_int.h"

#define VFS_NAME_MAX 256	/* NAME_MAX + 1 */

/* Only regular files are transferred: a FIFO would stall the session, a
 * device is never something a user should read or write through FTP. */
static int vfs_type_err(mode_t mode)
{
	if (S_ISREG(mode))
		return 0;
	return S_ISDIR(mode) ? -EISDIR : -EPERM;
}

/* Refuse a non-regular vp before opening it for real, so opening has no
 * side effect on it (device open, FIFO peer wake-up). A missing file is
 * -ENOENT. */
static int vfs_probe_regular(const struct vfs *v, const char *vp)
{
	struct stat st;
	int r, fd = vfs_open_vpath(v, vp, O_PATH, 0);

	if (fd < 0)
		return fd;
	r = fstat(fd, &st) < 0 ? -errno : vfs_type_err(st.st_mode);
	sys_close(fd);
	return r;
}

/* After an O_NONBLOCK open: check the type again (the name may have been
 * swapped since the probe) and make the fd blocking for the engine.
 * keep_nonblock: reads of a regular file ignore O_NONBLOCK, so readers
 * save the two fcntl calls. */
static int vfs_finish_open(int fd, struct stat *st, int keep_nonblock)
{
	struct stat tmp;
	int r;

	if (fd < 0)
		return fd;
	if (!st)
		st = &tmp;
	r = fstat(fd, st) < 0 ? -errno : vfs_type_err(st->st_mode);
	if (r == 0 && !keep_nonblock)
		r = sys_set_nonblock(fd, 0);
	if (r < 0) {
		sys_close(fd);
		return r;
	}
	return fd;
}

int vfs_open_read(const struct vfs *v, const char *arg, struct stat *st)
{
	char vp[VFS_PATH_MAX];
	int r = vfs_resolve(v, arg, vp);

	if (r == 0)
		r = vfs_probe_regular(v, vp);
	if (r < 0)
		return r;
	r = vfs_open_vpath(v, vp, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
	return vfs_finish_open(r, st, 1);
}

static const int vfs_wflags[] = {
	[VFS_W_TRUNC] = O_TRUNC,
	[VFS_W_APPEND] = O_APPEND,
	[VFS_W_RESUME] = 0,
	[VFS_W_EXCL] = O_EXCL,
};

int vfs_open_write(const struct vfs *v, const char *arg, enum vfs_wmode mode)
{
	char vp[VFS_PATH_MAX];
	int r;

	if ((unsigned)mode >= sizeof vfs_wflags / sizeof vfs_wflags[0])
		return -EINVAL;
	/* Create-only users may add files, never change existing ones. */
	if (v->create_only && mode != VFS_W_TRUNC && mode != VFS_W_EXCL)
		return -EACCES;
	if (v->create_only)
		mode = VFS_W_EXCL;
	r = vfs_may_write(v);
	if (r == 0)
		r = vfs_resolve(v, arg, vp);
	if (r < 0)
		return r;
	if (strcmp(vp, "/") == 0)
		return -EISDIR;
	r = vfs_check_new_name(vpath_basename(vp));
	if (r == 0 && mode != VFS_W_EXCL)
		r = vfs_probe_regular(v, vp);
	if (r < 0 && r != -ENOENT)
		return r;
	/* O_NONBLOCK: a FIFO without reader fails (ENXIO) instead of blocking. */
	r = vfs_open_vpath(v, vp, O_WRONLY | O_CREAT | O_NOCTTY | O_NONBLOCK |
			   vfs_wflags[mode], 0666 & ~v->umask);
	return vfs_finish_open(r, NULL, 0);
}

/* Create name (one component) in the directory dfd whose virtual path is
 * dir; out receives the new virtual path. O_EXCL never follows a symlink,
 * so a plain openat on the confined dfd is safe. */
static int vfs_create_excl(const struct vfs *v, int dfd, const char *dir,
			   const char *name, char *out, size_t n)
{
	int fd, r = vfs_check_new_name(name);

	if (r == 0)
		r = vpath_resolve(dir, name, out, n);
	if (r < 0)
		return r;
	fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY,
		    0666 & ~v->umask);
	return fd < 0 ? -errno : fd;
}

/* Directory and base name for STOU: arg's, or cwd and "stou". */
static int vfs_unique_split(const struct vfs *v, const char *arg, char *dir,
			    char *base)
{
	char vp[VFS_PATH_MAX];
	int r = vfs_resolve(v, arg, vp);

	if (r < 0)
		return r;
	if (!arg || !*arg || strcmp(vp, "/") == 0) {
		zc_strlcpy(base, "stou", VFS_NAME_MAX);
		return zc_strlcpy(dir, vp, VFS_PATH_MAX);
	}
	if (zc_strlcpy(base, vpath_basename(vp), VFS_NAME_MAX) < 0)
		return -ENAMETOOLONG;
	return vpath_dirname(vp, dir, VFS_PATH_MAX);
}

int vfs_open_unique(const struct vfs *v, const char *arg, char *name_out, size_t n)
{
	char dir[VFS_PATH_MAX], base[VFS_NAME_MAX], cand[VFS_NAME_MAX + 8];
	int dfd, fd, r = vfs_may_write(v);

	if (r == 0)
		r = vfs_unique_split(v, arg, dir, base);
	if (r < 0)
		return r;
	dfd = vfs_open_vpath(v, dir, O_PATH | O_DIRECTORY, 0);
	if (dfd < 0)
		return dfd;
	fd = vfs_create_excl(v, dfd, dir, base, name_out, n);
	for (int i = 1; fd == -EEXIST && i <= VFS_UNIQUE_TRIES; i++) {
		snprintf(cand, sizeof cand, "%s.%d", base, i);
		fd = vfs_create_excl(v, dfd, dir, cand, name_out, n);
	}
	sys_close(dfd);
	return fd;
}

/* Fill s with len random alphanumerics. Uniqueness comes from O_EXCL, so a
 * weak fallback (no entropy yet) only costs retries, never safety. */
/* The temp-file calls act only on names vfs_open_partial could have made. */
static int vfs_check_temp(const struct vfs *v, const char *tmp_vpath)
{
	char vp[VFS_PATH_MAX];
	int r = vfs_resolve(v, tmp_vpath, vp);

	if (r < 0)
		return r;
	if (strncmp(vpath_basename(vp), VFS_TEMP_PREFIX, sizeof VFS_TEMP_PREFIX - 1))
		return -EINVAL;
	return 0;
}

int vfs_commit_temp(const struct vfs *v, const char *tmp_vpath, const char *arg)
{
	int r = vfs_check_temp(v, tmp_vpath);

	return r < 0 ? r : vfs_rename_temp(v, tmp_vpath, arg);
}

int vfs_abort_temp(const struct vfs *v, const char *tmp_vpath)
{
	int r = vfs_check_temp(v, tmp_vpath);

	return r < 0 ? r : vfs_unlink_temp(v, tmp_vpath);
}
