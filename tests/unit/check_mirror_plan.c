/*
 * check_mirror_plan.c - the mirror PLAN, table-driven: new, changed,
 * deleted, excluded, same; size vs mtime vs checksum; filters.
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "buf.h"
#include "client/mirror.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))


struct pcase {
	const char *name;
	const char *src, *dst;	/* "path,type,size,mtime,hash|-,prec;..."
				 * size "?": unknown; mtime -1: unknown */
	int del, checksum;
	enum mtime_mode mm;
	const char *excl, *incl;	/* one glob each, may be NULL */
	const char *want;		/* "kind:path=why ..." in plan order */
};

static const struct pcase cases[] = {
	{ "empty both", "", "", 0, 0, MT_EXACT, 0, 0, "" },
	{ "new file and dir",
	  "a,d,0,0,-,1;a/f,f,5,100,-,1;g,f,0,100,-,1", "",
	  0, 0, MT_EXACT, 0, 0, "mkdir:a=new copy:a/f=new copy:g=new" },
	{ "same size and mtime",
	  "f,f,5,100,-,1", "f,f,5,100,-,1",
	  0, 0, MT_EXACT, 0, 0, "" },
	{ "size differs",
	  "f,f,5,100,-,1", "f,f,6,100,-,1",
	  0, 0, MT_EXACT, 0, 0, "copy:f=size" },
	{ "mtime differs, exact",
	  "f,f,5,100,-,1", "f,f,5,101,-,1",
	  0, 0, MT_EXACT, 0, 0, "copy:f=mtime" },
	{ "dst older, newer-mode copies",
	  "f,f,5,200,-,1", "f,f,5,100,-,1",
	  0, 0, MT_NEWER, 0, 0, "copy:f=newer" },
	{ "dst newer, newer-mode keeps",
	  "f,f,5,100,-,1", "f,f,5,200,-,1",
	  0, 0, MT_NEWER, 0, 0, "" },
	{ "mtime ignored",
	  "f,f,5,100,-,1", "f,f,5,900,-,1",
	  0, 0, MT_IGNORE, 0, 0, "" },
	{ "LIST precision: within a minute is equal",
	  "f,f,5,120,-,60", "f,f,5,150,-,1",
	  0, 0, MT_EXACT, 0, 0, "" },
	{ "LIST precision: a minute apart differs",
	  "f,f,5,120,-,60", "f,f,5,180,-,1",
	  0, 0, MT_EXACT, 0, 0, "copy:f=mtime" },
	{ "checksum catches same size same mtime",
	  "f,f,5,100,aa,1", "f,f,5,100,bb,1",
	  0, 1, MT_EXACT, 0, 0, "copy:f=checksum" },
	{ "checksum equal, mtime differs: only mtime",
	  "f,f,5,100,aa,1", "f,f,5,300,aa,1",
	  0, 1, MT_EXACT, 0, 0, "mtime:f=mtime" },
	{ "checksum equal, newer mode: nothing",
	  "f,f,5,300,aa,1", "f,f,5,100,aa,1",
	  0, 1, MT_NEWER, 0, 0, "" },
	{ "checksum without hashes falls back to mtime",
	  "f,f,5,100,-,1", "f,f,5,101,-,1",
	  0, 1, MT_EXACT, 0, 0, "copy:f=mtime" },
	{ "checksum not asked: hashes ignored",
	  "f,f,5,100,aa,1", "f,f,5,100,bb,1",
	  0, 0, MT_EXACT, 0, 0, "" },
	{ "size beats checksum",
	  "f,f,5,100,aa,1", "f,f,6,100,aa,1",
	  0, 1, MT_EXACT, 0, 0, "copy:f=size" },
	{ "deleted without --delete: kept",
	  "", "d,d,0,0,-,1;d/x,f,1,1,-,1",
	  0, 0, MT_EXACT, 0, 0, "" },
	{ "deleted with --delete: children first",
	  "k,f,1,1,-,1",
	  "d,d,0,0,-,1;d/e,d,0,0,-,1;d/e/x,f,1,1,-,1;d/y,f,1,1,-,1;k,f,1,1,-,1;z,l,0,0,-,1",
	  1, 0, MT_EXACT, 0, 0, "delete:z=gone delete:d/y=gone delete:d/e/x=gone "
	  "delete:d/e=gone delete:d=gone" },
	{ "excluded file neither copied nor deleted",
	  "a.o,f,1,1,-,1;b.c,f,1,1,-,1", "c.o,f,1,1,-,1",
	  1, 0, MT_EXACT, "*.o", 0, "copy:b.c=new" },
	{ "excluded dir hides its content",
	  "build,d,0,0,-,1;build/x,f,1,1,-,1;src,d,0,0,-,1;src/y,f,1,1,-,1",
	  "build,d,0,0,-,1;build/old,f,1,1,-,1",
	  1, 0, MT_EXACT, "build", 0, "mkdir:src=new copy:src/y=new" },
	{ "path glob with slash",
	  "a,d,0,0,-,1;a/x.log,f,1,1,-,1;x.log,f,1,1,-,1", "",
	  0, 0, MT_EXACT, "a/*.log", 0, "mkdir:a=new copy:x.log=new" },
	{ "include only: other files skipped, dirs kept",
	  "d,d,0,0,-,1;d/a.c,f,1,1,-,1;d/a.h,f,1,1,-,1;r.c,f,1,1,-,1",
	  "", 0, 0, MT_EXACT, 0, "*.c", "mkdir:d=new copy:d/a.c=new copy:r.c=new" },
	{ "type conflict",
	  "x,f,1,1,-,1;y,d,0,0,-,1", "x,d,0,0,-,1;y,f,1,1,-,1",
	  0, 0, MT_EXACT, 0, 0, "conflict:x=type conflict:y=type" },
	{ "source symlink is not mirrored",
	  "l,l,0,0,-,1", "", 1, 0, MT_EXACT, 0, 0, "" },
	{ "names with spaces, dashes, UTF-8 sort and match",
	  "-x,f,1,1,-,1;a b,f,2,1,-,1;\xc3\xa9,f,3,1,-,1",
	  "-x,f,1,1,-,1;a b,f,9,1,-,1",
	  0, 0, MT_EXACT, 0, 0, "copy:a b=size copy:\xc3\xa9=new" },
	{ "mixed: new, changed, deleted, same",
	  "d,d,0,0,-,1;d/new,f,1,5,-,1;d/same,f,2,5,-,1;d/chg,f,3,5,-,1",
	  "d,d,0,0,-,1;d/chg,f,3,6,-,1;d/gone,f,1,5,-,1;d/same,f,2,5,-,1",
	  1, 0, MT_EXACT, 0, 0, "copy:d/chg=mtime copy:d/new=new delete:d/gone=gone" },
	/* A server without MLSD size/modify facts: compare what is known. */
	{ "unknown size, same mtime: nothing",
	  "f,f,?,100,-,1", "f,f,5,100,-,1", 0, 0, MT_EXACT, 0, 0, "" },
	{ "unknown size, mtime differs: copy",
	  "f,f,?,200,-,1", "f,f,5,100,-,1", 0, 0, MT_EXACT, 0, 0, "copy:f=newer" },
	{ "unknown size on dst, same mtime: nothing",
	  "f,f,5,100,-,1", "f,f,?,100,-,1", 0, 0, MT_EXACT, 0, 0, "" },
	{ "unknown mtime, same size: nothing",
	  "f,f,5,-1,-,1", "f,f,5,100,-,1", 0, 0, MT_EXACT, 0, 0, "" },
	{ "unknown mtime, newer mode: nothing",
	  "f,f,5,100,-,1", "f,f,5,-1,-,1", 0, 0, MT_NEWER, 0, 0, "" },
	{ "unknown mtime, size differs: copy",
	  "f,f,6,-1,-,1", "f,f,5,100,-,1", 0, 0, MT_EXACT, 0, 0, "copy:f=size" },
	{ "nothing known: nothing (no endless copies)",
	  "f,f,?,-1,-,1", "f,f,5,100,-,1", 0, 0, MT_EXACT, 0, 0, "" },
	{ "nothing known, new: copied, not counted in bytes",
	  "f,f,?,-1,-,1;g,f,3,-1,-,1", "", 0, 0, MT_EXACT, 0, 0, "copy:f=new copy:g=new" },
	{ "unknown mtime, checksum equal: no mtime action",
	  "f,f,5,-1,aa,1", "f,f,5,100,aa,1", 0, 1, MT_EXACT, 0, 0, "" },
	{ "unknown size, checksum differs: copy",
	  "f,f,?,100,aa,1", "f,f,5,100,bb,1", 0, 1, MT_EXACT, 0, 0, "copy:f=checksum" },
};

