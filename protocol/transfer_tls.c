/*
 * transfer_tls.c - the engine's FTPS paths (RFC 4217 PROT P data
 * connections). With kernel TLS the kernel encrypts: file -> net is
 * SSL_sendfile() (sendfile(2) on the kTLS socket), net -> file is the
 * splice loop of transfer_recv.c on a kTLS receive socket. Without it the
 * data crosses user space once: pread + SSL_write, SSL_read + write, with
 * large buffers so system calls stay few per GiB.
 *
 * Every wait goes through xfer_wait(), so ABOR, the data timeout and the
 * rate limit work as on the plain paths. Data OpenSSL has already
 * decrypted (SSL_pending) is never waited for: each loop calls SSL_read
 * first and polls only when OpenSSL asks for more bytes.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "net.h"
#include "sys.h"
#include "tls.h"
#include "tls_int.h"
#include "transfer_int.h"

/* One TLS record's plaintext at most (RFC 8446 5.1, RFC 5246 6.2.1). */
#define TLS_RECORD_MAX 16384

enum xfer_path xfer_tls_send_path(void *ssl)
{
	return tls_ktls_send(ssl) ? XFER_PATH_KTLS_SENDFILE : XFER_PATH_TLS_COPY;
}

enum xfer_path xfer_tls_recv_path(void *ssl)
{
	return tls_ktls_recv(ssl) ? XFER_PATH_KTLS_SPLICE : XFER_PATH_TLS_COPY;
}

static int clamp_int(size_t n)
{
	return n > INT_MAX ? INT_MAX : (int)n;
}

/* The peer's close_notify (or a bare EOF, flagged) ends every read. */
static ssize_t tls_end(struct xfer_ctx *c, int rc)
{
	c->tls_eof = 1;
	if (rc == TLS_IO_EOF)
		c->r->tls_unclean = 1;
	return 0;
}

int xfer_tls_write(struct xfer_ctx *c, const void *buf, size_t n)
{
	SSL *s = c->tls;
	const char *p = buf;

	while (n > 0) {
		/* Partial-write mode: returns after each record, and a retry
		 * after WANT_* repeats the same pointer and length. */
		ERR_clear_error();
		int w = SSL_write(s, p, clamp_int(xfer_chunk(c, n)));
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			int rc = xfer_moved(c, (size_t)w);
			if (rc < 0)
				return rc;
			continue;
		}
		int rc = tls_io_want(s, w);
		if (rc == 0 || rc == TLS_IO_EOF)
			return -EPIPE;
		if (rc > 0)
			rc = xfer_wait(c, (short)rc);
		if (rc < 0)
			return rc;
	}
	return 0;
}

