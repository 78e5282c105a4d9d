/*
 * tls.h - FTPS (RFC 4217) transport: OpenSSL contexts for server and
 * client, handshakes with a time bound on non-blocking sockets, data
 * connections that must resume the control connection's session, kernel
 * TLS (kTLS) detection, and bounded read/write/shutdown for the control
 * channel. The transfer engine (transfer.h, xfer_opts.tls) moves the data.
 *
 * Conventions:
 * - Functions that take err/errsz write one human-readable line (no
 *   newline, never a secret) into err on failure; err may be NULL if
 *   errsz is 0. Functions returning a pointer return NULL on failure.
 * - Every SSL * returned owns nothing but itself: the caller keeps the
 *   fd, frees the SSL with tls_free() and closes the fd afterwards.
 *   tls_accept*() and tls_connect() leave the fd NON-BLOCKING (all I/O on
 *   it then goes through tls_read/tls_write_all or the engine) and set
 *   TCP_NODELAY: without it a small file after TLS 1.3's post-handshake
 *   session tickets waits for a delayed ACK (~40 ms per data connection).
 * - Callers must ignore SIGPIPE (see transfer.h): OpenSSL writes with
 *   write(2), and kTLS with sendfile(2).
 * - Session reuse: the server context keeps a session cache (TLS 1.2
 *   session ids) and issues stateless tickets (TLS 1.2 RFC 5077 and
 *   TLS 1.3), so a data connection can resume the control connection's
 *   session. Ticket keys live in the SSL_CTX: processes forked after
 *   tls_server_ctx() share them. A TLS 1.2 session id lives in one
 *   process's cache: a process that accepts data connections but did not
 *   run the control handshake imports it (tls_session_export/_import).
 */
#ifndef ZC_TLS_H
#define ZC_TLS_H

#include <stddef.h>
#include <openssl/ssl.h>

#define TLS_HANDSHAKE_TIMEOUT_MS 30000	/* suggested bound for callers */
#define TLS_SHUTDOWN_TIMEOUT_MS 2000	/* suggested bound for tls_shutdown */
/* Server-side lifetime of a session: a data connection resumes the
 * control connection's session, and a control connection may live for
 * hours (idle_timeout is per command). One day, then a fresh login. */
#define TLS_SESSION_TIMEOUT_S 86400
/* Read buffer of data-connection SSLs (tls_accept_data, tls_connect):
 * with read-ahead, one read(2) fetches several 16 KiB records. */
#define TLS_DATA_READ_BUF (256u << 10)
/* Largest DER session tls_session_export() produces. */
#define TLS_SESSION_DER_MAX 8192

struct tls_config {
	const char *cert_file;	/* PEM: leaf first, then the chain (server) */
	const char *key_file;	/* PEM private key; NULL: in cert_file */
	const char *ca_file;	/* client: verify the server against these;
				 * NULL: no verification (the client warns) */
	const char *ciphers;	/* TLS 1.2 list (OpenSSL syntax); NULL:
				 * TLS_DEFAULT_CIPHERS */
	const char *ciphersuites; /* TLS 1.3 list; NULL: TLS_DEFAULT_SUITES */
	int min_version;	/* TLS1_2_VERSION (0 = this) or TLS1_3_VERSION */
	int max_version;	/* 0 = highest; tests pin TLS1_2_VERSION */
	int ktls;		/* 1: request kernel TLS (SSL_OP_ENABLE_KTLS) */
};

/* ECDHE with AEAD only (AES-GCM, ChaCha20-Poly1305): forward secrecy,
 * and exactly the TLS 1.2 ciphers Linux kTLS can offload. */
#define TLS_DEFAULT_CIPHERS \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:" \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:" \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS_DEFAULT_SUITES \
	"TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"

/* Fill *c with the defaults: all NULL, TLS 1.2 minimum, ktls on. */
void tls_config_init(struct tls_config *c);
/* "1.2"/"TLSv1.2" -> TLS1_2_VERSION, "1.3"/"TLSv1.3" -> TLS1_3_VERSION,
 * anything else (older versions included) -> 0. */
int tls_version_from_name(const char *s);

/*
 * Server context: loads the certificate chain (leaf + intermediates, PEM)
 * and key, checks that they match, TLS 1.2+ only, AEAD-only defaults,
 * server cipher preference, no renegotiation, no compression, kTLS
 * requested when c->ktls, session cache + tickets for resumption.
 * Returns a new SSL_CTX (caller SSL_CTX_free()s it) or NULL with err
 * naming the file and the reason ("key does not match certificate").
 */
SSL_CTX *tls_server_ctx(const struct tls_config *c, char *err, size_t errsz);

/*
 * Client context: same versions/ciphers, client session cache (so the
 * caller can pass SSL_get1_session(control) to tls_connect for data
 * connections), kTLS when c->ktls. With c->ca_file the server certificate
 * is verified (chain + the name given to tls_connect); without it no
 * verification is done. Returns a new SSL_CTX or NULL with err.
 */
SSL_CTX *tls_client_ctx(const struct tls_config *c, char *err, size_t errsz);

