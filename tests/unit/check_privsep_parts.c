/* check_privsep_parts.c - the pure parts of privilege separation and user
 * policy: name lists, per-user option lines, the monitor handoff codec
 * (with the line reader's state it carries). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suites.h"
#include "namelist.h"
#include "privsep.h"
#include "useropts.h"

static const struct { const char *list, *name; int has; } has_cases[] = {
	{ "root", "root", 1 }, { "root", "roo", 0 }, { "root", "rootx", 0 },
	{ " root , daemon,bin ", "daemon", 1 }, { "root,,bin", "bin", 1 },
	{ "", "root", 0 }, { NULL, "root", 0 }, { ",,,", "", 0 },
	{ "a b", "a b", 1 }, { "alice", "ALICE", 0 },
};

START_TEST(names)
{
	ck_assert_int_eq(namelist_has(has_cases[_i].list, has_cases[_i].name), has_cases[_i].has);
}
END_TEST

static const struct { const char *pats, *name; int match; } pat_cases[] = {
	{ ".htaccess", ".htaccess", 1 }, { ".htaccess", "htaccess", 0 },
	{ "*.php, .ht*", "index.php", 1 }, { "*.php, .ht*", ".htpasswd", 1 },
	{ "*", ".hidden", 0 },	/* FNM_PERIOD: a leading dot must be explicit */
	{ ".*", ".hidden", 1 }, { ".*", "visible", 0 }, { "", "x", 0 }, { NULL, "x", 0 },
	{ "secret", "secret", 1 }, { "[!a]*", "bcd", 1 },
};

START_TEST(patterns)
{
	ck_assert_int_eq(namelist_match(pat_cases[_i].pats, pat_cases[_i].name), pat_cases[_i].match);
}
END_TEST

static const struct { const char *pats, *path; int match; } path_cases[] = {
	{ ".htaccess", "/a/.htaccess", 1 }, { ".htaccess", "/.htaccess/x", 1 },
	{ "private", "/pub/private/file", 1 }, { "private", "/pub/privateer", 0 },
	{ "*.php", "/", 0 }, { ".git", "//.git//config", 1 },
};

START_TEST(paths)
{
	ck_assert_int_eq(namelist_match_path(path_cases[_i].pats, path_cases[_i].path),
			 path_cases[_i].match);
}
END_TEST

START_TEST(useropts_lines)
{
	struct user_opts o;
	char l1[] = "alice root=/srv/a writable=no umask=077 max_sessions=2\n";
	ck_assert_int_eq(useropts_parse_line(l1, "alice", &o), 1);
	ck_assert(o.has_root && o.has_writable && o.has_umask && o.has_max_sessions);
	ck_assert_str_eq(o.root, "/srv/a");
	ck_assert_int_eq(o.writable, 0);
	ck_assert_int_eq(o.umask, 077);
	ck_assert_int_eq(o.max_sessions, 2);
	char l5[] = "alice rate_down=1048576 rate_up=0";
	ck_assert_int_eq(useropts_parse_line(l5, "alice", &o), 1);
	ck_assert(o.has_rate_down && o.has_rate_up && !o.has_root);
	ck_assert_int_eq(o.rate_down, 1048576);
	ck_assert_int_eq(o.rate_up, 0);
	char l2[] = "bob writable=yes";
	ck_assert_int_eq(useropts_parse_line(l2, "alice", &o), 0);
	char l3[] = "# alice root=/x";
	ck_assert_int_eq(useropts_parse_line(l3, "alice", &o), 0);
	char l4[] = "";
	ck_assert_int_eq(useropts_parse_line(l4, "alice", &o), 0);
}
END_TEST

static const char *const bad_lines[] = {
	"alice root=relative", "alice writable=maybe", "alice umask=999", "alice umask=",
	"alice max_sessions=-1", "alice max_sessions=1x", "alice colour=blue", "alice root",
	"alice rate_down=fast", "alice rate_up=-5",
};

START_TEST(useropts_bad)
{
	struct user_opts o;
	char line[128];
	zc_strlcpy(line, bad_lines[_i], sizeof line);
	ck_assert_int_eq(useropts_parse_line(line, "alice", &o), -EINVAL);
}
END_TEST

