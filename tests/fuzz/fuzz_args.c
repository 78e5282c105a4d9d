/*
 * fuzz_args.c - small command-argument parsers: the HASH/RANG byte range
 * virtual path resolution (CWD, RETR ... arguments against a cwd), and
 * utf8_valid (OPTS UTF8 names) against the table of well-formed byte
 * sequences in Unicode 15 section 3.9 (Table 3-7).
 * The input is "cwd\0arg"; without a NUL the cwd is "/".
 */
#include <stdlib.h>
#include <string.h>
#include "command.h"
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

/* Well-formed UTF-8 per Table 3-7: the allowed range of each byte. */
static int utf8_reference(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		uint8_t c = p[i];
		uint8_t lo = 0x80, hi = 0xBF;
		size_t k;

		if (c < 0x80)
			k = 1;
		else if (c >= 0xC2 && c <= 0xDF)
			k = 2;
		else if (c >= 0xE0 && c <= 0xEF)
			k = 3;
		else if (c >= 0xF0 && c <= 0xF4)
			k = 4;
		else
			return 0;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		if (k > n - i)
			return 0;
		for (size_t j = 1; j < k; j++) {
			uint8_t b = p[i + j];

			if (b < (j == 1 ? lo : 0x80) || b > (j == 1 ? hi : 0xBF))
				return 0;
		}
		i += k;
	}
	return 1;
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
	FUZZ_CHECK(!utf8_valid(s, size) == !utf8_reference(data, size));
	nul = memchr(s, '\0', size);
	if (nul != NULL)
		path(s, nul + 1);
	else
		path("/", s);
	free(s);
	return 0;
}
