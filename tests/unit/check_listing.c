/* check_listing.c - MLSx facts, LIST lines and RFC 3659 times.
 * All times are fixed UTC values, so results do not depend on TZ. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "suites.h"
#include "listing.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

#define T_NOW ((time_t)1767323045)		/* 2026-01-02 03:04:05 */
#define T_LEAP ((time_t)1582977600)		/* 2020-02-29 12:00:00 */
#define T_AUG ((time_t)1754006400)		/* 2025-08-01 00:00:00 */
#define T_JUL ((time_t)1751364000)		/* 2025-07-01 10:00:00 */

static const struct {
	time_t t;
	const char *s;
} time_cases[] = {
	{ 0, "19700101000000" },
	{ T_NOW, "20260102030405" },
	{ T_LEAP, "20200229120000" },
	{ 1767225599, "20251231235959" },
	{ 253402300799, "99991231235959" },
};

START_TEST(time_round_trip)
{
	char buf[LISTING_TIME_LEN];
	time_t back = 1;
	ck_assert_int_eq(listing_format_time(time_cases[_i].t, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, time_cases[_i].s);
	ck_assert_int_eq(listing_parse_time(buf, &back), 0);
	ck_assert_int_eq((long long)back, (long long)time_cases[_i].t);
}
END_TEST

START_TEST(time_format_errors)
{
	char buf[LISTING_TIME_LEN];
	ck_assert_int_eq(listing_format_time(T_NOW, buf, LISTING_TIME_LEN - 1), -ENOSPC);
	ck_assert_int_eq(listing_format_time((time_t)253402300800, buf, sizeof buf), -EOVERFLOW);
}
END_TEST

static const struct {
	const char *s;
	int rc;
	time_t t;
} parse_time_cases[] = {
	{ "20260102030405.123", 0, T_NOW },
	{ "20260102030405.5", 0, T_NOW },
	{ "20251231235960", 0, 1767225600 },	/* leap second tolerated */
	{ "20210229120000", -EINVAL, 0 },
	{ "21000229000000", -EINVAL, 0 },	/* 2100 is not leap */
	{ "20000229000000", 0, 951782400 },	/* 2000 is */
	{ "20261301000000", -EINVAL, 0 },
	{ "20260001000000", -EINVAL, 0 },
	{ "20260132000000", -EINVAL, 0 },
	{ "20260100000000", -EINVAL, 0 },
	{ "20260431000000", -EINVAL, 0 },
	{ "20260102240000", -EINVAL, 0 },
	{ "20260102236000", -EINVAL, 0 },
	{ "20260102235961", -EINVAL, 0 },
	{ "2026010203040", -EINVAL, 0 },
	{ "202601020304055", -EINVAL, 0 },
	{ "2026010203040a", -EINVAL, 0 },
	{ "20260102030405.", -EINVAL, 0 },
	{ "20260102030405.12x", -EINVAL, 0 },
	{ "20260102030405 ", -EINVAL, 0 },
	{ " 20260102030405", -EINVAL, 0 },
	{ "-2026010203040", -EINVAL, 0 },
	{ "2026-01-02", -EINVAL, 0 },
	{ "", -EINVAL, 0 },
};

START_TEST(parse_time_table)
{
	time_t t = 1;
	ck_assert_msg(listing_parse_time(parse_time_cases[_i].s, &t) == parse_time_cases[_i].rc,
		      "case %d", _i);
	if (parse_time_cases[_i].rc == 0)
		ck_assert_int_eq((long long)t, (long long)parse_time_cases[_i].t);
}
END_TEST

static const struct {
	struct listing_entry e;
	unsigned facts;
	int lead;
	const char *line;
} mlsx_cases[] = {
	{ { 'f', 123, T_NOW, S_IFREG | 0644, 0x803, 0x1234, 1, NULL, NULL, "adfrw", "a.txt", 0 },
	  MLSX_ALL, 0,
	  "type=file;size=123;modify=20260102030405;perm=adfrw;unique=803U1234;UNIX.mode=0644; a.txt\r\n" },
	{ { 'd', 4096, T_LEAP, S_IFDIR | 0755, 1, 2, 2, NULL, NULL, "flcdmpe", "sub dir", 0 },
	  MLSX_ALL, 1,
	  " type=dir;modify=20200229120000;perm=flcdmpe;unique=1U2;UNIX.mode=0755; sub dir\r\n" },
	{ { 'c', 0, 0, S_IFDIR | 0700, 0, 0, 2, NULL, NULL, NULL, ".", 0 },
	  MLSX_TYPE | MLSX_SIZE | MLSX_PERM, 0, "type=cdir; .\r\n" },
	{ { 'p', 0, 0, S_IFDIR | 0700, 0, 0, 2, NULL, NULL, NULL, "..", 0 },
	  MLSX_TYPE, 0, "type=pdir; ..\r\n" },
	{ { 'l', 6, 0, S_IFLNK | 0777, 0, 0, 1, NULL, NULL, NULL, "ln", 0 },
	  MLSX_TYPE | MLSX_SIZE | MLSX_UNIX_MODE, 0, "type=OS.unix=symlink;size=6;UNIX.mode=0777; ln\r\n" },
	{ { 'o', 0, 0, S_IFIFO | 0600, 0, 0, 1, NULL, NULL, NULL, "fifo", 0 },
	  MLSX_TYPE, 0, "type=OS.unix=fifo; fifo\r\n" },
	{ { 'o', 0, 0, S_IFSOCK | 0600, 0, 0, 1, NULL, NULL, NULL, "s", 0 },
	  MLSX_TYPE, 0, "type=OS.unix=socket; s\r\n" },
	{ { 0, 0, 0, S_IFDIR | 01777, 0, 0, 1, NULL, NULL, NULL, "tmp", 0 },
	  MLSX_TYPE | MLSX_SIZE | MLSX_UNIX_MODE, 0, "type=dir;UNIX.mode=1777; tmp\r\n" },
	{ { 'f', 0, 0, S_IFREG | 04755, 0, 0, 1, NULL, NULL, NULL, "suid", 0 },
	  MLSX_SIZE | MLSX_UNIX_MODE, 0, "size=0;UNIX.mode=4755; suid\r\n" },
	{ { 'f', 1, 0, S_IFREG, 0, 0, 1, NULL, NULL, NULL, " lead;semi=x", 0 },
	  0, 0, "  lead;semi=x\r\n" },
	{ { 'f', 1, 0, S_IFREG, 0, 0, 1, NULL, NULL, NULL, "caf\xc3\xa9", 0 },
	  MLSX_PERM, 1, "  caf\xc3\xa9\r\n" },
};

START_TEST(mlsx_format_table)
{
	struct zbuf b;
	zbuf_init(&b, 0);
	ck_assert_int_eq(listing_format_mlsx(&b, &mlsx_cases[_i].e, mlsx_cases[_i].facts,
					     mlsx_cases[_i].lead), 0);
	ck_assert_str_eq(zbuf_str(&b), mlsx_cases[_i].line);
	zbuf_free(&b);
}
END_TEST

/* Every formatted line parses back to the same facts. */
START_TEST(mlsx_round_trip)
{
	const struct listing_entry *e = &mlsx_cases[_i].e;
	struct listing_entry p;
	struct zbuf b;
	char name[64];
	zbuf_init(&b, 0);
	ck_assert_int_eq(listing_format_mlsx(&b, e, MLSX_ALL, _i & 1), 0);
	ck_assert_int_eq(listing_parse_mlsx(b.p, b.len - 2, &p, name, sizeof name), 0);
	ck_assert_str_eq(p.name, e->name);
	/* OS.unix=fifo etc. come back as 'o' without file type bits. */
	ck_assert_int_eq(p.mode, e->type == 'o' ? (e->mode & 07777) : e->mode);
	ck_assert_int_eq((long long)p.mtime, (long long)e->mtime);
	if (e->type == 'f')
		ck_assert_uint_eq(p.size, e->size);
	if (e->type)
		ck_assert_int_eq(p.type, e->type);
	zbuf_free(&b);
}
END_TEST

START_TEST(format_bad_names)
{
	static const char *bad[] = { "a\nb", "a\rb", "\n", "" };
	for (int i = 0; i < NELEM(bad); i++) {
		struct listing_entry e = { .type = 'f', .mode = S_IFREG | 0644, .name = bad[i] };
		struct zbuf b;
		zbuf_init(&b, 0);
		ck_assert_int_eq(listing_format_mlsx(&b, &e, MLSX_ALL, 0), -EINVAL);
		ck_assert_int_eq(listing_format_list(&b, &e, T_NOW), -EINVAL);
		ck_assert_uint_eq(b.len, 0);
		zbuf_free(&b);
	}
}
END_TEST

static const struct {
	const char *line;
	int rc;
	char type;
	uint64_t size;
	time_t mtime;
	mode_t mode;
	const char *name;
} mlsx_parse_cases[] = {
	{ "Type=DIR;Modify=20200229120000.123; dir with  spaces ", 0, 'd', 0, T_LEAP,
	  S_IFDIR, "dir with  spaces " },
	{ " type=cdir; .", 0, 'c', 0, 0, S_IFDIR, "." },
	{ "type=OS.unix=slink:/target;size=5; link", 0, 'l', 5, 0, S_IFLNK, "link" },
	{ "TYPE=os.unix=SYMLINK; l2", 0, 'l', 0, 0, S_IFLNK, "l2" },
	{ "type=OS.unix=fifo; p", 0, 'o', 0, 0, 0, "p" },
	{ "type=OS.unix=slinkX; q", 0, 'o', 0, 0, 0, "q" },
	{ "type=filex; r", 0, 'o', 0, 0, 0, "r" },
	{ "size=12;x.unknown=1;;noequals; f", 0, 'o', 12, 0, 0, "f" },
	{ "type=file;size=abc;modify=2026; f", 0, 'f', 0, 0, S_IFREG, "f" },
	{ "type=file;size=99999999999999999999; f", 0, 'f', 0, 0, S_IFREG, "f" },
	{ "UNIX.mode=0755;type=file; x", 0, 'f', 0, 0, S_IFREG | 0755, "x" },
	{ "type=file;unix.MODE=4711; y", 0, 'f', 0, 0, S_IFREG | 04711, "y" },
	{ "type=file;UNIX.mode=9; z", 0, 'f', 0, 0, S_IFREG, "z" },
	{ "; n", 0, 'o', 0, 0, 0, "n" },
	{ "  x", 0, 'o', 0, 0, 0, "x" },
	{ " x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "type=file;size=1;", -EINVAL, 0, 0, 0, 0, NULL },
	{ "type=file; ", -EINVAL, 0, 0, 0, 0, NULL },
	{ "", -EINVAL, 0, 0, 0, 0, NULL },
	{ "type=file; this-name-is-far-too-long-for-the-buffer", -ENAMETOOLONG, 0, 0, 0, 0, NULL },
};

START_TEST(mlsx_parse_table)
{
	struct listing_entry e;
	char name[32];
	const char *l = mlsx_parse_cases[_i].line;
	int rc = listing_parse_mlsx(l, strlen(l), &e, name, sizeof name);
	ck_assert_msg(rc == mlsx_parse_cases[_i].rc, "case %d rc %d", _i, rc);
	if (rc)
		return;
	ck_assert_int_eq(e.type, mlsx_parse_cases[_i].type);
	ck_assert_uint_eq(e.size, mlsx_parse_cases[_i].size);
	ck_assert_int_eq((long long)e.mtime, (long long)mlsx_parse_cases[_i].mtime);
	ck_assert_int_eq(e.mode, mlsx_parse_cases[_i].mode);
	ck_assert_str_eq(e.name, mlsx_parse_cases[_i].name);
	ck_assert_ptr_eq(e.name, name);
}
END_TEST

START_TEST(mlsx_parse_nul_in_name)
{
	struct listing_entry e;
	char name[16];
	ck_assert_int_eq(listing_parse_mlsx("type=file; a\0b", 14, &e, name, sizeof name), -EINVAL);
	/* len bounds the parse: bytes past it are never read as the name. */
	ck_assert_int_eq(listing_parse_mlsx("type=file; abcdef", 13, &e, name, sizeof name), 0);
	ck_assert_str_eq(name, "ab");
}
END_TEST

/* facts: which of size and mtime a valid fact set (the client trusts
 * only those; a malformed one leaves 0 like a missing one). */
START_TEST(mlsx_parse_facts_valid)
{
	static const struct { const char *line; unsigned facts; } c[] = {
		{ "type=file;size=12;modify=20261206050403; f", MLSX_SIZE | MLSX_MODIFY },
		{ "type=file;SIZE=12; f", MLSX_SIZE },
		{ "type=file;size=12x;modify=20261399030405; f", 0 },
		{ "type=file;size=;modify=; f", 0 },
		{ "type=file;size=12345678901234567890; f", 0 },
		{ "type=file;size=x;size=3; f", MLSX_SIZE },
		{ "type=file; f", 0 },
	};
	struct listing_entry e;
	char name[8];
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		ck_assert_int_eq(listing_parse_mlsx(c[i].line, strlen(c[i].line), &e,
						    name, sizeof name), 0);
		ck_assert_msg(e.facts == c[i].facts, "case %zu: facts %u", i, e.facts);
	}
}
END_TEST

static const struct {
	struct listing_entry e;
	const char *line;
} list_cases[] = {
	{ { 'd', 4096, T_NOW - 5, S_IFDIR | 0755, 0, 0, 2, NULL, NULL, NULL, "name", 0 },
	  "drwxr-xr-x    2 ftp      ftp          4096 Jan 02 03:04 name\r\n" },
	{ { 'f', 123456789012ULL, T_LEAP, S_IFREG | 0644, 0, 0, 1, "alice", "staff", NULL, "big file.txt", 0 },
	  "-rw-r--r--    1 alice    staff    123456789012 Feb 29  2020 big file.txt\r\n" },
	{ { 'f', 0, T_AUG, S_IFREG | 04755, 0, 0, 1, "0", "0", NULL, "suid", 0 },
	  "-rwsr-xr-x    1 0        0               0 Aug 01 00:00 suid\r\n" },
	{ { 'f', 0, T_JUL, S_IFREG | 02644, 0, 0, 1, "longownername", "g", NULL, "sgid", 0 },
	  "-rw-r-Sr--    1 longownername g               0 Jul 01  2025 sgid\r\n" },
	{ { 'd', 0, T_NOW, S_IFDIR | 01777, 0, 0, 12345, NULL, NULL, NULL, "tmp", 0 },
	  "drwxrwxrwt 12345 ftp      ftp             0 Jan 02 03:04 tmp\r\n" },
	{ { 'd', 0, T_NOW, S_IFDIR | 01770, 0, 0, 3, NULL, NULL, NULL, "t2", 0 },
	  "drwxrwx--T    3 ftp      ftp             0 Jan 02 03:04 t2\r\n" },
	{ { 'l', 6, T_NOW, S_IFLNK | 0777, 0, 0, 1, NULL, NULL, NULL, "ln", 0 },
	  "lrwxrwxrwx    1 ftp      ftp             6 Jan 02 03:04 ln\r\n" },
	{ { 'o', 0, T_NOW, S_IFIFO | 0600, 0, 0, 1, NULL, NULL, NULL, "p", 0 },
	  "prw-------    1 ftp      ftp             0 Jan 02 03:04 p\r\n" },
	{ { 'o', 0, T_NOW, S_IFSOCK | 0666, 0, 0, 1, NULL, NULL, NULL, "s", 0 },
	  "srw-rw-rw-    1 ftp      ftp             0 Jan 02 03:04 s\r\n" },
	{ { 'o', 0, T_NOW, S_IFCHR | 0666, 0, 0, 1, NULL, NULL, NULL, "c", 0 },
	  "crw-rw-rw-    1 ftp      ftp             0 Jan 02 03:04 c\r\n" },
	{ { 'o', 0, T_NOW, S_IFBLK | 0660, 0, 0, 1, NULL, NULL, NULL, "b", 0 },
	  "brw-rw----    1 ftp      ftp             0 Jan 02 03:04 b\r\n" },
	{ { 'f', 1, T_NOW + 3 * 86400, S_IFREG | 0400, 0, 0, 1, NULL, NULL, NULL, "future", 0 },
	  "-r--------    1 ftp      ftp             1 Jan 05  2026 future\r\n" },
	{ { 'd', 1, T_NOW + 3600, 0755, 0, 0, 1, NULL, NULL, NULL, "notype", 0 },
	  "drwxr-xr-x    1 ftp      ftp             1 Jan 02 04:04 notype\r\n" },
	{ { 'f', 1, 0, S_IFREG | 0644, 0, 0, 1, NULL, NULL, NULL, " lead -> x", 0 },
	  "-rw-r--r--    1 ftp      ftp             1 Jan 01  1970  lead -> x\r\n" },
};

START_TEST(list_format_table)
{
	struct zbuf b;
	zbuf_init(&b, 0);
	ck_assert_int_eq(listing_format_list(&b, &list_cases[_i].e, T_NOW), 0);
	ck_assert_str_eq(zbuf_str(&b), list_cases[_i].line);
	zbuf_free(&b);
}
END_TEST

/* Every formatted LIST line parses back (minute precision). */
START_TEST(list_round_trip)
{
	const struct listing_entry *e = &list_cases[_i].e;
	struct listing_entry p;
	char name[64];
	const char *l = list_cases[_i].line;
	ck_assert_int_eq(listing_parse_list(l, strlen(l) - 2, &p, name, sizeof name, T_NOW), 0);
	ck_assert_str_eq(p.name, e->name);
	ck_assert_uint_eq(p.size, e->size);
	ck_assert_uint_eq(p.nlink, e->nlink);
	if (e->mode & S_IFMT)
		ck_assert_int_eq(p.mode, e->mode);
	time_t t = e->mtime;
	if (strchr(l + 40, ':'))
		t -= t % 60;
	else
		t -= t % 86400;
	ck_assert_int_eq((long long)p.mtime, (long long)t);
}
END_TEST

static const struct {
	const char *line;
	int rc;
	char type;
	uint64_t size;
	time_t mtime;
	mode_t mode;
	const char *name;
} list_parse_cases[] = {
	/* vsftpd */
	{ "drwxr-xr-x    2 ftp      ftp          4096 Jan 02 03:04 pub", 0, 'd', 4096,
	  T_NOW - 5, S_IFDIR | 0755, "pub" },
	{ "-rw-r--r--    1 1000     1000     123456789012 Feb 29  2020 big file.txt", 0, 'f',
	  123456789012ULL, 1582934400, S_IFREG | 0644, "big file.txt" },
	/* proftpd: day padded with a space */
	{ "-rw-r--r--   1 ftp      ftp             6 Jan  2 03:04 hello.txt", 0, 'f', 6,
	  T_NOW - 5, S_IFREG | 0644, "hello.txt" },
	/* pure-ftpd: wide columns; Dec 31 is last year seen from Jan 2 */
	{ "-rw-r--r--    1 1000       1000             6 Dec 31 23:59 late.txt", 0, 'f', 6,
	  1767225540, S_IFREG | 0644, "late.txt" },
	/* IIS in unix style */
	{ "-r-xr-xr-x   1 owner    group           1024 Jul 15  2019 iis.txt", 0, 'f', 1024,
	  1563148800, S_IFREG | 0555, "iis.txt" },
	{ "lrwxrwxrwx    1 0        0              11 Aug 01 00:00 link -> target", 0, 'l', 11,
	  T_AUG, S_IFLNK | 0777, "link" },
	{ "lrwxrwxrwx 1 0 0 11 Aug 01 00:00 a -> b -> c", 0, 'l', 11, T_AUG, S_IFLNK | 0777, "a" },
	{ "-rw-r--r-- 1 0 0 11 Aug 01 00:00 a -> b", 0, 'f', 11, T_AUG, S_IFREG | 0644, "a -> b" },
	{ "-rw-r--r-- 1 owner 1234 Jan 02 03:04 nogroup", 0, 'f', 1234, T_NOW - 5,
	  S_IFREG | 0644, "nogroup" },
	{ "crw-rw-rw-    1 0        0          1,   3 Jan 02 03:04 null", 0, 'o', 3, T_NOW - 5,
	  S_IFCHR | 0666, "null" },
	{ "-rw-r--r--+   1 a b 5 Jan 02 03:04 acl", 0, 'f', 5, T_NOW - 5, S_IFREG | 0644, "acl" },
	{ "-rw-r--r-- 1 a b 5 Jan 02 03:04  sp", 0, 'f', 5, T_NOW - 5, S_IFREG | 0644, " sp" },
	{ "-rw-r--r-- 1 a b 5 jan 02 03:04 lower", 0, 'f', 5, T_NOW - 5, S_IFREG | 0644, "lower" },
	{ "drwxrwxrwt 2 a b 5 Jan 02 03:04 tmp", 0, 'd', 5, T_NOW - 5, S_IFDIR | 01777, "tmp" },
	{ "-rwsr-Sr-T 1 a b 5 Jan 02 03:04 f", 0, 'f', 5, T_NOW - 5, S_IFREG | 07744, "f" },
	{ "prw------- 1 a b 0 Jan 02 03:04 p", 0, 'o', 0, T_NOW - 5, S_IFIFO | 0600, "p" },
	{ "srwxrwxrwx 1 a b 0 Jan 02 03:04 s", 0, 'o', 0, T_NOW - 5, S_IFSOCK | 0777, "s" },
	{ "brw-rw---- 1 a b 8, 0 Jan 02 03:04 sda", 0, 'o', 0, T_NOW - 5, S_IFBLK | 0660, "sda" },
	{ "total 12", -ENOENT, 0, 0, 0, 0, NULL },
	{ "TOTAL 0", -ENOENT, 0, 0, 0, 0, NULL },
	{ "garbage", -EINVAL, 0, 0, 0, 0, NULL },
	{ "", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Foo 02 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 32 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 0 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 02 25:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 02 03:60 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 02 3:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Feb 30  2020 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 02 03:04", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 02 03:04 ", -EINVAL, 0, 0, 0, 0, NULL },
	{ "xrw-r--r-- 1 a b 5 Jan 02 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-q 1 a b 5 Jan 02 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rwxr-xr-xrw 1 a b 5 Jan 02 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- x a b 5 Jan 02 03:04 x", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b c d e f g h i j", -EINVAL, 0, 0, 0, 0, NULL },
	{ "-rw-r--r-- 1 a b 5 Jan 02 03:04 waytoolongnameforthebuffer", -ENAMETOOLONG,
	  0, 0, 0, 0, NULL },
};

START_TEST(list_parse_table)
{
	struct listing_entry e;
	char name[20];
	const char *l = list_parse_cases[_i].line;
	int rc = listing_parse_list(l, strlen(l), &e, name, sizeof name, T_NOW);
	ck_assert_msg(rc == list_parse_cases[_i].rc, "case %d rc %d", _i, rc);
	if (rc)
		return;
	ck_assert_int_eq(e.type, list_parse_cases[_i].type);
	ck_assert_uint_eq(e.size, list_parse_cases[_i].size);
	time_t t = list_parse_cases[_i].mtime;
	ck_assert_int_eq((long long)e.mtime, (long long)(t - t % 60));
	ck_assert_int_eq(e.mode, list_parse_cases[_i].mode);
	ck_assert_str_eq(e.name, list_parse_cases[_i].name);
	ck_assert_ptr_null(e.owner);
}
END_TEST

/* Output must not depend on the local time zone. */
START_TEST(tz_independent)
{
	char buf[LISTING_TIME_LEN];
	struct zbuf b;
	struct listing_entry e = { 'f', 1, T_NOW, S_IFREG | 0644, 0, 0, 1,
				   NULL, NULL, NULL, "x", 0 };
	setenv("TZ", "Pacific/Kiritimati", 1);	/* UTC+14 */
	tzset();
	zbuf_init(&b, 0);
	ck_assert_int_eq(listing_format_time(T_NOW, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "20260102030405");
	ck_assert_int_eq(listing_format_list(&b, &e, T_NOW), 0);
	ck_assert_str_eq(zbuf_str(&b), "-rw-r--r--    1 ftp      ftp             1 Jan 02 03:04 x\r\n");
	zbuf_free(&b);
	unsetenv("TZ");
	tzset();
}
END_TEST

Suite *listing_suite(void)
{
	Suite *s = suite_create("listing");
	TCase *tc = tcase_create("time");
	tcase_add_loop_test(tc, time_round_trip, 0, NELEM(time_cases));
	tcase_add_test(tc, time_format_errors);
	tcase_add_loop_test(tc, parse_time_table, 0, NELEM(parse_time_cases));
	tcase_add_test(tc, tz_independent);
	suite_add_tcase(s, tc);
	tc = tcase_create("mlsx");
	tcase_add_loop_test(tc, mlsx_format_table, 0, NELEM(mlsx_cases));
	tcase_add_loop_test(tc, mlsx_round_trip, 0, NELEM(mlsx_cases));
	tcase_add_test(tc, format_bad_names);
	tcase_add_loop_test(tc, mlsx_parse_table, 0, NELEM(mlsx_parse_cases));
	tcase_add_test(tc, mlsx_parse_nul_in_name);
	tcase_add_test(tc, mlsx_parse_facts_valid);
	suite_add_tcase(s, tc);
	tc = tcase_create("list");
	tcase_add_loop_test(tc, list_format_table, 0, NELEM(list_cases));
	tcase_add_loop_test(tc, list_round_trip, 0, NELEM(list_cases));
	tcase_add_loop_test(tc, list_parse_table, 0, NELEM(list_parse_cases));
	suite_add_tcase(s, tc);
	return s;
}
