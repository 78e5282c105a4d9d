/* vpath.c - virtual path normalization (see vpath.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "vpath.h"

/*
 * Apply the components of path to out (which holds len bytes: "" for the
 * root, else "/a/b"). "." and empty components vanish, ".." drops the last
 * component and stops at the root. out always keeps room for a NUL.
 */
static int apply(char *out, size_t *len, size_t outsz, const char *path)
{
	const char *s = path;
	while (*s) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			while (*len > 0 && out[--*len] != '/')
				;
		} else if (n && !(n == 1 && s[0] == '.')) {
			if (n + 2 > outsz - *len)
				return -ENAMETOOLONG;
			out[(*len)++] = '/';
			memcpy(out + *len, s, n);
			*len += n;
		}
		s += n + (e != NULL);
	}
	return 0;
}

int vpath_resolve(const char *cwd, const char *arg, char *out, size_t outsz)
{
	size_t len = 0;
	if (cwd[0] != '/')
		return -EINVAL;
	if (outsz < 2)
		return -ENAMETOOLONG;
	int rc = arg[0] == '/' ? 0 : apply(out, &len, outsz, cwd);
	if (!rc)
		rc = apply(out, &len, outsz, arg);
	if (rc)
		return rc;
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}

const char *vpath_basename(const char *vpath)
{
	const char *slash = strrchr(vpath, '/');
	return slash ? slash + 1 : vpath;
}

int vpath_dirname(const char *vpath, char *out, size_t n)
{
	if (vpath[0] != '/')
		return -EINVAL;
	const char *slash = strrchr(vpath, '/');
	size_t len = slash == vpath ? 1 : (size_t)(slash - vpath);
	if (len + 1 > n)
		return -ENAMETOOLONG;
	memcpy(out, vpath, len);
	out[len] = '\0';
	return 0;
}
