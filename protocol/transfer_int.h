/*
 * transfer_int.h - internals shared by transfer*.c (not for other modules):
 * the per-transfer context and the poll/timeout/abort/rate/progress loop
 * helpers every send and receive path is built from.
 */
#ifndef ZC_TRANSFER_INT_H
#define ZC_TRANSFER_INT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "transfer.h"

struct xfer_ctx {
	const struct xfer_opts *o;
	struct xfer_result *r;
	int sock;
	void *tls;		/* SSL * of the data connection, or NULL */
	int tls_eof;		/* TLS: close_notify or EOF already seen */
	int ctl_on;		/* ctl_fd >= 0 and on_ctl set */
	long long last_io;	/* ms: last progress, for the data timeout */
	long long last_report;	/* ms: last progress callback */
	long long ctl_mute;	/* ms: ctl not polled before this (see header) */
	long long ctl_next;	/* ms: next non-blocking check between chunks */
	long long rate_t0;	/* ms: start, for the rate limit */
	uint64_t wire;		/* bytes through the socket, for the rate limit */
};

/* Start a transfer: defaults for a NULL o, zeroes r, sets sock
 * non-blocking. Returns 0 or -errno (then r is finished already). */
int xfer_begin(struct xfer_ctx *c, const struct xfer_opts *o,
	       struct xfer_result *r, int sock, enum xfer_path path);
/* Record the outcome (r->file_error is kept only when err != 0), report
 * the final progress. Returns err. */
int xfer_finish(struct xfer_ctx *c, int err);
/* Mark err as coming from the file side (451/452). Returns err. */
int xfer_file_err(struct xfer_ctx *c, int err);

/* Wait until sock has any of `events` (or an error/hangup), watching ctl
 * and the data timeout. Returns 0, -ETIMEDOUT, -ECANCELED or -errno. */
int xfer_wait(struct xfer_ctx *c, short events);
/* Between chunks: look at ctl without blocking. 0 or -ECANCELED. */
int xfer_check_ctl(struct xfer_ctx *c);
/* Largest chunk allowed now: want, capped for the rate limit. */
size_t xfer_chunk(const struct xfer_ctx *c, size_t want);
/* n bytes moved on the socket (payload bytes are added to r->bytes by the
 * caller): resets the data timeout, reports progress, sleeps for the rate
 * limit. Returns 0 or -ECANCELED (abort seen while sleeping). */
int xfer_moved(struct xfer_ctx *c, size_t n);
/* Write all n bytes to the non-blocking socket, waiting as xfer_wait.
 * Returns 0 or a network/abort/timeout -errno. */
int xfer_write_sock(struct xfer_ctx *c, const void *buf, size_t n);
/* read() from the non-blocking socket, waiting as xfer_wait. Returns
 * bytes (0 = EOF) or -errno. */
ssize_t xfer_read_sock(struct xfer_ctx *c, void *buf, size_t n);
/* The user-space receive loop shared by the plain and TLS copy paths:
 * rd fills buf (bytes, 0 at the end, -errno), the loop writes it to the
 * file, counts it and answers the control connection between chunks. */
typedef ssize_t (*xfer_reader)(struct xfer_ctx *c, char *buf, size_t cap);
int xfer_recv_loop(struct xfer_ctx *c, int file_fd, size_t bufsz, xfer_reader rd);

/* pread up to n bytes at pos; EOF there (the file shrank below the size
 * seen at the start) is -ESTALE. Returns bytes (> 0) or a file -errno. */
ssize_t xfer_pread(struct xfer_ctx *c, int fd, void *buf, size_t n, uint64_t pos);
/* Error from a syscall that touches both sides (sendfile): is it the file's? */
int xfer_errno_is_file(int err);

/* The user-space copy path's name: COPY, or TLS_COPY under TLS. */
enum xfer_path xfer_copy_path(const struct xfer_ctx *c);

/* TLS (transfer_tls.c). Path a binary transfer starts on for this SSL. */
enum xfer_path xfer_tls_send_path(void *ssl);
enum xfer_path xfer_tls_recv_path(void *ssl);
/* SSL_write all n bytes / one SSL_read, waiting as xfer_wait. Same
 * returns as xfer_write_sock/xfer_read_sock; read returns 0 at
 * close_notify or EOF (the latter flagged in r->tls_unclean). */
int xfer_tls_write(struct xfer_ctx *c, const void *buf, size_t n);
ssize_t xfer_tls_read(struct xfer_ctx *c, void *buf, size_t n);
/* Binary file -> TLS and TLS -> file (path chosen as documented in
 * transfer.h). */
int xfer_send_tls(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end);
int xfer_recv_tls(struct xfer_ctx *c, int file_fd);
/* The user-space TLS receive loop (also the splice fallback's). */
int xfer_recv_tls_copy(struct xfer_ctx *c, int file_fd);
/* kTLS receive: splice refused a record (EINVAL/EIO): take it with
 * SSL_read instead. Returns data bytes written to the file (> 0; splice
 * then keeps failing on data: switch to the copy), 0 at the end, -errno. */
ssize_t xfer_tls_ctl_record(struct xfer_ctx *c, int file_fd);
/* The splice receive loop of transfer_recv.c (plain and kTLS). */
int xfer_recv_splice(struct xfer_ctx *c, int file_fd);

/* Paths reached by fallback or option. */
int xfer_send_copy(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end);
int xfer_recv_copy(struct xfer_ctx *c, int file_fd);
int xfer_send_ascii(struct xfer_ctx *c, int file_fd, uint64_t pos, uint64_t end);
int xfer_recv_ascii(struct xfer_ctx *c, int file_fd);

#endif
