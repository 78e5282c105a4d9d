/*
 * transfer_recv.c - network -> file: splice(2) socket -> pipe -> file, with
 * a read+write copy where the kernel refuses to splice into the file.
 * The splice loop also serves kTLS receive sockets (see tls_refused).
 *
 * The pipe is created per call, not cached per process: a transfer that
 * fails midway can leave bytes in it that would leak into the next file,
 * and one pipe2+fcntl costs microseconds against any real transfer. It is
 * closed before returning; the engine never closes the caller's fds.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys.h"
#include "transfer_int.h"

#define PIPE_MAX_SIZE_FILE "/proc/sys/fs/pipe-max-size"

/* The unprivileged limit on F_SETPIPE_SZ, or 0 if unknown (e.g. chroot). */
static int pipe_max_size(void)
{
	char txt[32];
	if (sys_read_small_file(PIPE_MAX_SIZE_FILE, txt, sizeof txt) < 0)
		return 0;
	long v = strtol(txt, NULL, 10);
	return v > 0 && v <= (1L << 30) ? (int)v : 0;
}

/*
 * A pipe as large as asked: bigger pipes mean fewer splice calls per byte.
 * Without CAP_SYS_RESOURCE the kernel refuses (EPERM) sizes above
 * pipe-max-size or beyond the user's pipe-user-pages quota: then try the
 * system maximum, then keep the default (64 KiB) pipe, which still works.
 */
static int make_pipe(int p[2], int want)
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	if (fcntl(p[1], F_SETPIPE_SZ, want) >= 0)
		return 0;
	int max = pipe_max_size();
	if (max > 0 && max < want)
		(void)fcntl(p[1], F_SETPIPE_SZ, max);
	return 0;
}

