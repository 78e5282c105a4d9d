/*
 * check_transfer_err.c - how transfers end badly: abort through the
 * control connection, data timeout, the peer resetting, the file shrinking.
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

START_TEST(abort_send)
{
	char *data = xp_make_data(8 * MiB, 1);
	int fd = xp_make_file("abor.bin", data, 8 * MiB);
	int a, b, sv[2];
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	struct poke p;
	xp_stalled_pair(&a, &b);
	xp_ctl_opts(&o, &c, sv, 1);
	o.timeout_ms = T_TIMEOUT_MS;
	xp_poke_go(&p, sv[1], 100);
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
	int a, b, sv[2], out = xp_open_out("abor.out", 0);
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	struct poke p;
	xp_tcp_pair(&a, &b, 0);
	xp_ctl_opts(&o, &c, sv, 1);
	o.ascii = _i;	/* both the splice and the ASCII path */
	xp_poke_go(&p, sv[1], 100);
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
	int a, b, sv[2], out = xp_open_out("spin.out", 0);
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	struct source src = { .delay_ms = 500 };
	xp_tcp_pair(&a, &b, 0);
	xp_ctl_opts(&o, &c, sv, 0);
	c.consume = 0;
	ck_assert_int_eq(write(sv[1], "N", 1), 1);
	xp_source_go(&src, b, "hello", 5, 0);
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
	char *data = xp_make_data(8 * MiB, 2);
	int fd = xp_make_file("slow.bin", data, 8 * MiB);
	int a, b;
	struct xfer_opts o;
	struct xfer_result r;
	xp_stalled_pair(&a, &b);
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
	int a, b, out = xp_open_out("slow.out", 0);
	struct xfer_opts o;
	struct xfer_result r;
	xp_tcp_pair(&a, &b, 0);
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
	char *data = xp_make_data(16 * MiB, 3);
	int fd = xp_make_file("rst.bin", data, 16 * MiB);
	int a, b;
	struct sink s;
	struct xfer_opts o;
	struct xfer_result r;
	xp_tcp_pair(&a, &b, 0);
	xp_sink_start(&s, b, 16 * MiB);
	s.stop_after = 64 * 1024;
	xp_sink_go(&s);
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
	char *data = xp_make_data(8 * MiB, 4);
	int fd = xp_make_file("shrink.bin", data, 8 * MiB);
	char path[PATH_MAX];
	int a, b, sv[2];
	struct sink s;
	struct ctl c;
	struct xfer_opts o;
	struct xfer_result r;
	xp_tpath(path, sizeof(path), "shrink.bin");
	xp_tcp_pair(&a, &b, 0);
	xp_sink_start(&s, b, 8 * MiB);
	xp_sink_go(&s);
	xp_ctl_opts(&o, &c, sv, 0);
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

Suite *transfer_err_suite(void)
{
	Suite *s = suite_create("transfer_err");
	TCase *tc = xp_tcase("errors");
	tcase_add_test(tc, abort_send);
	tcase_add_loop_test(tc, abort_recv, 0, 2);
	tcase_add_test(tc, ctl_unread_no_spin);
	tcase_add_loop_test(tc, timeout_send, 0, 2);
	tcase_add_test(tc, timeout_recv);
	tcase_add_loop_test(tc, peer_closes_early, 0, 2);
	tcase_add_loop_test(tc, file_shrinks, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
