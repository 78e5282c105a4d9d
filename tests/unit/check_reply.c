/* check_reply.c - reply formatting, path quoting and the reply reader. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "reply.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	int code;
	const char *text, *wire;
} fmt_cases[] = {
	{ 200, "OK", "200 OK\r\n" },
	{ 220, "", "220 \r\n" },
	{ 226, "Done\n", "226 Done\r\n" },
	{ 211, "Features:\n EPRT\n MLST type*;\nEnd",
	  "211-Features:\r\n EPRT\r\n MLST type*;\r\n211 End\r\n" },
	{ 214, "a\n123 looks like end\nb", "214-a\r\n 123 looks like end\r\n214 b\r\n" },
	{ 250, "x\ny", "250-x\r\n250 y\r\n" },
	{ 250, "x\n\ny", "250-x\r\n\r\n250 y\r\n" },
	{ 500, "bad\r\n421 injected", "500-bad\r\n500 421 injected\r\n" },
	{ 550, "no\rfile", "550 nofile\r\n" },
	{ 257, "\"/\" is cwd", "257 \"/\" is cwd\r\n" },
};

START_TEST(format_table)
{
	struct zbuf b;
	zbuf_init(&b, 0);
	ck_assert_int_eq(reply_format(&b, fmt_cases[_i].code, fmt_cases[_i].text), 0);
	ck_assert_str_eq(zbuf_str(&b), fmt_cases[_i].wire);
	zbuf_free(&b);
}
END_TEST

START_TEST(format_errors)
{
	struct zbuf b;
	zbuf_init(&b, 8);
	ck_assert_int_eq(reply_format(&b, 99, "x"), -EINVAL);
	ck_assert_int_eq(reply_format(&b, 600, "x"), -EINVAL);
	ck_assert_int_eq(reply_format(&b, 200, "much too long"), -E2BIG);
	zbuf_free(&b);
}
END_TEST

static const struct {
	const char *path, *quoted;
} quote_cases[] = {
	{ "/", "\"/\"" },
	{ "/a b", "\"/a b\"" },
	{ "/say \"hi\"", "\"/say \"\"hi\"\"\"" },
	{ "/x\r\ny", "\"/x??y\"" },
	{ "", "\"\"" },
};

START_TEST(quote_table)
{
	struct zbuf b;
	zbuf_init(&b, 0);
	ck_assert_int_eq(reply_quote_path(&b, quote_cases[_i].path), 0);
	ck_assert_str_eq(zbuf_str(&b), quote_cases[_i].quoted);
	zbuf_free(&b);
}
END_TEST

/*
 * Feed in[] in pieces of `step`; print each reply as "code:text|" into out
 * and return 0, or the first error.
 */
static int read_all(const char *in, size_t step, char *out, size_t outsz)
{
	struct reply_reader r;
	size_t n = strlen(in), off = 0, olen = 0;
	int rc = 0;
	reply_reader_init(&r);
	out[0] = '\0';
	while (off < n && rc >= 0) {
		size_t chunk = n - off < step ? n - off : step, used = 0;
		while (used < chunk) {
			size_t c;
			rc = reply_reader_feed(&r, in + off + used, chunk - used, &c);
			used += c;
			if (rc < 0)
				break;
			if (rc == 0) {
				ck_assert_uint_eq(used, chunk);
				continue;
			}
			int k = snprintf(out + olen, outsz - olen, "%d:%s|", r.code,
					 zbuf_str(&r.text));
			ck_assert(k > 0 && (size_t)k < outsz - olen);
			olen += (size_t)k;
			reply_reader_reset_reply(&r);
		}
		off += chunk;
	}
	reply_reader_free(&r);
	return rc < 0 ? rc : 0;
}

static const struct {
	const char *in;
	int rc;
	const char *replies;
} read_cases[] = {
	{ "220 Hello\r\n", 0, "220:Hello|" },
	{ "220 Hello\n", 0, "220:Hello|" },
	{ "331 Need password\r\n230 In\r\n", 0, "331:Need password|230:In|" },
	{ "123-First\r\n234 not end\r\n123 End\r\n", 0, "123:First\n234 not end\nEnd|" },
	{ "211-Features:\r\n EPRT\r\n MDTM\r\n211 End\r\n", 0,
	  "211:Features:\n EPRT\n MDTM\nEnd|" },
	{ "230-Welcome\r\n230-to here\r\n230 Done\r\n", 0, "230:Welcome\nto here\nDone|" },
	{ "250-a\r\n250x\r\n250 b\r\n", 0, "250:a\n250x\nb|" },
	{ "226 \r\n", 0, "226:|" },
	{ "200\r\n", 0, "200:|" },
	{ "211-x\r\n211\r\n", 0, "211:x\n|" },
	{ "200 a\r\nHELLO\r\n", -EPROTO, "200:a|" },
	{ "garbage\r\n", -EPROTO, "" },
	{ "20 short\r\n", -EPROTO, "" },
	{ "200x\r\n", -EPROTO, "" },
	{ "600 bad code\r\n", -EPROTO, "" },
	{ "099 bad code\r\n", -EPROTO, "" },
	{ "\r\n", -EPROTO, "" },
	{ "220 partial", 0, "" },
};

