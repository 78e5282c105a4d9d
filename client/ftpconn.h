/*
 * ftpconn.h - one client control connection and its data transfers.
 *
 * Every byte of the control connection goes through conn_read()/
 * conn_write() in ftpconn.c, and every data socket through the transfer
 * engine; under FTPS (ftps:// implicit, ftpes:// explicit AUTH TLS, see
 * ftptls.c) both are TLS and callers do not notice.
 *
 * Errors: functions return 0 (or a reply code / fd where documented) and
 * a negative errno on failure. An FTP error reply is -EREMOTEIO; then
 * c->code holds the code and ftp_msg(c) its first line. Network errors
 * (-ECONNRESET, -EPIPE, -ETIMEDOUT, -ECONNABORTED for EOF) mean the
 * connection is unusable: call ftp_reconnect(). A TLS failure (handshake,
 * certificate verification, AUTH/PROT refused) is -EPROTO with a
 * password-free reason in c->tls_err (ftp_strerror() prints it).
 *
 * Not thread-safe: one struct ftpconn per thread.
 */
#ifndef ZC_CLIENT_FTPCONN_H
#define ZC_CLIENT_FTPCONN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

#include <openssl/ssl.h>

#include "hash.h"
#include "listing.h"
#include "reply.h"
#include "transfer.h"
#include "url.h"

#define FTP_TIMEOUT_MS_DEFAULT 30000
#define FTP_IN_BUF 16384
#define FTP_LIST_MAX (64u << 20)	/* largest directory listing we buffer */
#define FTP_MSG_MAX 256
#define FTP_CMD_MAX 8192	/* longest command line we send */
/* Most commands sent and not answered yet (deferred MFMTs, plus the
 * EPSV/REST/RETR group): servers bound what they queue (zcftpd: 16
 * lines) and drop a client that sends more. */
#define FTP_PENDING_MAX 8
/* Downloads of at most this many bytes over plain FTP use one read and
 * one write instead of the splice pipe (ftpxfer.c; measured in the
 * Mirror client section of docs/PERFORMANCE.md). */
#define FTP_SMALL_RECV (64u << 10)

/* FEAT results (RFC 2389); EPSV is also assumed once it worked. */
enum ftp_feat {
	FEAT_MLSD = 1 << 0,	/* RFC 3659 7: MLST (and so MLSD) */
	FEAT_MFMT = 1 << 1,	/* draft-somers-ftp-mfxx */
	FEAT_HASH = 1 << 2,	/* draft-bryan-ftpext-hash */
	FEAT_REST = 1 << 3,	/* RFC 3659 5: REST STREAM */
	FEAT_SIZE = 1 << 4,
	FEAT_MDTM = 1 << 5,
	FEAT_UTF8 = 1 << 6,	/* RFC 2640 */
	FEAT_EPSV = 1 << 7,	/* RFC 2428 */
};

/*
 * A deferred command with a tag failed (why: "server said: <reply>"), or
 * its reply never came because the connection was lost (why: "no reply:
 * connection lost"; the command may or may not have taken effect). Called
 * in the thread that owns the connection, from ftp_flush/ftp_reply/
 * ftp_close and so from any call that reads a reply or closes; it must
 * not use the connection. The tag is the one given to ftp_defer().
 */
typedef void (*ftp_deferred_fn)(void *arg, const char *tag, const char *why);

struct ftpconn {
	int fd;			/* control socket, -1 when closed */
	SSL *ssl;		/* control connection under FTPS; NULL = plain */
	SSL_CTX *tls_ctx;	/* borrowed; set for ftps:// and ftpes:// */
	SSL_SESSION *tls_sess;	/* owned: data connections resume it */
	char tls_err[FTP_MSG_MAX + 128];	/* why the last TLS step failed */
	const struct zc_url *url;	/* borrowed; kept for reconnects */
	int timeout_ms;
	unsigned feat;
	enum hash_algo hash_algo;	/* the server's selected HASH algorithm */
	int epsv;		/* 0 untried, 1 works, -1 refused: use PASV */
	int pipeline;		/* 1: send EPSV, REST and RETR/STOR in one write */
	int debug;		/* $ZCFTP_DEBUG: trace commands and replies */
	char *ahead;		/* owned: path of a RETR sent ahead, or NULL */
	int pending;		/* replies of deferred commands not read yet */
	char *dtag[FTP_PENDING_MAX];	/* owned tags of those, in order */
	int dhead;		/* dtag index of the oldest */
	ftp_deferred_fn on_deferred_fail;	/* may be NULL */
	void *deferred_arg;
	int code;		/* code of the last reply read */
	char msg[FTP_MSG_MAX];	/* first line of the last reply (no CRLF) */
	struct sockaddr_storage peer;	/* control peer: data connects here */
	socklen_t peerlen;
	struct reply_reader rr;
	size_t in_off, in_len;
	char in[FTP_IN_BUF];
};

