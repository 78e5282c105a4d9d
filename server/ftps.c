/* ftps.c - FTPS for the server (see ftps.h). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "datachan.h"
#include "ftps.h"
#include "log.h"
#include "session.h"
#include "sys.h"
#include "tls.h"

/* One context for the whole server, made by the master before it forks:
 * sessions inherit it, and with it the TLS 1.3 ticket keys, so a data
 * connection handled by another process can still resume the session. */
static SSL_CTX *g_ctx;

int ftps_setup(const struct zc_config *cfg, char *err, size_t errsz)
{
	struct tls_config tc;
	if (!cfg->tls_enable) {
		SSL_CTX_free(g_ctx);
		g_ctx = NULL;
		return 0;
	}
	tls_config_init(&tc);
	tc.cert_file = cfg->tls_cert;
	tc.key_file = cfg->tls_key;
	if (cfg->tls_ciphers)
		tc.ciphers = cfg->tls_ciphers;
	if (cfg->tls_ciphersuites)
		tc.ciphersuites = cfg->tls_ciphersuites;
	if (cfg->tls_min_version)
		tc.min_version = tls_version_from_name(cfg->tls_min_version);
	tc.ktls = cfg->tls_ktls;
	SSL_CTX *ctx = tls_server_ctx(&tc, err, errsz);
	if (!ctx)
		return -EINVAL;
	SSL_CTX_free(g_ctx);
	g_ctx = ctx;
	log_info("TLS ready (%s); kernel TLS %s", cfg->tls_cert,
		 !cfg->tls_ktls ? "disabled by configuration"
		 : tls_ktls_available() ? "available" : "not offered by this kernel: user-space TLS");
	return 0;
}

SSL_CTX *ftps_ctx(void)
{
	return g_ctx;
}

static int policy_applies(const char *policy, int anonymous)
{
	if (!policy || !strcmp(policy, "none"))
		return 0;
	if (!strcmp(policy, "non-anonymous"))
		return !anonymous;
	return 1;	/* "all" */
}

int ftps_login_required(const struct session *s, const char *user)
{
	return g_ctx && policy_applies(s->cfg->tls_require_login, auth_is_anonymous_name(user));
}

int ftps_data_required(const struct session *s)
{
	return g_ctx && policy_applies(s->cfg->tls_require_data, s->anonymous);
}

int ftps_start_control(struct session *s)
{
	char err[256];
	SSL *ssl = tls_accept(g_ctx, s->ctl_fd, TLS_HANDSHAKE_TIMEOUT_MS, err, sizeof err);
	if (!ssl) {
		log_info("control TLS handshake failed: %s", err);
		return -EPROTO;
	}
	s->ctl_ssl = ssl;
	log_info("control connection now %s %s", tls_version_name(ssl), tls_cipher_name(ssl));
	return 0;
}

int ftps_data_open(struct session *s, int upload, SSL **ssl, char *err, size_t errsz)
{
	*ssl = NULL;
	int fd = data_open(s);
	if (fd < 0 || !s->prot_private)
		return fd;
	int flags = (s->cfg->tls_require_reuse ? TLS_DATA_REQUIRE_REUSE : 0)
		| (upload ? TLS_DATA_UPLOAD : 0);
	*ssl = tls_accept_data(g_ctx, fd, s->ctl_ssl, flags, TLS_HANDSHAKE_TIMEOUT_MS, err, errsz);
	if (!*ssl) {
		log_info("data connection TLS failed: %s", err);
		sys_close(fd);
		return -EPROTO;
	}
	return fd;
}

void ftps_data_close(int fd, SSL *ssl, int completed)
{
	/* close_notify tells the client the data ended here and was not cut
	 * (GnuTLS-based lftp and FileZilla report truncation otherwise). */
	if (ssl && completed)
		(void)tls_shutdown(ssl, TLS_SHUTDOWN_TIMEOUT_MS);
	tls_free(ssl);
	sys_close(fd);
}

/* Move what is readable from one side to the other. Returns 0, or -1 when
 * the source side has ended. */
static int relay_from_client(SSL *ctl, int inner)
{
	char buf[16384];
	do {
		int n = tls_read(ctl, buf, sizeof buf, 0);
		if (n == -ETIMEDOUT)
			return 0;
		if (n <= 0 || sys_write_all(inner, buf, (size_t)n) < 0)
			return -1;
	} while (SSL_pending(ctl) > 0);
	return 0;
}

static int relay_to_client(SSL *ctl, int inner)
{
	char buf[16384];
	ssize_t n = sys_read(inner, buf, sizeof buf);
	if (n <= 0)
		return -1;
	return tls_write_all(ctl, buf, (size_t)n, 30000) < 0 ? -1 : 0;
}

void ftps_proxy_run(SSL *ctl, int ctl_fd, int inner)
{
	for (;;) {
		struct pollfd p[2] = { { .fd = ctl_fd, .events = POLLIN }, { .fd = inner, .events = POLLIN } };
		if (SSL_pending(ctl) == 0 && poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((SSL_pending(ctl) > 0 || (p[0].revents & (POLLIN | POLLHUP | POLLERR)))
		    && relay_from_client(ctl, inner) < 0)
			break;
		if ((p[1].revents & (POLLIN | POLLHUP | POLLERR)) && relay_to_client(ctl, inner) < 0) {
			(void)tls_shutdown(ctl, TLS_SHUTDOWN_TIMEOUT_MS);
			break;
		}
	}
	_exit(0);
}
