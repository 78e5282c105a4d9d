/*
 * fuzz_args.c - small command-argument parsers: the HASH/RANG byte range
 * and virtual path resolution (CWD, RETR ... arguments against a cwd).
 * The input is "cwd\0arg"; without a NUL the cwd is "/".
 */
#include <stdlib.h>
#include <string.h>
#include "hash.h"
#include "vpath.h"
#include "fuzz.h"

#define FUZZ_PATH_MAX 4096

static void path(const char *cwd, const char *arg)
{
	static char out[FUZZ_PATH_MAX], dir[FUZZ_PATH_MAX];

	if (vpath_resolve(cwd, arg, out, sizeof(out)) != 0)
		return;
	FUZZ_CHECK(out[0] == '/');
	FUZZ_CHECK(strstr(out, "//") == NULL && strstr(out, "/../") == NULL);
	(void)vpath_basename(out);
	FUZZ_CHECK(vpath_dirname(out, dir, sizeof(dir)) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t start, end;
	char *s = fuzz_strndup(data, size);
	const char *nul;

	if (s == NULL)
		return 0;
	int rc = hash_parse_range(s, &start, &end);

	if (rc == 0)
		FUZZ_CHECK(start < end);
	nul = memchr(s, '\0', size);
	if (nul != NULL)
		path(s, nul + 1);
	else
		path("/", s);
	free(s);
	return 0;
}
