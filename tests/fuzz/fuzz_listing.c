/*
 * fuzz_listing.c - the client's listing parsers (lines from any server):
 * MLSD/MLST fact lines, unix LIST lines, and the RFC 3659 time value.
 * The name buffer is sized by the first input byte so that the
 * -ENAMETOOLONG boundary is reached too; it is heap-allocated so ASan sees
 * a write past it.
 */
#include <stdlib.h>
#include <string.h>
#include "listing.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listing_entry e;
	size_t namesz;
	char *line, *name;
	time_t t;

	if (size == 0)
		return 0;
	namesz = data[0] % 64 + 1;
	line = fuzz_strndup(data + 1, size - 1);
	name = malloc(namesz);
	if (line == NULL || name == NULL)
		goto out;
	if (listing_parse_mlsx(line, size - 1, &e, name, namesz) == 0)
		FUZZ_CHECK(strlen(e.name) < namesz);
	if (listing_parse_list(line, size - 1, &e, name, namesz,
			       (time_t)1700000000) == 0)
		FUZZ_CHECK(strlen(e.name) < namesz);
	/* A leap second (ss = 60, RFC 3659 2.3) moves to the next minute. */
	if (listing_parse_time(line, &t) == 0 && strncmp(line + 12, "60", 2) != 0) {
		char buf[LISTING_TIME_LEN];

		FUZZ_CHECK(listing_format_time(t, buf, sizeof(buf)) == 0);
		FUZZ_CHECK(strncmp(buf, line, LISTING_TIME_LEN - 1) == 0);
	}
out:
	free(name);
	free(line);
	return 0;
}
