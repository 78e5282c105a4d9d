/* tls_peer.c - run-time test certificates and a TLS client peer thread
 * for the TLS suites (see tls_peer.h). */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include "net.h"
#include "tls.h"
#include "tls_peer.h"
#include "xfer_peer.h"

char tp_ca[PATH_MAX], tp_chain[PATH_MAX], tp_key[PATH_MAX], tp_badkey[PATH_MAX],
	tp_leaf_only[PATH_MAX];

static void add_ext(X509 *x, X509 *issuer, int nid, const char *val)
{
	X509V3_CTX v;
	X509V3_set_ctx_nodb(&v);
	X509V3_set_ctx(&v, issuer ? issuer : x, x, NULL, NULL, 0);
	X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v, nid, val);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(X509_add_ext(x, e, -1), 1);
	X509_EXTENSION_free(e);
}

/* A certificate for key, signed by issuer/ikey (NULL: self-signed). */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey,
		       int ca, long serial)
{
	X509 *x = X509_new();
	ck_assert_ptr_nonnull(x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	ck_assert_int_eq(X509_set_pubkey(x, key), 1);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : n);
	add_ext(x, issuer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "critical,CA:FALSE");
	add_ext(x, issuer, NID_key_usage, ca ? "critical,keyCertSign,cRLSign"
					     : "critical,digitalSignature");
	add_ext(x, issuer, NID_subject_key_identifier, "hash");
	if (issuer)
		add_ext(x, issuer, NID_authority_key_identifier, "keyid");
	if (!ca) {
		add_ext(x, issuer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
		add_ext(x, issuer, NID_ext_key_usage, "serverAuth");
	}
	ck_assert_int_gt(X509_sign(x, ikey ? ikey : key, EVP_sha256()), 0);
	return x;
}

static FILE *open_out(char *path, const char *name)
{
	xp_tpath(path, PATH_MAX, name);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	return f;
}

static void write_key(char *path, const char *name, EVP_PKEY *k)
{
	FILE *f = open_out(path, name);
	ck_assert_int_eq(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	ck_assert_int_eq(fclose(f), 0);
}

static void write_certs(char *path, const char *name, X509 *a, X509 *b)
{
	FILE *f = open_out(path, name);
	ck_assert_int_eq(PEM_write_X509(f, a), 1);
	if (b)
		ck_assert_int_eq(PEM_write_X509(f, b), 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* root CA -> intermediate CA -> leaf: the server must send the chain. */
static void tp_certs_make(void)
{
	EVP_PKEY *rk = EVP_EC_gen("P-256"), *ik = EVP_EC_gen("P-256");
	EVP_PKEY *lk = EVP_EC_gen("P-256"), *bk = EVP_EC_gen("P-256");
	ck_assert(rk && ik && lk && bk);
	X509 *root = make_cert(rk, "zcftpd test root", NULL, NULL, 1, 1);
	X509 *inter = make_cert(ik, "zcftpd test intermediate", root, rk, 1, 2);
	X509 *leaf = make_cert(lk, "localhost", inter, ik, 0, 3);
	write_certs(tp_ca, "ca.pem", root, NULL);
	write_certs(tp_chain, "chain.pem", leaf, inter);
	write_certs(tp_leaf_only, "leaf.pem", leaf, NULL);
	write_key(tp_key, "key.pem", lk);
	write_key(tp_badkey, "other.pem", bk);
	X509_free(root); X509_free(inter); X509_free(leaf);
	EVP_PKEY_free(rk); EVP_PKEY_free(ik); EVP_PKEY_free(lk); EVP_PKEY_free(bk);
}

TCase *tp_tcase(const char *name, int timeout_s)
{
	TCase *tc = xp_tcase(name);
	tcase_add_checked_fixture(tc, tp_certs_make, NULL);
	tcase_set_timeout(tc, timeout_s);
	return tc;
}

SSL_CTX *tp_server_ctx(void)
{
	struct tls_config c;
	char err[256] = "";
	tls_config_init(&c);
	c.cert_file = tp_chain;
	c.key_file = tp_key;
	SSL_CTX *ctx = tls_server_ctx(&c, err, sizeof(err));
	ck_assert_msg(ctx != NULL, "server ctx: %s", err);
	return ctx;
}

SSL_CTX *tp_client_ctx(int version, int verify)
{
	struct tls_config c;
	char err[256] = "";
	tls_config_init(&c);
	c.min_version = version ? version : TLS1_2_VERSION;
	c.max_version = version;
	c.ca_file = verify ? tp_ca : NULL;
	/* The client in user space: /proc/net/tls_stat then counts only the
	 * engine's (server) side in the kTLS VM. */
	c.ktls = 0;
	SSL_CTX *ctx = tls_client_ctx(&c, err, sizeof(err));
	ck_assert_msg(ctx != NULL, "client ctx: %s", err);
	return ctx;
}

static void sink(struct tpeer *p)
{
	char tmp[65536];
	int rc;
	while ((rc = tls_read(p->ssl, tmp, sizeof(tmp), T_TIMEOUT_MS)) > 0) {
		size_t take = (size_t)rc;
		if (p->got + take > p->cap)
			take = p->cap - p->got;
		memcpy(p->buf + p->got, tmp, take);
		p->got += (size_t)rc;	/* overflow shows as got > cap */
	}
	p->read_rc = rc;
	p->saw_notify = (SSL_get_shutdown(p->ssl) & SSL_RECEIVED_SHUTDOWN) != 0;
	(void)tls_shutdown(p->ssl, 1000);
}

static void source(struct tpeer *p)
{
	if (tls_write_all(p->ssl, p->data, p->len, T_TIMEOUT_MS) < 0)
		return;	/* the engine stopped reading: expected in error tests */
	if (!p->no_notify)
		(void)tls_shutdown(p->ssl, T_TIMEOUT_MS);
}

static void *tp_run(void *arg)
{
	struct tpeer *p = arg;
	p->ssl = tls_connect(p->ctx, p->fd, "localhost", p->resume, T_TIMEOUT_MS,
			     p->err, sizeof(p->err));
	p->ok = p->ssl != NULL;
	if (p->ok)
		p->reused = SSL_session_reused(p->ssl);
	if (p->ok && p->mode == TP_HANDSHAKE)
		return NULL;
	if (p->mode == TP_SINK && p->ok)
		sink(p);
	else if (p->mode == TP_SOURCE && p->ok)
		source(p);
	while (p->mode == TP_STALL && !p->release)
		usleep(10000);
	tls_free(p->ssl);
	p->ssl = NULL;
	close(p->fd);
	return NULL;
}

/* xp_tcp_pair, patient with a host whose ephemeral ports are briefly
 * used up by TIME_WAIT sockets (parallel test runs): bind(0) then fails
 * with EADDRINUSE until some expire. */
void tp_tcp_pair(int *a, int *b)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int lfd = -EADDRINUSE;
	for (int i = 0; i < TP_PORT_RETRIES && lfd == -EADDRINUSE; i++) {
		lfd = net_listen("127.0.0.1", 0, 1);
		if (lfd == -EADDRINUSE)
			usleep(100000);
	}
	ck_assert_msg(lfd >= 0, "listen: %s", strerror(-lfd));
	ck_assert_int_eq(net_local_addr(lfd, &ss, &len), 0);
	*a = -EADDRNOTAVAIL;
	for (int i = 0; i < TP_PORT_RETRIES && *a == -EADDRNOTAVAIL; i++) {
		*a = net_connect_timeout((struct sockaddr *)&ss, len, NULL, 0, T_TIMEOUT_MS);
		if (*a == -EADDRNOTAVAIL)
			usleep(100000);
	}
	ck_assert_msg(*a >= 0, "connect: %s", strerror(-*a));
	*b = net_accept_timeout(lfd, T_TIMEOUT_MS, NULL, NULL);
	ck_assert_int_ge(*b, 0);
	close(lfd);
}

void tp_go(struct tpeer *p, SSL_CTX *ctx, int fd, enum tp_mode mode)
{
	p->ctx = ctx;
	p->fd = fd;
	p->mode = mode;
	if (mode == TP_SINK) {
		p->buf = malloc(p->cap + 1);
		ck_assert_ptr_nonnull(p->buf);
	}
	ck_assert_int_eq(pthread_create(&p->th, NULL, tp_run, p), 0);
}

void tp_join(struct tpeer *p)
{
	ck_assert_int_eq(pthread_join(p->th, NULL), 0);
}

void tp_control(SSL_CTX *sctx, SSL_CTX *cctx, SSL **srv, int *sfd, SSL **cli,
		int *cfd, SSL_SESSION **sess)
{
	struct tpeer p = { 0 };
	char err[256] = "", b = 0;
	tp_tcp_pair(sfd, cfd);
	tp_go(&p, cctx, *cfd, TP_HANDSHAKE);
	*srv = tls_accept(sctx, *sfd, T_TIMEOUT_MS, err, sizeof(err));
	tp_join(&p);
	ck_assert_msg(*srv != NULL, "control accept: %s", err);
	ck_assert_msg(p.ok, "control connect: %s", p.err);
	*cli = p.ssl;
	/* A reply each way: the client processes TLS 1.3 tickets on read. */
	ck_assert_int_eq(tls_write_all(*srv, "2", 1, T_TIMEOUT_MS), 0);
	ck_assert_int_eq(tls_read(*cli, &b, 1, T_TIMEOUT_MS), 1);
	ck_assert_int_eq(b, '2');
	*sess = SSL_get1_session(*cli);
	ck_assert_ptr_nonnull(*sess);
}
