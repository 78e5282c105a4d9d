/*
 * leanftp_tls.c - explicit FTPS for the benchmark client (RFC 4217): the
 * client context, handshakes that resume the control session on data
 * connections, and connection I/O that is plain or TLS alike.
 *
 * Lean on purpose, like the rest of leanftp: TLS 1.3 pinned to one cipher
 * (AES-256-GCM) so every server does the same crypto, read-ahead with a
 * large record buffer so one read(2) fetches many records, and no
 * certificate verification (a throw-away certificate on loopback).
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include "leanftp.h"

#define TLS13_SUITE	"TLS_AES_256_GCM_SHA384"
#define TLS12_CIPHERS	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384"
#define READ_AHEAD_LEN	(256 << 10)	/* OpenSSL's record read buffer */

static SSL_CTX *g_ctx;
static char g_desc[96] = "none";
static int g_resumed;

static void die_ssl(const char *what) __attribute__((noreturn));
static void die_ssl(const char *what)
{
	unsigned long e = ERR_get_error();
	char msg[256];

	ERR_error_string_n(e, msg, sizeof(msg));
	die("%s: %s", what, e ? msg : strerror(errno));
}

static int version_of(const char *v)
{
	if (!strcmp(v, "1.3"))
		return TLS1_3_VERSION;
	if (!strcmp(v, "1.2"))
		return TLS1_2_VERSION;
	die("LEANFTP_TLS must be 1.3 or 1.2, not '%s'", v);
}

void ltls_init(const char *version)
{
	int v;

	if (!version || !*version)
		return;
	v = version_of(version);
	g_ctx = SSL_CTX_new(TLS_client_method());
	if (!g_ctx)
		die_ssl("SSL_CTX_new");
	if (!SSL_CTX_set_min_proto_version(g_ctx, v) ||
	    !SSL_CTX_set_max_proto_version(g_ctx, v) ||
	    !SSL_CTX_set_ciphersuites(g_ctx, TLS13_SUITE) ||
	    !SSL_CTX_set_cipher_list(g_ctx, TLS12_CIPHERS))
		die_ssl("TLS settings");
	SSL_CTX_set_verify(g_ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_read_ahead(g_ctx, 1);
	SSL_CTX_set_default_read_buffer_len(g_ctx, READ_AHEAD_LEN);
	SSL_CTX_set_mode(g_ctx, SSL_MODE_AUTO_RETRY);
}

int ltls_on(void)
{
	return g_ctx != NULL;
}

SSL *ltls_connect(int fd, SSL_SESSION *sess)
{
	SSL *s = SSL_new(g_ctx);

	if (!s || !SSL_set_fd(s, fd))
		die_ssl("SSL_new");
	if (sess && !SSL_set_session(s, sess))
		die_ssl("SSL_set_session");
	ERR_clear_error();
	if (SSL_connect(s) != 1)
		die_ssl(sess ? "TLS handshake (data)" : "TLS handshake (control)");
	if (sess) {
		g_resumed = SSL_session_reused(s);
		snprintf(g_desc, sizeof(g_desc), "%s/%s", SSL_get_version(s),
			 SSL_CIPHER_get_name(SSL_get_current_cipher(s)));
	}
	return s;
}

/* A peer that closes without close_notify (OpenSSL 3 reports "unexpected
 * eof") ends the read like EOF does in clear text; the caller checks the
 * byte count. */
static ssize_t tls_read(SSL *s, void *buf, size_t n)
{
	int r, e;

	ERR_clear_error();
	r = SSL_read(s, buf, n > (1u << 30) ? 1 << 30 : (int)n);
	if (r > 0)
		return r;
	e = SSL_get_error(s, r);
	if (e == SSL_ERROR_ZERO_RETURN)
		return 0;
	if (e == SSL_ERROR_SSL &&
	    ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
		return 0;
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		die("TLS read: timed out after %d s", g_timeout);
	die_ssl("TLS read");
}

ssize_t conn_read(struct conn *c, void *buf, size_t n)
{
	ssize_t r;

	if (c->ssl)
		return tls_read(c->ssl, buf, n);
	do
		r = read(c->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		die("read: %s", strerror(errno));
	return r;
}

void conn_write_all(struct conn *c, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t w;

	while (n > 0) {
		if (c->ssl) {
			ERR_clear_error();
			w = SSL_write(c->ssl, p, n > (1u << 30) ? 1 << 30 : (int)n);
			if (w <= 0)
				die_ssl("TLS write");
		} else {
			w = write(c->fd, p, n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				die("write: %s", w ? strerror(errno) : "wrote nothing");
		}
		p += w;
		n -= (size_t)w;
	}
}

void conn_close(struct conn *c, int drain)
{
	char sink[4096];

	if (c->ssl) {
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl);
	}
	if (drain) {
		/* Our FIN too, so a server waiting for TCP EOF after the
		 * close_notify cannot stall; then wait for its end. */
		(void)shutdown(c->fd, SHUT_WR);
		if (c->ssl)
			while (SSL_read(c->ssl, sink, sizeof(sink)) > 0)
				;
		else
			while (read(c->fd, sink, sizeof(sink)) > 0)
				;
	}
	SSL_free(c->ssl);
	c->ssl = NULL;
	close(c->fd);
	c->fd = -1;
}

const char *ltls_last_desc(void)
{
	return g_desc;
}

int ltls_last_resumed(void)
{
	return g_resumed;
}
