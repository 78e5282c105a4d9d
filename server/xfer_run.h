/*
 * xfer_run.h - one file transfer of a session from the 150 reply to the
 * final reply and the transfer-log line, shared by RETR/STOR/APPE/STOU.
 */
#ifndef ZC_XFER_RUN_H
#define ZC_XFER_RUN_H

#include <stdint.h>
#include <sys/stat.h>

#include "transfer.h"
#include "vfs.h"

struct session;

struct xfer_job {
	const char *arg;	/* path as given by the client (for replies) */
	int file_fd;		/* open file, owned by the caller */
	uint64_t offset;	/* RETR: first byte to send */
	uint64_t size;		/* RETR: file size, for the 150 reply */
	const struct stat *st;	/* RETR: the file's fstat(), or NULL */
	char direction;		/* 'o' download, 'i' upload */
	int unique;		/* STOU: the 150 reply names the file */
	char tmp[VFS_PATH_MAX];	/* atomic upload: temp file to commit, or "" */
};

/* 1 if a data connection was prepared; else replies 425 and returns 0. */
int xfer_check_prepared(struct session *s);
/* Reply 150, open the data connection, move the data, reply 226 or the
 * error (426 then 226 after ABOR), commit or drop an atomic upload, and
 * write the transfer-log line. A small download's 150 is held back and
 * leaves with the 226 unless something has to wait first (xfer_run.c). */
void xfer_run(struct session *s, struct xfer_job *job);
/* The final reply of a transfer: 226, or 426 then 226 after ABOR, or the
 * error (425/426/451/452/552). Marks the session to end if the control
 * connection was lost. */
void xfer_reply_result(struct session *s, const struct xfer_result *r);
/* Reply to a failed data connection: 522 for a TLS failure (why), else 425. */
void xfer_reply_open_failed(struct session *s, int err, const char *why);
/* Transfer options for this session (control polling, timeouts, type). */
void xfer_session_opts(struct session *s, struct xfer_opts *o);

#endif
