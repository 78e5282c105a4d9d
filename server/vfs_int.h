/*
 * vfs_int.h - helpers shared by vfs.c, vfs_open.c and vfs_ops.c.
 * Not for use outside the vfs module.
 */
#ifndef ZC_VFS_INT_H
#define ZC_VFS_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "vfs.h"

#ifdef HAVE_LINUX_OPENAT2_H
#include <linux/openat2.h>
#else
/* Kernel ABI (include/uapi/linux/openat2.h) for headers older than 5.6. */
struct open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define RESOLVE_NO_MAGICLINKS	0x02
#define RESOLVE_BENEATH		0x08
#define RESOLVE_IN_ROOT		0x10
#endif

/* The resolution every client path gets: "/" and ".." clamp at the root,
 * /proc-style magic links are refused. */
#define VFS_RESOLVE_ROOT (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)

/* openat2(dirfd, path, flags|O_CLOEXEC, mode, resolve), retrying EINTR and
 * the EAGAIN the kernel returns when a rename races a ".." lookup.
 * Returns fd or -errno (-ENOSYS without openat2). */
int vfs_openat2(int dirfd, const char *path, int flags, mode_t mode,
		unsigned long long resolve);

/* Normalise arg against v->cwd into vp (VFS_PATH_MAX bytes). */
int vfs_resolve(const struct vfs *v, const char *arg, char *vp);
/* Open the absolute virtual path vp inside the root (flags as openat2). */
int vfs_open_vpath(const struct vfs *v, const char *vp, int flags, mode_t mode);

/* A name operation's target: its parent directory opened O_PATH inside
 * the root and the last component (points into vpath; never "", "." or
 * ".."). */
struct vfs_name {
	int dirfd;
	char vpath[VFS_PATH_MAX];
	const char *name;
};

/* Resolve arg and open its parent. Returns 0, -EINVAL (empty arg), -EBUSY
 * (arg is the root itself) or -errno. On success release with
 * vfs_name_close. */
int vfs_parent(const struct vfs *v, const char *arg, struct vfs_name *pn);
void vfs_name_close(struct vfs_name *pn);

/* -EACCES unless v may modify the filesystem. */
int vfs_may_write(const struct vfs *v);
/* 0 if existing names may be changed (not create_only), else -EACCES. */
int vfs_may_modify(const struct vfs *v);
/* Temp-file helpers for atomic uploads: only vfs_may_write is required,
 * and a create-only commit never replaces an existing file. */
int vfs_unlink_temp(const struct vfs *v, const char *vpath);
int vfs_rename_temp(const struct vfs *v, const char *from, const char *to);
/* -EINVAL if a name about to be created contains '\n'. */
int vfs_check_new_name(const char *name);

#endif
