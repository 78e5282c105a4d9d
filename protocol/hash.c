/* hash.c - file digests for HASH (see hash.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "hash.h"

/* pread chunk: large enough to amortise syscalls, small enough for the stack
 * of allocations a forked session may do. */
#define HASH_CHUNK (256u * 1024u)

static const struct {
	const char *name;	/* draft-bryan-ftpext-hash-02 name */
	const char *evp;	/* OpenSSL name; NULL for CRC32 */
} algos[HASH_ALGO_COUNT] = {
	[HASH_SHA256] = { "SHA-256", "SHA256" },
	[HASH_SHA1] = { "SHA-1", "SHA1" },
	[HASH_MD5] = { "MD5", "MD5" },
	[HASH_CRC32] = { "CRC32", NULL },
};

int hash_algo_by_name(const char *name, enum hash_algo *out)
{
	for (int i = 0; i < HASH_ALGO_COUNT; i++) {
		if (strcasecmp(name, algos[i].name) == 0) {
			*out = (enum hash_algo)i;
			return 0;
		}
	}
	return -ENOENT;
}

const char *hash_algo_name(enum hash_algo a)
{
	return (unsigned)a < HASH_ALGO_COUNT ? algos[a].name : NULL;
}

/* CRC-32 of IEEE 802.3 (reflected polynomial 0xEDB88320), as zlib's. */
static uint32_t crc_table[256];

static void crc_init(void)
{
	if (crc_table[1])
		return;
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc_update(uint32_t crc, const unsigned char *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* One digest in progress: either an EVP context or a CRC. */
struct hasher {
	EVP_MD_CTX *ctx;
	EVP_MD *md;
	uint32_t crc;
};

static int hasher_init(struct hasher *h, enum hash_algo a)
{
	memset(h, 0, sizeof *h);
	if (a == HASH_CRC32) {
		crc_init();
		return 0;
	}
	h->md = EVP_MD_fetch(NULL, algos[a].evp, NULL);
	if (!h->md)
		return -ENOTSUP;
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx)
		return -ENOMEM;
	return EVP_DigestInit_ex(h->ctx, h->md, NULL) == 1 ? 0 : -ENOTSUP;
}

static int hasher_update(struct hasher *h, const void *p, size_t n)
{
	if (!h->md) {
		h->crc = crc_update(h->crc, p, n);
		return 0;
	}
	return EVP_DigestUpdate(h->ctx, p, n) == 1 ? 0 : -EIO;
}

static void to_hex(const unsigned char *d, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[2 * n] = '\0';
}

static int hasher_final(struct hasher *h, char *hex, size_t hexsz)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 4;
	if (!h->md) {
		d[0] = (unsigned char)(h->crc >> 24);
		d[1] = (unsigned char)(h->crc >> 16);
		d[2] = (unsigned char)(h->crc >> 8);
		d[3] = (unsigned char)h->crc;
	} else if (EVP_DigestFinal_ex(h->ctx, d, &n) != 1) {
		return -EIO;
	}
	if (hexsz < 2 * (size_t)n + 1)
		return -ENOSPC;
	to_hex(d, n, hex);
	return 0;
}

static void hasher_free(struct hasher *h)
{
	EVP_MD_CTX_free(h->ctx);
	EVP_MD_free(h->md);
}

/* Feed [start, end) of fd to h; stops quietly at EOF, or with tick's
 * error between chunks. */
static int hash_read(int fd, struct hasher *h, uint64_t start, uint64_t end,
		     hash_tick_fn tick, void *arg)
{
	unsigned char *buf = malloc(HASH_CHUNK);
	int rc = 0;
	if (!buf)
		return -ENOMEM;
	for (uint64_t off = start; off < end && off <= INT64_MAX && !rc;) {
		size_t want = end - off < HASH_CHUNK ? (size_t)(end - off) : HASH_CHUNK;
		ssize_t got = pread(fd, buf, want, (off_t)off);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			rc = -errno;
		else if (got == 0)
			break;
		else
			rc = hasher_update(h, buf, (size_t)got);
		off += got > 0 ? (uint64_t)got : 0;
		if (!rc && tick)
			rc = tick(arg);
	}
	free(buf);
	return rc;
}

int hash_fd_range(int fd, enum hash_algo a, uint64_t start, uint64_t end,
		  char *hex, size_t hexsz)
{
	return hash_fd_range_tick(fd, a, start, end, hex, hexsz, NULL, NULL);
}

int hash_fd_range_tick(int fd, enum hash_algo a, uint64_t start, uint64_t end,
		       char *hex, size_t hexsz, hash_tick_fn tick, void *arg)
{
	struct hasher h;
	if ((unsigned)a >= HASH_ALGO_COUNT || start > end)
		return -EINVAL;
	int rc = hasher_init(&h, a);
	if (!rc)
		rc = hash_read(fd, &h, start, end, tick, arg);
	if (!rc)
		rc = hasher_final(&h, hex, hexsz);
	hasher_free(&h);
	return rc;
}

/* Decimal uint64 at *sp without sign; -ERANGE on overflow. */
static int parse_u64(const char **sp, uint64_t *v)
{
	const char *s = *sp;
	uint64_t x = 0;
	if (*s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		unsigned d = (unsigned)(*s - '0');
		if (x > (UINT64_MAX - d) / 10)
			return -ERANGE;
		x = x * 10 + d;
	}
	*sp = s;
	*v = x;
	return 0;
}

int hash_parse_range(const char *arg, uint64_t *start, uint64_t *end)
{
	const char *s = arg;
	uint64_t a, b;
	int rc = parse_u64(&s, &a);
	if (rc)
		return rc;
	if (*s != '-' && *s != ' ')
		return -EINVAL;
	s++;
	if ((rc = parse_u64(&s, &b)) != 0)
		return rc;
	while (*s == ' ')
		s++;
	if (*s)
		return -EINVAL;
	if (a == 1 && b == 0) {	/* draft-bryan-ftp-range: "RANG 1 0" resets */
		*start = 0;
		*end = UINT64_MAX;
		return 1;
	}
	if (a > b || b == UINT64_MAX)
		return -ERANGE;
	*start = a;
	*end = b + 1;
	return 0;
}