/* Move everything in the pipe to the file (blocking writes). 0 or -errno. */
static int drain_splice(struct xfer_ctx *c, int pfd, int file_fd, size_t left)
{
	while (left > 0) {
		ssize_t m = splice(pfd, NULL, file_fd, NULL, left, SPLICE_F_MOVE);
		if (m > 0) {
			left -= (size_t)m;
			c->r->bytes += (uint64_t)m;
			continue;
		}
		if (m == 0)
			return xfer_file_err(c, -EIO);
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

/* The kernel would not splice into the file: copy out what the pipe holds. */
static int drain_copy(struct xfer_ctx *c, int pfd, int file_fd, size_t left)
{
	char buf[16384];
	while (left > 0) {
		ssize_t n = sys_read(pfd, buf, left < sizeof(buf) ? left : sizeof(buf));
		if (n <= 0)
			return n < 0 ? (int)n : -EIO;
		int rc = sys_write_all(file_fd, buf, (size_t)n);
		if (rc < 0)
			return xfer_file_err(c, rc);
		left -= (size_t)n;
		c->r->bytes += (uint64_t)n;
	}
	return 0;
}

/* Pipe -> file; on EINVAL switch the whole transfer to the copy path. */
static int drain(struct xfer_ctx *c, int pfd, int file_fd, size_t n)
{
	uint64_t before = c->r->bytes;
	int rc = drain_splice(c, pfd, file_fd, n);
	/* EINVAL: this file (O_APPEND on Linux 6.x, some filesystems) cannot
	 * be a splice target. Nothing was lost: the rest is still in the pipe. */
	if (rc == -EINVAL) {
		c->r->path = xfer_copy_path(c);
		return drain_copy(c, pfd, file_fd, n - (size_t)(c->r->bytes - before));
	}
	return rc < 0 && !c->r->file_error ? xfer_file_err(c, rc) : rc;
}

/* Socket -> pipe once. Returns bytes (0 = EOF), or -errno; EAGAIN waited. */
static ssize_t fill(struct xfer_ctx *c, int pfd, size_t cap)
{
	for (;;) {
		ssize_t n = splice(c->sock, NULL, pfd, NULL, xfer_chunk(c, cap),
				   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n >= 0)
			return n;
		int rc = -errno;
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			rc = xfer_wait(c, POLLIN);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
}

/*
 * kTLS: splice takes only application data; an alert (close_notify) makes
 * it fail (EINVAL on Linux 6.1, EIO on some versions) and waits for
 * SSL_read. Data through that way means splice does not work on this
 * socket: the rest goes through the copy path.
 */
static ssize_t tls_refused(struct xfer_ctx *c, int file_fd, ssize_t n)
{
	if (c->tls && n == 0)
		c->r->tls_unclean = 1;	/* a TCP FIN, no close_notify record */
	if (!c->tls || (n != -EINVAL && n != -EIO))
		return n;
	n = xfer_tls_ctl_record(c, file_fd);
	if (n > 0) {
		c->r->path = XFER_PATH_TLS_COPY;
		return xfer_moved(c, (size_t)n) < 0 ? -ECANCELED : 1;
	}
	return n;
}

/* Wake up only when a good share of the pipe can be filled at once: fewer
 * poll/splice rounds per GiB. EOF and errors still wake us at once; a
 * rate-limited transfer moves small chunks, so it keeps the default. */
static void set_rcvlowat(struct xfer_ctx *c, int cap)
{
	int lowat = cap / 4 < XFER_RCVLOWAT_MAX ? cap / 4 : XFER_RCVLOWAT_MAX;
	if (c->o->rate_limit || c->tls || lowat <= 1)
		return;
	(void)setsockopt(c->sock, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof lowat);
}

int xfer_recv_splice(struct xfer_ctx *c, int file_fd)
{
	int p[2];
	int want = c->o->pipe_size > 0 ? c->o->pipe_size : (int)XFER_PIPE_SIZE_DEFAULT;
	int rc = make_pipe(p, want);
	if (rc < 0)
		return rc;
	int cap = fcntl(p[1], F_GETPIPE_SZ);
	if (cap <= 0)
		cap = 65536;
	set_rcvlowat(c, cap);
	for (;;) {
		rc = xfer_check_ctl(c);
		ssize_t n = rc < 0 ? rc : fill(c, p[1], (size_t)cap);
		/* A socket type without splice_read: copy from the start. */
		if (n == -EINVAL && c->r->bytes == 0 && !c->tls) {
			c->r->path = XFER_PATH_COPY;
			rc = xfer_recv_copy(c, file_fd);
			break;
		}
		n = tls_refused(c, file_fd, n);
		if (n <= 0) {
			rc = (int)n;
			break;
		}
		rc = c->r->path == XFER_PATH_TLS_COPY ? 0 : drain(c, p[0], file_fd, (size_t)n);
		if (rc == 0 && c->r->path != XFER_PATH_TLS_COPY)
			rc = xfer_moved(c, (size_t)n);
		if (rc < 0)
			break;
		/* Fell back: the pipe is empty and now only an extra hop. */
		if (c->r->path == XFER_PATH_COPY || c->r->path == XFER_PATH_TLS_COPY) {
			rc = xfer_recv_copy(c, file_fd);
			break;
		}
	}
	sys_close(p[0]);
	sys_close(p[1]);
	return rc;
}

int xfer_recv_loop(struct xfer_ctx *c, int file_fd, size_t bufsz, xfer_reader rd)
{
	char *buf = malloc(bufsz);
	if (!buf)
		return -ENOMEM;
	int rc;
	for (;;) {
		rc = xfer_check_ctl(c);
		ssize_t n = rc < 0 ? rc : rd(c, buf, bufsz);
		if (n <= 0) {
			rc = (int)n;
			break;
		}
		rc = sys_write_all(file_fd, buf, (size_t)n);
		if (rc < 0) {
			rc = xfer_file_err(c, rc);
			break;
		}
		c->r->bytes += (uint64_t)n;
		rc = xfer_moved(c, (size_t)n);
		if (rc < 0)
			break;
	}
	free(buf);
	return rc;
}

static ssize_t read_plain(struct xfer_ctx *c, char *buf, size_t cap)
{
	return xfer_read_sock(c, buf, cap);
}

int xfer_recv_copy(struct xfer_ctx *c, int file_fd)
{
	if (c->tls)
		return xfer_recv_tls_copy(c, file_fd);
	return xfer_recv_loop(c, file_fd, c->o->copy_buf ? c->o->copy_buf : XFER_COPY_BUF,
			      read_plain);
}

int xfer_recv_file(int sock_fd, int file_fd, const struct xfer_opts *o,
		   struct xfer_result *r)
{
	struct xfer_ctx c;
	int ascii = o && o->ascii;
	enum xfer_path bin = o && o->tls ? xfer_tls_recv_path(o->tls) : XFER_PATH_SPLICE;
	int rc = xfer_begin(&c, o, r, sock_fd, ascii ? XFER_PATH_ASCII : bin);
	if (rc < 0)
		return rc;
	if (ascii)
		rc = xfer_recv_ascii(&c, file_fd);
	else if (c.tls)
		rc = xfer_recv_tls(&c, file_fd);
	else
		rc = xfer_recv_splice(&c, file_fd);
	return xfer_finish(&c, rc);
}
