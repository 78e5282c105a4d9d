/*
 * vfs.c - root fd, path resolution, stat, chdir and directory listing.
 * Opening files for transfer lives in vfs_open.c, name operations in
 * vfs_ops.c.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <syslog.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "buf.h"
#include "sys.h"
#include "vpath.h"
#include "namelist.h"
#include "vfs_int.h"

/* RESOLVE_IN_ROOT returns EAGAIN when a concurrent rename could have let
 * ".." escape; the kernel's advice is to retry. Bounded. */
#define VFS_OPEN_RETRIES 16

int vfs_openat2(int dirfd, const char *path, int flags, mode_t mode,
		unsigned long long resolve)
{
#if HAVE_DECL_SYS_OPENAT2
	/* openat2 rejects a mode without O_CREAT (unlike openat). */
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = resolve,
	};

	for (int i = 0; i < VFS_OPEN_RETRIES; i++) {
		long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
		if (fd >= 0)
			return (int)fd;
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
	}
	return -EAGAIN;
#else
	(void)dirfd; (void)path; (void)flags; (void)mode; (void)resolve;
	return -ENOSYS;
#endif
}

int vfs_supported(void)
{
	int fd = vfs_openat2(AT_FDCWD, "/", O_PATH | O_DIRECTORY, 0, 0);

	if (fd == -ENOSYS)
		return fd;
	sys_close(fd);
	return 0;
}

int vfs_resolve(const struct vfs *v, const char *arg, char *vp)
{
	int r = vpath_resolve(v->cwd, arg ? arg : "", vp, VFS_PATH_MAX);
	/* Denied names are refused here, on the one road every path takes. */
	if (r == 0 && namelist_match_path(v->deny, vp))
		return -EACCES;
	return r;
}

int vfs_open_vpath(const struct vfs *v, const char *vp, int flags, mode_t mode)
{
	/* vp is absolute and normalised; hand the kernel a relative path so
	 * resolution visibly starts at rootfd. */
	const char *rel = vp[1] ? vp + 1 : ".";

	return vfs_openat2(v->rootfd, rel, flags, mode, VFS_RESOLVE_ROOT);
}

int vfs_parent(const struct vfs *v, const char *arg, struct vfs_name *pn)
{
	char dir[VFS_PATH_MAX];
	int r;

	pn->dirfd = -1;
	if (!arg || !*arg)
		return -EINVAL;
	r = vfs_resolve(v, arg, pn->vpath);
	if (r < 0)
		return r;
	if (strcmp(pn->vpath, "/") == 0)
		return -EBUSY;
	r = vpath_dirname(pn->vpath, dir, sizeof dir);
	if (r < 0)
		return r;
	r = vfs_open_vpath(v, dir, O_PATH | O_DIRECTORY, 0);
	if (r < 0)
		return r;
	pn->dirfd = r;
	pn->name = vpath_basename(pn->vpath);
	return 0;
}

void vfs_name_close(struct vfs_name *pn)
{
	sys_close(pn->dirfd);
	pn->dirfd = -1;
}

int vfs_may_write(const struct vfs *v)
{
	return v->writable ? 0 : -EACCES;
}

int vfs_may_modify(const struct vfs *v)
{
	return v->writable && !v->create_only ? 0 : -EACCES;
}

int vfs_check_new_name(const char *name)
{
	return strchr(name, '\n') ? -EINVAL : 0;
}

int vfs_init_fd(struct vfs *v, int rootfd, int writable, mode_t umask)
{
	struct stat st;
	int fd = 0;

	v->rootfd = -1;
	if (rootfd < 0)
		return -EBADF;
	if (fstat(rootfd, &st) < 0)
		fd = -errno;
	else if (!S_ISDIR(st.st_mode))
		fd = -ENOTDIR;
	if (fd < 0) {
		sys_close(rootfd);
		return fd;
	}
	/* Reopening through openat2 both probes the syscall and gives us an
	 * O_PATH|O_CLOEXEC fd whatever the caller passed. */
	fd = vfs_openat2(rootfd, ".", O_PATH | O_DIRECTORY, 0, VFS_RESOLVE_ROOT);
	sys_close(rootfd);
	if (fd == -ENOSYS)
		syslog(LOG_ERR, "vfs: openat2() is not available (Linux >= 5.6 "
		       "required); refusing to serve files without it");
	if (fd < 0)
		return fd;
	v->rootfd = fd;
	zc_strlcpy(v->cwd, "/", sizeof v->cwd);
	v->writable = writable;
	v->can_mkdir = 0;
	v->create_only = 0;
	v->deny = NULL;
	v->umask = umask & 0777;
	return 0;
}

