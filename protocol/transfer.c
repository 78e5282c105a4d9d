/*
 * transfer.c - the engine's common loop: waiting on the data socket and the
 * control connection together, data timeout, rate limit, progress; and
 * xfer_send_buf(). The send and receive paths are in transfer_send.c,
 * transfer_recv.c, transfer_ascii.c and (TLS) transfer_tls.c.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sys.h"
#include "transfer_int.h"

static const char *const path_names[] = {
	[XFER_PATH_NONE] = "none",
	[XFER_PATH_SENDFILE] = "sendfile",
	[XFER_PATH_SPLICE] = "splice",
	[XFER_PATH_COPY] = "copy",
	[XFER_PATH_ASCII] = "ascii-copy",
	[XFER_PATH_KTLS_SENDFILE] = "ktls-sendfile",
	[XFER_PATH_KTLS_SPLICE] = "ktls-splice",
	[XFER_PATH_TLS_COPY] = "tls-copy",
};

const char *xfer_path_name(enum xfer_path p)
{
	if ((unsigned)p >= sizeof(path_names) / sizeof(path_names[0]))
		return "?";
	return path_names[p];
}

void xfer_opts_init(struct xfer_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ctl_fd = -1;
}

int xfer_begin(struct xfer_ctx *c, const struct xfer_opts *o,
	       struct xfer_result *r, int sock, enum xfer_path path)
{
	static const struct xfer_opts defaults = { .ctl_fd = -1 };

	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	c->o = o ? o : &defaults;
	c->r = r;
	c->sock = sock;
	c->ctl_on = c->o->ctl_fd >= 0 && c->o->on_ctl;
	c->last_io = c->last_report = c->rate_t0 = sys_now_ms();
	r->path = path;
	c->tls = c->o->tls;
	int rc = sys_set_nonblock(sock, 1);
	return rc < 0 ? xfer_finish(c, rc) : 0;
}

enum xfer_path xfer_copy_path(const struct xfer_ctx *c)
{
	return c->tls ? XFER_PATH_TLS_COPY : XFER_PATH_COPY;
}

int xfer_file_err(struct xfer_ctx *c, int err)
{
	c->r->file_error = 1;
	return err;
}

int xfer_finish(struct xfer_ctx *c, int err)
{
	c->r->err = err;
	if (err == 0)
		c->r->file_error = 0;
	/* The final count, so a progress display ends on the true total. */
	if (c->o->progress)
		c->o->progress(c->r->bytes, c->o->progress_arg);
	return err;
}

