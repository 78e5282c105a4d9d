/*
 * tls_peer.h - helpers of the TLS suites: test certificates generated at
 * run time with the OpenSSL API (no key is ever committed), contexts, and
 * a TLS client thread standing in for an FTP client's control or data
 * connection. Helpers assert on failure (Check forks per test).
 */
#ifndef ZC_TEST_TLS_PEER_H
#define ZC_TEST_TLS_PEER_H
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <check.h>
#include <openssl/ssl.h>

/* Files written by tp_certs_make() (in a fresh temp dir, removed by the
 * TCase fixture): root CA, chain = leaf + intermediate, the leaf's key,
 * an unrelated key of the same type (mismatch tests). The leaf is for
 * "localhost" and 127.0.0.1, EC P-256, signed by the intermediate. */
extern char tp_ca[PATH_MAX], tp_chain[PATH_MAX], tp_key[PATH_MAX],
	tp_badkey[PATH_MAX], tp_leaf_only[PATH_MAX];

/* xp_tcase (temp dir, SIGPIPE ignored) plus the certificates. */
TCase *tp_tcase(const char *name, int timeout_s);

/* Server context from the generated chain; client context pinned to
 * exactly `version` (0 = any of 1.2/1.3), verifying against the root CA
 * when verify. Both assert success. */
SSL_CTX *tp_server_ctx(void);
SSL_CTX *tp_client_ctx(int version, int verify);

enum tp_mode {
	TP_HANDSHAKE,	/* handshake, keep the SSL (ssl) for the test */
	TP_SINK,	/* read until close_notify/EOF into buf, then shutdown */
	TP_SOURCE,	/* write data, then close_notify (or not: no_notify) */
	TP_STALL,	/* handshake, then read nothing until `release` */
};

struct tpeer {
	SSL_CTX *ctx;
	int fd;			/* owned: closed by the thread (not in HANDSHAKE) */
	enum tp_mode mode;
	SSL_SESSION *resume;	/* offered for resumption (not owned) */
	const char *data;	/* SOURCE */
	size_t len, cap, got;	/* SOURCE: len; SINK: cap, got */
	char *buf;		/* SINK: malloc'ed cap + 1, caller frees */
	int no_notify;		/* SOURCE: close TCP without close_notify */
	volatile int release;	/* STALL: set to 1 to let the thread finish */
	/* results */
	SSL *ssl;		/* HANDSHAKE: the established client SSL */
	int ok;			/* handshake succeeded */
	int reused;		/* SSL_session_reused() on the client */
	int saw_notify;		/* SINK: the server's close_notify arrived */
	int read_rc;		/* SINK: last tls_read result (0 = clean end) */
	char err[256];
	pthread_t th;
};

/* Loopback pair like xp_tcp_pair (*a engine end, *b peer), retrying for
 * up to TP_PORT_RETRIES x 100 ms while ephemeral ports are exhausted. */
#define TP_PORT_RETRIES 100
void tp_tcp_pair(int *a, int *b);

/* Start the peer on fd (the far end of an engine socket). */
void tp_go(struct tpeer *p, SSL_CTX *ctx, int fd, enum tp_mode mode);
void tp_join(struct tpeer *p);

/*
 * A TLS "control connection": loopback pair, server tls_accept in this
 * thread, client tls_connect in a peer; one byte each way so TLS 1.3
 * tickets have reached the client. srv/cli receive the SSLs, sfd/cfd the
 * fds, sess the client's session to resume (SSL_SESSION_free it).
 */
void tp_control(SSL_CTX *sctx, SSL_CTX *cctx, SSL **srv, int *sfd, SSL **cli,
		int *cfd, SSL_SESSION **sess);

#endif
