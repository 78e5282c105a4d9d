/*
 * vfs_ops.c - operations on names: MKD, RMD, DELE, RNFR/RNTO, MFMT and
 * SITE CHMOD. Each resolves the parent inside the root and acts on the
 * last component with an *at() call that does not follow it, or works on
 * an fd opened inside the root.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "sys.h"
#include "vfs_int.h"

/* fchmodat2 (Linux 6.6) is the only chmod that takes an O_PATH fd
 * (AT_EMPTY_PATH). glibc 2.36 has no number for it; 452 is the same on
 * every architecture of the unified syscall table except alpha. */
#if !defined(SYS_fchmodat2) && !defined(__alpha__)
#define SYS_fchmodat2 452
#endif

int vfs_mkdir(const struct vfs *v, const char *arg)
{
	struct vfs_name pn;
	int r = 0;

	if (vfs_may_modify(v) < 0 && !v->can_mkdir)
		return -EACCES;
	r = vfs_parent(v, arg, &pn);
	if (r == -EBUSY)
		return -EEXIST;	/* "/" */
	if (r < 0)
		return r;
	r = vfs_check_new_name(pn.name);
	if (r == 0 && mkdirat(pn.dirfd, pn.name, 0777 & ~v->umask) < 0)
		r = -errno;
	vfs_name_close(&pn);
	return r;
}

static int vfs_unlink_flags(const struct vfs *v, const char *arg, int flags, int r)
{
	struct vfs_name pn;

	if (r == 0)
		r = vfs_parent(v, arg, &pn);
	if (r < 0)
		return r;
	if (unlinkat(pn.dirfd, pn.name, flags) < 0)
		r = -errno;
	vfs_name_close(&pn);
	return r;
}

int vfs_rmdir(const struct vfs *v, const char *arg)
{
	return vfs_unlink_flags(v, arg, AT_REMOVEDIR, vfs_may_modify(v));
}

int vfs_unlink(const struct vfs *v, const char *arg)
{
	return vfs_unlink_flags(v, arg, 0, vfs_may_modify(v));
}

int vfs_unlink_temp(const struct vfs *v, const char *vpath)
{
	return vfs_unlink_flags(v, vpath, 0, vfs_may_write(v));
}

static int vfs_rename_flags(const struct vfs *v, const char *from, const char *to,
			    unsigned int flags, int r)
{
	struct vfs_name a, b;

	if (r == 0)
		r = vfs_parent(v, from, &a);
	if (r < 0)
		return r;
	r = vfs_parent(v, to, &b);
	if (r == 0) {
		r = vfs_check_new_name(b.name);
		if (r == 0 && renameat2(a.dirfd, a.name, b.dirfd, b.name, flags) < 0)
			r = -errno;
		vfs_name_close(&b);
	}
	vfs_name_close(&a);
	return r;
}

int vfs_rename(const struct vfs *v, const char *from, const char *to)
{
	return vfs_rename_flags(v, from, to, 0, vfs_may_modify(v));
}

int vfs_rename_temp(const struct vfs *v, const char *from, const char *to)
{
	return vfs_rename_flags(v, from, to, v->create_only ? RENAME_NOREPLACE : 0,
				vfs_may_write(v));
}

/* Open arg inside the root as O_PATH (plus flags) after the write check. */
static int vfs_open_target(const struct vfs *v, const char *arg, int flags,
			   char *vp)
{
	int r = vfs_may_modify(v);

	if (r == 0)
		r = vfs_resolve(v, arg, vp);
	return r < 0 ? r : vfs_open_vpath(v, vp, O_PATH | flags, 0);
}

int vfs_set_mtime(const struct vfs *v, const char *arg, time_t mtime)
{
	char vp[VFS_PATH_MAX];
	struct timespec ts[2] = {
		{ .tv_sec = 0, .tv_nsec = UTIME_OMIT },
		{ .tv_sec = mtime, .tv_nsec = 0 },
	};
	int r, fd = vfs_open_target(v, arg, 0, vp);

	if (fd < 0)
		return fd;
	/* AT_EMPTY_PATH (Linux 5.8) acts on the O_PATH fd itself, so the
	 * name cannot be swapped for a symlink between lookup and update. */
	r = utimensat(fd, "", ts, AT_EMPTY_PATH) < 0 ? -errno : 0;
	sys_close(fd);
	return r;
}

/* Without fchmodat2: fchmod needs a real fd. Only regular files and
 * directories are opened (no device side effects), and only if the name
 * still refers to the inode we checked. */
static int vfs_chmod_fallback(const struct vfs *v, const char *vp,
			      const struct stat *want, mode_t mode)
{
	struct stat st;
	int fd, r;

	if (!S_ISREG(want->st_mode) && !S_ISDIR(want->st_mode))
		return -EPERM;
	fd = vfs_open_vpath(v, vp, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (st.st_dev != want->st_dev || st.st_ino != want->st_ino)
		r = -EAGAIN;
	else
		r = fchmod(fd, mode) < 0 ? -errno : 0;
	sys_close(fd);
	return r;
}

static int vfs_fchmod_opath(int fd, mode_t mode)
{
#ifdef SYS_fchmodat2
	if (syscall(SYS_fchmodat2, fd, "", mode, AT_EMPTY_PATH) == 0)
		return 0;
	return -errno;
#else
	(void)fd; (void)mode;
	return -ENOSYS;
#endif
}

int vfs_chmod(const struct vfs *v, const char *arg, mode_t mode)
{
	char vp[VFS_PATH_MAX];
	struct stat st;
	int r, fd = vfs_open_target(v, arg, O_NOFOLLOW, vp);

	if (fd < 0)
		return fd;
	mode &= 07777;
	memset(&st, 0, sizeof st);
	if (fstat(fd, &st) < 0)
		r = -errno;
	else if (S_ISLNK(st.st_mode))
		r = -EPERM;
	else
		r = vfs_fchmod_opath(fd, mode);
	sys_close(fd);
	/* Old kernel, or a seccomp filter that answers EPERM for syscalls it
	 * does not know: take the fd path; a genuine EPERM recurs there. */
	if (r == -ENOSYS || (r == -EPERM && !S_ISLNK(st.st_mode))) {
		int r2 = vfs_chmod_fallback(v, vp, &st, mode);
		if (r == -ENOSYS || r2 == 0)
			r = r2;
	}
	return r;
}
