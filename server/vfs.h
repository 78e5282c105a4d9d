/*
 * vfs.h - the only place a session touches the filesystem with a client
 * path.
 *
 * Confinement: the user's root is held as a directory fd. Every client
 * path is first normalised against the virtual cwd (vpath_resolve), then
 * opened with openat2(rootfd, path, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * so "..", absolute paths and symlinks pointing outside all resolve inside
 * the root. Operations on a name (mkdir, rmdir, unlink, rename, create)
 * resolve the PARENT that way and act on the last component with the
 * *at() calls, which never follow a final symlink. There is no fallback
 * path walk: without openat2 (Linux < 5.6) vfs refuses to run.
 *
 * Conventions: every function returns 0 (or an fd >= 0) on success and a
 * negative errno on failure; every fd it opens is O_CLOEXEC. -EXDEV means
 * "would leave the root". When `writable` is 0 every modifying call fails
 * with -EACCES before touching the filesystem (vfs_mkdir is allowed when
 * can_mkdir is set). Creating a name that contains '\n' fails with -EINVAL
 * (it would break listings). Removing or renaming the root itself fails
 * with -EBUSY; an empty name for rmdir/unlink/rename/mkdir is -EINVAL.
 *
 * Modes: created files get 0666 & ~umask, directories 0777 & ~umask. The
 * kernel applies the process umask on top, so a session should call
 * umask(0) once after login to let v->umask alone decide.
 */
#ifndef ZC_VFS_H
#define ZC_VFS_H

#include <dirent.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#define VFS_PATH_MAX 4096
/* Prefix of the hidden names used by atomic uploads (vfs_open_partial). */
#define VFS_TEMP_PREFIX ".zcftpd-up."

struct vfs {
	int rootfd;                 /* O_PATH|O_DIRECTORY fd of the user's root */
	char cwd[VFS_PATH_MAX];     /* virtual cwd, absolute, starts as "/" */
	int writable;               /* 0: every modifying call fails with -EACCES */
	int can_mkdir;              /* when !writable: allow mkdir only (anonymous mkdir option) */
	int create_only;            /* writable for new files only: no overwrite, append, delete,
	                               rename, chmod or mtime (anonymous uploads); mkdir only
	                               with can_mkdir */
	const char *deny;           /* comma-separated patterns refused anywhere in a path (namelist.h), or NULL */
	mode_t umask;               /* applied to created files (0666 & ~umask) and dirs (0777 & ~umask) */
};

/* 0 if this kernel has openat2 (the only resolution vfs trusts), else
 * -ENOSYS. Cheap; a daemon may call it at startup to refuse early. */
int vfs_supported(void);

/* Open rootdir (a server-side path, not a client one) and initialise v:
 * cwd "/", can_mkdir 0. Returns 0, -ENOSYS (no openat2, logged) or -errno. */
int vfs_init(struct vfs *v, const char *rootdir, int writable, mode_t umask);
/* Same with an already-open directory fd (privsep). Takes ownership of
 * rootfd: on failure it is closed too. */
int vfs_init_fd(struct vfs *v, int rootfd, int writable, mode_t umask);
/* Close the root fd; v can be vfs_init'ed again. Safe to call twice. */
void vfs_close(struct vfs *v);

/* Normalised absolute virtual path of arg (for replies/logs). */
int vfs_abspath(const struct vfs *v, const char *arg, char *out, size_t n);
/* Change the virtual cwd to arg, which must be a directory the process may
 * search (-ENOTDIR, -EACCES, -ENOENT). ".." at "/" stays "/". */
int vfs_chdir(struct vfs *v, const char *arg);

/* stat, following symlinks that resolve inside the root. */
int vfs_stat(const struct vfs *v, const char *arg, struct stat *st);
/* stat without following the last component. */
int vfs_lstat(const struct vfs *v, const char *arg, struct stat *st);

/*
 * Open a regular file for reading (O_RDONLY|O_NONBLOCK: opening cannot
 * block on a FIFO, and the flag is left set since reads and sendfile of a
 * regular file ignore it, saving two fcntl calls per transfer). Directories give
 * -EISDIR, other non-regular files -EPERM (without opening them when
 * possible). *st (may be NULL) is filled from the open fd. Returns the fd
 * or -errno.
 */
int vfs_open_read(const struct vfs *v, const char *arg, struct stat *st);

