/*
 * ftpdata.c - data connections of the client: EPSV (RFC 2428) with PASV
 * fallback, and MLSD/LIST listings. RETR and STOR are in ftpxfer.c.
 *
 * Pipelining: once EPSV has worked on a connection, "EPSV", "REST n" and
 * "RETR path" go out in one write. RFC 959 servers read commands from a
 * byte stream, so this saves two round trips per file without changing
 * what the server sees. Before that (and after EPSV failed) each command
 * waits for its reply, so a server that refuses EPSV does not get a RETR
 * it would answer 425. A RETR can also be sent ahead (ftp_retr_begin),
 * while the caller still works on the previous file: the server is not
 * busy with a transfer then (its 226 was read), so it just answers in
 * order.
 *
 * The data connection always goes to the control connection's peer: the
 * address inside a 227 reply is ignored (NAT boxes rewrite it wrongly, and
 * honouring it lets a hostile server aim us at a third host).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "address.h"
#include "buf.h"
#include "ftpdata.h"
#include "net.h"
#include "sys.h"
#include "tls.h"

/*
 * A connected NON-BLOCKING socket to to, within timeout_ms. Plain data
 * connections stay non-blocking (the engine and recv_small want them so),
 * which saves net_connect_timeout's two fcntl()s back to blocking and the
 * engine's two forward again: four syscalls per file. The fd or -errno.
 */
static int connect_nb(const struct sockaddr_storage *to, socklen_t len, int timeout_ms)
{
	int fd = socket(to->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = 0, err = 0;
	socklen_t elen = sizeof err;
	if (connect(fd, (const struct sockaddr *)to, len) < 0) {
		rc = errno == EINPROGRESS || errno == EINTR ? 0 : -errno;
		if (rc == 0)
			rc = sys_poll1(fd, POLLOUT, timeout_ms);
		rc = rc < 0 ? rc : rc == 0 ? -ETIMEDOUT :
		     getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0 ? -errno : -err;
	}
	if (rc < 0) {
		sys_close(fd);
		return rc;
	}
	return fd;
}

static int data_connect_port(struct ftpconn *c, uint16_t port)
{
	struct sockaddr_storage to = c->peer;
	if (to.ss_family == AF_INET)
		((struct sockaddr_in *)&to)->sin_port = htons(port);
	else if (to.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&to)->sin6_port = htons(port);
	else
		return -EAFNOSUPPORT;
	if (!c->ssl)
		return connect_nb(&to, c->peerlen, c->timeout_ms);
	return net_connect_timeout((struct sockaddr *)&to, c->peerlen, NULL, 0,
				   c->timeout_ms);
}

/* Turn the reply to EPSV or PASV into a port. */
static int passive_port(struct ftpconn *c, int code, int epsv, uint16_t *port)
{
	if (epsv) {
		if (code != FTP_R_EPSV)
			return -EREMOTEIO;
		return addr_parse_epsv_reply(ftp_text(c), port) < 0 ? -EPROTO : 0;
	}
	if (code != FTP_R_PASV)
		return -EREMOTEIO;
	struct sockaddr_in sin;
	if (addr_parse_pasv_reply(ftp_text(c), &sin) < 0)
		return -EPROTO;
	*port = ntohs(sin.sin_port);
	return 0;
}

/* EPSV, or PASV when EPSV is refused (5xx) or already known not to work. */
static int data_open_serial(struct ftpconn *c)
{
	uint16_t port = 0;
	int rc = -EREMOTEIO;
	if (c->epsv >= 0) {
		rc = ftp_cmd(c, "EPSV");
		if (rc < 0)
			return rc;
		int code = rc;
		rc = passive_port(c, code, 1, &port);
		if (rc == 0)
			c->epsv = 1;
		else if (code / 100 == 5 && c->peer.ss_family == AF_INET)
			c->epsv = -1;
		else
			return rc;
	}
	if (c->epsv < 0) {
		rc = ftp_cmd(c, "PASV");
		if (rc < 0)
			return rc;
		if ((rc = passive_port(c, rc, 0, &port)) < 0)
			return rc;
	}
	return data_connect_port(c, port);
}

/* Read the preliminary reply of RETR/STOR/MLSD: 125 or 150. */
static int expect_prelim(struct ftpconn *c)
{
	int rc = ftp_reply(c);
	if (rc < 0)
		return rc;
	return rc == FTP_R_DATA_ALREADY_OPEN || rc == FTP_R_FILE_STATUS_OK ? 0 : -EREMOTEIO;
}

/* REST n (RFC 3659 5.3) answered 350. */
static int rest_reply(struct ftpconn *c)
{
	int rc = ftp_reply(c);
	if (rc < 0)
		return rc;
	return rc == FTP_R_PENDING ? 0 : -EREMOTEIO;
}

/*
 * Close a data connection the server has already closed (we read its
 * EOF, so every byte has arrived). An abortive close (SO_LINGER 0 sends
 * RST instead of FIN) takes the server's FIN_WAIT_2 socket down at once
 * instead of leaving a TIME_WAIT for 60 s: a mirror of 5,000 small files
 * opens 5,000 data connections, and on loopback the TIME_WAITs of a few
 * runs exhaust the ephemeral ports the server draws passive ports from
 * (EPSV then fails with 425). Never used before EOF: that could discard
 * data.
 */
void data_close_after_eof(int fd)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };
	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	sys_close(fd);
}

