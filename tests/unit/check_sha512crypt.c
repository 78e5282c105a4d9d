/* check_sha512crypt.c - our "$6$" crypt must equal libcrypt's, byte for byte. */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suites.h"
#include "sha512crypt.h"

static void expect_same(const char *key, const char *setting)
{
	static struct crypt_data cd;
	char mine[SHA512CRYPT_MAX];
	memset(&cd, 0, sizeof cd);
	const char *ref = crypt_rn(key, setting, &cd, sizeof cd);
	ck_assert_ptr_nonnull(ref);
	ck_assert_int_eq(sha512crypt(key, setting, mine, sizeof mine), 0);
	ck_assert_msg(strcmp(mine, ref) == 0, "key \"%s\" setting \"%s\": %s != %s", key, setting, mine, ref);
}

static const struct { const char *key, *setting; } fixed[] = {
	{ "", "$6$saltstring" }, { "Hello world!", "$6$saltstring" },
	{ "Hello world!", "$6$rounds=10000$saltstringsaltstring" },
	{ "This is just a test", "$6$rounds=5000$toolongsaltstring" },
	{ "a very much longer text to encrypt.  This one even stretches over more"
	  "than one line.", "$6$rounds=1400$anotherlongsaltstring" },
	{ "we have a short salt string but not a short password", "$6$rounds=77777$short" },
	{ "a short string", "$6$rounds=123456$asaltof16chars.." },
	{ "secret", "$6$abcdefgh$ignoredhashpart" }, { "x", "$6$" },
};

START_TEST(known_vectors)
{
	expect_same(fixed[_i].key, fixed[_i].setting);
}
END_TEST

/* Random keys of every length up to 200 bytes against random salts. */
START_TEST(random_against_libcrypt)
{
	static const char set[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	char key[201], setting[64];
	srand(12345);
	for (int i = 0; i < 120; i++) {
		size_t klen = (size_t)(i < 100 ? i * 2 : rand() % 200);
		for (size_t k = 0; k < klen; k++)
			key[k] = (char)(1 + rand() % 255);
		key[klen] = '\0';
		int slen = 1 + rand() % 16, o = snprintf(setting, sizeof setting, "$6$");
		if (i % 5 == 0)
			o += snprintf(setting + o, sizeof setting - (size_t)o, "rounds=%d$", 1000 + rand() % 3000);
		for (int k = 0; k < slen; k++)
			setting[o++] = set[rand() % 64];
		setting[o] = '\0';
		expect_same(key, setting);
	}
}
END_TEST

START_TEST(refuses_what_it_does_not_do)
{
	char out[SHA512CRYPT_MAX], big[SHA512CRYPT_KEY_MAX + 2];
	ck_assert_int_eq(sha512crypt("x", "$5$salt", out, sizeof out), -EINVAL);
	ck_assert_int_eq(sha512crypt("x", "$y$j9T$abc", out, sizeof out), -EINVAL);
	ck_assert_int_eq(sha512crypt("x", "$6$rounds=$salt", out, sizeof out), -EINVAL);
	ck_assert_int_eq(sha512crypt("x", "$6$rounds=12x$salt", out, sizeof out), -EINVAL);
	ck_assert_int_eq(sha512crypt("x", "$6$salt", out, 10), -EINVAL);
	/* Out-of-range rounds: libxcrypt refuses them, and so do we. */
	static struct crypt_data cd;
	ck_assert_int_eq(sha512crypt("x", "$6$rounds=10$salt", out, sizeof out), -EINVAL);
	ck_assert_ptr_null(crypt_rn("x", "$6$rounds=10$salt", &cd, sizeof cd));
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	ck_assert_int_eq(sha512crypt(big, "$6$salt", out, sizeof out), -EINVAL);
}
END_TEST

Suite *sha512crypt_suite(void)
{
	Suite *s = suite_create("sha512crypt");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, known_vectors, 0, sizeof fixed / sizeof fixed[0]);
	tcase_add_test(tc, random_against_libcrypt);
	tcase_add_test(tc, refuses_what_it_does_not_do);
	suite_add_tcase(s, tc);
	return s;
}