/*
 * Open for writing, creating with 0666 & ~umask:
 *  VFS_W_TRUNC   STOR: truncate an existing file
 *  VFS_W_APPEND  APPE: O_APPEND
 *  VFS_W_RESUME  STOR after REST: no truncation, the caller lseeks
 *  VFS_W_EXCL    create a new file only (-EEXIST otherwise)
 * A final symlink is followed inside the root. Non-regular targets are
 * refused (-EISDIR for directories, -EPERM otherwise). Returns fd or -errno.
 */
enum vfs_wmode { VFS_W_TRUNC, VFS_W_APPEND, VFS_W_RESUME, VFS_W_EXCL };
int vfs_open_write(const struct vfs *v, const char *arg, enum vfs_wmode mode);

/*
 * STOU: create a new file in the directory of arg (cwd when arg is empty)
 * named after arg's basename (or "stou"), then "<base>.1", "<base>.2"...
 * up to VFS_UNIQUE_TRIES. name_out receives its virtual path. Returns fd,
 * -EEXIST when every candidate exists, or -errno.
 */
#define VFS_UNIQUE_TRIES 100
int vfs_open_unique(const struct vfs *v, const char *arg, char *name_out, size_t n);

/*
 * Atomic uploads (the hidden file comes from vfs_open_partial below):
 * vfs_commit_temp renames it over arg (no replace for create-only users),
 * vfs_abort_temp unlinks it. Both refuse (-EINVAL) a tmp_vpath whose name
 * does not start with VFS_TEMP_PREFIX.
 */
int vfs_commit_temp(const struct vfs *v, const char *tmp_vpath, const char *arg);
int vfs_abort_temp(const struct vfs *v, const char *tmp_vpath);
/*
 * Resumable atomic uploads: the partial file is VFS_TEMP_PREFIX + NAME in
 * NAME's directory (a fixed name, so a later REST finds it; hidden from
 * listings like every temp file). offset 0: created or truncated. offset
 * > 0: the partial file is continued (it must hold at least offset bytes
 * and is cut there; -EINVAL otherwise), or, if there is none, seeded with
 * NAME's own first offset bytes (-EINVAL if NAME is shorter or missing).
 * Returns a blocking fd positioned at offset; part receives its virtual
 * path for vfs_commit_temp (success) or to keep for a resume (failure).
 */
int vfs_open_partial(const struct vfs *v, const char *arg, uint64_t offset,
		     char *part, size_t n);
/* Size of arg's partial upload (0 or -ENOENT). */
int vfs_partial_size(const struct vfs *v, const char *arg, uint64_t *size);

/*
 * Directory listing: vfs_opendir opens arg (O_RDONLY|O_DIRECTORY) and
 * returns a DIR* (fdopendir) the caller closedir()s. For each entry:
 * vfs_dir_stat(d, name, st, 0) is lstat; with follow=1 a symlink is
 * followed only while its target stays below the listed directory
 * (RESOLVE_BENEATH; -EXDEV otherwise, e.g. "../x" or absolute targets).
 * vfs_stat_entry follows with full in-root semantics.
 */
int vfs_opendir(const struct vfs *v, const char *arg, DIR **out);
int vfs_dir_stat(DIR *d, const char *name, struct stat *st, int follow);
int vfs_stat_entry(const struct vfs *v, const char *dir_arg, const char *name,
		   struct stat *st);

/* mkdir with 0777 & ~umask (-EEXIST for "/"). */
int vfs_mkdir(const struct vfs *v, const char *arg);
/* rmdir (-ENOTEMPTY, -ENOTDIR for a symlink, -EBUSY for the root). */
int vfs_rmdir(const struct vfs *v, const char *arg);
/* unlink a non-directory (-EISDIR); a symlink itself is removed. */
int vfs_unlink(const struct vfs *v, const char *arg);
/* rename from -> to, both resolved inside the root ("../x" is "/x"). */
int vfs_rename(const struct vfs *v, const char *from, const char *to);
/* MFMT: set mtime (atime UTIME_OMIT), following symlinks inside the root. */
int vfs_set_mtime(const struct vfs *v, const char *arg, time_t mtime);
/* SITE CHMOD: mode & 07777; symlinks are refused with -EPERM. */
int vfs_chmod(const struct vfs *v, const char *arg, mode_t mode);

#endif
