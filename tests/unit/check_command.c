/* check_command.c - control-line reader, cmd_split, utf8_valid. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "suites.h"
#include "command.h"

#define IAC "\xff"
#define IP "\xf4"
#define DM "\xf2"

/* Feed all of in[0..n) in pieces of `step` bytes; collect the lines as
 * "line|" strings (TOOLONG as "!TOOLONG|") into out. Returns the last
 * status. */
static enum cmd_status feed_all(struct cmd_reader *r, const char *in, size_t n,
				size_t step, char *out, size_t outsz)
{
	enum cmd_status st = CMD_MORE;
	size_t off = 0, olen = 0;
	out[0] = '\0';
	while (off < n) {
		size_t chunk = n - off < step ? n - off : step;
		size_t used = 0;
		while (used < chunk) {
			size_t c;
			st = cmd_reader_feed(r, in + off + used, chunk - used, &c);
			ck_assert_uint_le(c, chunk - used);
			used += c;
			const char *piece = st == CMD_LINE ? r->line :
					    st == CMD_TOOLONG ? "!TOOLONG" : NULL;
			if (st == CMD_ABUSE)
				return st;
			if (piece) {
				size_t pl = st == CMD_LINE ? r->len : strlen(piece);
				ck_assert_uint_lt(olen + pl + 1, outsz);
				memcpy(out + olen, piece, pl);
				olen += pl;
				out[olen++] = '|';
				out[olen] = '\0';
			} else {
				ck_assert_uint_eq(used, chunk);
			}
		}
		off += chunk;
	}
	return st;
}

static const struct {
	const char *in;
	size_t n;	/* 0: strlen(in) */
	const char *lines;
} line_cases[] = {
	{ "NOOP\r\n", 0, "NOOP|" },
	{ "NOOP\n", 0, "NOOP|" },				/* bare LF */
	{ "NOOP\r\nNOOP\r\n", 0, "NOOP|NOOP|" },		/* pipelined */
	{ "USER a\r\nPASS b\nQUIT\r\n", 0, "USER a|PASS b|QUIT|" },
	{ "\r\n", 0, "|" },					/* empty line */
	{ "A\rB\r\n", 0, "A\rB|" },				/* inner CR stays */
	{ "A\r\r\n", 0, "A\r|" },				/* one CR stripped */
	{ "A\r\0B\r\n", 6, "A\rB|" },				/* CR NUL = CR */
	{ "NO" IAC IAC "OP\r\n", 0, "NO\xffOP|" },		/* IAC IAC = 0xFF */
	{ IAC "\xfb\x01NOOP\r\n", 0, "NOOP|" },			/* IAC WILL ECHO */
	{ IAC "\xfd\x0aNOOP\r\n", 0, "NOOP|" },			/* IAC DO <LF as option> */
	{ IAC "\xfc\x03" IAC "\xfe\x03X\r\n", 0, "X|" },	/* WONT, DONT */
	{ IAC IP IAC DM "ABOR\r\n", 0, "ABOR|" },		/* RFC 959 4.1.3 */
	{ IAC IP DM "ABOR\r\n", 0, "ABOR|" },			/* DM without IAC */
	{ IAC "\xf1" "NO" IAC "\xf6OP\r\n", 0, "NOOP|" },	/* NOP, AYT */
	{ IAC "\xfa\x18\x01" IAC "\xf0" "X\r\n", 0, "X|" },	/* SB ... SE */
	{ IAC "\xfa\x18\n" IAC IAC IAC "\xf0" "Y\n", 0, "Y|" },	/* LF in SB */
	{ "A\n\nB\n", 0, "A||B|" },
	{ "PARTIAL", 0, "" },					/* no LF: MORE */
};

START_TEST(lines_every_split)
{
	char out[256];
	const char *in = line_cases[_i].in;
	size_t n = line_cases[_i].n ? line_cases[_i].n : strlen(in);
	for (size_t step = 1; step <= n; step++) {
		struct cmd_reader r;
		cmd_reader_init(&r);
		feed_all(&r, in, n, step, out, sizeof out);
		ck_assert_msg(strcmp(out, line_cases[_i].lines) == 0,
			      "case %d step %zu: got \"%s\"", _i, step, out);
	}
}
END_TEST

START_TEST(nul_inside)
{
	struct cmd_reader r;
	size_t used;
	cmd_reader_init(&r);
	ck_assert_int_eq(cmd_reader_feed(&r, "RETR a\0b\r\nNOOP\r\n", 16, &used), CMD_LINE);
	ck_assert_uint_eq(used, 10);
	ck_assert_uint_eq(r.len, 8);
	ck_assert_int_eq(r.has_nul, 1);
	ck_assert_int_eq(memcmp(r.line, "RETR a\0b", 9), 0);
	ck_assert_int_eq(cmd_reader_feed(&r, "NOOP\r\n", 6, &used), CMD_LINE);
	ck_assert_int_eq(r.has_nul, 0);
	ck_assert_str_eq(r.line, "NOOP");
}
END_TEST

