/*
 * hash.h - file digests for the HASH command (draft-bryan-ftpext-hash-02)
 * and its RANG range (draft-bryan-ftp-range).
 */
#ifndef ZC_HASH_H
#define ZC_HASH_H

#include <stddef.h>
#include <stdint.h>

enum hash_algo { HASH_SHA256, HASH_SHA1, HASH_MD5, HASH_CRC32, HASH_ALGO_COUNT };

/* Longest hex digest plus NUL (SHA-256). */
#define HASH_HEX_MAX (64 + 1)

/* "SHA-256", "SHA-1", "MD5", "CRC32", any case. Returns 0 or -ENOENT. */
int hash_algo_by_name(const char *name, enum hash_algo *out);
/* The canonical (FEAT/reply) name; NULL for an invalid value. */
const char *hash_algo_name(enum hash_algo a);

/*
 * Digest bytes [start, end) of fd with pread in 256 KiB chunks (end ==
 * UINT64_MAX: to EOF; a range past EOF is cut at EOF). Writes lowercase
 * hex into hex (hexsz >= HASH_HEX_MAX is always enough). CRC32 is the
 * IEEE 802.3 one (zlib crc32), printed as 8 hex digits.
 * Returns 0, -EINVAL (start > end, bad algo), -ENOSPC (hexsz too small),
 * -ENOTSUP (digest unavailable, e.g. MD5 under FIPS), -ENOMEM, or -errno
 * from pread.
 */
int hash_fd_range(int fd, enum hash_algo a, uint64_t start, uint64_t end,
		  char *hex, size_t hexsz);

/* Called between chunks by hash_fd_range_tick: 0 goes on; a negative
 * errno stops the digest and becomes its result. */
typedef int (*hash_tick_fn)(void *arg);

/*
 * hash_fd_range, calling tick(arg) (if not NULL) after every chunk, so a
 * long digest can watch for an abort or a deadline (HASH of a large file
 * takes as long as reading it). Returns what hash_fd_range does, or the
 * negative value tick returned.
 */
int hash_fd_range_tick(int fd, enum hash_algo a, uint64_t start, uint64_t end,
		       char *hex, size_t hexsz, hash_tick_fn tick, void *arg);

/*
 * Parse a byte range "start-end" (the form of the HASH reply) or
 * "start end" (the RANG argument). As in both drafts the end point is
 * INCLUSIVE on the wire; the result is half-open for hash_fd_range:
 * *start = start, *end = end + 1. Returns 0; 1 for the draft's reset form
 * "1 0" / "1-0" (then *start = 0, *end = UINT64_MAX); -EINVAL for syntax;
 * -ERANGE when start > end or a number overflows.
 */
int hash_parse_range(const char *arg, uint64_t *start, uint64_t *end);

#endif
