/*
 * tls_io.c - TLS on non-blocking sockets with time bounds: handshakes
 * (server, data connection with required session reuse, client), control
 * channel reads and writes, and close_notify shutdowns.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "net.h"
#include "sys.h"
#include "tls.h"
#include "tls_int.h"

/* Scratch for data the peer sends after our close_notify (discarded). */
#define TLS_DRAIN_BUF 4096

int tls_io_want(SSL *s, int ret)
{
	int e = errno;

	switch (SSL_get_error(s, ret)) {
	case SSL_ERROR_WANT_READ:
		return POLLIN;
	case SSL_ERROR_WANT_WRITE:
		return POLLOUT;
	case SSL_ERROR_ZERO_RETURN:
		return 0;
	case SSL_ERROR_SYSCALL:
		/* OpenSSL 1.1 style EOF: no error queued and no errno. */
		if (ERR_peek_error() == 0)
			return e && ret < 0 ? -e : TLS_IO_EOF;
		return -EPROTO;
	case SSL_ERROR_SSL:
		if (ERR_GET_REASON(ERR_peek_error()) == SSL_R_UNEXPECTED_EOF_WHILE_READING) {
			ERR_clear_error();
			return TLS_IO_EOF;
		}
		return -EPROTO;
	default:
		return -EPROTO;
	}
}

static long long deadline_of(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : sys_now_ms() + timeout_ms;
}

/* Wait for events on fd until the deadline (-1: none). 0 or -errno. */
static int wait_until(int fd, short events, long long deadline)
{
	int left = -1;

	if (deadline >= 0) {
		long long d = deadline - sys_now_ms();
		if (d <= 0)
			return -ETIMEDOUT;
		left = d > 0x7fffffff ? 0x7fffffff : (int)d;
	}
	if (events & POLLIN)
		net_quickack(fd);	/* see net.h: peers without TCP_NODELAY */
	int rc = sys_poll1(fd, events, left);
	if (rc == 0)
		return -ETIMEDOUT;
	return rc < 0 ? rc : 0;
}

/* Non-blocking + TCP_NODELAY (see tls.h), then the SSL on it. */
static SSL *wrap_fd(SSL_CTX *ctx, int fd, char *err, size_t errsz)
{
	int rc = sys_set_nonblock(fd, 1);
	if (rc < 0) {
		snprintf(err, errsz, "TLS: %s", strerror(-rc));
		return NULL;
	}
	(void)net_set_nodelay(fd, 1);	/* not TCP (tests): nothing to tune */
	ERR_clear_error();
	SSL *s = SSL_new(ctx);
	if (!s || !SSL_set_fd(s, fd)) {
		tls_err_text(err, errsz, "TLS: cannot set up the connection");
		SSL_free(s);
		return NULL;
	}
	return s;
}

static void handshake_err(SSL *s, int rc, char *err, size_t errsz)
{
	long v = SSL_get_verify_result(s);

	if (rc == -ETIMEDOUT)
		snprintf(err, errsz, "TLS handshake: timed out");
	else if (rc == 0 || rc == TLS_IO_EOF)
		snprintf(err, errsz, "TLS handshake: peer closed the connection");
	else if (rc == -EPROTO && v != X509_V_OK)
		snprintf(err, errsz, "TLS handshake: certificate verify failed: %s",
			 X509_verify_cert_error_string(v));
	else if (rc == -EPROTO)
		tls_err_text(err, errsz, "TLS handshake");
	else
		snprintf(err, errsz, "TLS handshake: %s", strerror(-rc));
	ERR_clear_error();
}

/* Drive the handshake to completion. Returns 0, or frees s and fills err. */
static int handshake(SSL *s, int fd, int timeout_ms, char *err, size_t errsz)
{
	long long deadline = deadline_of(timeout_ms);

	for (;;) {
		ERR_clear_error();
		int r = SSL_do_handshake(s);
		if (r == 1)
			return 0;
		int rc = tls_io_want(s, r);
		if (rc > 0) {
			rc = wait_until(fd, (short)rc, deadline);
			if (rc == 0)
				continue;
		}
		handshake_err(s, rc, err, errsz);
		SSL_free(s);
		return rc < 0 && rc != TLS_IO_EOF ? rc : -ECONNRESET;
	}
}

SSL *tls_accept(SSL_CTX *ctx, int fd, int timeout_ms, char *err, size_t errsz)
{
	SSL *s = wrap_fd(ctx, fd, err, errsz);
	if (!s)
		return NULL;
	SSL_set_accept_state(s);
	/* The token must exist before the handshake issues tickets. */
	tls_bind_new();
	if (handshake(s, fd, timeout_ms, err, errsz) < 0)
		return NULL;
	tls_bind_session(s);
	return s;
}

/*
 * Only this server can have issued a session the client resumes (ticket
 * keys and cache are ours), and only the holder of its master secret can
 * resume it: that ties the data connection to a TLS client of ours, as
 * RFC 4217 section 10.2 intends, without comparing session ids (a TLS 1.3
 * resumption carries a new one).
 */