/* useropts_lookup on a file holding text; the result and o->root. */
static int lookup_text(const char *text, const char *name, struct user_opts *o)
{
	char path[] = "/tmp/zc-useropts-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(close(fd), 0);
	int rc = useropts_lookup(path, name, o);
	ck_assert_int_eq(unlink(path), 0);
	return rc;
}

/* The tail of an over-long line is not a line of its own. */
START_TEST(useropts_long_line)
{
	struct user_opts o;
	char text[3 * USEROPTS_LINE_MAX];
	size_t pad = USEROPTS_LINE_MAX - 1 - strlen("# ");
	memset(text, 'x', sizeof text);
	memcpy(text, "# ", 2);
	/* A comment whose bytes after the buffer's end read "alice root=/". */
	snprintf(text + 2 + pad, sizeof text - 2 - pad, "alice root=/\nbob writable=yes\n");
	ck_assert_int_eq(lookup_text(text, "alice", &o), 0);
	ck_assert_int_eq(lookup_text(text, "bob", &o), 1);
	/* alice's own line, too long to be read in full, is refused. */
	memset(text, 'x', sizeof text);
	memcpy(text, "alice root=/", 12);
	snprintf(text + 2 * USEROPTS_LINE_MAX, USEROPTS_LINE_MAX, "\n");
	ck_assert_int_eq(lookup_text(text, "alice", &o), -EINVAL);
	/* A line of exactly USEROPTS_LINE_MAX - 1 bytes plus '\n' still fits. */
	memset(text, ' ', sizeof text);
	memcpy(text, "alice writable=yes", 18);
	snprintf(text + USEROPTS_LINE_MAX - 1, USEROPTS_LINE_MAX, "\n");
	ck_assert_int_eq(lookup_text(text, "alice", &o), 1);
	ck_assert(o.has_writable && o.writable == 1);
}
END_TEST

/* A session with three queued lines; the first (the PASS) is skipped. */
static void fill_session(struct session *s)
{
	static const char *const texts[] = { "PASS secret", "PWD", "RETR a b" };
	memset(s, 0, sizeof *s);
	cmd_reader_init(&s->rd);
	s->q_head = SESSION_QUEUE_MAX - 1;	/* wraps around the ring */
	for (unsigned i = 0; i < 3; i++) {
		struct queued_line *q = &s->queue[(s->q_head + i) % SESSION_QUEUE_MAX];
		q->len = strlen(texts[i]);
		memcpy(q->text, texts[i], q->len + 1);
		q->kind = i == 2 ? LINE_HAS_NUL : LINE_OK;
	}
	s->q_count = 3;
}

START_TEST(handoff_roundtrip)
{
	static struct session s;
	static unsigned char buf[PS_HANDOFF_MAX];
	static struct handoff_state h;
	const unsigned char *der;
	size_t der_len;
	fill_session(&s);
	int n = privsep_encode_handoff(&s, 1, PS_HF_PBSZ, NULL, 0, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), 0);
	ck_assert_uint_eq(h.n_lines, 2);
	ck_assert_str_eq(h.lines[0].text, "PWD");
	ck_assert_str_eq(h.lines[1].text, "RETR a b");
	ck_assert_int_eq(h.lines[1].kind, LINE_HAS_NUL);
	ck_assert(h.pbsz && !h.prot && !h.tls);
	ck_assert(h.rd.fresh && h.rd.len == 0);
	ck_assert_uint_eq(der_len, 0);
	ck_assert(memmem(buf, (size_t)n, "secret", 6) == NULL);
	/* Every truncation and a trailing byte are malformed. */
	for (int cut = 0; cut < n; cut++)
		ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)cut, &h, &der, &der_len), -EPROTO);
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n + 1, &h, &der, &der_len), -EPROTO);
}
END_TEST

