/*
 * check_transfer.c - the transfer engine on real files and real loopback
 * TCP connections, the peer in a thread (xfer_peer.c); no mocks. Binary
 * and ASCII paths and options here; failures in check_transfer_err.c.
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "suites.h"
#include "sys.h"
#include "transfer.h"
#include "xfer_peer.h"

static const size_t sizes[] = { 0, 1, 1 * MiB, 64 * MiB };

/* Send `size` bytes of a file from `off`; the peer must get exactly them. */
static void send_and_compare(size_t size, uint64_t off, const struct xfer_opts *o,
			     struct xfer_result *r, long long *ms)
{
	char *data = xp_make_data(size, (uint32_t)size + 7);
	int fd = xp_make_file("send.bin", data, size);
	int a, b;
	struct sink s;
	xp_tcp_pair(&a, &b, 0);
	xp_sink_start(&s, b, size);
	xp_sink_go(&s);
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
	char *data = xp_make_data(3 * MiB + 5, 99);
	int a, b;
	struct sink s;
	struct xfer_result r;
	xp_tcp_pair(&a, &b, 0);
	xp_sink_start(&s, b, 3 * MiB + 5);
	xp_sink_go(&s);
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
	char *data = xp_make_data(size, (uint32_t)size + 3);
	int a, b;
	struct source src = { 0 };
	xp_tcp_pair(&a, &b, 0);
	xp_source_go(&src, b, data, size, 0);
	long long t0 = sys_now_ms();
	int rc = xfer_recv_file(a, out_fd, o, r);
	*ms = sys_now_ms() - t0;
	pthread_join(src.th, NULL);
	close(a);
	ck_assert_msg(rc == 0, "recv %zu: %s", size, strerror(-rc));
	ck_assert_uint_eq(r->bytes, size);
	size_t n;
	char *got = xp_read_file(out_fd, &n);
	ck_assert_uint_eq(n, pre + size);
	ck_assert_int_eq(memcmp(got + pre, data, size), 0);
	free(got);
	free(data);
}

START_TEST(recv_sizes)
{
	struct xfer_result r;
	long long ms;
	int fd = xp_open_out("recv.bin", 0);
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
	int fd = xp_open_out("rest.bin", 0);
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
	int fd = xp_open_out("appe.bin", O_APPEND);
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
	int fd = xp_open_out("pipe.bin", 0);
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
	char *data = xp_make_data(1 * MiB, 5);
	int a, b;
	struct source src = { 0 };
	struct xfer_result r;
	xp_tcp_pair(&a, &b, 0);
	xp_source_go(&src, b, data, 1 * MiB, 0);
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
	char *p = xp_make_data(n, 42);
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
	int fd = xp_make_file("text.txt", text, n);
	int a, b;
	struct sink s;
	struct xfer_opts o;
	struct xfer_result r;
	xfer_opts_init(&o);
	o.ascii = 1;
	xp_tcp_pair(&a, &b, 0);
	xp_sink_start(&s, b, wn);
	xp_sink_go(&s);
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
	int a, b, out = xp_open_out("text.out", 0);
	struct source src = { .gap_ms = ascii_recv_cases[_i].gap_ms };
	struct xfer_opts o;
	struct xfer_result r;
	xfer_opts_init(&o);
	o.ascii = 1;
	xp_tcp_pair(&a, &b, 0);
	int one = 1;
	setsockopt(b, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	xp_source_go(&src, b, wire, wn, ascii_recv_cases[_i].piece);
	ck_assert_int_eq(xfer_recv_file(a, out, &o, &r), 0);
	pthread_join(src.th, NULL);
	close(a);
	ck_assert_int_eq(r.path, XFER_PATH_ASCII);
	ck_assert_uint_eq(r.bytes, n);
	size_t got_n;
	char *got = xp_read_file(out, &got_n);
	ck_assert_uint_eq(got_n, n);
	ck_assert_int_eq(memcmp(got, text, n), 0);
	free(got);
	close(out);
	free(wire);
	free(text);
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
		int fd = xp_open_out("rate.out", 0);
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

Suite *transfer_suite(void)
{
	Suite *s = suite_create("transfer");
	TCase *tc = xp_tcase("binary");
	tcase_add_loop_test(tc, send_sizes, 0, NELEM(sizes));
	tcase_add_test(tc, send_from_offset);
	tcase_add_test(tc, send_buf_whole);
	tcase_add_loop_test(tc, recv_sizes, 0, NELEM(sizes));
	tcase_add_test(tc, recv_at_offset);
	tcase_add_test(tc, recv_append_falls_back);
	tcase_add_loop_test(tc, recv_pipe_sizes, 0, NELEM(pipe_sizes));
	tcase_add_test(tc, recv_disk_full);
	suite_add_tcase(s, tc);

	tc = xp_tcase("ascii");
	tcase_add_test(tc, ascii_to_crlf_table);
	tcase_add_test(tc, ascii_from_crlf_splits);
	tcase_add_test(tc, ascii_send);
	tcase_add_loop_test(tc, ascii_recv, 0, NELEM(ascii_recv_cases));
	suite_add_tcase(s, tc);

	tc = xp_tcase("options");
	tcase_add_loop_test(tc, rate_limit, 0, 2);
	tcase_add_test(tc, path_names);
	suite_add_tcase(s, tc);
	return s;
}