/* A payload of FTP_LINE_MAX - 2 bytes plus CRLF is exactly FTP_LINE_MAX. */
START_TEST(line_limit_exact)
{
	static char in[FTP_LINE_MAX + 16];
	struct cmd_reader r;
	size_t used, pay = FTP_LINE_MAX - 2;
	memset(in, 'x', pay);
	memcpy(in + pay, "\r\nNOOP\r\n", 8);
	cmd_reader_init(&r);
	ck_assert_int_eq(cmd_reader_feed(&r, in, pay + 8, &used), CMD_LINE);
	ck_assert_uint_eq(r.len, pay);
	ck_assert_uint_eq(used, FTP_LINE_MAX);
	ck_assert_int_eq(cmd_reader_feed(&r, in + used, pay + 8 - used, &used), CMD_LINE);
	ck_assert_str_eq(r.line, "NOOP");
}
END_TEST

START_TEST(line_limit_plus_one)
{
	static char in[FTP_LINE_MAX + 16];
	char out[64];
	size_t pay = FTP_LINE_MAX - 1;
	memset(in, 'x', pay);
	memcpy(in + pay, "\r\nNOOP\r\n", 8);
	for (size_t step = 1; step < 20; step += 6) {
		struct cmd_reader r;
		cmd_reader_init(&r);
		feed_all(&r, in, pay + 8, step, out, sizeof out);
		ck_assert_str_eq(out, "!TOOLONG|NOOP|");
	}
}
END_TEST

/* TOOLONG comes as soon as the limit is passed, not at the LF. */
START_TEST(toolong_early)
{
	static char in[FTP_LINE_MAX * 2];
	struct cmd_reader r;
	size_t used;
	memset(in, 'y', sizeof in);
	cmd_reader_init(&r);
	ck_assert_int_eq(cmd_reader_feed(&r, in, sizeof in, &used), CMD_TOOLONG);
	ck_assert_uint_eq(used, FTP_LINE_MAX - 1);
	ck_assert_int_eq(cmd_reader_feed(&r, in, sizeof in, &used), CMD_MORE);
	ck_assert_uint_eq(used, sizeof in);
	ck_assert_int_eq(cmd_reader_feed(&r, "z\nQUIT\n", 7, &used), CMD_LINE);
	ck_assert_str_eq(r.line, "QUIT");
}
END_TEST

/* 10 MB without LF: TOOLONG once, then ABUSE (sticky). */
START_TEST(flood_is_abuse)
{
	enum { CHUNK = 64 * 1024, TOTAL = 10 * 1024 * 1024 };
	char *in = malloc(CHUNK);
	struct cmd_reader r;
	int toolong = 0, abuse = 0;
	size_t fed = 0;
	ck_assert_ptr_nonnull(in);
	memset(in, 'A', CHUNK);
	cmd_reader_init(&r);
	while (fed < TOTAL && !abuse) {
		size_t off = 0;
		while (off < CHUNK) {
			size_t used;
			enum cmd_status st = cmd_reader_feed(&r, in + off, CHUNK - off, &used);
			ck_assert_int_ne(st, CMD_LINE);
			toolong += st == CMD_TOOLONG;
			off += used;
			if (st == CMD_ABUSE) {
				abuse = 1;
				break;
			}
		}
		fed += off;
	}
	free(in);
	ck_assert_int_eq(toolong, 1);
	ck_assert_int_eq(abuse, 1);
	ck_assert_uint_le(fed, CMD_DISCARD_MAX + FTP_LINE_MAX + 2);
	size_t used = 99;
	ck_assert_int_eq(cmd_reader_feed(&r, "NOOP\r\n", 6, &used), CMD_ABUSE);
	ck_assert_uint_eq(used, 0);
}
END_TEST

/* A stream of Telnet NOPs never yields a line but must not be endless. */
START_TEST(telnet_flood)
{
	static char in[4 * FTP_LINE_MAX];
	struct cmd_reader r;
	size_t used;
	for (size_t i = 0; i < sizeof in; i += 2)
		memcpy(in + i, IAC "\xf1", 2);
	cmd_reader_init(&r);
	ck_assert_int_eq(cmd_reader_feed(&r, in, sizeof in, &used), CMD_TOOLONG);
}
END_TEST

/* 0xFF via IAC IAC counts once toward the limit. */
START_TEST(iac_iac_long_line)
{
	static char in[2 * FTP_LINE_MAX];
	struct cmd_reader r;
	size_t used, pay = FTP_LINE_MAX - 2;
	memset(in, 0xff, 2 * pay);
	memcpy(in + 2 * pay, "\r\n", 2);
	cmd_reader_init(&r);
	ck_assert_int_eq(cmd_reader_feed(&r, in, 2 * pay + 2, &used), CMD_LINE);
	ck_assert_uint_eq(r.len, pay);
	ck_assert_int_eq((unsigned char)r.line[0], 0xff);
}
END_TEST

