/*
 * vpath.h - virtual paths: the absolute, normalized path a client sees
 * (PWD, 257). Pure string work; confinement is openat2(RESOLVE_IN_ROOT)'s
 * job in vfs, this only gives the canonical virtual name.
 */
#ifndef ZC_VPATH_H
#define ZC_VPATH_H

#include <stddef.h>

/*
 * Resolve arg against cwd into out: an absolute arg starts from "/", a
 * relative one from cwd. "//" and "." collapse, ".." removes a component
 * but never goes above "/". The result is absolute with no trailing slash
 * except "/" itself. Empty arg gives cwd (normalized). Returns 0,
 * -ENAMETOOLONG if the result does not fit outsz, -EINVAL if cwd does not
 * start with '/'.
 */
int vpath_resolve(const char *cwd, const char *arg, char *out, size_t outsz);

/* Pointer to the last component inside vpath ("/" gives "", "/a/b" "b"). */
const char *vpath_basename(const char *vpath);
/* The parent of an absolute vpath ("/a/b" -> "/a", "/a" -> "/", "/" -> "/").
 * Returns 0, -EINVAL (not absolute) or -ENAMETOOLONG. */
int vpath_dirname(const char *vpath, char *out, size_t n);

#endif
