/*
 * check_tls.c - protocol/tls: contexts (chain, key mismatch, missing
 * files, versions), handshakes over real loopback TCP with a client
 * thread, data-connection session reuse (TLS 1.2 session id and ticket,
 * TLS 1.3 ticket; refused without), control-channel I/O and shutdown.
 */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include "suites.h"
#include "sys.h"
#include "tls.h"
#include "tls_peer.h"
#include "xfer_peer.h"

/* Server handshake on a fresh pair against a client thread using cctx. */
static SSL *accept_one(SSL_CTX *sctx, SSL_CTX *cctx, struct tpeer *p, int *fd,
		       char *err, size_t errsz)
{
	int b;
	tp_tcp_pair(fd, &b);
	tp_go(p, cctx, b, TP_HANDSHAKE);
	SSL *s = tls_accept(sctx, *fd, T_TIMEOUT_MS, err, errsz);
	tp_join(p);
	return s;
}

static void close_peer(struct tpeer *p)
{
	tls_free(p->ssl);
	close(p->fd);
}

static const struct { int version; const char *name; } versions[] = {
	{ TLS1_2_VERSION, "TLSv1.2" },
	{ TLS1_3_VERSION, "TLSv1.3" },
};

START_TEST(handshake_versions)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(versions[_i].version, 1);
	struct tpeer p = { 0 };
	char err[256] = "";
	int fd;
	SSL *s = accept_one(sctx, cctx, &p, &fd, err, sizeof(err));
	ck_assert_msg(s != NULL, "accept: %s", err);
	ck_assert_msg(p.ok, "connect: %s", p.err);
	ck_assert_str_eq(tls_version_name(s), versions[_i].name);
	ck_assert_str_eq(tls_version_name(p.ssl), versions[_i].name);
	/* AEAD only: GCM or ChaCha20-Poly1305. */
	const char *ciph = tls_cipher_name(s);
	ck_assert_msg(strstr(ciph, "GCM") || strstr(ciph, "CHACHA20"), "cipher %s", ciph);
	fprintf(stderr, "tls: handshake %s %s, kTLS tx %d rx %d (kernel ulp %d)\n",
		tls_version_name(s), ciph, tls_ktls_send(s), tls_ktls_recv(s),
		tls_ktls_available());
	tls_free(s);
	close(fd);
	close_peer(&p);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}
END_TEST

/* A TLS 1.1 client (RFC 8996) is refused during the handshake. */
START_TEST(tls11_refused)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = SSL_CTX_new(TLS_client_method());
	ck_assert_ptr_nonnull(cctx);
	/* OpenSSL 3 allows TLS 1.1 only at security level 0. */
	SSL_CTX_set_security_level(cctx, 0);
	ck_assert_int_eq(SSL_CTX_set_min_proto_version(cctx, TLS1_1_VERSION), 1);
	ck_assert_int_eq(SSL_CTX_set_max_proto_version(cctx, TLS1_1_VERSION), 1);
	ck_assert_int_eq(SSL_CTX_set_cipher_list(cctx, "DEFAULT:@SECLEVEL=0"), 1);
	struct tpeer p = { 0 };
	char err[256] = "";
	int fd;
	SSL *s = accept_one(sctx, cctx, &p, &fd, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_int_eq(p.ok, 0);
	ck_assert_msg(strstr(err, "unsupported protocol") != NULL, "err: %s", err);
	close(fd);
	close(p.fd);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}
END_TEST

START_TEST(min_version_13)
{
	struct tls_config c;
	char err[256] = "";
	tls_config_init(&c);
	c.cert_file = tp_chain;
	c.key_file = tp_key;
	c.min_version = TLS1_3_VERSION;
	SSL_CTX *sctx = tls_server_ctx(&c, err, sizeof(err));
	ck_assert_msg(sctx != NULL, "%s", err);
	SSL_CTX *cctx = tp_client_ctx(TLS1_2_VERSION, 0);
	struct tpeer p = { 0 };
	int fd;
	SSL *s = accept_one(sctx, cctx, &p, &fd, err, sizeof(err));
	ck_assert_ptr_null(s);
	ck_assert_msg(strstr(err, "unsupported protocol") != NULL, "err: %s", err);
	close(fd);
	close(p.fd);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
	c.min_version = TLS1_1_VERSION;
	ck_assert_ptr_null(tls_server_ctx(&c, err, sizeof(err)));
	ck_assert_msg(strstr(err, "1.2 or 1.3") != NULL, "err: %s", err);
}
END_TEST