START_TEST(handoff_tls_session)
{
	static struct session s;
	static unsigned char buf[PS_HANDOFF_MAX];
	static struct handoff_state h;
	const unsigned char sess[] = "0123456789-fake-der";
	const unsigned char *der;
	size_t der_len;
	fill_session(&s);
	int n = privsep_encode_handoff(&s, 3, PS_HF_TLS | PS_HF_PBSZ | PS_HF_PROT, sess,
				       sizeof sess, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), 0);
	ck_assert(h.tls && h.pbsz && h.prot);
	ck_assert_uint_eq(h.n_lines, 0);
	ck_assert_uint_eq(der_len, sizeof sess);
	ck_assert_mem_eq(der, sess, sizeof sess);
	/* TLS without a session, or a session without TLS, is inconsistent. */
	n = privsep_encode_handoff(&s, 3, PS_HF_TLS, NULL, 0, buf, sizeof buf);
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), -EPROTO);
	n = privsep_encode_handoff(&s, 3, 0, sess, sizeof sess, buf, sizeof buf);
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), -EPROTO);
	/* Too large a session cannot even be encoded. */
	static unsigned char big[PS_DER_MAX + 1];
	ck_assert_int_eq(privsep_encode_handoff(&s, 3, PS_HF_TLS, big, sizeof big, buf, sizeof buf), -E2BIG);
}
END_TEST

START_TEST(handoff_hostile)
{
	static struct handoff_state h;
	const unsigned char *der;
	size_t der_len;
	unsigned char msg[sizeof(struct ps_handoff_hdr) + 64];
	struct ps_handoff_hdr hd = { .type = PS_HANDOFF, .count = SESSION_QUEUE_MAX + 1 };
	memcpy(msg, &hd, sizeof hd);
	ck_assert_int_eq(privsep_decode_handoff(msg, sizeof hd, &h, &der, &der_len), -EPROTO);
	hd = (struct ps_handoff_hdr){ .type = PS_AUTH };
	memcpy(msg, &hd, sizeof hd);
	ck_assert_int_eq(privsep_decode_handoff(msg, sizeof hd, &h, &der, &der_len), -EPROTO);
	hd = (struct ps_handoff_hdr){ .type = PS_HANDOFF, .flags = 0x80 };	/* unknown flag */
	memcpy(msg, &hd, sizeof hd);
	ck_assert_int_eq(privsep_decode_handoff(msg, sizeof hd, &h, &der, &der_len), -EPROTO);
	hd = (struct ps_handoff_hdr){ .type = PS_HANDOFF, .peer_len = 8 };	/* peer of no family */
	memcpy(msg, &hd, sizeof hd);
	ck_assert_int_eq(privsep_decode_handoff(msg, sizeof hd, &h, &der, &der_len), -EPROTO);
	/* A line longer than FTP_LINE_MAX, or an unknown kind. */
	hd = (struct ps_handoff_hdr){ .type = PS_HANDOFF, .count = 1 };
	memcpy(msg, &hd, sizeof hd);
	uint16_t big = FTP_LINE_MAX + 1;
	msg[sizeof hd] = LINE_OK;
	memcpy(msg + sizeof hd + 1, &big, 2);
	ck_assert_int_eq(privsep_decode_handoff(msg, sizeof msg, &h, &der, &der_len), -EPROTO);
	uint16_t one = 1;
	msg[sizeof hd] = 9;
	memcpy(msg + sizeof hd + 1, &one, 2);
	ck_assert_int_eq(privsep_decode_handoff(msg, sizeof hd + 4, &h, &der, &der_len), -EPROTO);
}
END_TEST

/* Feed all of data to r, whatever it yields; the last status. */
static enum cmd_status feed_all(struct cmd_reader *r, const char *data, size_t n)
{
	enum cmd_status st = CMD_MORE;
	while (n > 0) {
		size_t used = 0;
		st = cmd_reader_feed(r, data, n, &used);
		data += used;
		n -= used;
	}
	return st;
}

/* Feed data to r up to its first line (or the end of data). */
static enum cmd_status feed_line(struct cmd_reader *r, const char *data, size_t n)
{
	size_t used = 0;
	enum cmd_status st = cmd_reader_feed(r, data, n, &used);
	return st == CMD_MORE && used < n ? feed_line(r, data + used, n - used) : st;
}

#define B(lit) lit, sizeof lit - 1
static char long_x[5000];	/* an over-long line's first 5000 bytes */

/* The worker read `before` with PASS; the user's session reads `after`
 * and must come to the line the client sent. */
