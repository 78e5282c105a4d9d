/*
 * ftps.h - FTPS for the server (RFC 4217): the TLS context shared by all
 * sessions, the policy (who must use TLS), control-channel I/O under TLS,
 * TLS on data connections, and the pre-login worker's control proxy.
 */
#ifndef ZC_FTPS_H
#define ZC_FTPS_H

#include <openssl/ssl.h>

#include "conf/config.h"

struct session;

/* Master: build the server context from cfg (NULL context when TLS is not
 * enabled). Returns 0, or -errno with a message naming the file. Logs
 * whether kernel TLS is available. Called again on SIGHUP (reload). */
int ftps_setup(const struct zc_config *cfg, char *err, size_t errsz);
/* The current context, or NULL when TLS is off. */
SSL_CTX *ftps_ctx(void);

/* Policy: 1 if `user` must log in over TLS / use PROT P for data. */
int ftps_login_required(const struct session *s, const char *user);
int ftps_data_required(const struct session *s);

/* Handshake on the control connection (AUTH TLS, or at once for the
 * implicit-TLS port). Returns 0 or -EPROTO (logged). */
int ftps_start_control(struct session *s);
/* Open the prepared data connection, with TLS when PROT P. Returns the fd
 * (and *ssl, or NULL for clear text), or a negative errno; on a TLS
 * failure the reason is in err. upload: the client only sends. */
int ftps_data_open(struct session *s, int upload, SSL **ssl, char *err, size_t errsz);
/* End a data connection: close_notify when the transfer completed, free,
 * close. */
void ftps_data_close(int fd, SSL *ssl, int completed);

/* Privilege separation: the pre-login worker keeps the control TLS and
 * relays clear text to the user's session over `inner` until either side
 * ends. Never returns. */
void ftps_proxy_run(SSL *ctl, int ctl_fd, int inner) __attribute__((noreturn));

#endif
