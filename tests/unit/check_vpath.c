/* check_vpath.c - virtual path normalization. */
#include "config.h"
#include <errno.h>
#include <string.h>
#include "suites.h"
#include "vpath.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *cwd, *arg;
	int rc;
	const char *out;
} resolve_cases[] = {
	{ "/", "", 0, "/" },
	{ "/a/b", "", 0, "/a/b" },
	{ "/a/b/", "", 0, "/a/b" },
	{ "/a/b", "c", 0, "/a/b/c" },
	{ "/a/b", "/c", 0, "/c" },
	{ "/a/b", "..", 0, "/a" },
	{ "/a/b", "../..", 0, "/" },
	{ "/a/b", "../../../etc/passwd", 0, "/etc/passwd" },
	{ "/", "..", 0, "/" },
	{ "/", "/..", 0, "/" },
	{ "/", "../../..", 0, "/" },
	{ "/a", ".", 0, "/a" },
	{ "/a", "./", 0, "/a" },
	{ "/a", "./b/./c/.", 0, "/a/b/c" },
	{ "/a", "b//c///d", 0, "/a/b/c/d" },
	{ "/a", "//b", 0, "/b" },
	{ "/a", "b/", 0, "/a/b" },
	{ "/a", "b/../c", 0, "/a/c" },
	{ "/a", "b/../../../../c", 0, "/c" },
	{ "/a", "...", 0, "/a/..." },
	{ "/a", "..b", 0, "/a/..b" },
	{ "/a", "b..", 0, "/a/b.." },
	{ "/a", ".hidden", 0, "/a/.hidden" },
	{ "/a", "with space", 0, "/a/with space" },
	{ "/a", " lead", 0, "/a/ lead" },
	{ "//x//y//", "", 0, "/x/y" },
	{ "/x/../y", "z", 0, "/y/z" },
	{ "/a/b", "/", 0, "/" },
	{ "/a/b", "///", 0, "/" },
	{ "relative", "x", -EINVAL, NULL },
	{ "", "x", -EINVAL, NULL },
};

START_TEST(resolve_table)
{
	char out[64];
	int rc = vpath_resolve(resolve_cases[_i].cwd, resolve_cases[_i].arg, out, sizeof out);
	ck_assert_msg(rc == resolve_cases[_i].rc, "case %d rc %d", _i, rc);
	if (rc == 0)
		ck_assert_str_eq(out, resolve_cases[_i].out);
}
END_TEST

START_TEST(resolve_lengths)
{
	char out[8], big[5000];
	/* "/abcdef" is 7 bytes + NUL: fits exactly. */
	ck_assert_int_eq(vpath_resolve("/", "abcdef", out, sizeof out), 0);
	ck_assert_str_eq(out, "/abcdef");
	ck_assert_int_eq(vpath_resolve("/", "abcdefg", out, sizeof out), -ENAMETOOLONG);
	ck_assert_int_eq(vpath_resolve("/abc", "defg", out, sizeof out), -ENAMETOOLONG);
	ck_assert_int_eq(vpath_resolve("/", "", out, 1), -ENAMETOOLONG);
	ck_assert_int_eq(vpath_resolve("/", "", out, 2), 0);
	ck_assert_str_eq(out, "/");
	/* A long argument that collapses back to something short. */
	memset(big, 0, sizeof big);
	for (size_t i = 0; i + 3 < sizeof big - 1; i += 3)
		memcpy(big + i, "../", 3);
	ck_assert_int_eq(vpath_resolve("/a/b", big, out, sizeof out), 0);
	ck_assert_str_eq(out, "/");
	memset(big, 'x', sizeof big - 1);
	ck_assert_int_eq(vpath_resolve("/", big, out, sizeof out), -ENAMETOOLONG);
	char huge[6000];
	ck_assert_int_eq(vpath_resolve("/", big, huge, sizeof huge), 0);
	ck_assert_uint_eq(strlen(huge), sizeof big);
}
END_TEST

static const struct {
	const char *in, *base, *dir;
} name_cases[] = {
	{ "/", "", "/" },
	{ "/a", "a", "/" },
	{ "/a/b", "b", "/a" },
	{ "/a/b/c.txt", "c.txt", "/a/b" },
};

START_TEST(names_table)
{
	char d[16];
	ck_assert_str_eq(vpath_basename(name_cases[_i].in), name_cases[_i].base);
	ck_assert_int_eq(vpath_dirname(name_cases[_i].in, d, sizeof d), 0);
	ck_assert_str_eq(d, name_cases[_i].dir);
}
END_TEST

START_TEST(dirname_errors)
{
	char d[4];
	ck_assert_int_eq(vpath_dirname("a/b", d, sizeof d), -EINVAL);
	ck_assert_int_eq(vpath_dirname("/abc/d", d, sizeof d), -ENAMETOOLONG);
	ck_assert_int_eq(vpath_dirname("/ab/d", d, sizeof d), 0);
	ck_assert_str_eq(d, "/ab");
	ck_assert_int_eq(vpath_dirname("/", d, 1), -ENAMETOOLONG);
	ck_assert_str_eq(vpath_basename("noslash"), "noslash");
}
END_TEST

Suite *vpath_suite(void)
{
	Suite *s = suite_create("vpath");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, resolve_table, 0, NELEM(resolve_cases));
	tcase_add_test(tc, resolve_lengths);
	tcase_add_loop_test(tc, names_table, 0, NELEM(name_cases));
	tcase_add_test(tc, dirname_errors);
	suite_add_tcase(s, tc);
	return s;
}
