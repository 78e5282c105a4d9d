/*
 * tls.c - OpenSSL contexts for FTPS (RFC 4217): certificate loading with a
 * clear diagnosis, protocol and cipher policy, session reuse across the
 * control and data connections, and the run-time kTLS probe. Handshakes
 * and I/O are in tls_io.c.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "sys.h"
#include "tls.h"

#define TLS_SID_CONTEXT "zcftpd"
#define TLS_ULP_FILE "/proc/sys/net/ipv4/tcp_available_ulp"
#ifndef TCP_ULP
#define TCP_ULP 31	/* linux/tcp.h, Linux 4.13 */
#endif

void tls_config_init(struct tls_config *c)
{
	memset(c, 0, sizeof(*c));
	c->min_version = TLS1_2_VERSION;
	c->ktls = 1;
}

int tls_version_from_name(const char *s)
{
	if (!s)
		return 0;
	if (!strncmp(s, "TLSv", 4))
		s += 4;
	if (!strcmp(s, "1.2"))
		return TLS1_2_VERSION;
	if (!strcmp(s, "1.3"))
		return TLS1_3_VERSION;
	return 0;
}

void tls_err_text(char *err, size_t errsz, const char *what)
{
	unsigned long e = ERR_get_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (errsz == 0)
		goto out;
	if (reason)
		snprintf(err, errsz, "%s: %s", what, reason);
	else if (e)
		snprintf(err, errsz, "%s: OpenSSL error %lu", what, e);
	else
		snprintf(err, errsz, "%s", what);
out:
	ERR_clear_error();
}

/* A readable regular file, diagnosed before OpenSSL's terser messages. */
static int check_file(const char *what, const char *path, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s %s: %s", what, path, strerror(errno));
		return -errno;
	}
	sys_close(fd);
	return 0;
}

/* Versions and ciphers shared by both sides. 0 or -EINVAL with err. */
static int set_policy(SSL_CTX *ctx, const struct tls_config *c, char *err, size_t errsz)
{
	int min = c->min_version ? c->min_version : TLS1_2_VERSION;

	/* TLS 1.0/1.1 are deprecated (RFC 8996); SSL is long gone. */
	if (min != TLS1_2_VERSION && min != TLS1_3_VERSION) {
		snprintf(err, errsz, "minimum TLS version must be 1.2 or 1.3");
		return -EINVAL;
	}
	if (!SSL_CTX_set_min_proto_version(ctx, min) ||
	    (c->max_version && !SSL_CTX_set_max_proto_version(ctx, c->max_version))) {
		tls_err_text(err, errsz, "TLS versions");
		return -EINVAL;
	}
	if (!SSL_CTX_set_cipher_list(ctx, c->ciphers ? c->ciphers : TLS_DEFAULT_CIPHERS)) {
		tls_err_text(err, errsz, "TLS 1.2 cipher list");
		return -EINVAL;
	}
	if (!SSL_CTX_set_ciphersuites(ctx, c->ciphersuites ? c->ciphersuites
							   : TLS_DEFAULT_SUITES)) {
		tls_err_text(err, errsz, "TLS 1.3 cipher suites");
		return -EINVAL;
	}
	/* Renegotiation would break kTLS and costs the server CPU on demand;
	 * FTP never needs it. Partial writes let the engine count progress
	 * per record on a non-blocking socket. */
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
				 (c->ktls ? SSL_OP_ENABLE_KTLS : 0));
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
			      SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	return 0;
}

static int mismatch(const char *cert, const char *key, char *err, size_t errsz)
{
	snprintf(err, errsz, "private key %s does not match the certificate in %s",
		 key, cert);
	return -EINVAL;
}