/* Drain the replies of what followed a failed EPSV, to stay in step. */
static void drain_after(struct ftpconn *c, int n)
{
	while (n-- > 0) {
		int rc = ftp_reply(c);
		if (rc < 0)
			return;
		if (rc < 200)
			n++;	/* a 1xx: its final reply follows */
	}
}

/* One write for EPSV [REST] CMD path. Returns the number of commands
 * sent (their replies are owed) or a negative error. */
static int send_pipelined(struct ftpconn *c, const char *cmd, const char *path,
			  uint64_t offset)
{
	char rest[48], full[FTP_CMD_MAX];
	const char *lines[3] = { "EPSV" };
	size_t n = 1;
	if (offset) {
		snprintf(rest, sizeof rest, "REST %" PRIu64, offset);
		lines[n++] = rest;
	}
	if (snprintf(full, sizeof full, "%s %s", cmd, path) >= (int)sizeof full)
		return -ENAMETOOLONG;
	lines[n++] = full;
	int rc = ftp_send_lines(c, lines, n);
	return rc < 0 ? rc : (int)n;
}

/*
 * A server that loses commands sent behind EPSV (a timeout) or runs the
 * transfer command before its passive port is ready (425) gets them one
 * at a time from now on, on this connection and its reconnects.
 */
static int pipeline_failed(struct ftpconn *c, int rc)
{
	if (rc == -ETIMEDOUT || (rc == -EREMOTEIO && c->code == FTP_R_CANT_OPEN_DATA))
		c->pipeline = 0;
	return rc;
}

/* The replies to send_pipelined()'s n commands, in order. The data fd
 * or a negative error (the control connection in step, or closed). */
static int recv_pipelined(struct ftpconn *c, int n, uint64_t offset)
{
	uint16_t port;
	int rc = ftp_reply(c);
	if (rc < 0)
		return pipeline_failed(c, rc);
	if ((rc = passive_port(c, rc, 1, &port)) < 0) {
		drain_after(c, n - 1);
		return rc;
	}
	int dfd = data_connect_port(c, port);
	if (dfd < 0) {
		/* The server waits for this connection: we are out of step. */
		ftp_close(c, 0);
		return dfd;
	}
	rc = offset ? rest_reply(c) : 0;
	if (rc < 0) {
		/* REST refused: the RETR would start at 0 and append the whole
		 * file to the partial one. Drop the connection instead. */
		sys_close(dfd);
		ftp_close(c, 0);
		return rc == -EREMOTEIO ? -ENOTSUP : rc;
	}
	if ((rc = expect_prelim(c)) < 0) {
		sys_close(dfd);
		return pipeline_failed(c, rc);
	}
	return dfd;
}

int ftp_retr_begin(struct ftpconn *c, const char *path)
{
	if (c->epsv != 1 || !c->pipeline || c->ahead || c->fd < 0)
		return -EAGAIN;
	char *copy = strdup(path);
	if (!copy)
		return -ENOMEM;
	int rc = send_pipelined(c, "RETR", path, 0);
	if (rc < 0) {
		free(copy);
		return rc;
	}
	c->ahead = copy;
	return 0;
}

void ftp_retr_cancel(struct ftpconn *c)
{
	/* Its data connection would have to be opened and drained: a file
	 * sent ahead is rarely given up (its local file could not be
	 * created), so a reconnect is simpler and surely in step. */
	if (c->ahead)
		ftp_close(c, 0);
}

/* Was "RETR path" sent ahead? Then its replies are ours (1). A RETR of
 * another file sent ahead is given up. */
