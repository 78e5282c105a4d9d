/*
 * transfer.h - the data-transfer engine: file -> socket with sendfile(2),
 * socket -> file with splice(2) through a pipe, user-space copy fallbacks,
 * TYPE A (ASCII) conversion, abort via the control connection, data
 * timeout, rate limit and progress. Used by the server and the client.
 *
 * Ownership: the engine never closes a descriptor it was given; it only
 * closes what it creates (its pipe). It leaves the data socket in
 * non-blocking mode: the caller closes it after the transfer anyway.
 *
 * SIGPIPE: sendfile(2) and splice(2) have no MSG_NOSIGNAL; writing to a
 * peer that reset the connection raises SIGPIPE. Callers MUST ignore
 * SIGPIPE (signal(SIGPIPE, SIG_IGN)) process-wide; the engine then sees
 * -EPIPE and reports it in xfer_result.
 */
#ifndef ZC_TRANSFER_H
#define ZC_TRANSFER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

enum xfer_path {
	XFER_PATH_NONE = 0,
	XFER_PATH_SENDFILE,
	XFER_PATH_SPLICE,
	XFER_PATH_COPY,
	XFER_PATH_ASCII,
	XFER_PATH_KTLS_SENDFILE,
	XFER_PATH_KTLS_SPLICE,
	XFER_PATH_TLS_COPY,
};

/* "none", "sendfile", "splice", "copy", "ascii-copy", "ktls-sendfile",
 * "ktls-splice", "tls-copy" (as written to the transfer log); "?" if unknown. */
const char *xfer_path_name(enum xfer_path p);

/*
 * Called when the control fd is readable (or hung up) during a transfer.
 * Return 1 to abort the transfer (ABOR seen, or the control connection
 * closed), 0 to continue. The callee reads the control socket itself
 * (the server queues other pipelined commands). If it returns 0 without
 * consuming the readable data, it will be called again after at most
 * XFER_CTL_RECHECK_MS (the engine does not spin on a level-triggered fd).
 */
typedef int (*xfer_ctl_cb)(void *arg);

#define XFER_CTL_RECHECK_MS 200
#define XFER_CTL_CHECK_MS 20	/* ABOR noticed within this much between chunks */
#define XFER_RCVLOWAT_MAX (256 << 10)	/* splice receive wakes at this much queued */
#define XFER_PIPE_SIZE_DEFAULT (1u << 20)	/* 1 MiB */
#define XFER_SENDFILE_CHUNK (4u << 20)		/* per sendfile() call */
#define XFER_COPY_BUF (256u << 10)		/* user-space copy / ASCII buffer */
#define XFER_PROGRESS_MS 100
/* User-space TLS buffers (pread -> SSL_write, SSL_read... -> write),
 * sized by measurement (docs/PERFORMANCE.md). */
#define XFER_TLS_SEND_BUF (256u << 10)
#define XFER_TLS_RECV_BUF (256u << 10)

struct xfer_opts {
	int ctl_fd;		/* control connection to poll, -1 for none */
	xfer_ctl_cb on_ctl;	/* may be NULL: then ctl_fd is not polled */
	void *ctl_arg;
	int timeout_ms;		/* max time without any progress; <= 0: none */
	int ascii;		/* 1: TYPE A: send LF -> CRLF, receive CRLF -> LF */
	int pipe_size;		/* splice pipe size, 0 = XFER_PIPE_SIZE_DEFAULT */
	uint64_t rate_limit;	/* bytes/second, 0 = unlimited */
	void *tls;		/* FTPS: the data connection's SSL * (tls.h),
				 * established on sock_fd; NULL = plain TCP */
	size_t copy_buf;	/* user-space copy buffer (copy and tls-copy
				 * paths), 0 = XFER_COPY_BUF / XFER_TLS_*_BUF */
	void (*progress)(uint64_t bytes, void *arg);	/* optional, <= 1/100ms */
	void *progress_arg;
	/* Optional, called with ctl_arg before the engine blocks (the server
	 * sends a held 150 reply: the client may wait for it). */
	void (*before_wait)(void *ctl_arg);
	/* xfer_send_file: fstat() of the file when the caller just made it
	 * (saves one), else NULL. */
	const struct stat *file_st;
};