/* Set up *c without connecting (fd = -1). */
void ftp_init(struct ftpconn *c, const struct zc_url *u, int timeout_ms);

/*
 * Connect, (ftps: TLS handshake,) read the banner, (ftpes: AUTH TLS and
 * handshake; both: PBSZ 0, PROT P,) log in (USER/PASS), FEAT, TYPE I.
 * u stays borrowed; a TLS scheme needs c->tls_ctx (else -EPROTONOSUPPORT).
 * Returns 0, -EACCES (login refused), -EUSERS (refused for a connection
 * limit: 421 at any step, or a 530 saying "too many" / "maximum"; c->msg
 * has the reply), -EREMOTEIO (other refusal), -EPROTO (TLS, see tls_err)
 * or a network error.
 */
int ftp_connect(struct ftpconn *c);
/* Close (with QUIT when quit != 0 and the connection is healthy). Tagged
 * deferred commands still pending are reported lost: ftp_flush() first. */
void ftp_close(struct ftpconn *c, int quit);
/* Close and connect again. Same returns as ftp_connect(). */
int ftp_reconnect(struct ftpconn *c);

/*
 * Send one command: printf-style text without CRLF. Refuses CR, LF or NUL
 * in the result (-EINVAL): names from a listing never inject commands.
 */
int ftp_send(struct ftpconn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Send n command lines (without CRLF) in one write; same checks. */
int ftp_send_lines(struct ftpconn *c, const char *const *lines, size_t n);
/* Read the next reply (after those of deferred commands). Returns the
 * code (100..599) or a negative error; c->code/c->msg are set.
 * Any failure to read or write the control connection (timeout, reset,
 * malformed reply), here and in ftp_send*(), CLOSES it (ftp_close(c, 0)):
 * a late reply must never be taken for the next command's. Later calls
 * get -ENOTCONN until ftp_connect(). */
int ftp_reply(struct ftpconn *c);
/* ftp_send() + ftp_reply(). */
int ftp_cmd(struct ftpconn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * The reply to the command just sent will not be waited for: count it
 * as deferred. tag (owned; NULL for a command whose failure does not
 * matter) is what on_deferred_fail reports. The outcome of every tagged
 * command is reported exactly once, across reconnects: so a run counts
 * failures per run, not per connection. At most FTP_PENDING_MAX may be
 * pending (ftp_flush() first): beyond that, -ENOBUFS and the connection
 * is closed (the tag counts as lost). Else 0.
 */
int ftp_defer(struct ftpconn *c, char *tag);
/* Read every deferred reply now. Returns 0 or a network error. */
int ftp_flush(struct ftpconn *c);
/* Full text of the last reply (lines joined by '\n'); valid until the
 * next read. */
const char *ftp_text(const struct ftpconn *c);

/* rc from ftp_cmd(): 0 when its first digit is want_first_digit,
 * -EREMOTEIO for another reply, rc itself when negative. */
int ftp_expect(int rc, int want_first_digit);
/* 1 when rc (from any function here) is worth a retry, else 0 (a
 * limit refusal, -EUSERS, is). */
int ftp_transient(const struct ftpconn *c, int rc);
/* Human text for rc: the reply line for -EREMOTEIO, else strerror. */
const char *ftp_strerror(const struct ftpconn *c, int rc, char *buf, size_t n);
/* 1 when rc (-EREMOTEIO or -EACCES from logging in) with c's last reply
 * is a refusal for a connection limit (see ftp_connect), else 0. */
int ftp_limit_refusal(const struct ftpconn *c, int rc);

/*
 * Download path from offset (REST when > 0) into file_fd at its current
 * position, through xfer_recv_file (splice). o may be NULL; r is filled.
 * Returns 0 after a 226/250, -EREMOTEIO, or a network/file error.
 */
int ftp_retr(struct ftpconn *c, const char *path, uint64_t offset, int file_fd,
	     const struct xfer_opts *o, struct xfer_result *r);
/* ftp_retr knowing the file's size: under TLS, a download cut short
 * without close_notify then fails with -EPROTO instead of passing; over
 * plain FTP a file of at most FTP_SMALL_RECV bytes is read and written
 * in user space (unless o->rate_limit). */
int ftp_retr_sized(struct ftpconn *c, const char *path, uint64_t offset,
		   uint64_t expect, int file_fd, const struct xfer_opts *o,
		   struct xfer_result *r);
/*
 * Send "EPSV" and "RETR path" now without waiting for the replies, so
 * the server prepares the transfer while the caller finishes its previous
 * file and creates the next; the next ftp_retr*() of that path at offset
 * 0 takes the replies over. Only once pipelining works on c (EPSV
 * answered once). Until then c must not be used for anything else: any
 * other command (or a RETR of another path) first gives it up through
 * ftp_retr_cancel(). Returns 0, -EAGAIN (not now: pipelining not known
 * to work, or a RETR is already ahead) or a network error (closed).
 */
int ftp_retr_begin(struct ftpconn *c, const char *path);
/* Give up a RETR sent ahead (the connection is closed: the next use
 * reconnects). No-op when there is none. */
void ftp_retr_cancel(struct ftpconn *c);
/* Upload file_fd from offset (REST + STOR when > 0) to path, through
 * xfer_send_file (sendfile). Same returns. */
int ftp_stor(struct ftpconn *c, const char *path, uint64_t offset, int file_fd,
	     const struct xfer_opts *o, struct xfer_result *r);

typedef int (*ftp_list_cb)(void *arg, const struct listing_entry *e);
/*
 * List directory path with MLSD, or LIST when the server lacks MLST
 * (then *precise = 0: LIST times are minutes or days, local time).
 * "." and "..", cdir/pdir entries are skipped; cb returning < 0 stops.
 * Returns 0, -EREMOTEIO (e.g. 550), -E2BIG, or a network error.
 */
int ftp_list(struct ftpconn *c, const char *path, ftp_list_cb cb, void *arg,
	     int *precise);
/* MLST path into *e (name copied to name). 0, -EREMOTEIO, -ENOTSUP
 * (no MLST), -EPROTO, or a network error. */
int ftp_stat(struct ftpconn *c, const char *path, struct listing_entry *e,
	     char *name, size_t namesz);
/* MFMT (RFC-style "YYYYMMDDHHMMSS path"); defer != 0 does not wait: the
 * path is then the tag of the deferred command (see ftp_defer). */
int ftp_mfmt(struct ftpconn *c, const char *path, time_t t, int defer);
/* What ftp_parse_mlsx() leaves for a fact the server did not send. */
#define FTP_SIZE_UNKNOWN UINT64_MAX
#define FTP_MTIME_UNKNOWN ((time_t)-1)
/*
 * listing_parse_mlsx(), but a missing (or non-numeric) size or modify
 * fact gives FTP_SIZE_UNKNOWN / FTP_MTIME_UNKNOWN instead of 0. Same
 * returns.
 */
int ftp_parse_mlsx(const char *line, size_t len, struct listing_entry *e,
		   char *name, size_t namesz);
/* HASH path (whole file) in c->hash_algo: lowercase hex into hex. */
int ftp_hash(struct ftpconn *c, const char *path, char *hex, size_t n);
/* One verb with a path (MKD, RMD, DELE, ...): 0 when the reply is 2xx. */
int ftp_path_cmd(struct ftpconn *c, const char *verb, const char *path);

/*
 * ftptls.c. ftp_tls_ctx_new: the client context shared by all
 * connections of a run (SSL_CTX_free it at the end): verifies the server
 * against cacert, or the system CA store when cacert is NULL; insecure
 * turns verification off. NULL with err on failure.
 */
SSL_CTX *ftp_tls_ctx_new(const char *cacert, int insecure, char *err, size_t n);
/* Control connection: implicit: handshake now; else AUTH TLS (234) and
 * handshake. 0, -EPROTO (tls_err set) or a network error. */
int ftp_tls_start(struct ftpconn *c, int implicit);
/* PBSZ 0, PROT P; keeps the session for data connections. 0 or -EPROTO. */
int ftp_tls_protect(struct ftpconn *c);
/* Client handshake on data socket dfd resuming the control's session.
 * *ssl = NULL (and 0) on a plain connection. 0 or -EPROTO (tls_err). */
int ftp_tls_data(struct ftpconn *c, int dfd, SSL **ssl);
/* End a data connection's TLS (ssl may be NULL): with clean, close_notify
 * both ways (servers check it on uploads), then free. 0 or -errno. */
int ftp_tls_data_end(SSL *ssl, int clean, int timeout_ms);
/* Drop the control connection's TLS state (one close_notify, no wait). */
void ftp_tls_close(struct ftpconn *c);
/* Control I/O under TLS: bytes or -errno (-ECONNABORTED at EOF); 0/-errno. */
ssize_t ftp_tls_read(struct ftpconn *c, void *buf, size_t n);
int ftp_tls_write(struct ftpconn *c, const void *buf, size_t n);

#endif
