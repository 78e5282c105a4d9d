/*
 * mirror_local.c - reach a path beneath the local mirror root without
 * following a symlink in any directory component.
 *
 * Every download action names a path that came from the SERVER; the
 * local tree may hold a symlink where the server has a directory (the
 * plan reports that as a conflict). Plain openat(lroot, "sub/x") would
 * follow a symlinked "sub" and write outside the destination, so the
 * parent directory is opened with openat2(2) RESOLVE_BENEATH |
 * RESOLVE_NO_SYMLINKS and the last component is acted on with *at()
 * calls that do not follow it either (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW,
 * renameat/unlinkat/mkdirat never follow the final name).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mirror_int.h"
#include "sys.h"

#define LPATH_MAX MIRROR_LPATH_MAX

/* Kernels before 5.6 lack openat2: walk one O_NOFOLLOW component at a
 * time ("a/b" is split in place). */
static int walk_nofollow(int root, char *dir)
{
	int fd = openat(root, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	char *c = dir;
	while (fd >= 0 && c) {
		char *end = strchr(c, '/');
		if (end)
			*end = '\0';
		if (strcmp(c, "..") == 0) {
			sys_close(fd);
			return -EXDEV;
		}
		int next = openat(fd, c, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int e = errno;
		sys_close(fd);
		if (next < 0)
			return -e;
		fd = next;
		c = end ? end + 1 : NULL;
	}
	return fd < 0 ? -errno : fd;
}

int mrun_lparent(const struct mrun *m, const char *rel, const char **last)
{
	char dir[LPATH_MAX];
	const char *slash = strrchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;
	*last = slash ? slash + 1 : rel;
	if (m->lroot < 0)
		return -ENOENT;
	if (len >= sizeof dir)
		return -ENAMETOOLONG;
	if (!**last)
		return -EINVAL;
	memcpy(dir, slash ? rel : ".", slash ? len : 1);
	dir[slash ? len : 1] = '\0';
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS,
	};
	long fd = syscall(SYS_openat2, m->lroot, dir, &how, sizeof how);
	if (fd < 0 && errno == ENOSYS)
		return walk_nofollow(m->lroot, dir);
	return fd < 0 ? -errno : (int)fd;
}

int mrun_lparent_cached(struct mrun *m, int w, const char *rel, const char **last)
{
	struct mrun_wdir *d = &m->wdir[w];
	const char *slash = strrchr(rel, '/');
	size_t len = slash ? (size_t)(slash - rel) : 0;
	if (d->fd >= 0 && d->len == len && memcmp(d->path, rel, len) == 0) {
		*last = slash ? slash + 1 : rel;
		return **last ? d->fd : -EINVAL;
	}
	sys_close(d->fd);
	d->fd = -1;
	int fd = mrun_lparent(m, rel, last);
	if (fd < 0)
		return fd;
	memcpy(d->path, rel, len);	/* len < LPATH_MAX: mrun_lparent checked */
	d->len = len;
	d->fd = fd;
	return fd;
}

void mrun_wdir_close_all(struct mrun *m)
{
	for (int w = 0; w < MIRROR_PARALLEL_MAX; w++) {
		sys_close(m->wdir[w].fd);
		m->wdir[w].fd = -1;
	}
}

int mrun_lopen(const struct mrun *m, const char *rel, int flags)
{
	const char *name;
	int dfd = mrun_lparent(m, rel, &name);
	if (dfd < 0)
		return dfd;
	int fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC);
	int e = errno;
	sys_close(dfd);
	return fd < 0 ? -e : fd;
}
