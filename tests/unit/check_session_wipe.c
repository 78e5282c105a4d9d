/* check_session_wipe.c - session_wipe_line(): a handled command line (PASS)
 * leaves no copy in the queue or the line reader, and a pipelined line
 * still being read after it survives intact. */
#include "config.h"

#define _GNU_SOURCE 1
#include <string.h>

#include "suites.h"
#include "command.h"
#include "session.h"

#define SECRET "s3cr3t"

static const struct {
	const char *input;	/* the PASS line, and what arrived with it */
	size_t pad;		/* then this many 'x' (an over-long line) */
	const char *seen;	/* in the reader's buffer before the wipe */
	const char *more;	/* what arrives after PASS was handled */
	const char *next;	/* the line that must come out of it */
} cases[] = {
	{ "PASS " SECRET "\r\n", 0, SECRET, "NOOP\r\n", "NOOP" },
	{ "PASS " SECRET "\r\nNO", 0, SECRET, "OP\r\n", "NOOP" },
	{ "PASS " SECRET "-and-a-longer-tail\r\nCWD /x", 0, "longer-tail", "yz\r\n", "CWD /xyz" },
	{ "PASS " SECRET "\r\nPWD\r", 0, SECRET, "\n", "PWD" },
	{ "PASS " SECRET "\nSYST", 0, SECRET, "\r\n", "SYST" },
	/* over-long: the reader drops the rest of the line, then goes on */
	{ "PASS " SECRET, FTP_LINE_MAX, SECRET, "xx\r\nNOOP\r\n", "NOOP" },
};

/* Feed data the way the session does, taking the first line (or over-long
 * line) into q. Returns the status of that first event. */
static enum cmd_status take_first(struct cmd_reader *rd, struct queued_line *q,
				  const char *data, size_t n)
{
	enum cmd_status first = CMD_MORE;
	while (n > 0) {
		size_t used = 0;
		enum cmd_status st = cmd_reader_feed(rd, data, n, &used);
		data += used;
		n -= used;
		if (st == CMD_MORE || first != CMD_MORE)
			continue;
		first = st;
		q->kind = st == CMD_TOOLONG ? LINE_TOO_LONG : LINE_OK;
		q->len = st == CMD_TOOLONG ? 0 : rd->len;
		memcpy(q->text, rd->line, q->len);
		q->text[q->len] = '\0';
	}
	return first;
}

START_TEST(wipe_pass_line)
{
	static struct cmd_reader rd;
	static struct queued_line q;
	static char in[2 * FTP_LINE_MAX];
	const char *more = cases[_i].more, *seen = cases[_i].seen;
	size_t n = strlen(cases[_i].input);
	memcpy(in, cases[_i].input, n);
	memset(in + n, 'x', cases[_i].pad);
	n += cases[_i].pad;
	cmd_reader_init(&rd);
	memset(&q, 0, sizeof q);
	enum cmd_status st = take_first(&rd, &q, in, n);
	ck_assert_int_eq(st, cases[_i].pad ? CMD_TOOLONG : CMD_LINE);
	ck_assert(st == CMD_TOOLONG || memmem(q.text, q.len, SECRET, 6) != NULL);
	ck_assert_ptr_nonnull(memmem(rd.line, sizeof rd.line, seen, strlen(seen)));

	session_wipe_line(&rd, &q);
	ck_assert_uint_eq(q.len, 0);
	ck_assert_ptr_null(memmem(q.text, sizeof q.text, SECRET, 6));
	ck_assert_ptr_null(memmem(rd.line, sizeof rd.line, seen, strlen(seen)));
	ck_assert_ptr_null(memmem(rd.line, sizeof rd.line, SECRET, 6));

	/* The line that was still arriving is whole. */
	size_t used = 0, off = 0;
	n = strlen(more);
	st = CMD_MORE;
	while (off < n && st != CMD_LINE) {
		st = cmd_reader_feed(&rd, more + off, n - off, &used);
		off += used;
	}
	ck_assert_int_eq(st, CMD_LINE);
	ck_assert_uint_eq(rd.len, strlen(cases[_i].next));
	ck_assert_str_eq(rd.line, cases[_i].next);
}
END_TEST

Suite *session_wipe_suite(void)
{
	Suite *s = suite_create("session_wipe");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, wipe_pass_line, 0, sizeof cases / sizeof cases[0]);
	suite_add_tcase(s, tc);
	return s;
}
