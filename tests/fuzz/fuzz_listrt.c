/*
 * fuzz_listrt.c - the listing formatters (server) against the listing
 * parsers (client): an entry built from the input is written as an MLSD
 * line and as a LIST line, and reading each back must give the same
 * name, type, size and permission bits (LIST: nlink too, and the time
 * to the day). Input: 8 bytes size, 8 bytes mtime, 2 bytes mode, 1 byte
 * type selector, 1 byte nlink, then the name.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "listing.h"
#include "fuzz.h"

#define NOW ((time_t)1700000000)
#define TIME_MAX ((time_t)253402300799)	/* 9999-12-31 23:59:59 */

static uint64_t get64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static char type_of(mode_t m)
{
	return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : 'o';
}

static void mlsx(const struct listing_entry *e)
{
	struct listing_entry p;
	char name[4096];
	struct zbuf out;

	zbuf_init(&out, 8192);
	if (listing_format_mlsx(&out, e, MLSX_ALL, 0) == 0) {
		FUZZ_CHECK(out.len >= 2);
		FUZZ_CHECK(listing_parse_mlsx(out.p, out.len - 2, &p, name,
					      sizeof(name)) == 0);
		FUZZ_CHECK(strcmp(p.name, e->name) == 0);
		FUZZ_CHECK(p.type == type_of(e->mode));
		FUZZ_CHECK((p.mode & 07777) == (e->mode & 07777));
		FUZZ_CHECK(p.mtime == e->mtime);
		if (p.type != 'd')
			FUZZ_CHECK(p.size == e->size);
	}
	zbuf_free(&out);
}

static void list(const struct listing_entry *e)
{
	struct listing_entry p;
	char name[4096];
	struct zbuf out;

	zbuf_init(&out, 8192);
	/* A symlink's name cannot hold " -> " (the target would follow). */
	if (listing_format_list(&out, e, NOW) == 0 &&
	    !(S_ISLNK(e->mode) && strstr(e->name, " -> "))) {
		FUZZ_CHECK(out.len >= 2);
		FUZZ_CHECK(listing_parse_list(out.p, out.len - 2, &p, name,
					      sizeof(name), NOW) == 0);
		FUZZ_CHECK(strcmp(p.name, e->name) == 0);
		FUZZ_CHECK(p.type == type_of(e->mode));
		FUZZ_CHECK(p.mode == e->mode);
		FUZZ_CHECK(p.size == e->size);
		FUZZ_CHECK(p.nlink == e->nlink);
		FUZZ_CHECK(p.mtime <= e->mtime && e->mtime - p.mtime < 86400);
	}
	zbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const mode_t fmts[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFIFO,
				       S_IFSOCK, S_IFCHR, S_IFBLK };
	struct listing_entry e;
	char *name;

	if (size < 20)
		return 0;
	memset(&e, 0, sizeof(e));
	e.size = get64(data) & INT64_MAX;	/* an off_t, as from stat() */
	e.mtime = (time_t)(get64(data + 8) % (uint64_t)(TIME_MAX + 1));
	e.mode = (mode_t)((data[16] << 8 | data[17]) & 07777) |
		 fmts[data[18] % (sizeof(fmts) / sizeof(fmts[0]))];
	e.nlink = data[19];
	e.owner = "alice";
	e.group = "staff";
	name = fuzz_strndup(data + 20, size - 20);
	if (name == NULL)
		return 0;
	e.name = name;
	mlsx(&e);
	list(&e);
	free(name);
	return 0;
}
