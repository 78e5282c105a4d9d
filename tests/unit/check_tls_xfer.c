/*
 * check_tls_xfer.c - the transfer engine under TLS (xfer_opts.tls): byte
 * identical transfers both ways on real loopback TCP with a TLS client
 * thread, the path reported (tls-copy here; ktls-* where the kernel has
 * the tls ULP: run with ZC_EXPECT_KTLS=1 in the kTLS VM to demand it),
 * close_notify seen by the peer, truncation flagged, abort and timeout,
 * and many small files on resumed data connections without stalls.
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "net.h"
#include "suites.h"
#include "sys.h"
#include "tls.h"
#include "transfer.h"
#include "tls_peer.h"
#include "xfer_peer.h"

static const size_t sizes[] = { 0, 1, 1 * MiB, 64 * MiB };
static const int vers[] = { TLS1_2_VERSION, TLS1_3_VERSION };
#define NCASES (NELEM(sizes) * NELEM(vers))
#define SMALL_FILES 200
#define SMALL_SIZE 4096
#define SMALL_BOUND_MS 20	/* mean per file; the Nagle stall costs 40 */

/*
 * Filters for the kTLS VM (tests/ktls/run-ktls-tests.sh), where crypto is
 * slow and /proc/net/tls_stat deltas are read per phase:
 * ZC_TLS_MAX_SIZE skips larger transfers, ZC_TLS_ONLY ("send-1.2",
 * "recv-1.3", ...) runs only that direction and version of the sizes
 * tests and skips the other transfer tests. A skipped case passes.
 */
static int selected(const char *dir, int v)
{
	const char *only = getenv("ZC_TLS_ONLY");
	char want[16];
	if (!only || !*only)
		return 1;
	if (!dir)
		return 0;
	snprintf(want, sizeof(want), "%s-%s", dir, v == TLS1_3_VERSION ? "1.3" : "1.2");
	return !strcmp(only, want);
}

static int size_ok(size_t size)
{
	const char *max = getenv("ZC_TLS_MAX_SIZE");
	return !max || !*max || size <= strtoull(max, NULL, 10);
}

static int expect_ktls(void)
{
	const char *e = getenv("ZC_EXPECT_KTLS");
	return e && atoi(e) == 1;
}

/* The path the engine must report for this SSL. In the kTLS VM, OpenSSL
 * 3.0 offloads sending for TLS 1.2 and 1.3, receiving for TLS 1.2 only. */
static enum xfer_path want_path(SSL *s, int send)
{
	int v = SSL_version(s);
	if (expect_ktls()) {
		ck_assert_int_eq(tls_ktls_send(s), 1);
		ck_assert_int_eq(tls_ktls_recv(s), v == TLS1_2_VERSION);
	}
	if (send)
		return tls_ktls_send(s) ? XFER_PATH_KTLS_SENDFILE : XFER_PATH_TLS_COPY;
	return tls_ktls_recv(s) ? XFER_PATH_KTLS_SPLICE : XFER_PATH_TLS_COPY;
}

/* Engine end of a TLS connection with a client thread on the other. */
static SSL *tls_pair(SSL_CTX *sctx, SSL_CTX *cctx, struct tpeer *p, enum tp_mode m,
		     int *a, int small)
{
	int b;
	char err[256] = "";
	if (small)
		xp_stalled_pair(a, &b);
	else
		tp_tcp_pair(a, &b);
	tp_go(p, cctx, b, m);
	/* An upload connection issues no tickets (see TLS_DATA_UPLOAD). */
	SSL *s = tls_accept_data(sctx, *a, NULL, m == TP_SOURCE ? TLS_DATA_UPLOAD : 0,
				 T_TIMEOUT_MS, err, sizeof(err));
	ck_assert_msg(s != NULL, "accept: %s", err);
	return s;
}

