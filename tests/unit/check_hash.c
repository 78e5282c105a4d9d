/* check_hash.c - HASH digests, algorithm names and ranges. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "suites.h"
#include "hash.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* A temp file holding data; unlinked at once, closed by the caller. */
static int temp_file(const void *data, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	snprintf(path, sizeof path, "%s/zc-hash-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	unlink(path);
	ck_assert_int_eq(write(fd, data, n), (ssize_t)n);
	return fd;
}

static const struct {
	enum hash_algo a;
	const char *in, *hex;
} vectors[] = {
	{ HASH_SHA256, "", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ HASH_SHA256, "abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ HASH_SHA1, "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
	{ HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ HASH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ HASH_CRC32, "", "00000000" },
	{ HASH_CRC32, "abc", "352441c2" },
	{ HASH_CRC32, "123456789", "cbf43926" },
};

START_TEST(known_vectors)
{
	char hex[HASH_HEX_MAX];
	int fd = temp_file(vectors[_i].in, strlen(vectors[_i].in));
	int rc = hash_fd_range(fd, vectors[_i].a, 0, UINT64_MAX, hex, sizeof hex);
	close(fd);
	if (rc == -ENOTSUP && vectors[_i].a == HASH_MD5)
		return;		/* FIPS provider without MD5 */
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(hex, vectors[_i].hex);
}
END_TEST

/* byte i = (i * 7 + 3) & 255; expected values computed with Python's
 * hashlib/zlib over the same bytes. Ranges span the 256 KiB chunk edge. */
START_TEST(file_ranges)
{
	enum { N = 600000 };
	unsigned char *d = malloc(N);
	char hex[HASH_HEX_MAX];
	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < N; i++)
		d[i] = (unsigned char)((i * 7 + 3) & 255);
	int fd = temp_file(d, N);
	free(d);
	ck_assert_int_eq(hash_fd_range(fd, HASH_SHA256, 1000, 300000, hex, sizeof hex), 0);
	ck_assert_str_eq(hex, "22ec8273b4888cfcfe6b112e2004280ee7dbe8665a6fc3eee2e1211f4310319b");
	ck_assert_int_eq(hash_fd_range(fd, HASH_CRC32, 262144, 262155, hex, sizeof hex), 0);
	ck_assert_str_eq(hex, "12a86b05");
	ck_assert_int_eq(hash_fd_range(fd, HASH_SHA1, 0, UINT64_MAX, hex, sizeof hex), 0);
	ck_assert_str_eq(hex, "e1234792619d8a1bc9fd3b2ba71e3ebd37f67ba3");
	/* An end past EOF is cut at EOF. */
	ck_assert_int_eq(hash_fd_range(fd, HASH_SHA1, 0, N + 12345, hex, sizeof hex), 0);
	ck_assert_str_eq(hex, "e1234792619d8a1bc9fd3b2ba71e3ebd37f67ba3");
	int rc = hash_fd_range(fd, HASH_MD5, 5, UINT64_MAX, hex, sizeof hex);
	if (rc != -ENOTSUP) {
		ck_assert_int_eq(rc, 0);
		ck_assert_str_eq(hex, "925ab1533f9dfa93cbd7db496f364689");
	}
	/* Empty ranges: at the start, and beyond EOF. */
	ck_assert_int_eq(hash_fd_range(fd, HASH_CRC32, 7, 7, hex, sizeof hex), 0);
	ck_assert_str_eq(hex, "00000000");
	ck_assert_int_eq(hash_fd_range(fd, HASH_CRC32, N + 1, UINT64_MAX, hex, sizeof hex), 0);
	ck_assert_str_eq(hex, "00000000");
	close(fd);
}
END_TEST

START_TEST(errors)
{
	char hex[HASH_HEX_MAX], small[9];
	int fd = temp_file("abc", 3);
	ck_assert_int_eq(hash_fd_range(fd, HASH_SHA256, 2, 1, hex, sizeof hex), -EINVAL);
	ck_assert_int_eq(hash_fd_range(fd, HASH_ALGO_COUNT, 0, 1, hex, sizeof hex), -EINVAL);
	ck_assert_int_eq(hash_fd_range(fd, HASH_SHA256, 0, 3, small, sizeof small), -ENOSPC);
	ck_assert_int_eq(hash_fd_range(fd, HASH_CRC32, 0, 3, small, 8), -ENOSPC);
	ck_assert_int_eq(hash_fd_range(fd, HASH_CRC32, 0, 3, small, sizeof small), 0);
	ck_assert_str_eq(small, "352441c2");
	close(fd);
	ck_assert_int_eq(hash_fd_range(-1, HASH_SHA1, 0, 3, hex, sizeof hex), -EBADF);
}
END_TEST

START_TEST(names)
{
	static const struct { const char *name; int rc; enum hash_algo a; } t[] = {
		{ "SHA-256", 0, HASH_SHA256 }, { "sha-256", 0, HASH_SHA256 },
		{ "SHA-1", 0, HASH_SHA1 }, { "md5", 0, HASH_MD5 },
		{ "Crc32", 0, HASH_CRC32 }, { "SHA256", -ENOENT, 0 },
		{ "SHA-512", -ENOENT, 0 }, { "", -ENOENT, 0 },
	};
	for (int i = 0; i < NELEM(t); i++) {
		enum hash_algo a = HASH_ALGO_COUNT;
		ck_assert_int_eq(hash_algo_by_name(t[i].name, &a), t[i].rc);
		if (t[i].rc == 0)
			ck_assert_int_eq(a, t[i].a);
	}
	ck_assert_str_eq(hash_algo_name(HASH_SHA256), "SHA-256");
	ck_assert_str_eq(hash_algo_name(HASH_CRC32), "CRC32");
	ck_assert_ptr_null(hash_algo_name(HASH_ALGO_COUNT));
}
END_TEST

static const struct {
	const char *arg;
	int rc;
	uint64_t start, end;
} range_cases[] = {
	{ "0-49", 0, 0, 50 },
	{ "0 49", 0, 0, 50 },
	{ "10-10", 0, 10, 11 },
	{ "5-9 ", 0, 5, 10 },
	{ "18446744073709551614-18446744073709551614", 0,
	  UINT64_MAX - 1, UINT64_MAX },
	{ "1 0", 1, 0, UINT64_MAX },
	{ "1-0", 1, 0, UINT64_MAX },
	{ "10-9", -ERANGE, 0, 0 },
	{ "0-18446744073709551615", -ERANGE, 0, 0 },
	{ "0-18446744073709551616", -ERANGE, 0, 0 },
	{ "-5", -EINVAL, 0, 0 },
	{ "5-", -EINVAL, 0, 0 },
	{ "5", -EINVAL, 0, 0 },
	{ "", -EINVAL, 0, 0 },
	{ "a-b", -EINVAL, 0, 0 },
	{ "1--2", -EINVAL, 0, 0 },
	{ "+1-2", -EINVAL, 0, 0 },
	{ "1-2x", -EINVAL, 0, 0 },
	{ "1,2", -EINVAL, 0, 0 },
};

START_TEST(range_table)
{
	uint64_t s = 77, e = 77;
	ck_assert_int_eq(hash_parse_range(range_cases[_i].arg, &s, &e), range_cases[_i].rc);
	if (range_cases[_i].rc >= 0) {
		ck_assert_uint_eq(s, range_cases[_i].start);
		ck_assert_uint_eq(e, range_cases[_i].end);
	}
}
END_TEST

Suite *hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, known_vectors, 0, NELEM(vectors));
	tcase_add_test(tc, file_ranges);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, names);
	tcase_add_loop_test(tc, range_table, 0, NELEM(range_cases));
	suite_add_tcase(s, tc);
	return s;
}