int vfs_init(struct vfs *v, const char *rootdir, int writable, mode_t umask)
{
	int fd = open(rootdir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	v->rootfd = -1;
	if (fd < 0)
		return -errno;
	return vfs_init_fd(v, fd, writable, umask);
}

void vfs_close(struct vfs *v)
{
	sys_close(v->rootfd);
	v->rootfd = -1;
}

int vfs_abspath(const struct vfs *v, const char *arg, char *out, size_t n)
{
	return vpath_resolve(v->cwd, arg ? arg : "", out, n);
}

int vfs_chdir(struct vfs *v, const char *arg)
{
	char vp[VFS_PATH_MAX];
	int fd, r = vfs_resolve(v, arg, vp);

	if (r < 0)
		return r;
	fd = vfs_open_vpath(v, vp, O_PATH | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	/* An O_PATH open needs no permission on the directory itself. */
	r = faccessat(fd, ".", X_OK, AT_EACCESS) < 0 ? -errno : 0;
	sys_close(fd);
	if (r == 0)
		r = zc_strlcpy(v->cwd, vp, sizeof v->cwd);
	return r;
}

/* fstat of the O_PATH fd of vp (extra open flags: O_NOFOLLOW). */
static int vfs_stat_vpath(const struct vfs *v, const char *vp, int flags,
			  struct stat *st)
{
	int r, fd = vfs_open_vpath(v, vp, O_PATH | flags, 0);

	if (fd < 0)
		return fd;
	r = fstat(fd, st) < 0 ? -errno : 0;
	sys_close(fd);
	return r;
}

static int vfs_stat_flags(const struct vfs *v, const char *arg, int flags,
			  struct stat *st)
{
	char vp[VFS_PATH_MAX];
	int r = vfs_resolve(v, arg, vp);

	return r < 0 ? r : vfs_stat_vpath(v, vp, flags, st);
}

int vfs_stat(const struct vfs *v, const char *arg, struct stat *st)
{
	return vfs_stat_flags(v, arg, 0, st);
}

int vfs_lstat(const struct vfs *v, const char *arg, struct stat *st)
{
	return vfs_stat_flags(v, arg, O_NOFOLLOW, st);
}

int vfs_stat_entry(const struct vfs *v, const char *dir_arg, const char *name,
		   struct stat *st)
{
	char dir[VFS_PATH_MAX], vp[VFS_PATH_MAX];
	int r = vfs_resolve(v, dir_arg, dir);

	if (r < 0)
		return r;
	r = vpath_resolve(dir, name, vp, sizeof vp);
	if (r == 0 && namelist_match_path(v->deny, vp))
		r = -EACCES;
	return r < 0 ? r : vfs_stat_vpath(v, vp, 0, st);
}

int vfs_opendir(const struct vfs *v, const char *arg, DIR **out)
{
	char vp[VFS_PATH_MAX];
	int fd, r = vfs_resolve(v, arg, vp);

	*out = NULL;
	if (r < 0)
		return r;
	fd = vfs_open_vpath(v, vp, O_RDONLY | O_DIRECTORY, 0);
	if (fd < 0)
		return fd;
	*out = fdopendir(fd);
	if (!*out) {
		r = -errno;
		sys_close(fd);
	}
	return r;
}

int vfs_dir_stat(DIR *d, const char *name, struct stat *st, int follow)
{
	int fd, r, dfd = dirfd(d);

	if (dfd < 0)
		return -errno;
	/* Fast path for a plain entry. ".." of the listed directory may be
	 * outside the root, so it goes through RESOLVE_BENEATH (-EXDEV). */
	if (!follow && !strchr(name, '/') && strcmp(name, "..") != 0)
		return fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0 ? -errno : 0;
	fd = vfs_openat2(dfd, name, O_PATH | (follow ? 0 : O_NOFOLLOW), 0,
			 RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	if (fd < 0)
		return fd;
	r = fstat(fd, st) < 0 ? -errno : 0;
	sys_close(fd);
	return r;
}
