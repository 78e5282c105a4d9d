/*
 * ftpxfer.c - RETR and STOR of the client: the data moves through the
 * transfer engine (splice on download, sendfile on upload, user-space
 * copy under TLS without kTLS), except small downloads over plain FTP,
 * which take one read and one write (recv_small).
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "ftpdata.h"
#include "sys.h"

static void default_opts(const struct ftpconn *c, const struct xfer_opts *o,
			 struct xfer_opts *out)
{
	if (o) {
		*out = *o;
	} else {
		xfer_opts_init(out);
		out->timeout_ms = c->timeout_ms;
	}
}

/*
 * Under TLS the end of the data is the peer's close_notify: a TCP EOF
 * without it may be a truncation by a third party (RFC 4217 12.6), so
 * a download that ends that way short of the expected size fails.
 */
static int unclean_end(const struct xfer_result *r, uint64_t expect)
{
	return r->tls_unclean && expect != UINT64_MAX && r->bytes != expect;
}

/*
 * Small files go through read + write instead of the engine's splice
 * pipe: for a few KiB the pipe costs more than the copy (pipe2, two
 * fcntl, a setsockopt, three splices and two closes, against one read
 * and one write; see the Mirror client section of docs/PERFORMANCE.md).
 * Large files keep the zero-copy path. Only over plain FTP, when the
 * size is known (from the listing) and nothing throttles the transfer.
 */
static int small_ok(const struct ftpconn *c, uint64_t left, const struct xfer_opts *o)
{
	return !c->ssl && left <= FTP_SMALL_RECV && !o->rate_limit && !o->ascii;
}

/* Wait for data on the (non-blocking) data socket. */
static int wait_in(int dfd, int timeout_ms)
{
	int ev = sys_poll1(dfd, POLLIN, timeout_ms > 0 ? timeout_ms : -1);
	return ev < 0 ? ev : ev == 0 ? -ETIMEDOUT : 0;
}

/* Write what buf holds to the file; a file error is flagged as such. */
static int flush_small(int file_fd, const char *buf, size_t n, struct xfer_result *r)
{
	int rc = sys_write_all(file_fd, buf, n);
	if (rc < 0) {
		r->file_error = 1;
		return rc;
	}
	r->bytes += n;
	return 0;
}

/*
 * Read dfd (connected, non-blocking) to its EOF into
 * file_fd. A server that sends more than the listing said is not cut
 * short: the buffer is written out whenever it is full. 0 or -errno.
 */
static int recv_small(int dfd, int file_fd, const struct xfer_opts *o,
		      struct xfer_result *r)
{
	char buf[FTP_SMALL_RECV + 1];
	size_t have = 0;
	int rc = 0;
	/* Read first, poll only when nothing is there: a server that holds
	 * its 150 until the 226 (zcftpd does for small files) has sent the
	 * whole file by the time we got the 150. */
	while (rc == 0) {
		ssize_t n = read(dfd, buf + have, sizeof buf - have);
		if (n == 0)
			break;
		if (n > 0) {
			have += (size_t)n;
			if (have == sizeof buf) {
				rc = flush_small(file_fd, buf, have, r);
				have = 0;
			}
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			rc = wait_in(dfd, o->timeout_ms);
		} else if (errno != EINTR) {
			rc = -errno;
		}
	}
	if (rc == 0 && have)
		rc = flush_small(file_fd, buf, have, r);
	r->path = XFER_PATH_COPY;
	r->err = rc;
	if (o->progress)
		o->progress(r->bytes, o->progress_arg);
	return rc;
}

int ftp_retr(struct ftpconn *c, const char *path, uint64_t offset, int file_fd,
	     const struct xfer_opts *o, struct xfer_result *r)
{
	return ftp_retr_sized(c, path, offset, UINT64_MAX, file_fd, o, r);
}

/* Engine download of an open data connection; closes dfd. */
static int recv_engine(struct ftpconn *c, int dfd, int file_fd, uint64_t left,
		       struct xfer_opts *xo, struct xfer_result *r)
{
	SSL *ssl;
	if (data_tls(c, dfd, &ssl) < 0)
		return -EPROTO;
	xo->tls = ssl;
	int xrc = xfer_recv_file(dfd, file_fd, xo, r);
	if (xrc == 0 && unclean_end(r, left))
		xrc = -EPROTO;
	(void)ftp_tls_data_end(ssl, xrc == 0, c->timeout_ms);
	if (xrc == 0 && !ssl)
		data_close_after_eof(dfd);
	else
		sys_close(dfd);
	return data_end(c, xrc);
}

int ftp_retr_sized(struct ftpconn *c, const char *path, uint64_t offset,
		   uint64_t expect, int file_fd, const struct xfer_opts *o,
		   struct xfer_result *r)
{
	struct xfer_opts xo;
	memset(r, 0, sizeof *r);
	default_opts(c, o, &xo);
	uint64_t left = expect == UINT64_MAX ? expect : expect - offset;
	int small = left != UINT64_MAX && small_ok(c, left, &xo);
	int dfd = data_begin(c, "RETR", path, offset);
	if (dfd < 0)
		return dfd;
	if (!small)
		return recv_engine(c, dfd, file_fd, left, &xo, r);
	int xrc = recv_small(dfd, file_fd, &xo, r);
	if (xrc == 0)
		data_close_after_eof(dfd);
	else
		sys_close(dfd);
	return data_end(c, xrc);
}

int ftp_stor(struct ftpconn *c, const char *path, uint64_t offset, int file_fd,
	     const struct xfer_opts *o, struct xfer_result *r)
{
	struct xfer_opts xo;
	SSL *ssl;
	memset(r, 0, sizeof *r);
	default_opts(c, o, &xo);
	int dfd = data_begin(c, "STOR", path, offset);
	if (dfd < 0)
		return dfd;
	if (data_tls(c, dfd, &ssl) < 0)
		return -EPROTO;
	xo.tls = ssl;
	int xrc = xfer_send_file(file_fd, offset, dfd, &xo, r);
	/* The server learns the end of a stream-mode upload from the close
	 * (under TLS: from our close_notify, which it checks). */
	int trc = ftp_tls_data_end(ssl, xrc == 0, c->timeout_ms);
	if (xrc == 0 && trc < 0 && trc != -ETIMEDOUT)
		xrc = trc;
	sys_close(dfd);
	return data_end(c, xrc);
}