/*
 * Server side: wrap the accepted/connected fd and complete the handshake
 * within timeout_ms (< 0: no bound) with a poll loop. Returns the SSL or
 * NULL with err (e.g. "TLS handshake: unsupported protocol",
 * "TLS handshake: timed out", "TLS handshake: peer closed the connection").
 */
SSL *tls_accept(SSL_CTX *ctx, int fd, int timeout_ms, char *err, size_t errsz);

/*
 * tls_accept for a data connection. flags:
 * TLS_DATA_REQUIRE_REUSE: the handshake must have resumed a session of
 *   this server (SSL_session_reused(): TLS 1.2 session id or ticket,
 *   TLS 1.3 ticket); otherwise the SSL is freed (after a close_notify) and
 *   NULL returned with err "data connection did not reuse the control
 *   connection's TLS session".
 * TLS_DATA_UPLOAD: the client will only send (STOR/APPE/STOU): issue no
 *   TLS 1.3 session tickets on it. A client that never reads leaves the
 *   ticket unread, and close(2) with unread data sends a RST that throws
 *   away what the client still had queued: the end of the upload.
 * control (may be NULL, e.g. in a process that only has the imported
 * session) is the control connection's SSL: when given, a resumed
 * session must also have its protocol version.
 */
#define TLS_DATA_REQUIRE_REUSE 1
#define TLS_DATA_UPLOAD 2
SSL *tls_accept_data(SSL_CTX *ctx, int fd, SSL *control, int flags,
		     int timeout_ms, char *err, size_t errsz);

/*
 * Client side: handshake on connected fd within timeout_ms. sni (may be
 * NULL or a numeric address: then no SNI is sent) is also the name
 * verified when the context verifies. resume (may be NULL) is offered for
 * resumption (data connections: SSL_get1_session() of the control SSL
 * after its first read, so TLS 1.3 tickets have arrived). Returns the
 * SSL or NULL with err.
 */
SSL *tls_connect(SSL_CTX *ctx, int fd, const char *sni, SSL_SESSION *resume,
		 int timeout_ms, char *err, size_t errsz);

/*
 * Run-time kTLS probe (never a configure decision): 1 if the kernel offers
 * the "tls" TCP ULP (listed in /proc/sys/net/ipv4/tcp_available_ulp, or
 * setsockopt(TCP_ULP, "tls") works on a loopback connection, which also
 * autoloads the module), else 0. The result is cached per process.
 */
int tls_ktls_available(void);
/* 1 if kTLS send / receive offload is active on this SSL's socket. */
int tls_ktls_send(SSL *s);
int tls_ktls_recv(SSL *s);

/*
 * Control channel I/O on the non-blocking fd, WANT_READ/WANT_WRITE
 * handled with poll; timeout_ms bounds each wait (< 0: none).
 * tls_read: returns bytes (> 0), 0 on close_notify or EOF, -ETIMEDOUT,
 * -EPROTO (TLS error), or -errno. tls_write_all: 0 or the same errors.
 */
int tls_read(SSL *s, void *buf, size_t n, int timeout_ms);
int tls_write_all(SSL *s, const void *buf, size_t n, int timeout_ms);

/*
 * Clean shutdown: send close_notify, then wait (within timeout_ms in
 * total) for the peer's close_notify or EOF, discarding data still in
 * flight. Returns 0 if close_notify was sent and the peer's close_notify
 * or EOF seen, -ETIMEDOUT, -EPROTO (also after a fatal error or a peer
 * that closed without close_notify: OpenSSL has nothing left to shut
 * down) or -errno otherwise. The caller still tls_free()s and closes.
 */
int tls_shutdown(SSL *s, int timeout_ms);

/*
 * Free an SSL (NULL is fine) WITHOUT evicting its session: use it for
 * every data connection (and after tls_shutdown), instead of SSL_free.
 * OpenSSL drops the session of a connection freed without a completed
 * shutdown, and a data connection shares the control connection's
 * session: one aborted transfer would make every later one unresumable.
 * Nothing is sent; the caller still closes the fd.
 */
void tls_free(SSL *s);

/* "TLSv1.2", "TLSv1.3", ... of an established SSL; cipher name too. */
const char *tls_version_name(SSL *s);
const char *tls_cipher_name(SSL *s);

/*
 * Hand the control connection's session to another process (privilege
 * separation: the pre-login worker handshakes, the user worker accepts
 * data connections). export: DER of the SSL's current session into buf;
 * returns its length, -E2BIG or -EINVAL. import: adds the session to
 * ctx's server cache so TLS 1.2 session-id resumption finds it there;
 * returns 0 or -EINVAL. The DER holds the master secret: wipe the
 * buffer after use and never log it.
 */
int tls_session_export(SSL *s, unsigned char *buf, size_t bufsz);
/* Bind data connections to the control connection just handshaken (see
 * tls.c): a fresh random token for this process's sessions and tickets;
 * a ticket without it is not resumed. */
#define TLS_BIND_LEN 16
void tls_bind_new(void);
/* After the control handshake: put the token on its session too. */
void tls_bind_session(SSL *control);
int tls_session_import(SSL_CTX *ctx, const unsigned char *der, size_t len);

/* The last OpenSSL error as text (queue cleared), for log lines. */
void tls_err_text(char *err, size_t errsz, const char *what);

#endif
