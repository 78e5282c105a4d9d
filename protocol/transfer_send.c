/*
 * transfer_send.c - file -> network: sendfile(2) in a poll loop, with a
 * pread+write copy for files whose filesystem cannot sendfile.
 */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "transfer_int.h"

/* Which syscall failures at the first sendfile() mean "not supported here". */
static int sendfile_unsupported(int err)
{
	return err == -EINVAL || err == -ENOSYS || err == -EOPNOTSUPP;
}

/*
 * One sendfile() of at most a chunk from *pos. Returns 1 when bytes moved,
 * 0 to retry (EAGAIN waited / EINTR), or -errno. A 0 return from sendfile
 * while *pos < end means the file is shorter than at the start (truncated
 * under us): -ESTALE rather than an endless loop or a short file sent as OK.
 */
static int sendfile_step(struct xfer_ctx *c, int file_fd, uint64_t *pos, uint64_t end)
{
	uint64_t left = end - *pos;
	size_t want = xfer_chunk(c, left < XFER_SENDFILE_CHUNK ? (size_t)left
							       : XFER_SENDFILE_CHUNK);
	off_t off = (off_t)*pos;
	ssize_t s = sendfile(c->sock, file_fd, &off, want);
	if (s > 0) {
		*pos += (uint64_t)s;
		c->r->bytes += (uint64_t)s;
		int rc = xfer_moved(c, (size_t)s);
		return rc < 0 ? rc : 1;
	}
	if (s == 0)
		return xfer_file_err(c, -ESTALE);
	int rc = -errno;
	if (rc == -EINTR)
		return 0;
	if (rc == -EAGAIN || rc == -EWOULDBLOCK)
		return xfer_wait(c, POLLOUT);
	return xfer_errno_is_file(rc) ? xfer_file_err(c, rc) : rc;
}

static int send_sendfile(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end)
{
	while (pos < end) {
		int rc = xfer_check_ctl(c);
		if (rc < 0)
			return rc;
		rc = sendfile_step(c, file_fd, &pos, end);
		/* Fallbacks are code paths: nothing was sent yet, copy it all. */
		if (sendfile_unsupported(rc) && c->r->bytes == 0) {
			c->r->file_error = 0;
			c->r->path = xfer_copy_path(c);
			return xfer_send_copy(c, file_fd, pos, end);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

ssize_t xfer_pread(struct xfer_ctx *c, int fd, void *buf, size_t n, uint64_t pos)
{
	for (;;) {
		ssize_t got = pread(fd, buf, n, (off_t)pos);
		if (got > 0)
			return got;
		if (got == 0)
			return xfer_file_err(c, -ESTALE);
		if (errno != EINTR)
			return xfer_file_err(c, -errno);
	}
}

int xfer_send_copy(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end)
{
	size_t bufsz = c->o->copy_buf ? c->o->copy_buf
				      : c->tls ? XFER_TLS_SEND_BUF : XFER_COPY_BUF;
	char *buf = malloc(bufsz);
	if (!buf)
		return -ENOMEM;
	int rc = 0;
	while (pos < end && rc == 0) {
		uint64_t left = end - pos;
		size_t want = left < bufsz ? (size_t)left : bufsz;
		rc = xfer_check_ctl(c);
		ssize_t got = rc < 0 ? rc : xfer_pread(c, file_fd, buf, want, pos);
		if (got < 0) {
			rc = (int)got;
			break;
		}
		rc = xfer_write_sock(c, buf, (size_t)got);
		if (rc == 0) {
			pos += (uint64_t)got;
			c->r->bytes += (uint64_t)got;
		}
	}
	free(buf);
	return rc;
}

int xfer_send_file(int file_fd, uint64_t offset, int sock_fd,
		   const struct xfer_opts *o, struct xfer_result *r)
{
	struct xfer_ctx c;
	struct stat st;
	int ascii = o && o->ascii;
	enum xfer_path bin = o && o->tls ? xfer_tls_send_path(o->tls) : XFER_PATH_SENDFILE;
	int rc = xfer_begin(&c, o, r, sock_fd, ascii ? XFER_PATH_ASCII : bin);
	if (rc < 0)
		return rc;
	if (c.o->file_st)
		st = *c.o->file_st;
	else if (fstat(file_fd, &st) < 0)
		return xfer_finish(&c, xfer_file_err(&c, -errno));
	/* Regular files only; st_size means nothing else. */
	if (!S_ISREG(st.st_mode))
		return xfer_finish(&c, xfer_file_err(&c, -EINVAL));
	uint64_t end = (uint64_t)st.st_size;
	if (offset >= end)
		return xfer_finish(&c, 0);
	if (ascii)
		rc = xfer_send_ascii(&c, file_fd, offset, end);
	else if (c.tls)
		rc = xfer_send_tls(&c, file_fd, offset, end);
	else
		rc = send_sendfile(&c, file_fd, offset, end);
	return xfer_finish(&c, rc);
}