/* Bad configurations give one clear line naming the file. */
START_TEST(ctx_errors)
{
	struct tls_config c;
	char err[512] = "", missing[PATH_MAX];
	xp_tpath(missing, sizeof(missing), "nope.pem");
	tls_config_init(&c);
	c.cert_file = tp_chain;
	c.key_file = tp_badkey;
	ck_assert_ptr_null(tls_server_ctx(&c, err, sizeof(err)));
	ck_assert_msg(strstr(err, "does not match") && strstr(err, tp_badkey), "err: %s", err);
	c.key_file = missing;
	ck_assert_ptr_null(tls_server_ctx(&c, err, sizeof(err)));
	ck_assert_msg(strstr(err, missing) && strstr(err, "No such file"), "err: %s", err);
	c.cert_file = tp_key;	/* a key where the certificate should be */
	c.key_file = tp_key;
	ck_assert_ptr_null(tls_server_ctx(&c, err, sizeof(err)));
	ck_assert_msg(strstr(err, "certificate") && strstr(err, tp_key), "err: %s", err);
	c.cert_file = NULL;
	ck_assert_ptr_null(tls_server_ctx(&c, err, sizeof(err)));
	c.cert_file = tp_chain;
	c.key_file = tp_key;
	c.ciphers = "NOSUCHCIPHER";
	ck_assert_ptr_null(tls_server_ctx(&c, err, sizeof(err)));
	ck_assert_msg(strstr(err, "cipher") != NULL, "err: %s", err);
	ck_assert_int_eq(tls_version_from_name("TLSv1.3"), TLS1_3_VERSION);
	ck_assert_int_eq(tls_version_from_name("1.2"), TLS1_2_VERSION);
	ck_assert_int_eq(tls_version_from_name("1.1"), 0);
}
END_TEST

/* The client verifies only because the intermediate came with the leaf:
 * with the leaf alone the same client fails. */
START_TEST(chain_loaded)
{
	struct tls_config c;
	char err[256] = "";
	SSL_CTX *cctx = tp_client_ctx(0, 1);
	for (int only_leaf = 0; only_leaf <= 1; only_leaf++) {
		tls_config_init(&c);
		c.cert_file = only_leaf ? tp_leaf_only : tp_chain;
		c.key_file = tp_key;
		SSL_CTX *sctx = tls_server_ctx(&c, err, sizeof(err));
		ck_assert_msg(sctx != NULL, "%s", err);
		struct tpeer p = { 0 };
		int fd;
		SSL *s = accept_one(sctx, cctx, &p, &fd, err, sizeof(err));
		ck_assert_int_eq(p.ok, !only_leaf);
		if (only_leaf)
			ck_assert_msg(strstr(p.err, "verify") != NULL, "client err: %s", p.err);
		tls_free(s);
		close(fd);
		if (p.ok)
			close_peer(&p);
		else
			close(p.fd);
		SSL_CTX_free(sctx);
	}
	SSL_CTX_free(cctx);
}
END_TEST

/* Data connection resumption: {version, tickets off (session id)}. */
static const struct { int version, no_ticket; } reuse_cases[] = {
	{ TLS1_2_VERSION, 1 },	/* TLS 1.2 session id, server cache */
	{ TLS1_2_VERSION, 0 },	/* TLS 1.2 RFC 5077 ticket */
	{ TLS1_3_VERSION, 0 },	/* TLS 1.3 ticket (PSK) */
};