SSL *tls_accept_data(SSL_CTX *ctx, int fd, SSL *control, int flags,
		     int timeout_ms, char *err, size_t errsz)
{
	SSL *s = wrap_fd(ctx, fd, err, errsz);
	if (!s)
		return NULL;
	if (flags & TLS_DATA_UPLOAD)
		SSL_set_num_tickets(s, 0);
	/* Room for several records per read() on the user-space receive
	 * path (the engine turns read-ahead on there, after the handshake). */
	SSL_set_default_read_buffer_len(s, TLS_DATA_READ_BUF);
	SSL_set_accept_state(s);
	if (handshake(s, fd, timeout_ms, err, errsz) < 0)
		return NULL;
	if (!(flags & TLS_DATA_REQUIRE_REUSE))
		return s;
	if (!SSL_session_reused(s))
		snprintf(err, errsz, "data connection did not reuse the control "
			 "connection's TLS session");
	else if (control && SSL_version(control) != SSL_version(s))
		snprintf(err, errsz, "data connection resumed with %s, the control "
			 "connection uses %s", SSL_get_version(s), SSL_get_version(control));
	else
		return s;
	/* Tell the client why, as far as TLS can: a close_notify, no wait. */
	(void)SSL_shutdown(s);
	ERR_clear_error();
	SSL_free(s);
	return NULL;
}

/* Name checks for a verifying client; no SNI for an address (RFC 6066 3). */
static int set_peer_name(SSL *s, const char *name)
{
	unsigned char a[sizeof(struct in6_addr)];
	int numeric = inet_pton(AF_INET, name, a) == 1 || inet_pton(AF_INET6, name, a) == 1;
	int verify = SSL_get_verify_mode(s) & SSL_VERIFY_PEER;

	if (!numeric && !SSL_set_tlsext_host_name(s, name))
		return -EINVAL;
	if (!verify)
		return 0;
	if (numeric)
		return X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s), name) ? 0 : -EINVAL;
	return SSL_set1_host(s, name) ? 0 : -EINVAL;
}

SSL *tls_connect(SSL_CTX *ctx, int fd, const char *sni, SSL_SESSION *resume,
		 int timeout_ms, char *err, size_t errsz)
{
	SSL *s = wrap_fd(ctx, fd, err, errsz);
	if (!s)
		return NULL;
	SSL_set_default_read_buffer_len(s, TLS_DATA_READ_BUF);
	SSL_set_connect_state(s);
	if ((sni && set_peer_name(s, sni) < 0) || (resume && !SSL_set_session(s, resume))) {
		tls_err_text(err, errsz, "TLS: cannot set up the connection");
		SSL_free(s);
		return NULL;
	}
	return handshake(s, fd, timeout_ms, err, errsz) < 0 ? NULL : s;
}

int tls_read(SSL *s, void *buf, size_t n, int timeout_ms)
{
	long long deadline = deadline_of(timeout_ms);
	int want = n > 0x40000000 ? 0x40000000 : (int)n;

	for (;;) {
		ERR_clear_error();
		int r = SSL_read(s, buf, want);
		if (r > 0)
			return r;
		int rc = tls_io_want(s, r);
		if (rc == 0 || rc == TLS_IO_EOF)
			return 0;
		if (rc > 0)
			rc = wait_until(SSL_get_fd(s), (short)rc, deadline);
		if (rc < 0)
			return rc;
	}
}

int tls_write_all(SSL *s, const void *buf, size_t n, int timeout_ms)
{
	long long deadline = deadline_of(timeout_ms);
	const char *p = buf;

	while (n > 0) {
		int want = n > 0x40000000 ? 0x40000000 : (int)n;
		ERR_clear_error();
		int w = SSL_write(s, p, want);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		int rc = tls_io_want(s, w);
		if (rc == 0 || rc == TLS_IO_EOF)
			return -EPIPE;	/* the peer closed: nothing more goes out */
		if (rc > 0)
			rc = wait_until(SSL_get_fd(s), (short)rc, deadline);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* After our close_notify: read (and drop) until the peer's or EOF. */
static int await_close(SSL *s, long long deadline)
{
	char junk[TLS_DRAIN_BUF];

	for (;;) {
		ERR_clear_error();
		int r = SSL_read(s, junk, sizeof(junk));
		if (r > 0)
			continue;
		int rc = tls_io_want(s, r);
		if (rc == 0 || rc == TLS_IO_EOF)
			return 0;
		if (rc < 0)
			return rc;
		rc = wait_until(SSL_get_fd(s), (short)rc, deadline);
		if (rc < 0)
			return rc;
	}
}

int tls_shutdown(SSL *s, int timeout_ms)
{
	long long deadline = deadline_of(timeout_ms);

	if (!SSL_is_init_finished(s))
		return -EPROTO;
	for (;;) {
		ERR_clear_error();
		int r = SSL_shutdown(s);
		if (r == 1)
			return 0;
		if (r == 0)
			return await_close(s, deadline);
		int rc = tls_io_want(s, r);
		if (rc <= 0)
			return rc == 0 || rc == TLS_IO_EOF ? -ECONNRESET : rc;
		rc = wait_until(SSL_get_fd(s), (short)rc, deadline);
		if (rc < 0)
			return rc;
	}
}

/*
 * OpenSSL evicts the session of a connection freed without a shutdown
 * from the server cache (and marks it not resumable). A data connection
 * resumed the control connection's session: one aborted transfer would
 * make every later data connection fail to resume. Fatal TLS errors
 * still evict it (OpenSSL does that when it sends the fatal alert).
 */
void tls_free(SSL *s)
{
	if (!s)
		return;
	if (SSL_is_init_finished(s))
		SSL_set_shutdown(s, SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
	SSL_free(s);
}
