/*
 * check_vfs.c - vfs against a real temporary tree.
 *
 *   <tmp>/outside                  "SECRET\n"  must never be reachable
 *   <tmp>/root/file.txt            "hello\n"
 *   <tmp>/root/etc/passwd          "INROOT\n"  where "/etc/passwd" lands
 *   <tmp>/root/sub/inner.txt       "inner\n"
 *   <tmp>/root/sub/deep/
 *   <tmp>/root/sub/up_rel  -> ../../outside
 *   <tmp>/root/empty/
 *   <tmp>/root/fifo                (FIFO)
 *   <tmp>/root/etc_link    -> /etc
 *   <tmp>/root/up_link     -> ../../..
 *   <tmp>/root/passwd_link -> /etc/passwd
 *   <tmp>/root/good_link   -> sub/inner.txt
 *   <tmp>/root/dir_link    -> sub
 *
 * Decision asserted here: RESOLVE_IN_ROOT semantics. ".." and absolute
 * symlinks are clamped at the root rather than rejected, so
 * "../outside_new" is "/outside_new" inside the root.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "suites.h"
#include "buf.h"
#include "vfs.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define UMASK_FILES 027

static char base[PATH_MAX];	/* the mkdtemp directory */
static int basefd = -1;
static struct vfs V;
static mode_t saved_umask;