static SSL *data_accept(SSL_CTX *sctx, SSL_CTX *cctx, SSL *ctl, SSL_SESSION *sess,
			struct tpeer *p, int *fd, char *err, size_t errsz)
{
	int b;
	tp_tcp_pair(fd, &b);
	p->resume = sess;
	tp_go(p, cctx, b, TP_HANDSHAKE);
	SSL *s = tls_accept_data(sctx, *fd, ctl, TLS_DATA_REQUIRE_REUSE, T_TIMEOUT_MS,
				 err, errsz);
	tp_join(p);
	return s;
}

START_TEST(data_reuse)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(reuse_cases[_i].version, 1);
	if (reuse_cases[_i].no_ticket)
		SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
	SSL *srv, *cli;
	SSL_SESSION *sess;
	int sfd, cfd;
	tp_control(sctx, cctx, &srv, &sfd, &cli, &cfd, &sess);
	ck_assert_int_eq(SSL_SESSION_is_resumable(sess), 1);
	if (reuse_cases[_i].no_ticket)
		ck_assert_int_eq(SSL_SESSION_has_ticket(sess), 0);
	else
		ck_assert_int_eq(SSL_SESSION_has_ticket(sess), 1);
	char err[256] = "";
	for (int round = 0; round < 3; round++) {	/* every data connection */
		struct tpeer p = { 0 };
		int fd;
		SSL *d = data_accept(sctx, cctx, srv, sess, &p, &fd, err, sizeof(err));
		ck_assert_msg(d != NULL, "round %d: %s", round, err);
		ck_assert_int_eq(SSL_session_reused(d), 1);
		ck_assert_int_eq(p.reused, 1);
		tls_free(d);
		close(fd);
		close_peer(&p);
	}
	/* Without the session: refused, with a clear reason. */
	struct tpeer p = { 0 };
	int fd;
	SSL *d = data_accept(sctx, cctx, srv, NULL, &p, &fd, err, sizeof(err));
	ck_assert_ptr_null(d);
	ck_assert_msg(strstr(err, "did not reuse") != NULL, "err: %s", err);
	close(fd);
	if (p.ok)
		close_peer(&p);
	else
		close(p.fd);
	SSL_SESSION_free(sess);
	tls_free(srv); tls_free(cli); close(sfd); close(cfd);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}
END_TEST

/* Privilege separation hand-off: a context that never saw the control
 * handshake resumes a TLS 1.2 session id after importing the session. */
