/*
 * useropts.h - the per-user options file: one line per user,
 *   name root=/srv/ftp/alice writable=no umask=077 max_sessions=2 rate_down=1048576 rate_up=0
 * Blank lines and lines starting with '#' are ignored.
 */
#ifndef ZC_USEROPTS_H
#define ZC_USEROPTS_H

#include "vfs.h"

#define USEROPTS_LINE_MAX 1024

struct user_opts {
	int has_root, has_writable, has_umask, has_max_sessions, has_rate_down, has_rate_up;
	char root[VFS_PATH_MAX];
	int writable;
	int umask;
	int max_sessions;
	int rate_down, rate_up;	/* bytes/s */
};

/* Parse one line. Returns 1 if it is name's line (opts filled), 0 if it
 * belongs to another user or is blank/comment, -EINVAL if it is malformed
 * (unknown key, bad value, relative root). line is modified. */
int useropts_parse_line(char *line, const char *name, struct user_opts *opts);
/* Find name's line in the file. Returns 1 found, 0 not found, -errno. */
int useropts_lookup(const char *path, const char *name, struct user_opts *opts);

#endif