static const struct {
	const char *before; size_t nb;
	const char *after; size_t na;
	const char *line; size_t len;
} half_cases[] = {
	{ B("SY"), B("ST\r\n"), B("SYST") },
	{ B(""), B("NOOP\r\n"), B("NOOP") },
	{ B("SYST\r"), B("\n"), B("SYST") },			/* a pending CR */
	{ B("CWD a\r"), B("b\r\n"), B("CWD a\rb") },		/* ... that was data */
	{ B("MKD x\xff"), B("\xff\r\n"), B("MKD x\xff") },	/* IAC IAC across */
	{ B("RE\xff\xfb"), B("\x01TR x\r\n"), B("RETR x") },	/* IAC WILL <opt> across */
	{ B("NO\xff\xfa\x18"), B("\xff\xf0OP\r\n"), B("NOOP") },	/* in a subnegotiation */
	{ B("MKD a\0"), B("b\r\n"), B("MKD a\0b") },		/* a NUL: has_nul */
	{ long_x, sizeof long_x, B("xx\r\nNOOP\r\n"), B("NOOP") },	/* dropping the rest */
};

START_TEST(handoff_half_line)
{
	static struct session s;
	static unsigned char buf[PS_HANDOFF_MAX];
	static struct handoff_state h;
	const unsigned char *der;
	size_t der_len;
	memset(long_x, 'x', sizeof long_x);
	fill_session(&s);
	feed_all(&s.rd, "PASS secret\r\n", 13);
	feed_all(&s.rd, half_cases[_i].before, half_cases[_i].nb);
	int n = privsep_encode_handoff(&s, 1, 0, NULL, 0, buf, sizeof buf);
	ck_assert_int_gt(n, 0);
	ck_assert(memmem(buf, (size_t)n, "secret", 6) == NULL);
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), 0);
	ck_assert_uint_eq(h.n_lines, 2);
	ck_assert_int_eq(feed_line(&h.rd, half_cases[_i].after, half_cases[_i].na), CMD_LINE);
	ck_assert_uint_eq(h.rd.len, half_cases[_i].len);
	ck_assert_mem_eq(h.rd.line, half_cases[_i].line, half_cases[_i].len);
	ck_assert_int_eq(h.rd.has_nul, memchr(half_cases[_i].line, 0, half_cases[_i].len) != NULL);
}
END_TEST

/* Reader states the worker might send: only what cmd_reader_feed can
 * reach is taken (flags, Telnet state, lengths against the reader's own
 * limits: FTP_LINE_MAX - 2, 3 * FTP_LINE_MAX raw, CMD_DISCARD_MAX). */
static const struct { const char *b; size_t n; int rc; } states[] = {
	{ B("\0\0\0\x02\0\0\0\x02\0\0\0\0SY"), 0 },
	{ B("\x01\0\0\x02\0\0\0\x03\0\0\0\0SY"), 0 },		/* CR pending */
	{ B("\x02\0\0\0\0\0\0\0\0\x10\0\0"), 0 },		/* discarding */
	{ B(""), 0 },						/* fresh */
	{ B("\x80\0\0\x02\0\0\0\x02\0\0\0\0SY"), -EPROTO },	/* unknown flag */
	{ B("\0\x05\0\x02\0\0\0\x02\0\0\0\0SY"), -EPROTO },	/* no such Telnet state */
	{ B("\0\0\0\x03\0\0\0\x02\0\0\0\0SY"), -EPROTO },	/* length past the bytes */
	{ B("\0\0\0\x01\0\0\0\x02\0\0\0\0SY"), -EPROTO },	/* ... or short of them */
	{ B("\0\0\0\x02\0\0\x30\x01\0\0\0\0SY"), -EPROTO },	/* raw over the limit */
	{ B("\0\0\0\x02\0\0\0\x02\0\0\0\x01SY"), -EPROTO },	/* discard count, not discarding */
	{ B("\x02\0\0\x02\0\0\0\0\0\0\0\0SY"), -EPROTO },	/* discarding, with a line */
	{ B("\x02\0\0\0\0\0\0\x01\0\0\0\0"), -EPROTO },	/* discarding, with raw bytes */
	{ B("\x02\0\0\0\0\0\0\0\0\x10\0\x01"), -EPROTO },	/* over CMD_DISCARD_MAX */
	{ B("\0\0\0"), -EPROTO },				/* short */
};

