/*
 * ftpconn.c - the control connection: connect, replies (through the
 * protocol reply reader), login, FEAT, and the small one-line commands.
 * Data transfers are in ftpdata.c.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "buf.h"
#include "ftpconn.h"
#include "net.h"
#include "sys.h"

#define CMD_MAX FTP_CMD_MAX
#define DEFERRED_LOST "no reply: connection lost"

void ftp_init(struct ftpconn *c, const struct zc_url *u, int timeout_ms)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->url = u;
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : FTP_TIMEOUT_MS_DEFAULT;
	c->hash_algo = HASH_SHA256;
	c->pipeline = 1;
	const char *dbg = getenv("ZCFTP_DEBUG");
	c->debug = dbg && *dbg && *dbg != '0';
	reply_reader_init(&c->rr);
}

/*
 * Many servers (zcftpd included, today) leave Nagle on for the control
 * connection and write a reply in several small writes (150, then 226):
 * the second write waits for our ACK, which the kernel delays by up to
 * 40 ms. TCP_QUICKACK makes the kernel acknowledge at once; it is not
 * sticky, so it is set again before every read.
 */
static void quickack(int fd)
{
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}

/* The TLS hook: with c->ssl set these become SSL_read/SSL_write. */
static ssize_t conn_read(struct ftpconn *c, void *buf, size_t n)
{
	quickack(c->fd);
	if (c->ssl)
		return ftp_tls_read(c, buf, n);
	int ev = sys_poll1(c->fd, POLLIN, c->timeout_ms);
	if (ev < 0)
		return ev;
	if (ev == 0)
		return -ETIMEDOUT;
	ssize_t r = sys_read(c->fd, buf, n);
	return r == 0 ? -ECONNABORTED : r;
}