START_TEST(send_sizes)
{
	size_t size = sizes[_i % NELEM(sizes)];
	int v = vers[_i / NELEM(sizes)];
	if (!selected("send", v) || !size_ok(size))
		return;
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(v, 0);
	char *data = xp_make_data(size, (uint32_t)size + 11);
	int fd = xp_make_file("send.bin", data, size), a;
	struct tpeer p = { .cap = size };
	struct xfer_opts o;
	struct xfer_result r;
	SSL *s = tls_pair(sctx, cctx, &p, TP_SINK, &a, 0);
	xfer_opts_init(&o);
	o.tls = s;
	o.timeout_ms = T_TIMEOUT_MS;
	long long t0 = sys_now_ms();
	int rc = xfer_send_file(fd, 0, a, &o, &r);
	long long ms = sys_now_ms() - t0;
	ck_assert_int_eq(tls_shutdown(s, T_TIMEOUT_MS), 0);
	tp_join(&p);
	ck_assert_msg(rc == 0, "send %zu: %s", size, strerror(-rc));
	ck_assert_int_eq(r.path, want_path(s, 1));
	ck_assert_uint_eq(r.bytes, size);
	ck_assert_uint_eq(p.got, size);
	ck_assert_int_eq(memcmp(p.buf, data, size), 0);
	ck_assert_int_eq(p.saw_notify, 1);	/* lftp/FileZilla check this */
	if (size >= 64 * MiB || getenv("ZC_TLS_ONLY"))
		fprintf(stderr, "tls: send %zu B %s via %s: %lld ms\n", size,
			tls_version_name(s), xfer_path_name(r.path), ms);
	tls_free(s);
	close(a); close(fd);
	free(p.buf); free(data);
	SSL_CTX_free(sctx); SSL_CTX_free(cctx);
}
END_TEST

static void recv_case(size_t size, int v, int no_notify, int ascii)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(v, 0);
	char *data = xp_make_data(size, (uint32_t)size + 5);
	int out = xp_open_out("recv.bin", 0), a;
	struct tpeer p = { .data = data, .len = size, .no_notify = no_notify };
	struct xfer_opts o;
	struct xfer_result r;
	if (ascii)	/* no CR in the data: CRLF -> LF is then the identity */
		for (size_t i = 0; i < size; i++)
			data[i] = data[i] == '\r' ? 'x' : data[i];
	SSL *s = tls_pair(sctx, cctx, &p, TP_SOURCE, &a, 0);
	xfer_opts_init(&o);
	o.tls = s;
	o.ascii = ascii;
	o.timeout_ms = T_TIMEOUT_MS;
	long long t0 = sys_now_ms();
	int rc = xfer_recv_file(a, out, &o, &r);
	long long ms = sys_now_ms() - t0;
	/* The client waits for our close_notify after sending its own; after
	 * a truncated stream OpenSSL has nothing left to shut down. */
	ck_assert_int_eq(tls_shutdown(s, T_TIMEOUT_MS), no_notify ? -EPROTO : 0);
	tp_join(&p);
	ck_assert_msg(rc == 0, "recv %zu: %s", size, strerror(-rc));
	ck_assert_int_eq(r.path, ascii ? XFER_PATH_ASCII : want_path(s, 0));
	ck_assert_int_eq(r.tls_unclean, no_notify);
	ck_assert_uint_eq(r.bytes, size);
	size_t n;
	char *got = xp_read_file(out, &n);
	ck_assert_uint_eq(n, size);
	ck_assert_int_eq(memcmp(got, data, size), 0);
	if (size >= 64 * MiB || getenv("ZC_TLS_ONLY"))
		fprintf(stderr, "tls: recv %zu B %s via %s: %lld ms\n", size,
			tls_version_name(s), xfer_path_name(r.path), ms);
	tls_free(s);
	close(a); close(out);
	free(got); free(data);
	SSL_CTX_free(sctx); SSL_CTX_free(cctx);
}

START_TEST(recv_sizes)
{
	size_t size = sizes[_i % NELEM(sizes)];
	int v = vers[_i / NELEM(sizes)];
	if (selected("recv", v) && size_ok(size))
		recv_case(size, v, 0, 0);
}
END_TEST

