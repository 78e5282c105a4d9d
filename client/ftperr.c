/*
 * ftperr.c - what the client's errors mean: reply classes, which
 * failures are worth a retry, and their text for humans (never with a
 * password: the texts are server replies and strerror()).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ftpconn.h"

int ftp_expect(int rc, int want_first_digit)
{
	if (rc < 0)
		return rc;
	return rc / 100 == want_first_digit ? 0 : -EREMOTEIO;
}

int ftp_transient(const struct ftpconn *c, int rc)
{
	if (rc == -EUSERS)
		return 1;
	if (rc == -EREMOTEIO)
		return c->code >= 400 && c->code < 500;
	return rc == -ECONNRESET || rc == -EPIPE || rc == -ETIMEDOUT ||
	       rc == -ECONNABORTED || rc == -ECONNREFUSED || rc == -ENOTCONN ||
	       rc == -EPROTO || rc == -EHOSTUNREACH || rc == -ENETUNREACH;
}

const char *ftp_strerror(const struct ftpconn *c, int rc, char *buf, size_t n)
{
	if (rc == -EREMOTEIO || rc == -EUSERS)
		snprintf(buf, n, "server said: %s", c->msg);
	else if (rc == -EPROTO && c->tls_err[0])
		snprintf(buf, n, "%s", c->tls_err);
	else if (rc == -ECONNABORTED)
		snprintf(buf, n, "connection closed by the server");
	else
		snprintf(buf, n, "%s", strerror(-rc));
	return buf;
}

/*
 * A refusal for a connection limit: RFC 959 4.2 gives 421 ("service not
 * available, closing control connection") for the banner, and that is
 * what zcftpd's max_per_ip, vsftpd and Pure-FTPd send; proftpd answers
 * the login instead ("530 Sorry, the maximum number of clients ...").
 */
int ftp_limit_refusal(const struct ftpconn *c, int rc)
{
	if (rc != -EREMOTEIO && rc != -EACCES)
		return 0;
	if (c->code == FTP_R_UNAVAILABLE)
		return 1;
	return c->code == FTP_R_NOT_LOGGED_IN &&
	       (strcasestr(c->msg, "too many") || strcasestr(c->msg, "maximum"));
}