/* Parse the compact list form of a case into l (sorted). */
static void fill(struct mlist *l, const char *spec)
{
	while (*spec) {
		char path[64], type, hash[16], sz[24];
		long mtime;
		int prec, used = 0;
		ck_assert_int_eq(sscanf(spec, "%63[^,],%c,%23[^,],%ld,%15[^,],%d%n", path, &type,
					sz, &mtime, hash, &prec, &used), 6);
		uint64_t size = strcmp(sz, "?") == 0 ? MENTRY_SIZE_UNKNOWN : strtoull(sz, NULL, 10);
		ck_assert_int_eq(mlist_add(l, path, type, size, (time_t)mtime, prec), 0);
		if (strcmp(hash, "-") != 0)
			l->v[l->n - 1].hash = strdup(hash);
		spec += used;
		if (*spec == ';')
			spec++;
	}
	mlist_sort(l);
}
START_TEST(plan_table)
{
	const struct pcase *c = &cases[_i];
	struct mlist src = { 0 }, dst = { 0 };
	struct mfilter f = { 0 };
	struct mplan p;
	struct zbuf got;
	fill(&src, c->src);
	fill(&dst, c->dst);
	if (c->excl)
		mfilter_add(&f, c->excl, 0);
	if (c->incl)
		mfilter_add(&f, c->incl, 1);
	struct mplan_opts o = { .delete = c->del, .checksum = c->checksum,
				.mtime_mode = c->mm, .filter = &f };
	ck_assert_int_eq(mirror_plan(&src, &dst, &o, &p), 0);
	zbuf_init(&got, 4096);
	for (size_t i = 0; i < p.n; i++)
		zbuf_printf(&got, "%s%s:%s=%s", i ? " " : "", mact_name(p.v[i].kind),
			    p.v[i].path, p.v[i].why);
	ck_assert_msg(strcmp(zbuf_str(&got), c->want) == 0, "%s: got \"%s\", want \"%s\"",
		      c->name, zbuf_str(&got), c->want);
	uint64_t bytes = 0;
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].kind == MACT_COPY && p.v[i].src->size != MENTRY_SIZE_UNKNOWN)
			bytes += p.v[i].src->size;
	ck_assert_uint_eq(p.copy_bytes, bytes);
	zbuf_free(&got);
	mplan_free(&p);
	mlist_free(&src);
	mlist_free(&dst);
	mfilter_free(&f);
}
END_TEST

