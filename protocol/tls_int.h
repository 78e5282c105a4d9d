/*
 * tls_int.h - shared by tls*.c and the transfer engine's TLS paths (not a
 * public API): how to go on after an SSL_* call that did not succeed.
 */
#ifndef ZC_TLS_INT_H
#define ZC_TLS_INT_H

#include <errno.h>
#include <openssl/ssl.h>

/* The peer closed TCP without close_notify (possible truncation,
 * RFC 5246 section 7.2.1): reads end there; callers decide whether that
 * is acceptable. No read path produces ENODATA otherwise. */
#define TLS_IO_EOF (-ENODATA)

/*
 * Classify the result ret (<= 0) of SSL_read/SSL_write/SSL_do_handshake/
 * SSL_shutdown/SSL_sendfile on s. Call it right after that call: it reads
 * errno. Returns POLLIN or POLLOUT (wait for that, then call again),
 * 0 for the peer's close_notify, TLS_IO_EOF, -EPROTO for a TLS error
 * (the OpenSSL error queue still holds the reason), or -errno.
 */
int tls_io_want(SSL *s, int ret);

#endif
