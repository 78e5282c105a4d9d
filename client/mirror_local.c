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

#define LPATH_MAX 4096

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
