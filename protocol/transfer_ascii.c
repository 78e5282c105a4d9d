/*
 * transfer_ascii.c - TYPE A transfers (RFC 959 3.1.1.1): the file is a
 * local Unix text file, the wire carries NVT-ASCII lines ending in CRLF.
 *
 * Send converts EVERY '\n' to "\r\n" (vsftpd does the same), even one
 * already preceded by '\r'. That keeps the round trip lossless with our
 * receiver, which turns only "\r\n" back into '\n' and keeps lone '\r':
 * a file holding "a\r\n" goes out as "a\r\r\n" and comes back as "a\r\n".
 * Not doubling would silently turn DOS files into Unix files.
 * Bytes counted in xfer_result are file bytes on both sides.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "sys.h"
#include "transfer_int.h"

/* Input per step; the converted output can be twice as long. */
#define ASCII_IN_CHUNK (XFER_COPY_BUF / 2)

size_t xfer_lf_to_crlf(const void *in, size_t n, void *out)
{
	const unsigned char *s = in;
	unsigned char *d = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			*d++ = '\r';
		*d++ = s[i];
	}
	return (size_t)(d - (unsigned char *)out);
}

size_t xfer_crlf_to_lf(const void *in, size_t n, void *out, int *cr_pending)
{
	const unsigned char *s = in;
	unsigned char *d = out;
	int cr = *cr_pending;
	for (size_t i = 0; i < n; i++) {
		if (cr && s[i] != '\n')
			*d++ = '\r';	/* a lone CR is data */
		cr = s[i] == '\r';
		if (!cr)
			*d++ = s[i];
	}
	if (n == 0 && cr) {
		*d++ = '\r';		/* end of data: flush */
		cr = 0;
	}
	*cr_pending = cr;
	return (size_t)(d - (unsigned char *)out);
}

int xfer_send_ascii(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end)
{
	char *in = malloc(ASCII_IN_CHUNK * 3);
	if (!in)
		return -ENOMEM;
	char *out = in + ASCII_IN_CHUNK;
	int rc = 0;
	while (pos < end && rc == 0) {
		uint64_t left = end - pos;
		size_t want = left < ASCII_IN_CHUNK ? (size_t)left : ASCII_IN_CHUNK;
		rc = xfer_check_ctl(c);
		ssize_t got = rc < 0 ? rc : xfer_pread(c, file_fd, in, want, pos);
		if (got < 0) {
			rc = (int)got;
			break;
		}
		size_t n = xfer_lf_to_crlf(in, (size_t)got, out);
		rc = xfer_write_sock(c, out, n);
		if (rc == 0) {
			pos += (uint64_t)got;
			c->r->bytes += (uint64_t)got;
		}
	}
	free(in);
	return rc;
}

/* Convert and write one received block (n == 0: flush at EOF). */
static int ascii_put(struct xfer_ctx *c, int file_fd, const char *in, size_t n,
		     char *out, int *cr)
{
	size_t m = xfer_crlf_to_lf(in, n, out, cr);
	int rc = m ? sys_write_all(file_fd, out, m) : 0;
	if (rc < 0)
		return xfer_file_err(c, rc);
	c->r->bytes += m;
	return 0;
}

int xfer_recv_ascii(struct xfer_ctx *c, int file_fd)
{
	char *in = malloc(XFER_COPY_BUF * 2 + 1);
	if (!in)
		return -ENOMEM;
	char *out = in + XFER_COPY_BUF;
	int cr = 0, rc;
	for (;;) {
		rc = xfer_check_ctl(c);
		ssize_t n = rc < 0 ? rc : xfer_read_sock(c, in, XFER_COPY_BUF);
		if (n <= 0) {
			rc = n < 0 ? (int)n : ascii_put(c, file_fd, in, 0, out, &cr);
			break;
		}
		rc = ascii_put(c, file_fd, in, (size_t)n, out, &cr);
		if (rc == 0)
			rc = xfer_moved(c, (size_t)n);
		if (rc < 0)
			break;
	}
	free(in);
	return rc;
}