static void put(const char *rel, const char *content)
{
	int fd = openat(basefd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

/* Whole content of an fd from offset 0 in a static buffer. */
static const char *fd_text(int fd)
{
	static char buf[256];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	return buf;
}

/* Content of base/rel, or NULL when it does not exist. */
static const char *text(const char *rel)
{
	int fd = openat(basefd, rel, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return NULL;
	const char *s = fd_text(fd);
	close(fd);
	return s;
}

static int exists(const char *rel)
{
	struct stat st;
	return fstatat(basefd, rel, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static mode_t perms(const char *rel)
{
	struct stat st;
	ck_assert_int_eq(fstatat(basefd, rel, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_mode & 07777;
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(base, sizeof base, "%s/zcvfs-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(base));
	basefd = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(basefd, 0);
	/* The kernel applies the process umask on top of v->umask. */
	saved_umask = umask(0);
	static const char *dirs[] = { "root", "root/etc", "root/sub", "root/sub/deep", "root/empty" };
	for (int i = 0; i < NELEM(dirs); i++)
		ck_assert_int_eq(mkdirat(basefd, dirs[i], 0755), 0);
	put("outside", "SECRET\n");
	put("root/file.txt", "hello\n");
	put("root/etc/passwd", "INROOT\n");
	put("root/sub/inner.txt", "inner\n");
	static const char *links[][2] = {
		{ "../../outside", "root/sub/up_rel" }, { "/etc", "root/etc_link" },
		{ "../../..", "root/up_link" }, { "/etc/passwd", "root/passwd_link" },
		{ "sub/inner.txt", "root/good_link" }, { "sub", "root/dir_link" },
	};
	for (int i = 0; i < NELEM(links); i++)
		ck_assert_int_eq(symlinkat(links[i][0], basefd, links[i][1]), 0);
	ck_assert_int_eq(mkfifoat(basefd, "root/fifo", 0644), 0);
	char root[PATH_MAX + 8];
	snprintf(root, sizeof root, "%s/root", base);
	ck_assert_int_eq(vfs_init(&V, root, 1, UMASK_FILES), 0);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(path);
}

static void teardown(void)
{
	vfs_close(&V);
	fchmodat(basefd, "root/sub", 0755, 0);
	nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	close(basefd);
	umask(saved_umask);
}

/* --- confinement ------------------------------------------------------ */

struct reach_case {
	const char *path;
	const char *content;	/* NULL: must be -ENOENT */
};

static const struct reach_case reach_cases[] = {
	{ "../outside", NULL },
	{ "/../outside", NULL },
	{ "sub/../../outside", NULL },
	{ "../../../../outside", NULL },
	{ "up_link/outside", NULL },
	{ "up_link/../outside", NULL },
	{ "sub/up_rel", NULL },
	{ "dir_link/up_rel", NULL },
	{ "passwd_link", "INROOT\n" },
	{ "etc_link/passwd", "INROOT\n" },
	{ "/etc/passwd", "INROOT\n" },
	{ "good_link", "inner\n" },
	{ "dir_link/inner.txt", "inner\n" },
	{ "up_link/file.txt", "hello\n" },
	{ "sub/../file.txt", "hello\n" },
	{ "../../../../file.txt", "hello\n" },
	{ "//sub/./inner.txt", "inner\n" },
};

START_TEST(reach_table)
{
	const struct reach_case *c = &reach_cases[_i];
	struct stat st;
	int fd = vfs_open_read(&V, c->path, &st);

	if (!c->content) {
		ck_assert_msg(fd == -ENOENT, "%s: %d", c->path, fd);
		ck_assert_int_eq(vfs_stat(&V, c->path, &st), -ENOENT);
		return;
	}
	ck_assert_msg(fd >= 0, "%s: %d", c->path, fd);
	ck_assert_str_eq(fd_text(fd), c->content);
	ck_assert_int_eq(st.st_size, (off_t)strlen(c->content));
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	/* Kept non-blocking: reads of a regular file ignore it (vfs.h). */
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	close(fd);
}
END_TEST

START_TEST(escape_by_modification)
{
	/* Every modifying call aimed outside lands inside or fails. */
	ck_assert_int_eq(vfs_unlink(&V, "../outside"), -ENOENT);
	ck_assert_int_eq(vfs_unlink(&V, "up_link/outside"), -ENOENT);
	ck_assert_int_eq(vfs_rename(&V, "../outside", "stolen"), -ENOENT);
	ck_assert_int_eq(vfs_chmod(&V, "sub/up_rel", 0777), -EPERM);
	ck_assert_int_eq(vfs_set_mtime(&V, "sub/up_rel", 1), -ENOENT);
	ck_assert_int_eq(vfs_rename(&V, "file.txt", "../outside_new"), 0);
	ck_assert(exists("root/outside_new"));
	ck_assert(!exists("outside_new"));
	ck_assert_int_eq(vfs_mkdir(&V, "/../newdir"), 0);
	ck_assert(exists("root/newdir") && !exists("newdir"));
	int fd = vfs_open_write(&V, "sub/up_rel", VFS_W_TRUNC);
	ck_assert_int_ge(fd, 0);	/* dangling link, created as /outside */
	close(fd);
	ck_assert(exists("root/outside"));
	fd = vfs_open_write(&V, "../outside", VFS_W_APPEND);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "x", 1), 1);
	close(fd);
	ck_assert_str_eq(text("root/outside"), "x");
	ck_assert_str_eq(text("outside"), "SECRET\n");
	ck_assert_int_eq(perms("outside"), 0644);
}
END_TEST

START_TEST(chdir_and_abspath)
{
	char out[VFS_PATH_MAX];
	ck_assert_int_eq(vfs_chdir(&V, ".."), 0);
	ck_assert_str_eq(V.cwd, "/");
	ck_assert_int_eq(vfs_chdir(&V, "sub/deep"), 0);
	ck_assert_str_eq(V.cwd, "/sub/deep");
	ck_assert_int_eq(vfs_abspath(&V, "../x", out, sizeof out), 0);
	ck_assert_str_eq(out, "/sub/x");
	ck_assert_int_eq(vfs_abspath(&V, "", out, sizeof out), 0);
	ck_assert_str_eq(out, "/sub/deep");
	ck_assert_int_eq(vfs_chdir(&V, "../../../.."), 0);
	ck_assert_str_eq(V.cwd, "/");
	ck_assert_int_eq(vfs_chdir(&V, "file.txt"), -ENOTDIR);
	ck_assert_int_eq(vfs_chdir(&V, "nope"), -ENOENT);
	ck_assert_int_eq(vfs_chdir(&V, "good_link"), -ENOTDIR);
	ck_assert_str_eq(V.cwd, "/");
	ck_assert_int_eq(vfs_chdir(&V, "up_link"), 0);
	ck_assert_str_eq(V.cwd, "/up_link");
	int fd = vfs_open_read(&V, "file.txt", NULL);	/* up_link is the root */
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(vfs_chdir(&V, "/sub"), 0);
	fd = vfs_open_read(&V, "../../outside", NULL);
	ck_assert_int_eq(fd, -ENOENT);
	if (geteuid() != 0) {	/* root may search anything */
		ck_assert_int_eq(fchmodat(basefd, "root/sub", 0600, 0), 0);
		ck_assert_int_eq(vfs_chdir(&V, "/sub"), -EACCES);
	}
}
END_TEST

START_TEST(long_path)
{
	char arg[VFS_PATH_MAX + 100];
	struct stat st;
	memset(arg, 'a', sizeof arg - 1);
	arg[sizeof arg - 1] = '\0';
	ck_assert_int_eq(vfs_stat(&V, arg, &st), -ENAMETOOLONG);
	ck_assert_int_eq(vfs_mkdir(&V, arg), -ENAMETOOLONG);
	ck_assert_int_eq(vfs_chdir(&V, arg), -ENAMETOOLONG);
	ck_assert_str_eq(V.cwd, "/");
}
END_TEST

/* --- init ------------------------------------------------------------- */

START_TEST(init_errors)
{
	struct vfs w;
	char p[PATH_MAX + 16];
	ck_assert_int_eq(vfs_supported(), 0);
	snprintf(p, sizeof p, "%s/nope", base);
	ck_assert_int_eq(vfs_init(&w, p, 1, 0), -ENOENT);
	snprintf(p, sizeof p, "%s/outside", base);
	ck_assert_int_eq(vfs_init(&w, p, 1, 0), -ENOTDIR);
	int fd = openat(basefd, "outside", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(vfs_init_fd(&w, fd, 1, 0), -ENOTDIR);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);	/* ownership taken */
	fd = openat(basefd, "root/sub", O_RDONLY | O_DIRECTORY);	/* no CLOEXEC */
	ck_assert_int_eq(vfs_init_fd(&w, fd, 0, 0), 0);
	ck_assert_int_eq(fcntl(w.rootfd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(vfs_open_read(&w, "../file.txt", NULL), -ENOENT);
	fd = vfs_open_read(&w, "inner.txt", NULL);
	ck_assert_str_eq(fd_text(fd), "inner\n");
	close(fd);
	vfs_close(&w);
	vfs_close(&w);
	ck_assert_int_eq(w.rootfd, -1);
}
END_TEST

/* --- stat and read ---------------------------------------------------- */

START_TEST(stat_and_lstat)
{
	struct stat st;
	ck_assert_int_eq(vfs_stat(&V, "good_link", &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(vfs_lstat(&V, "good_link", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(vfs_lstat(&V, "sub/up_rel", &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(vfs_stat(&V, "/", &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(vfs_stat(&V, "file.txt/x", &st), -ENOTDIR);
}
END_TEST

START_TEST(open_read_refusals)
{
	struct stat st;
	ck_assert_int_eq(vfs_open_read(&V, "sub", &st), -EISDIR);
	ck_assert_int_eq(vfs_open_read(&V, "/", &st), -EISDIR);
	ck_assert_int_eq(vfs_open_read(&V, "dir_link", &st), -EISDIR);
	/* Would block forever in open(O_RDONLY) without a writer. */
	ck_assert_int_eq(vfs_open_read(&V, "fifo", &st), -EPERM);
	ck_assert_int_eq(vfs_open_read(&V, "nope", &st), -ENOENT);
}
END_TEST

/* --- writing ---------------------------------------------------------- */

static void write_mode(const char *arg, enum vfs_wmode mode, off_t seek,
		       const char *data, const char *rel, const char *want)
{
	int fd = vfs_open_write(&V, arg, mode);
	ck_assert_msg(fd >= 0, "%s mode %d: %d", arg, mode, fd);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
	if (seek)
		ck_assert_int_eq(lseek(fd, seek, SEEK_SET), seek);
	ck_assert_int_eq(write(fd, data, strlen(data)), (ssize_t)strlen(data));
	close(fd);
	ck_assert_str_eq(text(rel), want);
}

START_TEST(write_modes)
{
	write_mode("file.txt", VFS_W_TRUNC, 0, "ab", "root/file.txt", "ab");
	write_mode("/file.txt", VFS_W_APPEND, 0, "cd", "root/file.txt", "abcd");
	write_mode("file.txt", VFS_W_RESUME, 1, "X", "root/file.txt", "aXcd");
	write_mode("good_link", VFS_W_TRUNC, 0, "via", "root/sub/inner.txt", "via");
	write_mode("sub/new", VFS_W_EXCL, 0, "n", "root/sub/new", "n");
	ck_assert_int_eq(perms("root/sub/new"), 0666 & ~UMASK_FILES);
	write_mode("created", VFS_W_RESUME, 0, "r", "root/created", "r");
	ck_assert_int_eq(vfs_open_write(&V, "sub/new", VFS_W_EXCL), -EEXIST);
	ck_assert_int_eq(vfs_open_write(&V, "good_link", VFS_W_EXCL), -EEXIST);
}
END_TEST

struct wfail_case {
	const char *arg;
	int mode;
	int err;
};

static const struct wfail_case wfail_cases[] = {
	{ "sub", VFS_W_TRUNC, -EISDIR },
	{ "/", VFS_W_APPEND, -EISDIR },
	{ "dir_link", VFS_W_RESUME, -EISDIR },
	{ "fifo", VFS_W_TRUNC, -EPERM },
	{ "fifo", VFS_W_APPEND, -EPERM },
	{ "nodir/x", VFS_W_TRUNC, -ENOENT },
	{ "file.txt/x", VFS_W_TRUNC, -ENOTDIR },
	{ "bad\nname", VFS_W_TRUNC, -EINVAL },
	{ "file.txt", 42, -EINVAL },
};

START_TEST(write_failures)
{
	const struct wfail_case *c = &wfail_cases[_i];
	ck_assert_int_eq(vfs_open_write(&V, c->arg, (enum vfs_wmode)c->mode), c->err);
	ck_assert(!exists("root/bad\nname"));
	ck_assert_str_eq(text("root/file.txt"), "hello\n");
}
END_TEST

START_TEST(unique_names)
{
	char out[VFS_PATH_MAX];
	static const struct { const char *cwd, *arg, *want; } c[] = {
		{ "/", "up.bin", "/up.bin" },
		{ "/", "up.bin", "/up.bin.1" },
		{ "/", "/up.bin", "/up.bin.2" },
		{ "/", "", "/stou" },
		{ "/", "..", "/stou.1" },
		{ "/sub", "", "/sub/stou" },
		{ "/sub", "deep/f", "/sub/deep/f" },
		{ "/", "file.txt", "/file.txt.1" },
	};
	for (int i = 0; i < NELEM(c); i++) {
		ck_assert_int_eq(vfs_chdir(&V, c[i].cwd), 0);
		int fd = vfs_open_unique(&V, c[i].arg, out, sizeof out);
		ck_assert_msg(fd >= 0, "%s: %d", c[i].arg, fd);
		close(fd);
		ck_assert_str_eq(out, c[i].want);
	}
	ck_assert_str_eq(text("root/file.txt"), "hello\n");
	ck_assert_int_eq(perms("root/up.bin.1"), 0666 & ~UMASK_FILES);
	ck_assert_int_eq(vfs_open_unique(&V, "nodir/x", out, sizeof out), -ENOENT);
	ck_assert_int_eq(vfs_open_unique(&V, "a\nb", out, sizeof out), -EINVAL);
	ck_assert_int_eq(vfs_open_unique(&V, "tiny", out, 4), -ENAMETOOLONG);
	ck_assert(!exists("root/tiny"));
}
END_TEST

/* --- atomic uploads --------------------------------------------------- */

START_TEST(temp_commit_abort)
{
	char tmp[VFS_PATH_MAX], rel[VFS_PATH_MAX + 8];
	int fd = vfs_open_partial(&V, "sub/inner.txt", 0, tmp, sizeof tmp);
	ck_assert_int_ge(fd, 0);
	ck_assert_str_eq(tmp, "/sub/" VFS_TEMP_PREFIX "inner.txt");
	ck_assert_int_eq(write(fd, "new", 3), 3);
	close(fd);
	snprintf(rel, sizeof rel, "root%s", tmp);
	ck_assert_str_eq(text(rel), "new");
	ck_assert_str_eq(text("root/sub/inner.txt"), "inner\n");	/* untouched meanwhile */
	ck_assert_int_eq(vfs_commit_temp(&V, tmp, "sub/inner.txt"), 0);
	ck_assert_str_eq(text("root/sub/inner.txt"), "new");
	ck_assert(!exists(rel));

	fd = vfs_open_partial(&V, "file.txt", 0, tmp, sizeof tmp);
	ck_assert_int_ge(fd, 0);
	close(fd);
	snprintf(rel, sizeof rel, "root%s", tmp);
	ck_assert(exists(rel));
	ck_assert_int_eq(vfs_abort_temp(&V, tmp), 0);
	ck_assert(!exists(rel));
	ck_assert_str_eq(text("root/file.txt"), "hello\n");

	/* Only temp names may be committed or aborted. */
	ck_assert_int_eq(vfs_commit_temp(&V, "/file.txt", "sub/inner.txt"), -EINVAL);
	ck_assert_int_eq(vfs_abort_temp(&V, "/file.txt"), -EINVAL);
	ck_assert_str_eq(text("root/file.txt"), "hello\n");
	ck_assert_int_eq(vfs_open_partial(&V, "/", 0, tmp, sizeof tmp), -EISDIR);
	ck_assert_int_eq(vfs_open_partial(&V, "nodir/x", 0, tmp, sizeof tmp), -ENOENT);
}
END_TEST

/* --- metadata --------------------------------------------------------- */

START_TEST(mtime_and_chmod)
{
	struct stat st;
	ck_assert_int_eq(vfs_set_mtime(&V, "file.txt", 1000000000), 0);
	ck_assert_int_eq(vfs_stat(&V, "file.txt", &st), 0);
	ck_assert_int_eq(st.st_mtime, 1000000000);
	ck_assert_int_eq(vfs_set_mtime(&V, "good_link", 1234567890), 0);
	ck_assert_int_eq(vfs_stat(&V, "sub/inner.txt", &st), 0);
	ck_assert_int_eq(st.st_mtime, 1234567890);
	ck_assert_int_eq(vfs_set_mtime(&V, "/", 1500000000), 0);
	ck_assert_int_eq(vfs_stat(&V, "/", &st), 0);
	ck_assert_int_eq(st.st_mtime, 1500000000);
	ck_assert_int_eq(vfs_set_mtime(&V, "nope", 1), -ENOENT);

	ck_assert_int_eq(vfs_chmod(&V, "file.txt", 0600), 0);
	ck_assert_int_eq(perms("root/file.txt"), 0600);
	ck_assert_int_eq(vfs_chmod(&V, "file.txt", 0100644), 0);	/* type bits dropped */
	ck_assert_int_eq(perms("root/file.txt"), 0644);
	ck_assert_int_eq(vfs_chmod(&V, "sub", 0750), 0);
	ck_assert_int_eq(perms("root/sub"), 0750);
	ck_assert_int_eq(vfs_chmod(&V, "good_link", 0600), -EPERM);
	ck_assert_int_eq(perms("root/sub/inner.txt"), 0644);
	ck_assert_int_eq(vfs_chmod(&V, "nope", 0600), -ENOENT);
}
END_TEST

/* --- name operations -------------------------------------------------- */

enum op { MKDIR, RMDIR, UNLINK, RENAME };

struct op_case {
	enum op op;
	const char *a, *b;
	int err;
};

static const struct op_case op_cases[] = {
	{ MKDIR, "sub", NULL, -EEXIST },
	{ MKDIR, "/", NULL, -EEXIST },
	{ MKDIR, "good_link", NULL, -EEXIST },
	{ MKDIR, "nodir/x", NULL, -ENOENT },
	{ MKDIR, "new\nline", NULL, -EINVAL },
	{ MKDIR, "", NULL, -EINVAL },
	{ RMDIR, "sub", NULL, -ENOTEMPTY },
	{ RMDIR, "file.txt", NULL, -ENOTDIR },
	{ RMDIR, "dir_link", NULL, -ENOTDIR },
	{ RMDIR, "nope", NULL, -ENOENT },
	{ RMDIR, "/", NULL, -EBUSY },
	{ RMDIR, "..", NULL, -EBUSY },
	{ RMDIR, "", NULL, -EINVAL },
	{ UNLINK, "sub", NULL, -EISDIR },
	{ UNLINK, "nope", NULL, -ENOENT },
	{ UNLINK, "/", NULL, -EBUSY },
	{ UNLINK, "sub/../..", NULL, -EBUSY },
	{ RENAME, "nope", "x", -ENOENT },
	{ RENAME, "/", "x", -EBUSY },
	{ RENAME, "..", "x", -EBUSY },
	{ RENAME, "", "x", -EINVAL },
	{ RENAME, "file.txt", "/", -EBUSY },
	{ RENAME, "file.txt", "a\nb", -EINVAL },
	{ RENAME, "file.txt", "nodir/x", -ENOENT },
	{ RENAME, "file.txt", "sub", -EISDIR },
	{ RENAME, "sub", "sub/deep/x", -EINVAL },
	{ RENAME, "empty", "sub", -ENOTEMPTY },
};

static int run_op(const struct vfs *v, enum op op, const char *a, const char *b)
{
	switch (op) {
	case MKDIR: return vfs_mkdir(v, a);
	case RMDIR: return vfs_rmdir(v, a);
	case UNLINK: return vfs_unlink(v, a);
	case RENAME: return vfs_rename(v, a, b);
	}
	return -1;
}

START_TEST(op_errors)
{
	const struct op_case *c = &op_cases[_i];
	int r = run_op(&V, c->op, c->a, c->b);
	ck_assert_msg(r == c->err, "op %d %s %s: %d, want %d", c->op, c->a,
		      c->b ? c->b : "", r, c->err);
	ck_assert(exists("root/file.txt") && exists("root/sub/inner.txt"));
	ck_assert(exists("root/empty") && exists("outside"));
}
END_TEST

START_TEST(op_success)
{
	ck_assert_int_eq(vfs_mkdir(&V, "newd"), 0);
	ck_assert_int_eq(perms("root/newd"), 0777 & ~UMASK_FILES);
	V.umask = 077;
	ck_assert_int_eq(vfs_mkdir(&V, "sub/priv"), 0);
	ck_assert_int_eq(perms("root/sub/priv"), 0700);
	ck_assert_int_eq(vfs_rmdir(&V, "empty"), 0);
	ck_assert(!exists("root/empty"));
	ck_assert_int_eq(vfs_unlink(&V, "good_link"), 0);
	ck_assert(!exists("root/good_link") && exists("root/sub/inner.txt"));
	ck_assert_int_eq(vfs_unlink(&V, "etc_link"), 0);	/* the link, not /etc */
	ck_assert(exists("root/etc/passwd"));
	ck_assert_int_eq(vfs_rename(&V, "file.txt", "sub/deep/moved"), 0);
	ck_assert_str_eq(text("root/sub/deep/moved"), "hello\n");
	ck_assert_int_eq(vfs_chdir(&V, "sub"), 0);
	ck_assert_int_eq(vfs_rename(&V, "deep", "../deep2"), 0);
	ck_assert(exists("root/deep2/moved"));
	ck_assert_int_eq(vfs_rename(&V, "inner.txt", "/deep2/moved"), 0);
	ck_assert_str_eq(text("root/deep2/moved"), "inner\n");
	ck_assert_int_eq(vfs_rename(&V, "up_rel", "link2"), 0);	/* the link itself */
	ck_assert_int_eq(vfs_unlink(&V, "fifo"), -ENOENT);
	ck_assert_int_eq(vfs_unlink(&V, "/fifo"), 0);
}
END_TEST

/* --- read-only -------------------------------------------------------- */

/* "path mode size mtime" of every entry below dir, recursively. */
static void snapshot(int dfd, const char *dir, struct zbuf *out)
{
	int fd = openat(dfd, dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	ck_assert_int_ge(fd, 0);
	DIR *d = fdopendir(fd);
	struct dirent *e;
	struct stat st;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		ck_assert_int_eq(fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW), 0);
		zbuf_printf(out, "%s/%s %o %lld %lld.%09ld\n", dir, e->d_name, st.st_mode,
			    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			    st.st_mtim.tv_nsec);
		if (S_ISDIR(st.st_mode))
			snapshot(fd, e->d_name, out);
	}
	closedir(d);
}

START_TEST(read_only)
{
	struct zbuf before, after;
	char out[VFS_PATH_MAX];
	zbuf_init(&before, 0);
	zbuf_init(&after, 0);
	snapshot(basefd, ".", &before);
	V.writable = 0;
	static const enum vfs_wmode modes[] = { VFS_W_TRUNC, VFS_W_APPEND, VFS_W_RESUME, VFS_W_EXCL };
	for (int i = 0; i < NELEM(modes); i++) {
		ck_assert_int_eq(vfs_open_write(&V, "file.txt", modes[i]), -EACCES);
		ck_assert_int_eq(vfs_open_write(&V, "newfile", modes[i]), -EACCES);
	}
	for (int i = 0; i < NELEM(op_cases); i++)
		ck_assert_int_eq(run_op(&V, op_cases[i].op, op_cases[i].a, op_cases[i].b), -EACCES);
	ck_assert_int_eq(vfs_mkdir(&V, "newd"), -EACCES);
	ck_assert_int_eq(vfs_rmdir(&V, "empty"), -EACCES);
	ck_assert_int_eq(vfs_unlink(&V, "file.txt"), -EACCES);
	ck_assert_int_eq(vfs_rename(&V, "file.txt", "f2"), -EACCES);
	ck_assert_int_eq(vfs_set_mtime(&V, "file.txt", 1), -EACCES);
	ck_assert_int_eq(vfs_chmod(&V, "file.txt", 0), -EACCES);
	ck_assert_int_eq(vfs_open_unique(&V, "u", out, sizeof out), -EACCES);
	ck_assert_int_eq(vfs_open_partial(&V, "file.txt", 0, out, sizeof out), -EACCES);
	ck_assert_int_eq(vfs_commit_temp(&V, "/" VFS_TEMP_PREFIX "abcdef", "file.txt"), -EACCES);
	ck_assert_int_eq(vfs_abort_temp(&V, "/" VFS_TEMP_PREFIX "abcdef"), -EACCES);
	int fd = vfs_open_read(&V, "file.txt", NULL);	/* reading still works */
	ck_assert_int_ge(fd, 0);
	close(fd);
	snapshot(basefd, ".", &after);
	ck_assert_int_eq(before.err, 0);
	ck_assert_str_eq(zbuf_str(&after), zbuf_str(&before));

	V.can_mkdir = 1;	/* anonymous mkdir: mkdir only */
	ck_assert_int_eq(vfs_mkdir(&V, "anon"), 0);
	ck_assert(exists("root/anon"));
	ck_assert_int_eq(vfs_rmdir(&V, "anon"), -EACCES);
	ck_assert_int_eq(vfs_open_write(&V, "anon/f", VFS_W_EXCL), -EACCES);
	zbuf_free(&before);
	zbuf_free(&after);
}
END_TEST

/* --- listing ---------------------------------------------------------- */

START_TEST(listing)
{
	DIR *d;
	struct dirent *e;
	struct stat st;
	int seen = 0;
	ck_assert_int_eq(vfs_opendir(&V, "dir_link", &d), 0);
	ck_assert_int_eq(fcntl(dirfd(d), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	while ((e = readdir(d)) != NULL)
		seen |= strcmp(e->d_name, "inner.txt") == 0 ? 1 :
			strcmp(e->d_name, "up_rel") == 0 ? 2 : 0;
	ck_assert_int_eq(seen, 3);
	ck_assert_int_eq(vfs_dir_stat(d, "up_rel", &st, 0), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(vfs_dir_stat(d, "up_rel", &st, 1), -EXDEV);	/* leaves sub */
	ck_assert_int_eq(vfs_dir_stat(d, "inner.txt", &st, 1), 0);
	ck_assert_int_eq(st.st_size, 6);
	ck_assert_int_eq(vfs_dir_stat(d, "..", &st, 0), -EXDEV);
	closedir(d);

	ck_assert_int_eq(vfs_opendir(&V, "/", &d), 0);
	ck_assert_int_eq(vfs_dir_stat(d, "good_link", &st, 1), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_int_eq(vfs_dir_stat(d, "passwd_link", &st, 1), -EXDEV);	/* absolute */
	ck_assert_int_eq(vfs_dir_stat(d, "..", &st, 0), -EXDEV);	/* root's parent */
	closedir(d);

	ck_assert_int_eq(vfs_stat_entry(&V, "sub", "up_rel", &st), -ENOENT);
	ck_assert_int_eq(vfs_stat_entry(&V, "/", "passwd_link", &st), 0);
	ck_assert_int_eq(st.st_size, 7);	/* "INROOT\n" */
	ck_assert_int_eq(vfs_stat_entry(&V, "sub", "..", &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_int_eq(vfs_opendir(&V, "file.txt", &d), -ENOTDIR);
	ck_assert_ptr_null(d);
	ck_assert_int_eq(vfs_opendir(&V, "../../..", &d), 0);	/* the root */
	closedir(d);
}
END_TEST

Suite *vfs_suite(void)
{
	Suite *s = suite_create("vfs");
	TCase *tc = tcase_create("confine");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, reach_table, 0, NELEM(reach_cases));
	tcase_add_test(tc, escape_by_modification);
	tcase_add_test(tc, chdir_and_abspath);
	tcase_add_test(tc, long_path);
	tcase_add_test(tc, init_errors);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_set_timeout(tc, 10);	/* a blocking FIFO open would hang here */
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, stat_and_lstat);
	tcase_add_test(tc, open_read_refusals);
	tcase_add_test(tc, write_modes);
	tcase_add_loop_test(tc, write_failures, 0, NELEM(wfail_cases));
	tcase_add_test(tc, unique_names);
	tcase_add_test(tc, temp_commit_abort);
	tcase_add_test(tc, mtime_and_chmod);
	tcase_add_test(tc, listing);
	suite_add_tcase(s, tc);

	tc = tcase_create("names");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, op_errors, 0, NELEM(op_cases));
	tcase_add_test(tc, op_success);
	tcase_add_test(tc, read_only);
	suite_add_tcase(s, tc);
	return s;
}