static int clamp_ms(long long ms)
{
	if (ms < 0)
		return 0;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

/*
 * ctl became readable: ask the callback. If it wants to go on but left the
 * data unread (it queues pipelined commands only up to a limit), a
 * level-triggered poll would spin: mute ctl for XFER_CTL_RECHECK_MS.
 */
static int ctl_event(struct xfer_ctx *c)
{
	if (c->o->on_ctl(c->o->ctl_arg))
		return -ECANCELED;
	struct pollfd p = { .fd = c->o->ctl_fd, .events = POLLIN };
	if (poll(&p, 1, 0) > 0)
		c->ctl_mute = sys_now_ms() + XFER_CTL_RECHECK_MS;
	return 0;
}

int xfer_check_ctl(struct xfer_ctx *c)
{
	long long now = sys_now_ms();
	/* Between chunks the control socket is looked at every
	 * XFER_CTL_CHECK_MS, not per chunk: at GB/s that poll was a syscall
	 * per chunk for nothing. Blocking waits poll it anyway. */
	if (!c->ctl_on || now < c->ctl_mute || now < c->ctl_next)
		return 0;
	c->ctl_next = now + XFER_CTL_CHECK_MS;
	struct pollfd p = { .fd = c->o->ctl_fd, .events = POLLIN };
	if (poll(&p, 1, 0) > 0)
		return ctl_event(c);
	return 0;
}

/* One poll over sock (if sock >= 0) and ctl, for at most `left` ms
 * (-1 forever). Returns 1 if sock is ready, 0 if not (yet), -errno. */
static int poll_once(struct xfer_ctx *c, int sock, short events, int left)
{
	struct pollfd p[2];
	int n = 0, ctl = -1;
	long long now = sys_now_ms();

	if (c->o->before_wait)
		c->o->before_wait(c->o->ctl_arg);
	if (sock >= 0)
		p[n++] = (struct pollfd){ .fd = sock, .events = events };
	if (c->ctl_on && now >= c->ctl_mute) {
		ctl = n;
		p[n++] = (struct pollfd){ .fd = c->o->ctl_fd, .events = POLLIN };
	} else if (c->ctl_on && (left < 0 || c->ctl_mute - now < left)) {
		left = clamp_ms(c->ctl_mute - now);
	}
	int rc = poll(p, (nfds_t)n, left);
	if (rc < 0)
		return errno == EINTR ? 0 : -errno;
	if (ctl >= 0 && p[ctl].revents) {
		rc = ctl_event(c);
		if (rc < 0)
			return rc;
	}
	if (sock >= 0 && (p[0].revents & POLLNVAL))
		return -EBADF;
	return sock >= 0 && p[0].revents ? 1 : 0;
}

int xfer_wait(struct xfer_ctx *c, short events)
{
	for (;;) {
		int left = -1;
		if (c->o->timeout_ms > 0) {
			long long d = c->last_io + c->o->timeout_ms - sys_now_ms();
			if (d <= 0)
				return -ETIMEDOUT;
			left = clamp_ms(d);
		}
		int rc = poll_once(c, c->sock, events, left);
		if (rc != 0)
			return rc < 0 ? rc : 0;
	}
}

size_t xfer_chunk(const struct xfer_ctx *c, size_t want)
{
	uint64_t rate = c->o->rate_limit;
	if (rate == 0)
		return want;
	/* About XFER_PROGRESS_MS worth of data per chunk keeps the rate smooth. */
	uint64_t cap = rate * XFER_PROGRESS_MS / 1000;
	if (cap == 0)
		cap = 1;
	return cap < want ? (size_t)cap : want;
}

/* Sleep until the rate limit allows more, still answering ctl. */
static int throttle(struct xfer_ctx *c)
{
	long long due = c->rate_t0 + (long long)(c->wire * 1000 / c->o->rate_limit);
	for (;;) {
		long long now = sys_now_ms();
		if (now >= due)
			break;
		int rc = poll_once(c, -1, 0, clamp_ms(due - now));
		if (rc < 0)
			return rc;
	}
	/* Our own pause is not a stalled peer. */
	c->last_io = sys_now_ms();
	return 0;
}

int xfer_moved(struct xfer_ctx *c, size_t n)
{
	long long now = sys_now_ms();
	c->wire += n;
	c->last_io = now;
	if (c->o->progress && now - c->last_report >= XFER_PROGRESS_MS) {
		c->last_report = now;
		c->o->progress(c->r->bytes, c->o->progress_arg);
	}
	return c->o->rate_limit ? throttle(c) : 0;
}

/* MSG_NOSIGNAL spares callers a SIGPIPE here (sendfile/splice cannot). */
static ssize_t sock_write(int fd, const void *buf, size_t n)
{
	ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
	if (w < 0 && errno == ENOTSOCK)
		w = write(fd, buf, n);
	return w;
}

int xfer_write_sock(struct xfer_ctx *c, const void *buf, size_t n)
{
	const char *p = buf;
	if (c->tls)
		return xfer_tls_write(c, buf, n);
	while (n > 0) {
		ssize_t w = sock_write(c->sock, p, xfer_chunk(c, n));
		if (w < 0) {
			int rc = -errno;
			if (rc == -EAGAIN || rc == -EWOULDBLOCK)
				rc = xfer_wait(c, POLLOUT);
			if (rc < 0 && rc != -EINTR)
				return rc;
			continue;
		}
		p += w;
		n -= (size_t)w;
		int rc = xfer_moved(c, (size_t)w);
		if (rc < 0)
			return rc;
	}
	return 0;
}

ssize_t xfer_read_sock(struct xfer_ctx *c, void *buf, size_t n)
{
	if (c->tls)
		return xfer_tls_read(c, buf, n);
	for (;;) {
		ssize_t got = read(c->sock, buf, xfer_chunk(c, n));
		if (got >= 0)
			return got;
		int rc = -errno;
		if (rc == -EAGAIN || rc == -EWOULDBLOCK)
			rc = xfer_wait(c, POLLIN);
		if (rc < 0 && rc != -EINTR)
			return rc;
	}
}

int xfer_errno_is_file(int err)
{
	switch (err) {
	case -EIO:
	case -ENOSPC:
	case -EDQUOT:
	case -EFBIG:
	case -EOVERFLOW:
	case -ENXIO:
	case -ESTALE:
	case -EROFS:
		return 1;
	default:
		return 0;
	}
}

int xfer_send_buf(const void *buf, size_t len, int sock_fd,
		  const struct xfer_opts *o, struct xfer_result *r)
{
	struct xfer_ctx c;
	int rc = xfer_begin(&c, o, r, sock_fd, o && o->tls ? XFER_PATH_TLS_COPY
							    : XFER_PATH_COPY);
	if (rc < 0)
		return rc;
	const char *p = buf;
	while (len > 0 && rc == 0) {
		size_t n = len < XFER_COPY_BUF ? len : XFER_COPY_BUF;
		rc = xfer_check_ctl(&c);
		if (rc == 0)
			rc = xfer_write_sock(&c, p, n);
		if (rc == 0) {
			p += n;
			len -= n;
			r->bytes += n;
		}
	}
	return xfer_finish(&c, rc);
}
