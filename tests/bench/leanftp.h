/*
 * leanftp.h - shared parts of the benchmark client (tests/bench/leanftp.c)
 * and its explicit-FTPS layer (tests/bench/leanftp_tls.c).
 */
#ifndef LEANFTP_H
#define LEANFTP_H

#include <stddef.h>
#include <sys/types.h>
#include <openssl/ssl.h>

#define LINE_MAX_LEN	2048		/* longest control line we accept */

/* One connection, control or data: the socket and, under TLS, its SSL. */
struct conn {
	int fd;
	SSL *ssl;		/* NULL: clear text */
};

extern int g_timeout;		/* socket timeout, seconds */

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * ltls_init: set up the client context for LEANFTP_TLS=VERSION ("1.3" or
 * "1.2"); NULL or "" leaves TLS off. TLS 1.3 is pinned to
 * TLS_AES_256_GCM_SHA384, TLS 1.2 to ECDHE with AES-256-GCM, so every server
 * is measured on the same cipher. The server certificate is not verified
 * (loopback benchmark with a throw-away certificate). Dies on failure.
 */
void ltls_init(const char *version);
int ltls_on(void);

/* Handshake on fd (already connected); resume `sess` if not NULL (RFC 4217
 * section 10: data connections resume the control session). Dies on
 * failure. */
SSL *ltls_connect(int fd, SSL_SESSION *sess);

/* conn_read: up to n bytes; 0 at EOF (or close_notify). Dies on errors. */
ssize_t conn_read(struct conn *c, void *buf, size_t n);
/* conn_write_all: all n bytes or die. */
void conn_write_all(struct conn *c, const void *buf, size_t n);
/* conn_close: send close_notify (if TLS), then, with drain, wait for the
 * peer's close_notify or EOF (errors ignored) so every byte is known to
 * be consumed; close. */
void conn_close(struct conn *c, int drain);

/* "TLSv1.3/TLS_AES_256_GCM_SHA384" of the last data connection, and
 * whether it resumed the control session; "none" and 0 in clear text. */
const char *ltls_last_desc(void);
int ltls_last_resumed(void);

#endif
