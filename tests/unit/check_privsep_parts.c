/* check_privsep_parts.c - the pure parts of privilege separation and user
 * policy: name lists, per-user option lines, the monitor handoff codec. */
#include "config.h"

#include <errno.h>
#include <string.h>

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

/* A session with three queued lines; the first (the PASS) is skipped. */
static void fill_session(struct session *s)
{
	static const char *const texts[] = { "PASS secret", "PWD", "RETR a b" };
	memset(s, 0, sizeof *s);
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

Suite *privsep_parts_suite(void)
{
	Suite *s = suite_create("privsep_parts");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, names, 0, sizeof has_cases / sizeof has_cases[0]);
	tcase_add_loop_test(tc, patterns, 0, sizeof pat_cases / sizeof pat_cases[0]);
	tcase_add_loop_test(tc, paths, 0, sizeof path_cases / sizeof path_cases[0]);
	tcase_add_test(tc, useropts_lines);
	tcase_add_loop_test(tc, useropts_bad, 0, sizeof bad_lines / sizeof bad_lines[0]);
	tcase_add_test(tc, handoff_roundtrip);
	tcase_add_test(tc, handoff_tls_session);
	tcase_add_test(tc, handoff_hostile);
	suite_add_tcase(s, tc);
	return s;
}