START_TEST(reader_state_checked)
{
	struct cmd_reader r;
	unsigned char again[CMD_SAVE_MAX];
	int rc = cmd_reader_load(&r, (const unsigned char *)states[_i].b, states[_i].n);
	ck_assert_int_eq(rc, states[_i].rc);
	if (rc < 0) {
		ck_assert(r.fresh && r.len == 0);	/* refused: nothing half taken */
		return;
	}
	/* What is taken saves back to the same bytes. */
	ck_assert_int_eq(cmd_reader_save(&r, again, sizeof again), (int)states[_i].n);
	ck_assert_mem_eq(again, states[_i].b, states[_i].n);
}
END_TEST

START_TEST(handoff_reader_hostile)
{
	static struct session s;
	static unsigned char buf[PS_HANDOFF_MAX], blob[CMD_SAVE_MAX + 1];
	static struct handoff_state h;
	static struct cmd_reader r;
	const unsigned char *der;
	size_t der_len;
	struct ps_handoff_hdr hd;
	/* A line one byte over the payload limit. */
	memset(blob, 'x', sizeof blob);
	memset(blob, 0, CMD_SAVE_HDR);
	blob[2] = (FTP_LINE_MAX - 1) >> 8;
	blob[3] = (FTP_LINE_MAX - 1) & 0xff;
	ck_assert_int_eq(cmd_reader_load(&r, blob, CMD_SAVE_HDR + FTP_LINE_MAX - 1), -EPROTO);
	blob[3]--;
	ck_assert_int_eq(cmd_reader_load(&r, blob, CMD_SAVE_HDR + FTP_LINE_MAX - 2), 0);
	/* In the message: a state refused by the reader, or a length over
	 * CMD_SAVE_MAX, is a malformed handoff. */
	fill_session(&s);
	feed_all(&s.rd, "SY", 2);
	int n = privsep_encode_handoff(&s, 3, 0, NULL, 0, buf, sizeof buf);
	ck_assert_int_eq(n, (int)(sizeof hd + CMD_SAVE_HDR + 2));
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), 0);
	buf[sizeof hd + 1] = 7;
	ck_assert_int_eq(privsep_decode_handoff(buf, (size_t)n, &h, &der, &der_len), -EPROTO);
	memcpy(&hd, buf, sizeof hd);
	hd.rd_len = CMD_SAVE_MAX + 1;
	memcpy(buf, &hd, sizeof hd);
	ck_assert_int_eq(privsep_decode_handoff(buf, sizeof buf, &h, &der, &der_len), -EPROTO);
	/* A reader past CMD_ABUSE has no state to hand over. */
	s.rd.abuse = 1;
	ck_assert_int_eq(privsep_encode_handoff(&s, 3, 0, NULL, 0, buf, sizeof buf), -EINVAL);
}
END_TEST

Suite *privsep_parts_suite(void)
{
	Suite *s = suite_create("privsep_parts");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, names, 0, sizeof has_cases / sizeof has_cases[0]);
	tcase_add_loop_test(tc, patterns, 0, sizeof pat_cases / sizeof pat_cases[0]);
	tcase_add_loop_test(tc, paths, 0, sizeof path_cases / sizeof path_cases[0]);
	tcase_add_test(tc, useropts_lines);
	tcase_add_loop_test(tc, useropts_bad, 0, sizeof bad_lines / sizeof bad_lines[0]);
	tcase_add_test(tc, useropts_long_line);
	tcase_add_test(tc, handoff_roundtrip);
	tcase_add_test(tc, handoff_tls_session);
	tcase_add_test(tc, handoff_hostile);
	tcase_add_loop_test(tc, handoff_half_line, 0, sizeof half_cases / sizeof half_cases[0]);
	tcase_add_loop_test(tc, reader_state_checked, 0, sizeof states / sizeof states[0]);
	tcase_add_test(tc, handoff_reader_hostile);
	suite_add_tcase(s, tc);
	return s;
}
