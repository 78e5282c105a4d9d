/*
 * ftptls.c - FTPS for the client (RFC 4217): the client context with
 * certificate verification, the control handshake (explicit AUTH TLS or
 * implicit), PBSZ/PROT, and the TLS side of every data connection.
 *
 * Data connections resume the control connection's session (RFC 4217
 * 10.2; zcftpd, vsftpd and proftpd refuse data connections that do not):
 * the session is taken once, after the replies to PBSZ and PROT have
 * been read, so that TLS 1.3 session tickets (sent after the handshake,
 * processed by the first SSL_read) are in it.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "ftpconn.h"
#include "sys.h"
#include "tls.h"

SSL_CTX *ftp_tls_ctx_new(const char *cacert, int insecure, char *err, size_t n)
{
	struct tls_config cfg;
	tls_config_init(&cfg);
	cfg.ca_file = insecure ? NULL : cacert;
	SSL_CTX *ctx = tls_client_ctx(&cfg, err, n);
	if (!ctx || insecure || cacert)
		return ctx;
	/* The system store (and $SSL_CERT_FILE / $SSL_CERT_DIR, which
	 * OpenSSL honours here): verification is the default. */
	if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
		tls_err_text(err, n, "system CA store");
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	return ctx;
}

/* The handshake on the control socket; the buffered input must be empty:
 * plaintext received after 234 and before the handshake would be read
 * as if it had been protected (the STARTTLS injection, CVE-2011-0411). */
static int control_handshake(struct ftpconn *c)
{
	if (c->in_off < c->in_len)
		return -EPROTO;
	SSL *s = tls_connect(c->tls_ctx, c->fd, c->url->host, NULL, c->timeout_ms,
			     c->tls_err, sizeof c->tls_err);
	if (!s)
		return -EPROTO;
	c->ssl = s;
	return 0;
}

/* PBSZ 0 then PROT P (RFC 4217 9, 8.4): every data connection in TLS. */
static int protect_data(struct ftpconn *c)
{
	int rc = ftp_cmd(c, "PBSZ 0");
	if (rc >= 0 && rc / 100 == 2)
		rc = ftp_cmd(c, "PROT P");
	if (rc < 0)
		return rc;
	if (rc / 100 != 2)
		return -EREMOTEIO;
	c->tls_sess = SSL_get1_session(c->ssl);
	return 0;
}

int ftp_tls_start(struct ftpconn *c, int implicit)
{
	int rc;
	c->tls_err[0] = '\0';
	if (implicit)
		return control_handshake(c);
	rc = ftp_cmd(c, "AUTH TLS");
	if (rc < 0)
		return rc;
	if (rc != FTP_R_AUTH_OK) {
		snprintf(c->tls_err, sizeof c->tls_err,
			 "the server refused AUTH TLS: %s", c->msg);
		return -EPROTO;
	}
	return control_handshake(c);
}

int ftp_tls_protect(struct ftpconn *c)
{
	int rc = protect_data(c);
	if (rc == -EREMOTEIO) {
		snprintf(c->tls_err, sizeof c->tls_err,
			 "the server refused protected data connections: %s", c->msg);
		return -EPROTO;
	}
	return rc;
}

int ftp_tls_data(struct ftpconn *c, int dfd, SSL **ssl)
{
	*ssl = NULL;
	if (!c->ssl)
		return 0;
	SSL *s = tls_connect(c->tls_ctx, dfd, c->url->host, c->tls_sess,
			     c->timeout_ms, c->tls_err, sizeof c->tls_err);
	if (!s)
		return -EPROTO;
	*ssl = s;
	return 0;
}

int ftp_tls_data_end(SSL *ssl, int clean, int timeout_ms)
{
	int rc = 0;
	if (!ssl)
		return 0;
	if (clean)
		rc = tls_shutdown(ssl, timeout_ms < TLS_SHUTDOWN_TIMEOUT_MS ?
				  timeout_ms : TLS_SHUTDOWN_TIMEOUT_MS);
	tls_free(ssl);
	return rc;
}

void ftp_tls_close(struct ftpconn *c)
{
	if (c->ssl) {
		/* One close_notify, no wait: the connection is going away. */
		ERR_clear_error();
		(void)SSL_shutdown(c->ssl);
		ERR_clear_error();
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	SSL_SESSION_free(c->tls_sess);
	c->tls_sess = NULL;
}

ssize_t ftp_tls_read(struct ftpconn *c, void *buf, size_t n)
{
	int r = tls_read(c->ssl, buf, n, c->timeout_ms);
	return r == 0 ? -ECONNABORTED : r;
}

int ftp_tls_write(struct ftpconn *c, const void *buf, size_t n)
{
	return tls_write_all(c->ssl, buf, n, c->timeout_ms);
}