static int conn_write(struct ftpconn *c, const void *buf, size_t n)
{
	const char *p = buf;
	if (c->ssl)
		return ftp_tls_write(c, buf, n);
	while (n > 0) {
		ssize_t w = send(c->fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* $ZCFTP_DEBUG=1 traces the control connection on stderr (PASS hidden). */
static void trace(const struct ftpconn *c, const char *dir, const char *line, size_t n)
{
	if (!c->debug)
		return;
	if (n >= 5 && strncasecmp(line, "PASS ", 5) == 0)
		n = 4;
	fprintf(stderr, "[%d] %s %.*s\n", c->fd, dir, (int)n, line);
}

/*
 * A control connection that failed a read or a write (timeout, reset, a
 * malformed reply) is out of step: a reply still on its way would be
 * taken for the NEXT command's (a late HASH of one file read as
 * another's). It is closed, so the next use reconnects (-ENOTCONN is
 * transient). Returns rc.
 */
static int conn_failed(struct ftpconn *c, int rc)
{
	if (rc < 0)
		ftp_close(c, 0);
	return rc;
}

int ftp_send(struct ftpconn *c, const char *fmt, ...)
{
	char line[CMD_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line - 2)
		return -ENAMETOOLONG;
	if (strpbrk(line, "\r\n"))
		return -EINVAL;
	ftp_retr_cancel(c);	/* its replies would be taken for ours */
	if (c->fd < 0)
		return -ENOTCONN;
	trace(c, "-->", line, (size_t)n);
	line[n] = '\r';
	line[n + 1] = '\n';
	int rc = conn_write(c, line, (size_t)n + 2);
	/* USER/PASS lines may carry secrets: do not leave them on the stack. */
	explicit_bzero(line, sizeof line);
	return conn_failed(c, rc);
}

int ftp_send_lines(struct ftpconn *c, const char *const *lines, size_t n)
{
	struct zbuf b;
	ftp_retr_cancel(c);
	zbuf_init(&b, (size_t)CMD_MAX * 4);
	for (size_t i = 0; i < n; i++) {
		if (strpbrk(lines[i], "\r\n")) {
			zbuf_free(&b);
			return -EINVAL;
		}
		trace(c, "-->", lines[i], strlen(lines[i]));
		zbuf_puts(&b, lines[i]);
		zbuf_puts(&b, "\r\n");
	}
	int rc = b.err ? b.err : c->fd < 0 ? -ENOTCONN : conn_write(c, b.p, b.len);
	if (!b.err)
		rc = conn_failed(c, rc);
	zbuf_free(&b);
	return rc;
}

/* Read one reply from the socket into c->rr. Returns the code or -errno. */
static int read_one_raw(struct ftpconn *c)
{
	reply_reader_reset_reply(&c->rr);
	for (;;) {
		if (c->in_off < c->in_len) {
			size_t used;
			int rc = reply_reader_feed(&c->rr, c->in + c->in_off,
						   c->in_len - c->in_off, &used);
			c->in_off += used;
			if (rc < 0)
				return rc;
			if (rc == 1)
				break;
		}
		ssize_t n = conn_read(c, c->in, sizeof c->in);
		if (n < 0)
			return (int)n;
		c->in_off = 0;
		c->in_len = (size_t)n;
	}
	c->code = c->rr.code;
	const char *t = zbuf_str(&c->rr.text);
	size_t l = strcspn(t, "\n");
	snprintf(c->msg, sizeof c->msg, "%d %.*s", c->code, (int)l, t);
	/* c->msg is for humans and reaches the terminal: no control bytes
	 * from the server (escape sequences, backspaces). */
	for (char *q = c->msg; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	trace(c, "<--", c->msg, strlen(c->msg));
	return c->code;
}

/* read_one_raw(), closing the connection on any failure. */
static int read_one(struct ftpconn *c)
{
	int rc = c->fd < 0 ? -ENOTCONN : read_one_raw(c);
	return rc < 0 ? conn_failed(c, rc) : rc;
}

/* The oldest deferred command is over: why == NULL when it succeeded. */
static void deferred_done(struct ftpconn *c, const char *why)
{
	char *tag = c->dtag[c->dhead];
	c->dtag[c->dhead] = NULL;
	c->dhead = (c->dhead + 1) % FTP_PENDING_MAX;
	c->pending--;
	if (why && tag && c->on_deferred_fail)
		c->on_deferred_fail(c->deferred_arg, tag, why);
	free(tag);
}

int ftp_flush(struct ftpconn *c)
{
	char why[FTP_MSG_MAX + 16];
	while (c->pending > 0) {
		int rc = read_one(c);	/* a failure closes: the rest are lost */
		if (rc < 0)
			return rc;
		if (rc >= 100 && rc < 200)
			continue;	/* a preliminary reply: its final one follows */
		if (rc >= 400)
			snprintf(why, sizeof why, "server said: %s", c->msg);
		deferred_done(c, rc >= 400 ? why : NULL);
	}
	return 0;
}

int ftp_reply(struct ftpconn *c)
{
	int rc = ftp_flush(c);
	return rc < 0 ? rc : read_one(c);
}

int ftp_cmd(struct ftpconn *c, const char *fmt, ...)
{
	char line[CMD_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line)
		return -ENAMETOOLONG;
	int rc = ftp_send(c, "%s", line);
	explicit_bzero(line, sizeof line);
	return rc < 0 ? rc : ftp_reply(c);
}

int ftp_defer(struct ftpconn *c, char *tag)
{
	if (c->pending >= FTP_PENDING_MAX) {
		/* Replies could not be matched to their commands any more. */
		if (tag && c->on_deferred_fail)
			c->on_deferred_fail(c->deferred_arg, tag, DEFERRED_LOST);
		free(tag);
		ftp_close(c, 0);
		return -ENOBUFS;
	}
	c->dtag[(c->dhead + c->pending) % FTP_PENDING_MAX] = tag;
	c->pending++;
	return 0;
}

const char *ftp_text(const struct ftpconn *c)
{
	return zbuf_str(&c->rr.text);
}

/* Remember what the server offers (RFC 2389 3.2: one feature per line). */
static void parse_feat(struct ftpconn *c, const char *text)
{
	static const struct { const char *name; unsigned bit; } names[] = {
		{ "MLST", FEAT_MLSD }, { "MFMT", FEAT_MFMT }, { "HASH", FEAT_HASH },
		{ "REST STREAM", FEAT_REST }, { "SIZE", FEAT_SIZE },
		{ "MDTM", FEAT_MDTM }, { "UTF8", FEAT_UTF8 }, { "EPSV", FEAT_EPSV },
	};
	for (const char *l = text; *l; ) {
		size_t len = strcspn(l, "\n");
		const char *p = l;
		while (*p == ' ')
			p++;
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
			size_t k = strlen(names[i].name);
			if (strncasecmp(p, names[i].name, k) == 0 &&
			    (p[k] == ' ' || p[k] == '\n' || p[k] == '\0'))
				c->feat |= names[i].bit;
		}
		l += len + (l[len] == '\n');
	}
}

/* "HASH SHA-256*;SHA-1;MD5": the starred algorithm is the selected one. */
static void parse_hash_feat(struct ftpconn *c, const char *text)
{
	const char *h = strcasestr(text, "\n HASH ");
	if (!h)
		return;
	h += 7;
	while (*h && *h != '\n') {
		size_t len = strcspn(h, ";*\n");
		char name[32];
		if (len < sizeof name && h[len] == '*') {
			memcpy(name, h, len);
			name[len] = '\0';
			enum hash_algo a;
			if (hash_algo_by_name(name, &a) == 0)
				c->hash_algo = a;
		}
		h += len;
		while (*h == '*' || *h == ';')
			h++;
	}
}

static int login(struct ftpconn *c)
{
	int rc = ftp_cmd(c, "USER %s", c->url->user);
	if (rc == FTP_R_NEED_PASSWORD)
		rc = ftp_cmd(c, "PASS %s", c->url->pass);
	if (rc < 0)
		return rc;
	if (rc == FTP_R_LOGGED_IN || rc / 100 == 2)
		return 0;
	return rc == FTP_R_NOT_LOGGED_IN || rc / 100 == 5 ? -EACCES : -EREMOTEIO;
}

static int session_setup(struct ftpconn *c)
{
	int rc = ftp_cmd(c, "FEAT");
	if (rc < 0)
		return rc;
	if (rc == FTP_R_SYSTEM_STATUS) {
		char *copy = strdup(ftp_text(c));
		if (!copy)
			return -ENOMEM;
		parse_feat(c, copy);
		parse_hash_feat(c, copy);
		free(copy);
	}
	if (c->feat & FEAT_UTF8) {
		/* RFC 2640 3.1; some servers want it before UTF-8 paths. */
		if ((rc = ftp_send(c, "OPTS UTF8 ON")) < 0 || (rc = ftp_defer(c, NULL)) < 0)
			return rc;
	}
	return ftp_expect(ftp_cmd(c, "TYPE I"), 2);
}

/* The banner: 220, after any 120 "ready in nnn minutes". */
static int banner(struct ftpconn *c)
{
	int rc = ftp_reply(c);
	while (rc >= 100 && rc < 200)
		rc = ftp_reply(c);
	return ftp_expect(rc, 2);
}

/* TCP connect; the peer address is where data connections go. */
static int open_control(struct ftpconn *c)
{
	c->in_off = c->in_len = 0;
	c->tls_err[0] = '\0';
	int fd = net_connect_host(c->url->host, c->url->port, c->timeout_ms);
	if (fd < 0)
		return fd;
	c->fd = fd;
	(void)net_set_nodelay(fd, 1);
	c->peerlen = sizeof c->peer;
	reply_reader_free(&c->rr);
	reply_reader_init(&c->rr);
	return net_peer_addr(fd, &c->peer, &c->peerlen);
}

int ftp_connect(struct ftpconn *c)
{
	enum url_scheme sch = c->url->scheme;
	if (sch != URL_FTP && !c->tls_ctx)
		return -EPROTONOSUPPORT;
	int rc = open_control(c);
	if (rc == 0 && sch == URL_FTPS)
		rc = ftp_tls_start(c, 1);	/* implicit: TLS before the banner */
	if (rc == 0)
		rc = banner(c);
	if (rc == 0 && sch == URL_FTPES)
		rc = ftp_tls_start(c, 0);
	if (rc == 0 && sch != URL_FTP)
		rc = ftp_tls_protect(c);
	if (rc == 0)
		rc = login(c);
	if (rc == 0)
		rc = session_setup(c);
	if (rc < 0)
		ftp_close(c, 0);
	return ftp_limit_refusal(c, rc) ? -EUSERS : rc;
}

void ftp_close(struct ftpconn *c, int quit)
{
	/* A RETR sent ahead has the server waiting for a data connection:
	 * no QUIT behind it, just the close. */
	if (c->ahead) {
		free(c->ahead);
		c->ahead = NULL;
		quit = 0;
	}
	if (c->fd >= 0 && quit && ftp_send(c, "QUIT") == 0)
		(void)sys_poll1(c->fd, POLLIN, 200);	/* let the 221 come back */
	ftp_tls_close(c);
	sys_close(c->fd);
	c->fd = -1;
	c->in_off = c->in_len = 0;
	/* A reply still owed may never come: the command may or may not
	 * have taken effect, and the run must not report success for it. */
	while (c->pending > 0)
		deferred_done(c, DEFERRED_LOST);
	c->dhead = 0;
}

int ftp_reconnect(struct ftpconn *c)
{
	ftp_close(c, 0);
	return ftp_connect(c);
}