static int take_ahead(struct ftpconn *c, const char *cmd, const char *path,
		      uint64_t offset)
{
	if (!c->ahead)
		return 0;
	int mine = path && offset == 0 && strcmp(cmd, "RETR") == 0 &&
		   strcmp(c->ahead, path) == 0;
	if (!mine) {
		ftp_retr_cancel(c);
		return 0;
	}
	free(c->ahead);
	c->ahead = NULL;
	return 1;
}

int data_begin(struct ftpconn *c, const char *cmd, const char *path,
	       uint64_t offset)
{
	if (take_ahead(c, cmd, path, offset))
		return recv_pipelined(c, 2, 0);
	if (c->epsv == 1 && c->pipeline && path) {
		int n = send_pipelined(c, cmd, path, offset);
		return n < 0 ? n : recv_pipelined(c, n, offset);
	}
	int dfd = data_open_serial(c);
	if (dfd < 0)
		return dfd;
	int rc = 0;
	if (offset) {
		rc = ftp_send(c, "REST %" PRIu64, offset);
		if (rc == 0)
			rc = rest_reply(c);
	}
	if (rc == 0)
		rc = path ? ftp_send(c, "%s %s", cmd, path) : ftp_send(c, "%s", cmd);
	if (rc == 0)
		rc = expect_prelim(c);
	if (rc < 0) {
		sys_close(dfd);
		return rc;
	}
	return dfd;
}

int data_end(struct ftpconn *c, int xfer_rc)
{
	int rc = ftp_reply(c);
	if (rc < 0)
		return rc;
	if (rc / 100 != 2)
		return -EREMOTEIO;
	return xfer_rc;
}

int data_tls(struct ftpconn *c, int dfd, SSL **ssl)
{
	int rc = ftp_tls_data(c, dfd, ssl);
	if (rc < 0) {
		sys_close(dfd);
		(void)data_end(c, rc);
		c->code = 0;	/* report the TLS reason, not the reply */
	}
	return rc;
}

/* Read the whole data connection into b (listings are small). */
static int read_all(struct ftpconn *c, int dfd, SSL *ssl, struct zbuf *b)
{
	char chunk[65536];
	for (;;) {
		ssize_t n;
		if (ssl) {
			n = tls_read(ssl, chunk, sizeof chunk, c->timeout_ms);
		} else {
			int ev = sys_poll1(dfd, POLLIN, c->timeout_ms);
			if (ev <= 0)
				return ev < 0 ? ev : -ETIMEDOUT;
			n = sys_read(dfd, chunk, sizeof chunk);
		}
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		if (zbuf_append(b, chunk, (size_t)n) < 0)
			return -E2BIG;
	}
}

static int is_dot(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

/* Split b into lines and hand each parsed entry to cb. */
static int parse_lines(const struct zbuf *b, int mlsd, ftp_list_cb cb, void *arg)
{
	char name[4096];
	time_t now = time(NULL);
	const char *p = b->p ? b->p : "", *end = p + b->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *next = nl ? nl + 1 : end;
		if (len && p[len - 1] == '\r')
			len--;
		struct listing_entry e;
		int rc = mlsd ? ftp_parse_mlsx(p, len, &e, name, sizeof name)
			      : listing_parse_list(p, len, &e, name, sizeof name, now);
		p = next;
		if (rc < 0 || e.type == 'c' || e.type == 'p' || is_dot(name))
			continue;	/* "total N", cdir/pdir, junk lines */
		if ((rc = cb(arg, &e)) < 0)
			return rc;
	}
	return 0;
}

int ftp_list(struct ftpconn *c, const char *path, ftp_list_cb cb, void *arg,
	     int *precise)
{
	int mlsd = (c->feat & FEAT_MLSD) != 0;
	if (precise)
		*precise = mlsd;
	/* LIST takes options on most servers: "LIST -a" is safer than a
	 * path that starts with '-'; zcftp lists by path, so a path such as
	 * "/-x" is absolute and cannot be read as an option. */
	int dfd = data_begin(c, mlsd ? "MLSD" : "LIST", path, 0);
	if (dfd < 0)
		return dfd;
	SSL *ssl;
	if (data_tls(c, dfd, &ssl) < 0)
		return -EPROTO;
	struct zbuf b;
	zbuf_init(&b, FTP_LIST_MAX);
	int xrc = read_all(c, dfd, ssl, &b);
	(void)ftp_tls_data_end(ssl, xrc == 0, c->timeout_ms);
	if (xrc == 0 && !ssl)
		data_close_after_eof(dfd);
	else
		sys_close(dfd);
	int rc = data_end(c, xrc);
	if (rc == 0)
		rc = parse_lines(&b, mlsd, cb, arg);
	zbuf_free(&b);
	return rc;
}