static const struct {
	const char *excl, *incl, *path;
	int is_dir, want;
} filters[] = {
	{ "*.o", NULL, "x.o", 0, 1 },
	{ "*.o", NULL, "d/x.o", 0, 1 },
	{ "*.o", NULL, "x.c", 0, 0 },
	{ "d", NULL, "d", 1, 1 },
	{ "d", NULL, "d/x", 0, 1 },
	{ "d", NULL, "e/d", 1, 1 },
	{ "d/*", NULL, "e/d/x", 0, 0 },
	{ "d/*", NULL, "d/x", 0, 1 },
	{ NULL, "*.c", "x.h", 0, 1 },
	{ NULL, "*.c", "x.c", 0, 0 },
	{ NULL, "*.c", "dir", 1, 0 },
	{ ".*", NULL, ".git", 1, 1 },
	{ ".*", NULL, "a/.git/config", 0, 1 },
};

START_TEST(filter_table)
{
	struct mfilter f = { 0 };
	if (filters[_i].excl)
		mfilter_add(&f, filters[_i].excl, 0);
	if (filters[_i].incl)
		mfilter_add(&f, filters[_i].incl, 1);
	ck_assert_int_eq(mfilter_excluded(&f, filters[_i].path, filters[_i].is_dir),
			 filters[_i].want);
	mfilter_free(&f);
}
END_TEST

START_TEST(filter_first_match_wins)
{
	struct mfilter f = { 0 };
	mfilter_add(&f, "keep.log", 1);
	mfilter_add(&f, "*.log", 0);
	ck_assert_int_eq(mfilter_excluded(&f, "keep.log", 0), 0);
	ck_assert_int_eq(mfilter_excluded(&f, "other.log", 0), 1);
	/* an include rule exists: unmatched files are excluded */
	ck_assert_int_eq(mfilter_excluded(&f, "x.txt", 0), 1);
	ck_assert_int_eq(mfilter_excluded(NULL, "x.txt", 0), 0);
	mfilter_free(&f);
}
END_TEST

START_TEST(list_find)
{
	struct mlist l = { 0 };
	const char *names[] = { "b", "a/b", "a", "a b", "c" };
	for (int i = 0; i < NELEM(names); i++)
		ck_assert_int_eq(mlist_add(&l, names[i], 'f', (uint64_t)i, 0, 0), 0);
	mlist_sort(&l);
	for (size_t i = 1; i < l.n; i++)
		ck_assert_int_lt(strcmp(l.v[i - 1].path, l.v[i].path), 0);
	ck_assert_ptr_nonnull(mlist_find(&l, "a b"));
	ck_assert_uint_eq(mlist_find(&l, "c")->size, 4);
	ck_assert_int_eq(mlist_find(&l, "c")->mtime_prec, 1);
	ck_assert_ptr_null(mlist_find(&l, "d"));
	struct mlist other = { 0 };
	ck_assert_int_eq(mlist_add(&other, "z", 'd', 0, 0, 0), 0);
	ck_assert_int_eq(mlist_take(&l, &other), 0);
	ck_assert_uint_eq(l.n, 6);
	ck_assert_uint_eq(other.n, 0);
	mlist_free(&l);
}
END_TEST

Suite *mirror_plan_suite(void)
{
	Suite *s = suite_create("mirror_plan");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, plan_table, 0, NELEM(cases));
	tcase_add_loop_test(tc, filter_table, 0, NELEM(filters));
	tcase_add_test(tc, filter_first_match_wins);
	tcase_add_test(tc, list_find);
	suite_add_tcase(s, tc);
	return s;
}
