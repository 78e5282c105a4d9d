/*
 * check_transfer.c - the transfer engine on real files and real loopback
 * TCP connections; the peer runs in a thread. No mocks.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "suites.h"
#include "net.h"
#include "sys.h"
#include "transfer.h"

#define MiB (1024u * 1024u)
#define T_TIMEOUT_MS 5000	/* generous: only a hang should hit it */
#define T_SLACK_MS 1000		/* scheduling slack on timing asserts */

static char tdir[PATH_MAX];

static void tdir_setup(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(tdir, sizeof(tdir), "%s/zcengine.XXXXXX", base && *base ? base : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	/* The engine reports EPIPE instead; the server ignores SIGPIPE too. */
	signal(SIGPIPE, SIG_IGN);
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st; (void)flag; (void)f;
	return remove(p);
}

static void tdir_teardown(void)
{
	nftw(tdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

static void tpath(char *dst, size_t n, const char *name)
{
	ck_assert_int_lt(snprintf(dst, n, "%s/%s", tdir, name), (int)n);
}

/* Deterministic bytes (xorshift), so any misplaced block shows. */
static char *make_data(size_t n, uint32_t seed)
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
static int make_file(const char *name, const char *data, size_t n)
{
	char p[PATH_MAX];
	tpath(p, sizeof(p), name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(sys_write_all(fd, data, n), 0);
	close(fd);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	return fd;
}

static char *read_file(int fd, size_t *n)
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
static void tcp_pair(int *a, int *b, int rcvbuf)
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

/* Peer that reads until EOF (or stop_after bytes, then closes early). */
struct sink {
	int fd;
	size_t cap, len, stop_after;
	char *buf;
	pthread_t th;
};

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

static void sink_start(struct sink *s, int fd, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->fd = fd;
	s->cap = cap;
	s->buf = malloc(cap + 1);
	ck_assert_ptr_nonnull(s->buf);
}

static void sink_go(struct sink *s)
{
	ck_assert_int_eq(pthread_create(&s->th, NULL, sink_run, s), 0);
}

/* Peer that writes data in pieces, optionally pausing, then closes. */
struct source {
	int fd, gap_ms, delay_ms;
	const char *data;
	size_t len, piece;
	pthread_t th;
};

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

static void source_go(struct source *s, int fd, const char *data, size_t len, size_t piece)
{
	s->fd = fd;
	s->data = data;
	s->len = len;
	s->piece = piece ? piece : len + 1;
	ck_assert_int_eq(pthread_create(&s->th, NULL, source_run, s), 0);
}

/* on_ctl test double that records calls; the test chooses its answer. */
struct ctl {
	int fd, calls, ret, consume;
	const char *trunc_path;
	off_t trunc_to;
};

static int ctl_cb(void *arg)
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

/* Writes one byte to fd after ms, like a client sending ABOR mid-transfer. */
struct poke { int fd, ms; pthread_t th; };

static void *poke_run(void *arg)
{
	struct poke *p = arg;
	usleep((useconds_t)p->ms * 1000);
	ck_assert_int_eq(write(p->fd, "A", 1), 1);
	return NULL;
}

static void poke_go(struct poke *p, int fd, int ms)
{
	p->fd = fd;
	p->ms = ms;
	ck_assert_int_eq(pthread_create(&p->th, NULL, poke_run, p), 0);
}

static const size_t sizes[] = { 0, 1, 1 * MiB, 64 * MiB };

/* Send `size` bytes of a file from `off`; the peer must get exactly them. */
static void send_and_compare(size_t size, uint64_t off, const struct xfer_opts *o,
			     struct xfer_result *r, long long *ms)
{
	char *data = make_data(size, (uint32_t)size + 7);
	int fd = make_file("send.bin", data, size);
	int a, b;
	struct sink s;
	tcp_pair(&a, &b, 0);
	sink_start(&s, b, size);
	sink_go(&s);
	long long t0 = sys_now_ms();
	int rc = xfer_send_file(fd, off, a, o, r);
	*ms = sys_now_ms() - t0;
	close(a);
	pthread_join(s.th, NULL);
	ck_assert_msg(rc == 0, "send %zu: %s", size, strerror(-rc));
	ck_assert_int_eq(r->err, 0);
	ck_assert_uint_eq(r->bytes, size - off);
	ck_assert_uint_eq(s.len, size - off);
	ck_assert_int_eq(memcmp(s.buf, data + off, size - off), 0);
	free(s.buf);
	free(data);
	close(fd);
}

START_TEST(send_sizes)
{
	struct xfer_result r;
	long long ms;
	send_and_compare(sizes[_i], 0, NULL, &r, &ms);
	ck_assert_int_eq(r.path, XFER_PATH_SENDFILE);
	if (sizes[_i] >= 64 * MiB)
		fprintf(stderr, "engine: sendfile 64 MiB over loopback: %lld ms\n", ms);
}
END_TEST

START_TEST(send_from_offset)
{
	struct xfer_result r;
	long long ms;
	send_and_compare(1 * MiB, 12345, NULL, &r, &ms);
	ck_assert_int_eq(r.path, XFER_PATH_SENDFILE);
	send_and_compare(1000, 1000, NULL, &r, &ms);	/* REST at EOF: nothing */
}
END_TEST

START_TEST(send_buf_whole)
{
	char *data = make_data(3 * MiB + 5, 99);
	int a, b;
	struct sink s;
	struct xfer_result r;
	tcp_pair(&a, &b, 0);
	sink_start(&s, b, 3 * MiB + 5);
	sink_go(&s);
	ck_assert_int_eq(xfer_send_buf(data, 3 * MiB + 5, a, NULL, &r), 0);
	close(a);
	pthread_join(s.th, NULL);
	ck_assert_int_eq(r.path, XFER_PATH_COPY);
	ck_assert_uint_eq(r.bytes, 3 * MiB + 5);
	ck_assert_uint_eq(s.len, 3 * MiB + 5);
	ck_assert_int_eq(memcmp(s.buf, data, s.len), 0);
	free(s.buf);
	free(data);
}
END_TEST

/* Receive `size` bytes into out_fd (already holding `pre` bytes). */
static void recv_and_compare(size_t size, int out_fd, size_t pre,
			     const struct xfer_opts *o, struct xfer_result *r, long long *ms)
{
	char *data = make_data(size, (uint32_t)size + 3);
	int a, b;
	struct source src = { 0 };
	tcp_pair(&a, &b, 0);
	source_go(&src, b, data, size, 0);
	long long t0 = sys_now_ms();
	int rc = xfer_recv_file(a, out_fd, o, r);
	*ms = sys_now_ms() - t0;
	pthread_join(src.th, NULL);
	close(a);
	ck_assert_msg(rc == 0, "recv %zu: %s", size, strerror(-rc));
	ck_assert_uint_eq(r->bytes, size);
	size_t n;
	char *got = read_file(out_fd, &n);
	ck_assert_uint_eq(n, pre + size);
	ck_assert_int_eq(memcmp(got + pre, data, size), 0);
	free(got);
	free(data);
}

static int open_out(const char *name, int extra)
{
	char p[PATH_MAX];
	tpath(p, sizeof(p), name);
	int fd = open(p, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | extra, 0600);
	ck_assert_int_ge(fd, 0);
	return fd;
}

START_TEST(recv_sizes)
{
	struct xfer_result r;
	long long ms;
	int fd = open_out("recv.bin", 0);
	recv_and_compare(sizes[_i], fd, 0, NULL, &r, &ms);
	ck_assert_int_eq(r.path, XFER_PATH_SPLICE);
	if (sizes[_i] >= 64 * MiB)
		fprintf(stderr, "engine: splice 64 MiB over loopback: %lld ms\n", ms);
	close(fd);
}
END_TEST

/* REST for STOR: the engine writes at the file's current offset. */
START_TEST(recv_at_offset)
{
	struct xfer_result r;
	long long ms;
	int fd = open_out("rest.bin", 0);
	ck_assert_int_eq(sys_write_all(fd, "0123456789", 10), 0);
	ck_assert_int_eq(lseek(fd, 4, SEEK_SET), 4);
	ck_assert_int_eq(ftruncate(fd, 4), 0);
	recv_and_compare(1 * MiB, fd, 4, NULL, &r, &ms);
	ck_assert_int_eq(r.path, XFER_PATH_SPLICE);
	close(fd);
}
END_TEST

/* Does this kernel refuse splice(2) into an O_APPEND file? (6.x: EINVAL) */
static int kernel_refuses_append_splice(int fd)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ssize_t n = splice(p[0], NULL, fd, NULL, 1, 0);
	int refused = n < 0 && errno == EINVAL;
	close(p[0]);
	close(p[1]);
	if (n == 1)
		ck_assert_int_eq(ftruncate(fd, 0), 0);
	return refused;
}

/* APPE: O_APPEND must work whether the kernel splices into it or not. */
START_TEST(recv_append_falls_back)
{
	struct xfer_result r;
	long long ms;
	int fd = open_out("appe.bin", O_APPEND);
	int refused = kernel_refuses_append_splice(fd);
	fprintf(stderr, "engine: splice into O_APPEND file: %s\n",
		refused ? "EINVAL (copy fallback)" : "works");
	ck_assert_int_eq(sys_write_all(fd, "HEAD", 4), 0);
	recv_and_compare(1 * MiB + 17, fd, 4, NULL, &r, &ms);
	ck_assert_int_eq(r.path, refused ? XFER_PATH_COPY : XFER_PATH_SPLICE);
	close(fd);
}
END_TEST

static const int pipe_sizes[] = { 4096, 256 * MiB, -1 };

/* Odd pipe sizes: tiny, over pipe-max-size (refused unprivileged), invalid. */
START_TEST(recv_pipe_sizes)
{
	struct xfer_opts o;
	struct xfer_result r;
	long long ms;
	xfer_opts_init(&o);
	o.pipe_size = pipe_sizes[_i];
	int fd = open_out("pipe.bin", 0);
	recv_and_compare(2 * MiB + 1, fd, 0, &o, &r, &ms);
	ck_assert_int_eq(r.path, XFER_PATH_SPLICE);
	close(fd);
}
END_TEST

/* A file-side error must be told apart from a network one (452 vs 426). */
START_TEST(recv_disk_full)
{
	int out = open("/dev/full", O_WRONLY | O_CLOEXEC);
	if (out < 0)
		return;	/* no /dev/full in this sandbox: nothing to test */
	char *data = make_data(1 * MiB, 5);
	int a, b;
	struct source src = { 0 };
	struct xfer_result r;
	tcp_pair(&a, &b, 0);
	source_go(&src, b, data, 1 * MiB, 0);
	ck_assert_int_eq(xfer_recv_file(a, out, NULL, &r), -ENOSPC);
	close(a);
	pthread_join(src.th, NULL);
	ck_assert_int_eq(r.err, -ENOSPC);
	ck_assert_int_eq(r.file_error, 1);
	close(out);
	free(data);
}
END_TEST

/* ---- TYPE A ---- */

START_TEST(ascii_to_crlf_table)
{
	static const struct { const char *in, *out; } t[] = {
		{ "", "" }, { "a", "a" }, { "\n", "\r\n" }, { "a\nb\n", "a\r\nb\r\n" },
		{ "\n\n", "\r\n\r\n" }, { "a\r\nb", "a\r\r\nb" }, { "\r", "\r" },
	};
	char out[32];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t n = xfer_lf_to_crlf(t[i].in, strlen(t[i].in), out);
		ck_assert_uint_eq(n, strlen(t[i].out));
		ck_assert_int_eq(memcmp(out, t[i].out, n), 0);
	}
}
END_TEST

/* Every split point of every case: a CR at a chunk end is carried over. */
START_TEST(ascii_from_crlf_splits)
{
	static const struct { const char *in, *out; } t[] = {
		{ "a\r\nb\r\n", "a\nb\n" }, { "\r\r\n", "\r\n" }, { "a\rb", "a\rb" },
		{ "x\r", "x\r" }, { "\r\n\r\n", "\n\n" }, { "\r\r", "\r\r" }, { "", "" },
		{ "\n", "\n" }, { "\r\n\r", "\n\r" },
	};
	char out[64];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t len = strlen(t[i].in);
		for (size_t k = 0; k <= len; k++) {
			int cr = 0;
			size_t n = xfer_crlf_to_lf(t[i].in, k, out, &cr);
			n += xfer_crlf_to_lf(t[i].in + k, len - k, out + n, &cr);
			n += xfer_crlf_to_lf("", 0, out + n, &cr);
			ck_assert_int_eq(cr, 0);
			ck_assert_msg(n == strlen(t[i].out) && !memcmp(out, t[i].out, n),
				      "case %zu split %zu", i, k);
		}
	}
}
END_TEST

/* Text with lines, CRs and CRLFs, larger than the engine's chunks. */
static char *make_text(size_t n)
{
	char *p = make_data(n, 42);
	for (size_t i = 0; i < n; i++) {
		unsigned v = (unsigned char)p[i];
		p[i] = v < 20 ? '\n' : v < 26 ? '\r' : (char)('a' + v % 26);
	}
	return p;
}

START_TEST(ascii_send)
{
	size_t n = 700 * 1024 + 3;
	char *text = make_text(n);
	char *wire = malloc(2 * n);
	ck_assert_ptr_nonnull(wire);
	size_t wn = xfer_lf_to_crlf(text, n, wire);
	int fd = make_file("text.txt", text, n);
	int a, b;
	struct sink s;
	struct xfer_opts o;
	struct xfer_result r;
	xfer_opts_init(&o);
	o.ascii = 1;
	tcp_pair(&a, &b, 0);
	sink_start(&s, b, wn);
	sink_go(&s);
	ck_assert_int_eq(xfer_send_file(fd, 0, a, &o, &r), 0);
	close(a);
	pthread_join(s.th, NULL);
	ck_assert_int_eq(r.path, XFER_PATH_ASCII);
	ck_assert_uint_eq(r.bytes, n);
	ck_assert_uint_eq(s.len, wn);
	ck_assert_int_eq(memcmp(s.buf, wire, wn), 0);
	close(fd);
	free(s.buf);
	free(wire);
	free(text);
}
END_TEST

/* The wire arrives in odd pieces (a CR often ends one); the file must be
 * the original text: send-then-receive is lossless. */
static const struct { size_t piece; int gap_ms; size_t len; } ascii_recv_cases[] = {
	{ 0, 0, 700 * 1024 + 3 }, { 7777, 0, 300 * 1024 }, { 1, 1, 200 },
};

START_TEST(ascii_recv)
{
	size_t n = ascii_recv_cases[_i].len;
	char *text = make_text(n);
	char *wire = malloc(2 * n);
	ck_assert_ptr_nonnull(wire);
	size_t wn = xfer_lf_to_crlf(text, n, wire);
	int a, b, out = open_out("text.out", 0);
	struct source src = { .gap_ms = ascii_recv_cases[_i].gap_ms };
	struct xfer_opts o;
	struct xfer_result r;
	xfer_opts_init(&o);
	o.ascii = 1;
	tcp_pair(&a, &b, 0);
	int one = 1;
	setsockopt(b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	source_go(&src, b, wire, wn, ascii_recv_cases[_i].piece);
	ck_assert_int_eq(xfer_recv_file(a, out, &o, &r), 0);
	pthread_join(src.th, NULL);
	close(a);
	ck_assert_int_eq(r.path, XFER_PATH_ASCII);
	ck_assert_uint_eq(r.bytes, n);
	size_t got_n;
	char *got = read_file(out, &got_n);
	ck_assert_uint_eq(got_n, n);
	ck_assert_int_eq(memcmp(got, text, n), 0);
	free(got);
	close(out);
	free(wire);
	free(text);
}
END_TEST

/* ---- abort, timeout, peer errors, shrinking file ---- */

/* Engine end with a small send buffer, peer with a small receive window:
 * a peer that never reads stalls the sender after a few KiB. */
static void stalled_pair(int *a, int *b)
{
	int small = 4096;
	tcp_pair(a, b, small);
	ck_assert_int_eq(setsockopt(*a, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
}

static void ctl_opts(struct xfer_opts *o, struct ctl *c, int sv[2], int ret)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	memset(c, 0, sizeof(*c));
	c->fd = sv[0];
	c->ret = ret;
	c->consume = 1;
	xfer_opts_init(o);
	o->ctl_fd = sv[0];
	o->on_ctl = ctl_cb;
	o->ctl_arg = c;
}

START_TEST(abort_send)
{
	char *data = make_data(8 * MiB, 1);
	int fd = make_file("abor.bin", data, 8 * MiB);
	int a, b, sv[2];
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	struct poke p;
	stalled_pair(&a, &b);
	ctl_opts(&o, &c, sv, 1);
	o.timeout_ms = T_TIMEOUT_MS;
	poke_go(&p, sv[1], 100);
	long long t0 = sys_now_ms();
	ck_assert_int_eq(xfer_send_file(fd, 0, a, &o, &r), -ECANCELED);
	long long dt = sys_now_ms() - t0;
	pthread_join(p.th, NULL);
	ck_assert_int_eq(r.err, -ECANCELED);
	ck_assert_int_eq(r.file_error, 0);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_uint_lt(r.bytes, 8 * MiB);
	ck_assert_int_lt(dt, 100 + T_SLACK_MS);
	close(a); close(b); close(sv[0]); close(sv[1]); close(fd);
	free(data);
}
END_TEST

START_TEST(abort_recv)
{
	int a, b, sv[2], out = open_out("abor.out", 0);
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	struct poke p;
	tcp_pair(&a, &b, 0);
	ctl_opts(&o, &c, sv, 1);
	o.ascii = _i;	/* both the splice and the ASCII path */
	poke_go(&p, sv[1], 100);
	long long t0 = sys_now_ms();
	ck_assert_int_eq(xfer_recv_file(a, out, &o, &r), -ECANCELED);
	ck_assert_int_lt(sys_now_ms() - t0, 100 + T_SLACK_MS);
	pthread_join(p.th, NULL);
	ck_assert_int_eq(r.file_error, 0);
	close(a); close(b); close(sv[0]); close(sv[1]); close(out);
}
END_TEST

/* on_ctl says "go on" without reading the byte: no busy loop, and the
 * transfer still completes (the engine re-asks every XFER_CTL_RECHECK_MS). */
START_TEST(ctl_unread_no_spin)
{
	int a, b, sv[2], out = open_out("spin.out", 0);
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	struct source src = { .delay_ms = 500 };
	tcp_pair(&a, &b, 0);
	ctl_opts(&o, &c, sv, 0);
	c.consume = 0;
	ck_assert_int_eq(write(sv[1], "N", 1), 1);
	source_go(&src, b, "hello", 5, 0);
	ck_assert_int_eq(xfer_recv_file(a, out, &o, &r), 0);
	pthread_join(src.th, NULL);
	ck_assert_uint_eq(r.bytes, 5);
	ck_assert_int_ge(c.calls, 1);
	ck_assert_int_le(c.calls, 500 / XFER_CTL_RECHECK_MS + 3);
	close(a); close(sv[0]); close(sv[1]); close(out);
}
END_TEST

START_TEST(timeout_send)
{
	char *data = make_data(8 * MiB, 2);
	int fd = make_file("slow.bin", data, 8 * MiB);
	int a, b;
	struct xfer_opts o;
	struct xfer_result r;
	stalled_pair(&a, &b);
	xfer_opts_init(&o);
	o.timeout_ms = 200;
	o.ascii = _i;
	long long t0 = sys_now_ms();
	ck_assert_int_eq(xfer_send_file(fd, 0, a, &o, &r), -ETIMEDOUT);
	long long dt = sys_now_ms() - t0;
	ck_assert_int_ge(dt, 200);
	ck_assert_int_lt(dt, 200 + T_SLACK_MS);
	ck_assert_int_eq(r.file_error, 0);
	/* ASCII counts a chunk only once all of it is on the wire. */
	if (!o.ascii)
		ck_assert_uint_gt(r.bytes, 0);
	close(a); close(b); close(fd);
	free(data);
}
END_TEST

START_TEST(timeout_recv)
{
	int a, b, out = open_out("slow.out", 0);
	struct xfer_opts o;
	struct xfer_result r;
	tcp_pair(&a, &b, 0);
	ck_assert_int_eq(write(b, "abc", 3), 3);	/* progress, then silence */
	xfer_opts_init(&o);
	o.timeout_ms = 200;
	long long t0 = sys_now_ms();
	ck_assert_int_eq(xfer_recv_file(a, out, &o, &r), -ETIMEDOUT);
	long long dt = sys_now_ms() - t0;
	ck_assert_int_ge(dt, 200);
	ck_assert_int_lt(dt, 200 + T_SLACK_MS);
	ck_assert_uint_eq(r.bytes, 3);
	ck_assert_int_eq(r.path, XFER_PATH_SPLICE);
	close(a); close(b); close(out);
}
END_TEST

/* The client reads a little and closes (RST): a network error, not 451. */
START_TEST(peer_closes_early)
{
	char *data = make_data(16 * MiB, 3);
	int fd = make_file("rst.bin", data, 16 * MiB);
	int a, b;
	struct sink s;
	struct xfer_opts o;
	struct xfer_result r;
	tcp_pair(&a, &b, 0);
	sink_start(&s, b, 16 * MiB);
	s.stop_after = 64 * 1024;
	sink_go(&s);
	xfer_opts_init(&o);
	o.timeout_ms = T_TIMEOUT_MS;
	o.ascii = _i;
	int rc = xfer_send_file(fd, 0, a, &o, &r);
	pthread_join(s.th, NULL);
	ck_assert_msg(rc == -EPIPE || rc == -ECONNRESET, "got %s", strerror(-rc));
	ck_assert_int_eq(r.file_error, 0);
	ck_assert_uint_lt(r.bytes, 16 * MiB);
	close(a); close(fd);
	free(s.buf);
	free(data);
}
END_TEST

/* The file is cut to 3 MiB after fstat saw 8 MiB: deterministic, because
 * on_ctl runs (and truncates) before the first chunk is sent. */
START_TEST(file_shrinks)
{
	char *data = make_data(8 * MiB, 4);
	int fd = make_file("shrink.bin", data, 8 * MiB);
	char path[PATH_MAX];
	int a, b, sv[2];
	struct sink s;
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	tpath(path, sizeof(path), "shrink.bin");
	tcp_pair(&a, &b, 0);
	sink_start(&s, b, 8 * MiB);
	sink_go(&s);
	ctl_opts(&o, &c, sv, 0);
	c.trunc_path = path;
	c.trunc_to = 3 * MiB;
	o.ascii = _i;
	ck_assert_int_eq(write(sv[1], "T", 1), 1);
	ck_assert_int_eq(xfer_send_file(fd, 0, a, &o, &r), -ESTALE);
	close(a);
	pthread_join(s.th, NULL);
	ck_assert_int_eq(c.calls, 1);
	ck_assert_int_eq(r.file_error, 1);
	ck_assert_int_eq(r.path, _i ? XFER_PATH_ASCII : XFER_PATH_SENDFILE);
	ck_assert_uint_eq(r.bytes, 3 * MiB);
	close(sv[0]); close(sv[1]); close(fd);
	free(s.buf);
	free(data);
}
END_TEST

/* ---- rate limit, progress, options ---- */

struct prog { int calls; uint64_t last; };

static void prog_cb(uint64_t bytes, void *arg)
{
	struct prog *p = arg;
	ck_assert_uint_ge(bytes, p->last);
	p->calls++;
	p->last = bytes;
}

/* 300 KiB at 1 MiB/s: about 300 ms, still on sendfile / splice. */
START_TEST(rate_limit)
{
	struct xfer_opts o;
	struct xfer_result r;
	struct prog pg = { 0 };
	long long ms;
	xfer_opts_init(&o);
	o.rate_limit = 1 * MiB;
	o.progress = prog_cb;
	o.progress_arg = &pg;
	if (_i == 0) {
		send_and_compare(300 * 1024, 0, &o, &r, &ms);
		ck_assert_int_eq(r.path, XFER_PATH_SENDFILE);
	} else {
		int fd = open_out("rate.out", 0);
		recv_and_compare(300 * 1024, fd, 0, &o, &r, &ms);
		ck_assert_int_eq(r.path, XFER_PATH_SPLICE);
		close(fd);
	}
	ck_assert_int_ge(ms, 250);
	ck_assert_int_lt(ms, 300 + T_SLACK_MS);
	ck_assert_int_ge(pg.calls, 2);
	ck_assert_int_le(pg.calls, (int)(ms / XFER_PROGRESS_MS) + 2);
	ck_assert_uint_eq(pg.last, 300 * 1024);
}
END_TEST

START_TEST(tls_not_yet)
{
	int a, b;
	struct xfer_opts o;
	struct xfer_result r;
	tcp_pair(&a, &b, 0);
	xfer_opts_init(&o);
	o.tls = &o;
	ck_assert_int_eq(xfer_send_buf("x", 1, a, &o, &r), -EOPNOTSUPP);
	ck_assert_int_eq(r.err, -EOPNOTSUPP);
	close(a); close(b);
}
END_TEST

START_TEST(path_names)
{
	static const struct { enum xfer_path p; const char *name; } t[] = {
		{ XFER_PATH_SENDFILE, "sendfile" }, { XFER_PATH_SPLICE, "splice" },
		{ XFER_PATH_COPY, "copy" }, { XFER_PATH_ASCII, "ascii-copy" },
		{ XFER_PATH_KTLS_SENDFILE, "ktls-sendfile" },
		{ XFER_PATH_KTLS_SPLICE, "ktls-splice" }, { XFER_PATH_TLS_COPY, "tls-copy" },
		{ XFER_PATH_NONE, "none" }, { (enum xfer_path)99, "?" },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_str_eq(xfer_path_name(t[i].p), t[i].name);
}
END_TEST

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static TCase *tcase(const char *name)
{
	TCase *tc = tcase_create(name);
	tcase_add_checked_fixture(tc, tdir_setup, tdir_teardown);
	tcase_set_timeout(tc, 20);
	return tc;
}

Suite *transfer_suite(void)
{
	Suite *s = suite_create("transfer");
	TCase *tc = tcase("binary");
	tcase_add_loop_test(tc, send_sizes, 0, NELEM(sizes));
	tcase_add_test(tc, send_from_offset);
	tcase_add_test(tc, send_buf_whole);
	tcase_add_loop_test(tc, recv_sizes, 0, NELEM(sizes));
	tcase_add_test(tc, recv_at_offset);
	tcase_add_test(tc, recv_append_falls_back);
	tcase_add_loop_test(tc, recv_pipe_sizes, 0, NELEM(pipe_sizes));
	tcase_add_test(tc, recv_disk_full);
	suite_add_tcase(s, tc);

	tc = tcase("ascii");
	tcase_add_test(tc, ascii_to_crlf_table);
	tcase_add_test(tc, ascii_from_crlf_splits);
	tcase_add_test(tc, ascii_send);
	tcase_add_loop_test(tc, ascii_recv, 0, NELEM(ascii_recv_cases));
	suite_add_tcase(s, tc);

	tc = tcase("errors");
	tcase_add_test(tc, abort_send);
	tcase_add_loop_test(tc, abort_recv, 0, 2);
	tcase_add_test(tc, ctl_unread_no_spin);
	tcase_add_loop_test(tc, timeout_send, 0, 2);
	tcase_add_test(tc, timeout_recv);
	tcase_add_loop_test(tc, peer_closes_early, 0, 2);
	tcase_add_loop_test(tc, file_shrinks, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase("options");
	tcase_add_loop_test(tc, rate_limit, 0, 2);
	tcase_add_test(tc, tls_not_yet);
	tcase_add_test(tc, path_names);
	suite_add_tcase(s, tc);
	return s;
}