/* Leaf + chain, then the key, then proof that they belong together. */
static int load_cert(SSL_CTX *ctx, const struct tls_config *c, char *err, size_t errsz)
{
	const char *key = c->key_file ? c->key_file : c->cert_file;
	char what[512];

	if (!c->cert_file) {
		snprintf(err, errsz, "TLS needs a certificate file");
		return -EINVAL;
	}
	if (check_file("certificate", c->cert_file, err, errsz) < 0 ||
	    check_file("private key", key, err, errsz) < 0)
		return -ENOENT;
	snprintf(what, sizeof(what), "certificate %s", c->cert_file);
	if (SSL_CTX_use_certificate_chain_file(ctx, c->cert_file) != 1) {
		tls_err_text(err, errsz, what);
		return -EINVAL;
	}
	snprintf(what, sizeof(what), "private key %s", key);
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		if (ERR_GET_REASON(ERR_peek_last_error()) != X509_R_KEY_VALUES_MISMATCH) {
			tls_err_text(err, errsz, what);
			return -EINVAL;
		}
		ERR_clear_error();
		return mismatch(c->cert_file, key, err, errsz);
	}
	/* A mismatching key of the same type makes OpenSSL drop the
	 * certificate silently; of another type it sits in another slot:
	 * either way one of these checks fails. */
	X509 *leaf = SSL_CTX_get0_certificate(ctx);
	EVP_PKEY *pk = SSL_CTX_get0_privatekey(ctx);
	if (!leaf || !pk || X509_check_private_key(leaf, pk) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		ERR_clear_error();
		return mismatch(c->cert_file, key, err, errsz);
	}
	return 0;
}

/*
 * Resumption for data connections (RFC 4217 section 10.2 recommends it,
 * vsftpd's require_ssl_reuse enforces it): a server-side cache for TLS 1.2
 * session ids, and tickets (stateless, keys in the ctx) for TLS 1.2
 * clients that prefer them and for TLS 1.3. The session id context must
 * be set or OpenSSL refuses to resume.
 */
/*
 * Binding data connections to *this* control connection. Ticket keys are
 * shared by every session process (the ctx is made before forking), so a
 * ticket from any connection to this server would resume. Each control
 * handshake therefore draws a random token that rides in every session
 * and ticket issued in this process (ticket appdata, also exported with
 * the session under privilege separation); a data connection must resume
 * a session carrying it.
 */
static unsigned char bind_token[TLS_BIND_LEN];
static int bind_set;

static int ticket_gen(SSL *s, void *arg)
{
	SSL_SESSION *ss = SSL_get_session(s);
	if (bind_set && ss && !SSL_SESSION_set1_ticket_appdata(ss, bind_token, sizeof bind_token))
		return 0;
	return 1;
}

/* A session is ours if it carries this process's token (or none is set). */
static int session_bound(SSL_SESSION *ss)
{
	void *d = NULL;
	size_t n = 0;
	if (!bind_set)
		return 1;
	return SSL_SESSION_get0_ticket_appdata(ss, &d, &n) == 1 && n == sizeof bind_token
		&& CRYPTO_memcmp(d, bind_token, n) == 0;
}

/* Checked here, when the ticket is opened, before the handshake goes on:
 * after it, the tickets this handshake issues would already carry our
 * token (ticket_gen). A foreign ticket is ignored: full handshake, and
 * the data connection is then refused for not resuming. */
static SSL_TICKET_RETURN ticket_dec(SSL *s, SSL_SESSION *ss, const unsigned char *name,
				    size_t name_len, SSL_TICKET_STATUS status, void *arg)
{
	switch (status) {
	case SSL_TICKET_SUCCESS:
		return session_bound(ss) ? SSL_TICKET_RETURN_USE : SSL_TICKET_RETURN_IGNORE_RENEW;
	case SSL_TICKET_SUCCESS_RENEW:
		return session_bound(ss) ? SSL_TICKET_RETURN_USE_RENEW : SSL_TICKET_RETURN_IGNORE_RENEW;
	case SSL_TICKET_EMPTY:
	case SSL_TICKET_NO_DECRYPT:
		return SSL_TICKET_RETURN_IGNORE_RENEW;
	default:
		return SSL_TICKET_RETURN_IGNORE;
	}
}

void tls_bind_new(void)
{
	bind_set = RAND_bytes(bind_token, sizeof bind_token) == 1;
}

void tls_bind_session(SSL *control)
{
	SSL_SESSION *ss = SSL_get_session(control);
	/* TLS 1.2 session ids resume this very object from the cache. */
	if (bind_set && ss)
		SSL_SESSION_set1_ticket_appdata(ss, bind_token, sizeof bind_token);
}


static int set_sessions(SSL_CTX *ctx, char *err, size_t errsz)
{
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
	SSL_CTX_set_timeout(ctx, TLS_SESSION_TIMEOUT_S);
	if (!SSL_CTX_set_session_id_context(ctx, (const unsigned char *)TLS_SID_CONTEXT,
					    sizeof(TLS_SID_CONTEXT) - 1)) {
		tls_err_text(err, errsz, "TLS session context");
		return -EINVAL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE);
	if (!SSL_CTX_set_session_ticket_cb(ctx, ticket_gen, ticket_dec, NULL)) {
		tls_err_text(err, errsz, "TLS ticket callbacks");
		return -EINVAL;
	}
	return 0;
}