START_TEST(read_every_split)
{
	char out[256];
	size_t n = strlen(read_cases[_i].in);
	for (size_t step = 1; step <= n; step++) {
		int rc = read_all(read_cases[_i].in, step, out, sizeof out);
		ck_assert_msg(rc == read_cases[_i].rc, "case %d step %zu rc %d", _i, step, rc);
		ck_assert_msg(strcmp(out, read_cases[_i].replies) == 0,
			      "case %d step %zu got \"%s\"", _i, step, out);
	}
}
END_TEST

START_TEST(read_consumed_and_sticky)
{
	struct reply_reader r;
	const char *in = "200 a\r\n201 b\r\n";
	size_t used;
	reply_reader_init(&r);
	ck_assert_int_eq(reply_reader_feed(&r, in, strlen(in), &used), 1);
	ck_assert_uint_eq(used, 7);
	/* The held reply is returned again until reset. */
	ck_assert_int_eq(reply_reader_feed(&r, in + 7, 7, &used), 1);
	ck_assert_uint_eq(used, 0);
	ck_assert_int_eq(r.code, 200);
	reply_reader_reset_reply(&r);
	ck_assert_int_eq(reply_reader_feed(&r, in + 7, 7, &used), 1);
	ck_assert_int_eq(r.code, 201);
	ck_assert_str_eq(zbuf_str(&r.text), "b");
	reply_reader_reset_reply(&r);
	ck_assert_int_eq(reply_reader_feed(&r, "xyz\r\n", 5, &used), -EPROTO);
	ck_assert_int_eq(reply_reader_feed(&r, "200 ok\r\n", 8, &used), -EPROTO);
	ck_assert_uint_eq(used, 0);
	reply_reader_free(&r);
}
END_TEST

START_TEST(read_line_too_long)
{
	struct reply_reader r;
	size_t n = FTP_REPLY_LINE_MAX + 16, used;
	char *in = malloc(n);
	ck_assert_ptr_nonnull(in);
	memcpy(in, "200 ", 4);
	memset(in + 4, 'x', n - 4);
	/* Exactly FTP_REPLY_LINE_MAX bytes before CRLF is fine. */
	memcpy(in + FTP_REPLY_LINE_MAX, "\r\n", 2);
	reply_reader_init(&r);
	ck_assert_int_eq(reply_reader_feed(&r, in, FTP_REPLY_LINE_MAX + 2, &used), 1);
	ck_assert_uint_eq(r.text.len, FTP_REPLY_LINE_MAX - 4);
	reply_reader_reset_reply(&r);
	memset(in + 4, 'x', n - 4);
	ck_assert_int_eq(reply_reader_feed(&r, in, n, &used), -E2BIG);
	reply_reader_free(&r);
	/* One byte over, with a bare LF. */
	reply_reader_init(&r);
	in[FTP_REPLY_LINE_MAX + 1] = '\n';
	ck_assert_int_eq(reply_reader_feed(&r, in, FTP_REPLY_LINE_MAX + 2, &used), -E2BIG);
	reply_reader_free(&r);
	free(in);
}
END_TEST

START_TEST(read_too_many_lines)
{
	struct reply_reader r;
	size_t used;
	int rc = 0;
	reply_reader_init(&r);
	ck_assert_int_eq(reply_reader_feed(&r, "211-start\r\n", 11, &used), 0);
	for (int i = 0; i < FTP_REPLY_LINES_MAX + 5 && rc == 0; i++)
		rc = reply_reader_feed(&r, " line\r\n", 7, &used);
	ck_assert_int_eq(rc, -E2BIG);
	reply_reader_free(&r);
}
END_TEST

/* What reply_format writes, the reader gives back. */
START_TEST(round_trip)
{
	static const char *texts[] = { "one", "a\nb", "x\n220 y\nz", "Features:\n UTF8\nEnd" };
	static const char *back[] = { "one", "a\nb", "x\n 220 y\nz", "Features:\n UTF8\nEnd" };
	for (int i = 0; i < NELEM(texts); i++) {
		struct zbuf b;
		struct reply_reader r;
		size_t used;
		zbuf_init(&b, 0);
		reply_reader_init(&r);
		ck_assert_int_eq(reply_format(&b, 214, texts[i]), 0);
		ck_assert_int_eq(reply_reader_feed(&r, b.p, b.len, &used), 1);
		ck_assert_uint_eq(used, b.len);
		ck_assert_int_eq(r.code, 214);
		ck_assert_str_eq(zbuf_str(&r.text), back[i]);
		reply_reader_free(&r);
		zbuf_free(&b);
	}
}
END_TEST

Suite *reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("format");
	tcase_add_loop_test(tc, format_table, 0, NELEM(fmt_cases));
	tcase_add_test(tc, format_errors);
	tcase_add_loop_test(tc, quote_table, 0, NELEM(quote_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("reader");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, read_every_split, 0, NELEM(read_cases));
	tcase_add_test(tc, read_consumed_and_sticky);
	tcase_add_test(tc, read_line_too_long);
	tcase_add_test(tc, read_too_many_lines);
	tcase_add_test(tc, round_trip);
	suite_add_tcase(s, tc);
	return s;
}