static const struct {
	const char *line;
	int rc;
	const char *verb, *arg;
} split_cases[] = {
	{ "NOOP", 0, "NOOP", "" },
	{ "noop", 0, "NOOP", "" },
	{ "rEtR file.txt", 0, "RETR", "file.txt" },
	{ "RETR  leading", 0, "RETR", " leading" },
	{ "RETR trailing  ", 0, "RETR", "trailing  " },
	{ "STOR a b c", 0, "STOR", "a b c" },
	{ "RETR ", 0, "RETR", "" },
	{ "RE TR", 0, "RE", "TR" },
	{ "ABCDEFGH x", 0, "ABCDEFGH", "x" },
	{ "ABCDEFGHI", -EINVAL, NULL, NULL },
	{ "RETR\tx", -EINVAL, NULL, NULL },
	{ "", -EINVAL, NULL, NULL },
	{ " NOOP", -EINVAL, NULL, NULL },
	{ "123", -EINVAL, NULL, NULL },
	{ "RET9", -EINVAL, NULL, NULL },
	{ "\xc3\xa9T", -EINVAL, NULL, NULL },
};

START_TEST(split_table)
{
	struct cmd_parts p;
	const char *l = split_cases[_i].line;
	ck_assert_int_eq(cmd_split(l, strlen(l), &p), split_cases[_i].rc);
	if (split_cases[_i].rc)
		return;
	ck_assert_str_eq(p.verb, split_cases[_i].verb);
	ck_assert_str_eq(p.arg, split_cases[_i].arg);
	ck_assert_uint_eq(p.arglen, strlen(split_cases[_i].arg));
}
END_TEST

static const struct {
	const char *s;
	int ok;
} utf8_cases[] = {
	{ "", 1 }, { "plain ascii", 1 }, { "caf\xc3\xa9", 1 },
	{ "\xe2\x82\xac", 1 },			/* U+20AC */
	{ "\xf0\x9f\x98\x80", 1 },		/* U+1F600 */
	{ "\xf4\x8f\xbf\xbf", 1 },		/* U+10FFFF */
	{ "\xed\x9f\xbf", 1 },			/* U+D7FF */
	{ "\xee\x80\x80", 1 },			/* U+E000 */
	{ "\xc0\xaf", 0 }, { "\xc1\xbf", 0 },	/* overlong 2-byte */
	{ "\xe0\x80\xaf", 0 },			/* overlong 3-byte */
	{ "\xf0\x80\x80\xaf", 0 },		/* overlong 4-byte */
	{ "\xed\xa0\x80", 0 },			/* surrogate U+D800 */
	{ "\xed\xbf\xbf", 0 },			/* surrogate U+DFFF */
	{ "\xf4\x90\x80\x80", 0 },		/* U+110000 */
	{ "\xf5\x80\x80\x80", 0 }, { "\xff", 0 }, { "\xfe", 0 },
	{ "\x80", 0 }, { "a\xbf", 0 },		/* lone continuation */
	{ "\xc3", 0 }, { "\xe2\x82", 0 },	/* truncated */
	{ "\xc3\x28", 0 },			/* bad continuation */
};

START_TEST(utf8_table)
{
	const char *s = utf8_cases[_i].s;
	ck_assert_msg(utf8_valid(s, strlen(s)) == utf8_cases[_i].ok, "case %d", _i);
}
END_TEST

START_TEST(utf8_nul_and_length)
{
	ck_assert_int_eq(utf8_valid("a\0b", 3), 1);
	ck_assert_int_eq(utf8_valid("\xc3\xa9", 1), 0);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *command_suite(void)
{
	Suite *s = suite_create("command");
	TCase *tc = tcase_create("reader");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, lines_every_split, 0, NELEM(line_cases));
	tcase_add_test(tc, nul_inside);
	tcase_add_test(tc, line_limit_exact);
	tcase_add_test(tc, line_limit_plus_one);
	tcase_add_test(tc, toolong_early);
	tcase_add_test(tc, flood_is_abuse);
	tcase_add_test(tc, telnet_flood);
	tcase_add_test(tc, iac_iac_long_line);
	suite_add_tcase(s, tc);
	tc = tcase_create("split");
	tcase_add_loop_test(tc, split_table, 0, NELEM(split_cases));
	tcase_add_loop_test(tc, utf8_table, 0, NELEM(utf8_cases));
	tcase_add_test(tc, utf8_nul_and_length);
	suite_add_tcase(s, tc);
	return s;
}