/* A client that closes TCP without close_notify: data kept, flagged. */
START_TEST(recv_unclean)
{
	if (selected(NULL, 0))
		recv_case(1 * MiB + 7, vers[_i], 1, 0);
}
END_TEST

START_TEST(recv_ascii)
{
	if (selected(NULL, 0))
		recv_case(300000, vers[_i], 0, 1);
}
END_TEST

START_TEST(send_ascii_and_buf)
{
	static const char text[] = "line one\nline two\n\nend";
	static const char wire[] = "line one\r\nline two\r\n\r\nend";
	if (!selected(NULL, 0))
		return;
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(vers[_i], 0);
	int fd = xp_make_file("a.txt", text, sizeof(text) - 1), a;
	struct xfer_opts o;
	struct xfer_result r;
	for (int buf = 0; buf <= 1; buf++) {
		struct tpeer p = { .cap = 4096 };
		SSL *s = tls_pair(sctx, cctx, &p, TP_SINK, &a, 0);
		xfer_opts_init(&o);
		o.tls = s;
		o.ascii = !buf;
		if (buf)
			ck_assert_int_eq(xfer_send_buf(wire, sizeof(wire) - 1, a, &o, &r), 0);
		else
			ck_assert_int_eq(xfer_send_file(fd, 0, a, &o, &r), 0);
		ck_assert_int_eq(r.path, buf ? XFER_PATH_TLS_COPY : XFER_PATH_ASCII);
		ck_assert_int_eq(tls_shutdown(s, T_TIMEOUT_MS), 0);
		tp_join(&p);
		ck_assert_uint_eq(p.got, sizeof(wire) - 1);
		ck_assert_int_eq(memcmp(p.buf, wire, p.got), 0);
		tls_free(s);
		close(a);
		free(p.buf);
	}
	close(fd);
	SSL_CTX_free(sctx); SSL_CTX_free(cctx);
}
END_TEST

/* {send?, abort (1) or timeout (0)} against a peer that stops reading
 * (send) or never sends (receive). */
static const struct { int send, abort; } stop_cases[] = {
	{ 1, 1 }, { 0, 1 }, { 1, 0 }, { 0, 0 },
};

START_TEST(abort_and_timeout)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(TLS1_3_VERSION, 0);
	char *data = xp_make_data(8 * MiB, 3);
	int fd = xp_make_file("big.bin", data, 8 * MiB), a, sv[2];
	int out = xp_open_out("out.bin", 0);
	struct tpeer p = { 0 };
	struct ctl c;
	struct poke k;
	struct xfer_opts o;
	struct xfer_result r;
	int send = stop_cases[_i].send, abort = stop_cases[_i].abort;
	SSL *s = tls_pair(sctx, cctx, &p, TP_STALL, &a, send);
	xp_ctl_opts(&o, &c, sv, 1);
	o.tls = s;
	o.timeout_ms = abort ? T_TIMEOUT_MS : 200;
	if (abort)
		xp_poke_go(&k, sv[1], 100);
	long long t0 = sys_now_ms();
	int rc = send ? xfer_send_file(fd, 0, a, &o, &r) : xfer_recv_file(a, out, &o, &r);
	long long dt = sys_now_ms() - t0;
	if (abort)
		pthread_join(k.th, NULL);
	ck_assert_int_eq(rc, abort ? -ECANCELED : -ETIMEDOUT);
	ck_assert_int_eq(r.file_error, 0);
	ck_assert_int_lt(dt, (abort ? 100 : 200) + T_SLACK_MS);
	ck_assert_uint_lt(r.bytes, 8 * MiB);
	p.release = 1;
	tp_join(&p);
	tls_free(s);
	close(a); close(fd); close(out); close(sv[0]); close(sv[1]);
	free(data);
	SSL_CTX_free(sctx); SSL_CTX_free(cctx);
}
END_TEST

