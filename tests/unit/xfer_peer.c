/* xfer_peer.c - helpers for the engine's tests: temp files, loopback TCP
 * pairs, and peer threads (a reading sink, a writing source, a delayed
 * "ABOR" byte on a control socket, a recording on_ctl). */
#include "config.h"
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "xfer_peer.h"
#include "net.h"
#include "sys.h"

char xp_tdir[PATH_MAX];

static void xp_tdir_setup(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(xp_tdir, sizeof(xp_tdir), "%s/zcengine.XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(xp_tdir));
	/* The engine reports EPIPE instead; the server ignores SIGPIPE too. */
	signal(SIGPIPE, SIG_IGN);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static void xp_tdir_teardown(void)
{
	nftw(xp_tdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

void xp_tpath(char *dst, size_t n, const char *name)
{
	ck_assert_int_lt(snprintf(dst, n, "%s/%s", xp_tdir, name), (int)n);
}

/* Deterministic bytes (xorshift), so any misplaced block shows. */
char *xp_make_data(size_t n, uint32_t seed)
{
	char *p = malloc(n ? n : 1);
	ck_assert_ptr_nonnull(p);
	uint32_t x = seed | 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		p[i] = (char)x;
	}
	return p;
}

/* Write data to a new file; return it opened read-only. */
int xp_make_file(const char *name, const char *data, size_t n)
{
	char p[PATH_MAX];
	xp_tpath(p, sizeof(p), name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sys_write_all(fd, data, n), 0);
	close(fd);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

char *xp_read_file(int fd, size_t *n)
{
	struct stat st;
	ck_assert_int_eq(fstat(fd, &st), 0);
	char *p = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(p);
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = pread(fd, p + got, (size_t)st.st_size - got, (off_t)got);
		ck_assert_int_gt(r, 0);
		got += (size_t)r;
	}
	*n = got;
	return p;
}

/* A connected loopback TCP pair: *a is the engine's end, *b the peer's.
 * rcvbuf > 0 shrinks the peer's receive buffer (set on the listener so
 * the window is small from the handshake on). */
void xp_tcp_pair(int *a, int *b, int rcvbuf)
{
	int lfd = net_listen("127.0.0.1", 0, 1);
	ck_assert_int_ge(lfd, 0);
	if (rcvbuf > 0)
		ck_assert_int_eq(setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)), 0);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ck_assert_int_eq(net_local_addr(lfd, &ss, &len), 0);
	*a = net_connect_timeout((struct sockaddr *)&ss, len, NULL, 0, T_TIMEOUT_MS);
	ck_assert_int_ge(*a, 0);
	*b = net_accept_timeout(lfd, T_TIMEOUT_MS, NULL, NULL);
	ck_assert_int_ge(*b, 0);
	close(lfd);
}


static void *sink_run(void *arg)
{
	struct sink *s = arg;
	char tmp[65536];
	for (;;) {
		ssize_t n = sys_read(s->fd, tmp, sizeof(tmp));
		if (n <= 0)
			break;
		size_t take = (size_t)n;
		if (s->len + take > s->cap)
			take = s->cap - s->len;
		memcpy(s->buf + s->len, tmp, take);
		s->len += (size_t)n;	/* overflow shows as len > cap */
		if (s->stop_after && s->len >= s->stop_after)
			break;
	}
	close(s->fd);
	return NULL;
}

void xp_sink_start(struct sink *s, int fd, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->cap = cap;
	s->buf = malloc(cap + 1);
	ck_assert_ptr_nonnull(s->buf);
}

void xp_sink_go(struct sink *s)
{
	ck_assert_int_eq(pthread_create(&s->th, NULL, sink_run, s), 0);
}


static void *source_run(void *arg)
{
	struct source *s = arg;
	if (s->delay_ms)
		usleep((useconds_t)s->delay_ms * 1000);
	for (size_t off = 0; off < s->len;) {
		size_t n = s->len - off < s->piece ? s->len - off : s->piece;
		if (sys_write_all(s->fd, s->data + off, n) < 0)
			break;	/* the engine stopped reading: expected in error tests */
		off += n;
		if (s->gap_ms)
			usleep((useconds_t)s->gap_ms * 1000);
	}
	close(s->fd);
	return NULL;
}

void xp_source_go(struct source *s, int fd, const char *data, size_t len, size_t piece)
{
	s->fd = fd;
	s->data = data;
	s->len = len;
	s->piece = piece ? piece : len + 1;
	ck_assert_int_eq(pthread_create(&s->th, NULL, source_run, s), 0);
}


int xp_ctl_cb(void *arg)
{
	struct ctl *c = arg;
	char b;
	c->calls++;
	if (c->consume)
		ck_assert_int_eq(read(c->fd, &b, 1), 1);
	if (c->trunc_path)
		ck_assert_int_eq(truncate(c->trunc_path, c->trunc_to), 0);
	return c->ret;
}


static void *poke_run(void *arg)
{
	struct poke *p = arg;
	usleep((useconds_t)p->ms * 1000);
	ck_assert_int_eq(write(p->fd, "A", 1), 1);
	return NULL;
}

void xp_poke_go(struct poke *p, int fd, int ms)
{
	p->fd = fd;
	p->ms = ms;
	ck_assert_int_eq(pthread_create(&p->th, NULL, poke_run, p), 0);
}
int xp_open_out(const char *name, int extra)
{
	char p[PATH_MAX];
	xp_tpath(p, sizeof(p), name);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | extra, 0600);
	ck_assert_int_ge(fd, 0);
	return fd;
}

/* Engine end with a small send buffer, peer with a small receive window:
 * a peer that never reads stalls the sender after a few KiB. */
void xp_stalled_pair(int *a, int *b)
{
	int small = 4096;
	xp_tcp_pair(a, b, small);
	ck_assert_int_eq(setsockopt(*a, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
}

void xp_ctl_opts(struct xfer_opts *o, struct ctl *c, int sv[2], int ret)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	memset(c, 0, sizeof(*c));
	c->fd = sv[0];
	c->ret = ret;
	c->consume = 1;
	xfer_opts_init(o);
	o->ctl_fd = sv[0];
	o->on_ctl = xp_ctl_cb;
	o->ctl_arg = c;
}

TCase *xp_tcase(const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, xp_tdir_setup, xp_tdir_teardown);
	tcase_set_timeout(tc, 20);
	return tc;
}
