/* vfs_partial.c - resumable atomic uploads (see vfs.h, vfs_open_partial). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sys.h"
#include "vfs.h"
#include "vfs_int.h"
#include "vpath.h"

/* ".zcftpd-up.NAME" beside NAME: a fixed name, so a later REST finds it. */
static int partial_vpath(const struct vfs *v, const char *arg, char *out, size_t n)
{
	char vp[VFS_PATH_MAX], dir[VFS_PATH_MAX];
	int r = vfs_resolve(v, arg, vp);
	if (r == 0 && strcmp(vp, "/") == 0)
		r = -EISDIR;
	if (r == 0)
		r = vpath_dirname(vp, dir, sizeof dir);
	if (r < 0)
		return r;
	int w = snprintf(out, n, "%s/%s%s", strcmp(dir, "/") ? dir : "", VFS_TEMP_PREFIX,
			 vpath_basename(vp));
	return w < 0 || (size_t)w >= n || strlen(vpath_basename(out)) > 255 ? -ENAMETOOLONG : 0;
}

int vfs_partial_size(const struct vfs *v, const char *arg, uint64_t *size)
{
	char part[VFS_PATH_MAX];
	struct stat st;
	int r = partial_vpath(v, arg, part, sizeof part);
	if (r == 0)
		r = vfs_lstat(v, part, &st);
	if (r == 0 && !S_ISREG(st.st_mode))
		r = -ENOENT;
	if (r == 0)
		*size = (uint64_t)st.st_size;
	return r;
}

/* A resumed upload with no partial file yet continues the target itself
 * (a client resuming what an earlier, non-atomic upload left): seed the
 * partial file with its first `offset` bytes, copied inside the kernel. */
static int seed_from_target(const struct vfs *v, const char *arg, int fd, uint64_t offset)
{
	struct stat st;
	int src = vfs_open_read(v, arg, &st);
	if (src < 0)
		return src == -ENOENT ? -EINVAL : src;
	int r = (uint64_t)st.st_size < offset ? -EINVAL : 0;
	loff_t in = 0, out = 0;
	while (r == 0 && (uint64_t)out < offset) {
		ssize_t c = copy_file_range(src, &in, fd, &out, (size_t)(offset - (uint64_t)out), 0);
		if (c < 0 && errno == EINTR)
			continue;
		r = c < 0 ? -errno : c == 0 ? -EIO : 0;
	}
	sys_close(src);
	return r;
}

/* Bring an open partial file to exactly `offset` bytes, positioned there. */
static int position(const struct vfs *v, const char *arg, int fd, uint64_t offset, int fresh)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (fresh && offset > 0) {
		int r = seed_from_target(v, arg, fd, offset);
		if (r < 0)
			return r;
	} else if ((uint64_t)st.st_size < offset) {
		return -EINVAL;	/* REST beyond what was uploaded */
	} else if (ftruncate(fd, (off_t)offset) < 0) {
		return -errno;
	}
	return lseek(fd, (off_t)offset, SEEK_SET) < 0 ? -errno : 0;
}

int vfs_open_partial(const struct vfs *v, const char *arg, uint64_t offset,
		     char *part, size_t n)
{
	int r = vfs_may_write(v);
	if (r == 0)
		r = partial_vpath(v, arg, part, n);
	if (r == 0)
		r = vfs_check_new_name(vpath_basename(part));
	if (r < 0)
		return r;
	const int base = O_WRONLY | O_NOCTTY | O_NOFOLLOW | O_NONBLOCK;
	int fresh = 0, fd = vfs_open_vpath(v, part, base, 0);
	if (fd == -ENOENT) {
		fresh = 1;
		fd = vfs_open_vpath(v, part, base | O_CREAT | O_EXCL, 0666 & ~v->umask);
	}
	if (fd < 0)
		return fd;
	struct stat st;
	r = fstat(fd, &st) < 0 ? -errno : S_ISREG(st.st_mode) ? 0 : -EPERM;
	if (r == 0)
		r = sys_set_nonblock(fd, 0);
	if (r == 0)
		r = position(v, arg, fd, offset, fresh);
	if (r < 0) {
		sys_close(fd);
		if (fresh)
			vfs_abort_temp(v, part);
		return r;
	}
	return fd;
}