SSL_CTX *tls_server_ctx(const struct tls_config *c, char *err, size_t errsz)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	ERR_clear_error();
	if (!ctx) {
		tls_err_text(err, errsz, "TLS server context");
		return NULL;
	}
	if (set_policy(ctx, c, err, errsz) < 0 || load_cert(ctx, c, err, errsz) < 0 ||
	    set_sessions(ctx, err, errsz) < 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

SSL_CTX *tls_client_ctx(const struct tls_config *c, char *err, size_t errsz)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	ERR_clear_error();
	if (!ctx) {
		tls_err_text(err, errsz, "TLS client context");
		return NULL;
	}
	if (set_policy(ctx, c, err, errsz) < 0)
		goto fail;
	/* The caller keeps sessions itself (SSL_get1_session of the control
	 * connection). No client cache mode: with it OpenSSL 3.0 marks a
	 * TLS 1.3 session not resumable once used (tls_finish_handshake),
	 * and every data connection must resume the control's session. */
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (c->ca_file) {
		if (check_file("CA file", c->ca_file, err, errsz) < 0)
			goto fail;
		if (SSL_CTX_load_verify_locations(ctx, c->ca_file, NULL) != 1) {
			tls_err_text(err, errsz, "CA file");
			goto fail;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* Does `list` (space-separated names) contain the word "tls"? */
static int ulp_listed(void)
{
	char buf[256];
	if (sys_read_small_file(TLS_ULP_FILE, buf, sizeof buf) < 0)
		return 0;
	for (char *p = buf; (p = strstr(p, "tls")) != NULL; p += 3) {
		int start = p == buf || p[-1] == ' ';
		int end = p[3] == '\0' || p[3] == ' ' || p[3] == '\n';
		if (start && end)
			return 1;
	}
	return 0;
}

/* The module may be loadable but not loaded: attaching the ULP to a
 * connected loopback socket asks the kernel to load it. */
static int ulp_attach_works(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int ok = 0, c = -1, s = -1;
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0 ||
	    getsockname(l, (struct sockaddr *)&a, &len) < 0)
		goto out;
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		goto out;
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	ok = s >= 0 && setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", 3) == 0;
out:
	sys_close(s);
	sys_close(c);
	sys_close(l);
	return ok;
}

int tls_ktls_available(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = ulp_listed() || ulp_attach_works();
	return cached;
}

int tls_ktls_send(SSL *s)
{
	BIO *b = SSL_get_wbio(s);
	return b && BIO_get_ktls_send(b) ? 1 : 0;
}

int tls_ktls_recv(SSL *s)
{
	BIO *b = SSL_get_rbio(s);
	return b && BIO_get_ktls_recv(b) ? 1 : 0;
}

const char *tls_version_name(SSL *s)
{
	return SSL_get_version(s);
}

const char *tls_cipher_name(SSL *s)
{
	const char *n = SSL_get_cipher_name(s);
	return n ? n : "(none)";
}

int tls_session_export(SSL *s, unsigned char *buf, size_t bufsz)
{
	SSL_SESSION *sess = SSL_get_session(s);
	if (!sess)
		return -EINVAL;
	int len = i2d_SSL_SESSION(sess, NULL);
	if (len <= 0)
		return -EINVAL;
	if ((size_t)len > bufsz)
		return -E2BIG;
	unsigned char *p = buf;
	return i2d_SSL_SESSION(sess, &p) == len ? len : -EINVAL;
}

int tls_session_import(SSL_CTX *ctx, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	if (len == 0 || len > TLS_SESSION_DER_MAX)
		return -EINVAL;
	SSL_SESSION *sess = d2i_SSL_SESSION(NULL, &p, (long)len);
	if (!sess) {
		ERR_clear_error();
		return -EINVAL;
	}
	/* Under privilege separation this process did not make the control
	 * handshake: the session brings the token along. */
	void *d = NULL;
	size_t n = 0;
	if (SSL_SESSION_get0_ticket_appdata(sess, &d, &n) == 1 && n == sizeof bind_token) {
		memcpy(bind_token, d, n);
		bind_set = 1;
	}
	int ok = SSL_CTX_add_session(ctx, sess);
	SSL_SESSION_free(sess);
	return ok ? 0 : -EINVAL;
}
