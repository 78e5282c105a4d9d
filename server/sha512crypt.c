/* sha512crypt.c - "$6$" crypt with OpenSSL's SHA-512 (see sha512crypt.h). */
#include "config.h"

/* The low-level SHA512_* calls are deprecated in OpenSSL 3 in favour of
 * EVP, whose per-digest set-up cost doubles the time of 5,000 tiny
 * digests; they remain part of the 3.x API. */
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "compat.h"
#include "sha512crypt.h"

#define ROUNDS_DEFAULT 5000
#define ROUNDS_MIN 1000
#define ROUNDS_MAX 999999999L
#define SALT_MAX 16

static const char b64[] =
	"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

struct setting {
	long rounds;
	int custom_rounds;
	char salt[SALT_MAX + 1];
	size_t salt_len;
};

static int parse_setting(const char *s, struct setting *st)
{
	if (strncmp(s, "$6$", 3) != 0)
		return -EINVAL;
	s += 3;
	st->rounds = ROUNDS_DEFAULT;
	st->custom_rounds = 0;
	if (strncmp(s, "rounds=", 7) == 0) {
		char *end;
		unsigned long r = strtoul(s + 7, &end, 10);
		/* libxcrypt refuses out-of-range rounds (glibc clamped): so do we. */
		if (end == s + 7 || *end != '$' || s[7] < '0' || s[7] > '9'
		    || r < ROUNDS_MIN || r > (unsigned long)ROUNDS_MAX)
			return -EINVAL;
		st->rounds = (long)r;
		st->custom_rounds = 1;
		s = end + 1;
	}
	size_t n = strcspn(s, "$");
	st->salt_len = n > SALT_MAX ? SALT_MAX : n;
	memcpy(st->salt, s, st->salt_len);
	st->salt[st->salt_len] = '\0';
	return 0;
}

/* Add `len` bytes from a 64-byte digest repeated as needed. */
static void add_repeated(SHA512_CTX *c, const unsigned char *d, size_t len)
{
	for (; len > 64; len -= 64)
		SHA512_Update(c, d, 64);
	SHA512_Update(c, d, len);
}

/* Steps 1-21 of the specification: the digest A, and the P and S strings. */
static void prepare(const char *key, size_t klen, const struct setting *st,
		    unsigned char *a, unsigned char *p, unsigned char *s)
{
	SHA512_CTX c;
	unsigned char b[64], dp[64], ds[64];
	SHA512_Init(&c);
	SHA512_Update(&c, key, klen);
	SHA512_Update(&c, st->salt, st->salt_len);
	SHA512_Update(&c, key, klen);
	SHA512_Final(b, &c);
	SHA512_Init(&c);
	SHA512_Update(&c, key, klen);
	SHA512_Update(&c, st->salt, st->salt_len);
	add_repeated(&c, b, klen);
	for (size_t n = klen; n > 0; n >>= 1)
		SHA512_Update(&c, (n & 1) ? (const void *)b : (const void *)key, (n & 1) ? 64 : klen);
	SHA512_Final(a, &c);
	SHA512_Init(&c);
	for (size_t i = 0; i < klen; i++)
		SHA512_Update(&c, key, klen);
	SHA512_Final(dp, &c);
	for (size_t i = 0; i < klen; i++)
		p[i] = dp[i % 64];
	SHA512_Init(&c);
	for (unsigned i = 0; i < 16u + a[0]; i++)
		SHA512_Update(&c, st->salt, st->salt_len);
	SHA512_Final(ds, &c);
	memcpy(s, ds, st->salt_len);
	explicit_bzero(b, sizeof b);
	explicit_bzero(dp, sizeof dp);
	explicit_bzero(&c, sizeof c);
}

static void rounds(unsigned char *a, const unsigned char *p, size_t plen,
		   const unsigned char *s, size_t slen, long n)
{
	SHA512_CTX c;
	for (long i = 0; i < n; i++) {
		SHA512_Init(&c);
		if (i & 1)
			SHA512_Update(&c, p, plen);
		else
			SHA512_Update(&c, a, 64);
		if (i % 3)
			SHA512_Update(&c, s, slen);
		if (i % 7)
			SHA512_Update(&c, p, plen);
		if (i & 1)
			SHA512_Update(&c, a, 64);
		else
			SHA512_Update(&c, p, plen);
		SHA512_Final(a, &c);
	}
	explicit_bzero(&c, sizeof c);
}

static char *put_b64(char *o, unsigned b2, unsigned b1, unsigned b0, int n)
{
	unsigned w = (b2 << 16) | (b1 << 8) | b0;
	while (n-- > 0) {
		*o++ = b64[w & 0x3f];
		w >>= 6;
	}
	return o;
}

/* The byte order of the final encoding, fixed by the specification. */
static void encode(const unsigned char *a, char *o)
{
	for (int i = 0; i < 21; i++) {
		int x = i, y = i + 21, z = i + 42;
		/* groups rotate: (0,21,42) (22,43,1) (44,2,23) ... */
		int k = i % 3;
		int b2 = k == 0 ? x : k == 1 ? y : z;
		int b1 = k == 0 ? y : k == 1 ? z : x;
		int b0 = k == 0 ? z : k == 1 ? x : y;
		o = put_b64(o, a[b2], a[b1], a[b0], 4);
	}
	o = put_b64(o, 0, 0, a[63], 2);
	*o = '\0';
}

int sha512crypt(const char *key, const char *setting, char *out, size_t outsz)
{
	struct setting st;
	unsigned char a[64], p[SHA512CRYPT_KEY_MAX], s[SALT_MAX];
	size_t klen = strlen(key);
	if (klen > SHA512CRYPT_KEY_MAX || parse_setting(setting, &st) < 0 || outsz < SHA512CRYPT_MAX)
		return -EINVAL;
	prepare(key, klen, &st, a, p, s);
	rounds(a, p, klen, s, st.salt_len, st.rounds);
	int n = st.custom_rounds
		? snprintf(out, outsz, "$6$rounds=%ld$%s$", st.rounds, st.salt)
		: snprintf(out, outsz, "$6$%s$", st.salt);
	encode(a, out + n);
	explicit_bzero(a, sizeof a);
	explicit_bzero(p, sizeof p);
	explicit_bzero(s, sizeof s);
	return 0;
}