START_TEST(session_import)
{
	SSL_CTX *sctx = tp_server_ctx(), *other = tp_server_ctx();
	SSL_CTX *cctx = tp_client_ctx(TLS1_2_VERSION, 0);
	SSL_CTX_set_options(cctx, SSL_OP_NO_TICKET);
	SSL *srv, *cli;
	SSL_SESSION *sess;
	int sfd, cfd;
	tp_control(sctx, cctx, &srv, &sfd, &cli, &cfd, &sess);
	unsigned char der[TLS_SESSION_DER_MAX];
	int len = tls_session_export(srv, der, sizeof(der));
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(tls_session_export(srv, der, 8), -E2BIG);
	char err[256] = "";
	struct tpeer p = { 0 };
	int fd;
	SSL *d = data_accept(other, cctx, NULL, sess, &p, &fd, err, sizeof(err));
	ck_assert_ptr_null(d);	/* not in this context's cache yet */
	close(fd);
	if (p.ok)
		close_peer(&p);
	else
		close(p.fd);
	ck_assert_int_eq(tls_session_import(other, der, (size_t)len), 0);
	ck_assert_int_eq(tls_session_import(other, der, 3), -EINVAL);
	memset(&p, 0, sizeof(p));
	d = data_accept(other, cctx, NULL, sess, &p, &fd, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	tls_free(d);
	close(fd);
	close_peer(&p);
	SSL_SESSION_free(sess);
	tls_free(srv); tls_free(cli); close(sfd); close(cfd);
	SSL_CTX_free(sctx); SSL_CTX_free(other); SSL_CTX_free(cctx);
}
END_TEST

/* Control channel: lines both ways, then close_notify both ways. */
START_TEST(control_io_shutdown)
{
	SSL_CTX *sctx = tp_server_ctx(), *cctx = tp_client_ctx(TLS1_3_VERSION, 0);
	SSL *srv, *cli;
	SSL_SESSION *sess;
	int sfd, cfd;
	char buf[64];
	tp_control(sctx, cctx, &srv, &sfd, &cli, &cfd, &sess);
	ck_assert_int_eq(tls_write_all(cli, "NOOP\r\n", 6, T_TIMEOUT_MS), 0);
	ck_assert_int_eq(tls_read(srv, buf, sizeof(buf), T_TIMEOUT_MS), 6);
	ck_assert_int_eq(memcmp(buf, "NOOP\r\n", 6), 0);
	/* Nothing to read: the bound holds. */
	long long t0 = sys_now_ms();
	ck_assert_int_eq(tls_read(srv, buf, sizeof(buf), 100), -ETIMEDOUT);
	ck_assert_int_lt(sys_now_ms() - t0, 100 + T_SLACK_MS);
	/* The client answers close_notify only when it reads: bounded wait. */
	ck_assert_int_eq(tls_shutdown(srv, 100), -ETIMEDOUT);
	ck_assert_int_eq(tls_read(cli, buf, sizeof(buf), T_TIMEOUT_MS), 0);
	ck_assert(SSL_get_shutdown(cli) & SSL_RECEIVED_SHUTDOWN);
	ck_assert_int_eq(tls_shutdown(cli, T_TIMEOUT_MS), 0);
	ck_assert_int_eq(tls_shutdown(srv, T_TIMEOUT_MS), 0);
	SSL_SESSION_free(sess);
	tls_free(srv); tls_free(cli); close(sfd); close(cfd);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}
END_TEST

/* A peer that never speaks TLS: the handshake ends at its bound. */
START_TEST(handshake_timeout)
{
	SSL_CTX *sctx = tp_server_ctx();
	int a, b;
	char err[256] = "";
	tp_tcp_pair(&a, &b);
	long long t0 = sys_now_ms();
	ck_assert_ptr_null(tls_accept(sctx, a, 200, err, sizeof(err)));
	ck_assert_int_lt(sys_now_ms() - t0, 200 + T_SLACK_MS);
	ck_assert_msg(strstr(err, "timed out") != NULL, "err: %s", err);
	close(a);
	close(b);
	/* Plain FTP on a TLS port: a protocol error, not a hang. */
	tp_tcp_pair(&a, &b);
	ck_assert_int_eq(write(b, "USER anonymous\r\n", 16), 16);
	ck_assert_ptr_null(tls_accept(sctx, a, T_TIMEOUT_MS, err, sizeof(err)));
	ck_assert_msg(strstr(err, "TLS handshake") != NULL, "err: %s", err);
	close(a); close(b);
	SSL_CTX_free(sctx);
}
END_TEST

START_TEST(ktls_probe)
{
	int a = tls_ktls_available();
	ck_assert_int_eq(tls_ktls_available(), a);	/* cached, stable */
	ck_assert(a == 0 || a == 1);
	const char *want = getenv("ZC_EXPECT_KTLS");
	if (want && *want)
		ck_assert_int_eq(a, atoi(want));
}
END_TEST

Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *tc = tp_tcase("core", 20);
	tcase_add_loop_test(tc, handshake_versions, 0, NELEM(versions));
	tcase_add_test(tc, tls11_refused);
	tcase_add_test(tc, min_version_13);
	tcase_add_test(tc, ctx_errors);
	tcase_add_test(tc, chain_loaded);
	tcase_add_loop_test(tc, data_reuse, 0, NELEM(reuse_cases));
	tcase_add_test(tc, session_import);
	tcase_add_test(tc, control_io_shutdown);
	tcase_add_test(tc, handshake_timeout);
	tcase_add_test(tc, ktls_probe);
	suite_add_tcase(s, tc);
	return s;
}
