/*
 * xfer_peer.h - shared helpers of check_transfer.c and check_transfer_err.c:
 * a temp dir per test (checked fixture), deterministic data, real files,
 * loopback TCP pairs and the peer threads that stand in for an FTP client.
 * Helpers assert on failure (Check runs each test in its own process).
 */
#ifndef ZC_TEST_XFER_PEER_H
#define ZC_TEST_XFER_PEER_H
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <check.h>
#include "transfer.h"

#define MiB (1024u * 1024u)
#define T_TIMEOUT_MS 5000	/* generous: only a hang should hit it */
#define T_SLACK_MS 1000		/* scheduling slack on timing asserts */
#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

extern char xp_tdir[PATH_MAX];
/* A TCase whose tests each get a fresh temp dir (and SIGPIPE ignored). */
TCase *xp_tcase(const char *name);
void xp_tpath(char *dst, size_t n, const char *name);

/* Deterministic bytes (xorshift); caller frees. */
char *xp_make_data(size_t n, uint32_t seed);
/* New file `name` in xp_tdir holding data, returned opened read-only. */
int xp_make_file(const char *name, const char *data, size_t n);
/* New empty file opened O_RDWR | extra. */
int xp_open_out(const char *name, int extra);
/* Whole content of fd (by pread); caller frees. */
char *xp_read_file(int fd, size_t *n);

/* Connected loopback pair: *a the engine's end, *b the peer's. rcvbuf > 0
 * shrinks the peer's receive window. */
void xp_tcp_pair(int *a, int *b, int rcvbuf);
/* Same, with tiny buffers both sides: a peer that never reads stalls it. */
void xp_stalled_pair(int *a, int *b);

/* Peer that reads until EOF (or stop_after bytes, then closes early);
 * it owns and closes fd. len > cap shows an overflow. */
struct sink {
	int fd;
	size_t cap, len, stop_after;
	char *buf;
	pthread_t th;
};
void xp_sink_start(struct sink *s, int fd, size_t cap);
void xp_sink_go(struct sink *s);

/* Peer that writes data in pieces (gap_ms apart, after delay_ms), then
 * closes fd. Write errors end it quietly (expected in error tests). */
struct source {
	int fd, gap_ms, delay_ms;
	const char *data;
	size_t len, piece;
	pthread_t th;
};
void xp_source_go(struct source *s, int fd, const char *data, size_t len, size_t piece);

/* on_ctl test double: counts calls, reads the byte if consume, truncates
 * trunc_path if set, returns ret. */
struct ctl {
	int fd, calls, ret, consume;
	const char *trunc_path;
	off_t trunc_to;
};
int xp_ctl_cb(void *arg);
/* A socketpair as control connection wired to xp_ctl_cb in fresh opts. */
void xp_ctl_opts(struct xfer_opts *o, struct ctl *c, int sv[2], int ret);

/* Writes one byte to fd after ms, like a client sending ABOR mid-transfer. */
struct poke { int fd, ms; pthread_t th; };
void xp_poke_go(struct poke *p, int fd, int ms);

#endif