ssize_t xfer_tls_read(struct xfer_ctx *c, void *buf, size_t n)
{
	SSL *s = c->tls;

	while (!c->tls_eof) {
		ERR_clear_error();
		int r = SSL_read(s, buf, clamp_int(xfer_chunk(c, n)));
		if (r > 0)
			return r;
		int rc = tls_io_want(s, r);
		if (rc == 0 || rc == TLS_IO_EOF)
			return tls_end(c, rc);
		if (rc > 0)
			rc = xfer_wait(c, (short)rc);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * Fill buf with as many records as are there: SSL_read returns one record
 * at a time, and one write(2) per 16 KiB record would double the system
 * calls. Waits only while buf is empty. Returns bytes, 0 at the end, -errno.
 */
static ssize_t tls_fill(struct xfer_ctx *c, char *buf, size_t cap)
{
	SSL *s = c->tls;
	size_t got = 0;

	while (got < cap && !c->tls_eof) {
		ERR_clear_error();
		int r = SSL_read(s, buf + got, clamp_int(cap - got));
		if (r > 0) {
			got += (size_t)r;
			continue;
		}
		int rc = tls_io_want(s, r);
		if (rc == 0 || rc == TLS_IO_EOF)
			tls_end(c, rc);
		else if (rc < 0)
			return rc;
		else if (got > 0)
			break;
		else if ((net_quickack(c->sock), rc = xfer_wait(c, (short)rc)) < 0)
			return rc;
	}
	return (ssize_t)got;
}

/* tls_fill within the rate limit's chunk size. */
static ssize_t tls_fill_chunk(struct xfer_ctx *c, char *buf, size_t cap)
{
	return tls_fill(c, buf, xfer_chunk(c, cap));
}

int xfer_recv_tls_copy(struct xfer_ctx *c, int file_fd)
{
	/* Read-ahead lets one read(2) fetch many records (the buffer is
	 * TLS_DATA_READ_BUF); off during the handshake, so it cannot keep
	 * records from the kernel when kTLS receive is being set up. */
	if (!tls_ktls_recv(c->tls))
		SSL_set_read_ahead(c->tls, 1);
	return xfer_recv_loop(c, file_fd, c->o->copy_buf ? c->o->copy_buf : XFER_TLS_RECV_BUF,
			      tls_fill_chunk);
}

ssize_t xfer_tls_ctl_record(struct xfer_ctx *c, int file_fd)
{
	char buf[TLS_RECORD_MAX];
	ssize_t n = xfer_tls_read(c, buf, sizeof(buf));
	if (n <= 0)
		return n;
	int rc = sys_write_all(file_fd, buf, (size_t)n);
	if (rc < 0)
		return xfer_file_err(c, rc);
	c->r->bytes += (uint64_t)n;
	return n;
}

int xfer_recv_tls(struct xfer_ctx *c, int file_fd)
{
	if (c->r->path != XFER_PATH_KTLS_SPLICE)
		return xfer_recv_tls_copy(c, file_fd);
	/* Records OpenSSL already pulled into user space are not in the
	 * socket any more: hand them over before splicing the rest. */
	while (SSL_has_pending(c->tls) && !c->tls_eof) {
		ssize_t n = xfer_tls_ctl_record(c, file_fd);
		if (n <= 0)
			return (int)n;
		int rc = xfer_moved(c, (size_t)n);
		if (rc < 0)
			return rc;
	}
	return c->tls_eof ? 0 : xfer_recv_splice(c, file_fd);
}

/* Why SSL_sendfile failed: POLLOUT to wait, or -errno (the sendfile(2)
 * errno OpenSSL queued as a system error), or -EPROTO. */
static int ktls_sendfile_err(SSL *s)
{
	unsigned long e = ERR_peek_error();

	if (e && ERR_GET_LIB(e) == ERR_LIB_SYS) {
		ERR_clear_error();
		return ERR_GET_REASON(e) ? -ERR_GET_REASON(e) : -EIO;
	}
	int rc = SSL_get_error(s, -1) == SSL_ERROR_WANT_WRITE ? POLLOUT : -EPROTO;
	ERR_clear_error();
	return rc;
}

/* One SSL_sendfile(): 1 moved, 0 retry, -errno (as sendfile_step). */
static int ktls_step(struct xfer_ctx *c, int file_fd, uint64_t *pos, uint64_t end)
{
	uint64_t left = end - *pos;
	size_t want = xfer_chunk(c, left < XFER_SENDFILE_CHUNK ? (size_t)left
							       : XFER_SENDFILE_CHUNK);
	ERR_clear_error();
	ossl_ssize_t n = SSL_sendfile(c->tls, file_fd, (off_t)*pos, want, 0);
	if (n > 0) {
		*pos += (uint64_t)n;
		c->r->bytes += (uint64_t)n;
		int rc = xfer_moved(c, (size_t)n);
		return rc < 0 ? rc : 1;
	}
	if (n == 0)
		return xfer_file_err(c, -ESTALE);	/* the file shrank */
	int rc = ktls_sendfile_err(c->tls);
	if (rc == POLLOUT)
		return xfer_wait(c, POLLOUT);
	return xfer_errno_is_file(rc) ? xfer_file_err(c, rc) : rc;
}

static int send_ktls(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end)
{
	while (pos < end) {
		int rc = xfer_check_ctl(c);
		if (rc < 0)
			return rc;
		rc = ktls_step(c, file_fd, &pos, end);
		/* A file that cannot be spliced (some filesystems): the kTLS
		 * socket still encrypts what SSL_write gives it. */
		if ((rc == -EINVAL || rc == -ENOSYS || rc == -EOPNOTSUPP) &&
		    c->r->bytes == 0) {
			c->r->file_error = 0;
			c->r->path = XFER_PATH_TLS_COPY;
			return xfer_send_copy(c, file_fd, pos, end);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/*
 * TLS sockets run with TCP_NODELAY (tls.h: small files must not wait for
 * a delayed ACK), which would send every 16 KiB record's tail as a short
 * segment on a 1500-byte MTU. Corked for the bulk of a file, segments are
 * full; uncorking at the end pushes the rest at once. (No difference on
 * loopback, whose MSS is 64 KiB: measured with tests/ktls/tls_bench.)
 */
static void cork(int sock, int on)
{
	(void)setsockopt(sock, IPPROTO_TCP, TCP_CORK, &on, sizeof(on));
}

/*
 * SSL_write puts each 16 KiB record out with its own write(2). A buffer
 * BIO between the SSL and its socket gathers XFER_TLS_SEND_BUF of them
 * for one system call: 16x fewer writes for one more memcpy (TLS 1.3
 * RETR: 0.91 -> 0.75 s/GiB of server CPU, docs/PERFORMANCE.md). Not for
 * less than one buffer (a small file would pay for the buffer and save
 * nothing), not under a rate limit, whose chunks must leave when they
 * are counted, and never on a kTLS socket, whose writes carry record
 * types. Returns the socket BIO to restore, or NULL (then the records go
 * out one by one).
 */
static BIO *wbuf_push(struct xfer_ctx *c, uint64_t len)
{
	BIO *sock = SSL_get_wbio(c->tls);
	if (len <= XFER_TLS_SEND_BUF || c->o->rate_limit || !sock)
		return NULL;
	BIO *buf = BIO_new(BIO_f_buffer());
	if (!buf || BIO_set_write_buffer_size(buf, XFER_TLS_SEND_BUF) <= 0 ||
	    !BIO_up_ref(sock)) {
		BIO_free(buf);
		ERR_clear_error();
		return NULL;
	}
	/* SSL_set0_wbio drops the reference the SSL held; ours goes to buf. */
	SSL_set0_wbio(c->tls, BIO_push(buf, sock));
	return sock;
}

/* Send what the buffer holds, waiting (ABOR, timeout) while it is full. */
static int wbuf_flush(struct xfer_ctx *c)
{
	BIO *b = SSL_get_wbio(c->tls);
	for (;;) {
		ERR_clear_error();
		if (BIO_flush(b) > 0)
			return 0;
		if (!BIO_should_retry(b))
			return -EPIPE;
		int rc = xfer_wait(c, POLLOUT);
		if (rc < 0)
			return rc;
	}
}

static void wbuf_pop(struct xfer_ctx *c, BIO *sock)
{
	/* Unchained, buf's reference to sock becomes the SSL's, and
	 * SSL_set0_wbio frees buf alone: nothing here can fail. */
	(void)BIO_pop(SSL_get_wbio(c->tls));
	SSL_set0_wbio(c->tls, sock);
}

int xfer_send_tls(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end)
{
	int rc;
	cork(c->sock, 1);
	if (c->r->path == XFER_PATH_KTLS_SENDFILE) {
		rc = send_ktls(c, file_fd, pos, end);
	} else {
		BIO *sock = wbuf_push(c, end > pos ? end - pos : 0);
		rc = xfer_send_copy(c, file_fd, pos, end);
		if (sock) {
			if (rc == 0)
				rc = wbuf_flush(c);
			wbuf_pop(c, sock);
		}
	}
	cork(c->sock, 0);
	return rc;
}