/* One RETR of a small file on a new, resumed data connection, like an
 * FTPS client's: TCP, handshake (reuse required), send, close_notify. */
static long long small_retr(SSL_CTX *sctx, SSL_CTX *cctx, SSL *ctl, SSL_SESSION *sess,
			    int fd, int nagle)
{
	struct tpeer p = { .cap = SMALL_SIZE, .resume = sess };
	struct xfer_opts o;
	struct xfer_result r;
	char err[256] = "";
	int a, b;
	long long t0 = sys_now_ms();
	tp_tcp_pair(&a, &b);
	tp_go(&p, cctx, b, TP_SINK);
	SSL *s = tls_accept_data(sctx, a, ctl, TLS_DATA_REQUIRE_REUSE, T_TIMEOUT_MS,
				 err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	if (nagle)	/* what a server without TCP_NODELAY would do */
		ck_assert_int_eq(net_set_nodelay(a, 0), 0);
	xfer_opts_init(&o);
	o.tls = s;
	ck_assert_int_eq(xfer_send_file(fd, 0, a, &o, &r), 0);
	ck_assert_int_eq(tls_shutdown(s, T_TIMEOUT_MS), 0);
	tp_join(&p);
	long long ms = sys_now_ms() - t0;
	ck_assert_uint_eq(p.got, SMALL_SIZE);
	ck_assert_int_eq(p.reused, 1);
	tls_free(s);
	close(a);
	free(p.buf);
	return ms;
}

START_TEST(small_files_no_stall)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(TLS1_3_VERSION, 0);
	char *data = xp_make_data(SMALL_SIZE, 4);
	int fd = xp_make_file("small.bin", data, SMALL_SIZE), sfd, cfd;
	SSL *srv, *cli;
	SSL_SESSION *sess;
	tp_control(sctx, cctx, &srv, &sfd, &cli, &cfd, &sess);
	long long total = 0, worst = 0;
	for (int i = 0; i < SMALL_FILES; i++) {
		long long ms = small_retr(sctx, cctx, srv, sess, fd, 0);
		total += ms;
		worst = ms > worst ? ms : worst;
	}
	long long nagle = 0;
	for (int i = 0; i < 10; i++)
		nagle += small_retr(sctx, cctx, srv, sess, fd, 1);
	fprintf(stderr, "tls: %d x 4 KiB RETR over TLS 1.3, resumed data connections: "
		"mean %.2f ms, worst %lld ms (with Nagle on: mean %.1f ms)\n",
		SMALL_FILES, (double)total / SMALL_FILES, worst, (double)nagle / 10);
	ck_assert_int_lt(total, (long long)SMALL_BOUND_MS * SMALL_FILES);
	SSL_SESSION_free(sess);
	tls_free(srv); tls_free(cli); close(sfd); close(cfd); close(fd);
	free(data);
	SSL_CTX_free(sctx); SSL_CTX_free(cctx);
}
END_TEST

Suite *tls_xfer_suite(void)
{
	Suite *s = suite_create("tls_xfer");
	TCase *tc = tp_tcase("transfers", 60);
	tcase_add_loop_test(tc, send_sizes, 0, (int)NCASES);
	tcase_add_loop_test(tc, recv_sizes, 0, (int)NCASES);
	tcase_add_loop_test(tc, recv_unclean, 0, NELEM(vers));
	tcase_add_loop_test(tc, recv_ascii, 0, NELEM(vers));
	tcase_add_loop_test(tc, send_ascii_and_buf, 0, NELEM(vers));
	suite_add_tcase(s, tc);
	tc = tp_tcase("stops", 20);
	tcase_add_loop_test(tc, abort_and_timeout, 0, NELEM(stop_cases));
	suite_add_tcase(s, tc);
	tc = tp_tcase("small", 60);
	tcase_add_test(tc, small_files_no_stall);
	suite_add_tcase(s, tc);
	return s;
}
