/* check_buf.c - zbuf and zc_strlcpy. */
#include "config.h"
#include <errno.h>
#include <string.h>
#include "suites.h"
#include "buf.h"

START_TEST(append_and_terminate)
{
	struct zbuf b;
	zbuf_init(&b, 0);
	ck_assert_str_eq(zbuf_str(&b), "");
	ck_assert_int_eq(zbuf_puts(&b, "abc"), 0);
	ck_assert_int_eq(zbuf_printf(&b, "%d-%s", 42, "x"), 0);
	ck_assert_str_eq(zbuf_str(&b), "abc42-x");
	ck_assert_uint_eq(b.len, 7);
	zbuf_consume(&b, 3);
	ck_assert_str_eq(zbuf_str(&b), "42-x");
	zbuf_consume(&b, 100);
	ck_assert_uint_eq(b.len, 0);
	zbuf_free(&b);
}
END_TEST

START_TEST(limit_is_sticky)
{
	struct zbuf b;
	zbuf_init(&b, 4);
	ck_assert_int_eq(zbuf_puts(&b, "abcd"), 0);
	ck_assert_int_eq(zbuf_putc(&b, 'e'), -E2BIG);
	ck_assert_int_eq(b.err, -E2BIG);
	ck_assert_int_eq(zbuf_puts(&b, ""), -E2BIG);
	ck_assert_str_eq(zbuf_str(&b), "abcd");
	zbuf_reset(&b);
	ck_assert_int_eq(zbuf_printf(&b, "%s", "12345"), -E2BIG);
	ck_assert_uint_eq(b.len, 0);
	zbuf_free(&b);
}
END_TEST

START_TEST(grows_large)
{
	struct zbuf b;
	zbuf_init(&b, 0);
	char chunk[1000];
	memset(chunk, 'z', sizeof chunk);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(zbuf_append(&b, chunk, sizeof chunk), 0);
	ck_assert_uint_eq(b.len, 1000000);
	ck_assert_int_eq(b.p[b.len], '\0');
	zbuf_free(&b);
}
END_TEST

START_TEST(strlcpy_bounds)
{
	char d[4];
	ck_assert_int_eq(zc_strlcpy(d, "abc", sizeof d), 0);
	ck_assert_str_eq(d, "abc");
	ck_assert_int_eq(zc_strlcpy(d, "abcd", sizeof d), -E2BIG);
	ck_assert_str_eq(d, "abc");
	ck_assert_int_eq(zc_strlcpy(d, "x", 0), -E2BIG);
}
END_TEST

Suite *buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, append_and_terminate);
	tcase_add_test(tc, limit_is_sticky);
	tcase_add_test(tc, grows_large);
	tcase_add_test(tc, strlcpy_bounds);
	suite_add_tcase(s, tc);
	return s;
}