struct xfer_result {
	uint64_t bytes;		/* payload bytes: file bytes (before ASCII
				 * conversion on send, after it on receive) */
	enum xfer_path path;	/* path that moved the data (the fallback's) */
	int err;		/* 0; -ECANCELED (on_ctl); -ETIMEDOUT;
				 * -EPIPE/-ECONNRESET (peer); -ENOSPC/-EDQUOT/
				 * -EIO/-EFBIG (file); -ESTALE (file shrank) */
	int file_error;		/* 1: err came from the file side (451/452),
				 * 0: from the network or an abort (426) */
	int tls_unclean;	/* receive under TLS: the peer closed TCP
				 * without close_notify (the data is what
				 * arrived; a client may have been cut off) */
};

/* Fill *o with defaults: ctl_fd -1, everything else 0/NULL. */
void xfer_opts_init(struct xfer_opts *o);

/*
 * file -> network. Sends from `offset` up to the file size seen by fstat()
 * at the start (a growing file is sent up to that size). Binary: sendfile(2)
 * in a poll loop, XFER_SENDFILE_CHUNK per call; EINVAL/ENOSYS/EOPNOTSUPP
 * on the first call falls back to pread+write (path COPY). A 0-byte
 * sendfile (or pread) before the expected size means the file shrank:
 * -ESTALE with file_error 1. ASCII: LF -> CRLF in user space (path ASCII).
 * sock_fd is a connected socket; it is set non-blocking.
 * TLS (o->tls): with kTLS send offload SSL_sendfile() in the same poll
 * loop (path KTLS_SENDFILE; EINVAL/EOPNOTSUPP at the first call falls
 * back to the copy), else pread + SSL_write (path TLS_COPY); ASCII goes
 * through SSL_write after conversion. The caller sends close_notify
 * afterwards (tls_shutdown).
 * Returns 0 or r->err. r is always filled.
 */
int xfer_send_file(int file_fd, uint64_t offset, int sock_fd,
		   const struct xfer_opts *o, struct xfer_result *r);

/*
 * network -> file until the peer closes. The file is written at its
 * current offset (the caller opens with O_APPEND or lseek()s for REST).
 * Binary: splice socket -> pipe -> file (path SPLICE); if the kernel
 * refuses splice into this file (EINVAL: filesystem or open mode without
 * splice support) the rest goes through read+write (path COPY), nothing
 * lost. ASCII: CRLF -> LF in user space (path ASCII).
 * TLS (o->tls): "until the peer closes" means close_notify (or a TCP EOF
 * without it: accepted, flagged in r->tls_unclean). With kTLS receive
 * offload: splice as above (path KTLS_SPLICE); the kernel refuses to
 * splice a non-data record (alert), which SSL_read() then consumes.
 * Without: SSL_read with read-ahead + write (path TLS_COPY).
 * Returns 0 or r->err. r is always filled.
 */
int xfer_recv_file(int sock_fd, int file_fd, const struct xfer_opts *o,
		   struct xfer_result *r);

/*
 * memory -> network (directory listings): writes all len bytes, polling
 * ctl_fd like the others. The buffer is sent as is (the caller formats
 * listings with CRLF already). path COPY (TLS_COPY under TLS).
 * Returns 0 or r->err.
 */
int xfer_send_buf(const void *buf, size_t len, int sock_fd,
		  const struct xfer_opts *o, struct xfer_result *r);

/*
 * TYPE A line-ending conversion (RFC 959 3.1.1.1), pure functions used by
 * the ASCII paths and exposed for tests and the client.
 * xfer_lf_to_crlf: every '\n' becomes "\r\n", everything else is copied;
 * out must hold 2*n bytes. Returns the bytes written to out.
 * xfer_crlf_to_lf: "\r\n" becomes '\n', a lone '\r' is kept. A '\r' at the
 * end of in is held in *cr_pending (start at 0) and resolved by the next
 * call; at end of data call once more with n == 0 to flush it. out must
 * hold n+1 bytes. Returns the bytes written to out.
 */
size_t xfer_lf_to_crlf(const void *in, size_t n, void *out);
size_t xfer_crlf_to_lf(const void *in, size_t n, void *out, int *cr_pending);

#endif
