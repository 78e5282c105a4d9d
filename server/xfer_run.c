/* xfer_run.c - run one transfer and report it (see xfer_run.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "datachan.h"
#include "ftps.h"
#include "log.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"
#include "tls.h"
#include "transfer.h"
#include "xfer_run.h"

/* Downloads up to this size (from the REST offset) may hold their 150. */
#define XFER_HOLD_MAX_BYTES (256u << 10)

int xfer_check_prepared(struct session *s)
{
	if (!data_prepared(s)) {
		reply(s, FTP_R_CANT_OPEN_DATA, "Use PORT, EPRT, PASV or EPSV first.");
		return 0;
	}
	if (!s->prot_private && ftps_data_required(s)) {
		data_reset(s);
		reply(s, FTP_R_DATA_PROT_REFUSED, "Data connections must be encrypted: use PROT P.");
		return 0;
	}
	return 1;
}

void xfer_reply_open_failed(struct session *s, int err, const char *why)
{
	if (err == -EPROTO)
		reply(s, FTP_R_PROT_NOT_SUPPORTED, "TLS on the data connection failed: %s.", why);
	else
		reply(s, FTP_R_CANT_OPEN_DATA, "Can't open data connection.");
}

void xfer_session_opts(struct session *s, struct xfer_opts *o)
{
	xfer_opts_init(o);
	o->ctl_fd = s->ctl_fd;
	o->on_ctl = session_poll_ctl;
	o->ctl_arg = s;
	o->timeout_ms = s->cfg->data_timeout * 1000;
	o->ascii = s->type_ascii;
	o->pipe_size = s->cfg->pipe_size;
	o->before_wait = reply_flush;
}

/*
 * Hold the 150 of a small clear-text download: it then leaves in one
 * segment with the 226, and the client wakes up once per file instead of
 * twice (thousands of small files are round-trip bound). Safe because
 * every wait flushes it first (accept, the engine's polls, the control
 * poll), so a client that waits for the 150 before connecting or reading
 * still gets it. TLS data connections wait for a handshake: no hold.
 */
static int may_hold_opening(const struct session *s, const struct xfer_job *job)
{
	return job->direction == 'o' && !s->prot_private &&
	       job->size <= job->offset + XFER_HOLD_MAX_BYTES;
}

static void reply_opening(struct session *s, const struct xfer_job *job)
{
	const char *mode = s->type_ascii ? "ASCII" : "BINARY";
	if (job->unique)
		reply(s, FTP_R_FILE_STATUS_OK, "FILE: %s", job->arg);
	else if (job->direction == 'o')
		reply(s, FTP_R_FILE_STATUS_OK, "Opening %s mode data connection for %s (%llu bytes).",
		      mode, job->arg, (unsigned long long)job->size);
	else
		reply(s, FTP_R_FILE_STATUS_OK, "Opening %s mode data connection for %s.", mode, job->arg);
}

/* The final reply for a finished or failed transfer (RFC 959 4.1.3 for the
 * ABOR sequence: 426 for the transfer, then 226 for ABOR itself). */
void xfer_reply_result(struct session *s, const struct xfer_result *r)
{
	if (r->err == 0) {
		reply(s, FTP_R_XFER_DONE, "Transfer complete.");
	} else if (r->err == -ECANCELED && s->abor_seen) {
		reply(s, FTP_R_XFER_ABORTED, "Transfer aborted.");
		reply(s, FTP_R_XFER_DONE, "ABOR successful.");
	} else if (r->err == -ECANCELED) {
		s->quit = 1;	/* the control connection went away */
	} else if (r->err == -ENOSPC) {
		reply(s, FTP_R_NO_SPACE, "Transfer failed: no space left on device.");
	} else if (r->err == -EDQUOT || r->err == -EFBIG) {
		reply(s, FTP_R_EXCEEDED_STORAGE, "Transfer failed: %s.", strerror(-r->err));
	} else if (r->file_error) {
		reply(s, FTP_R_LOCAL_ERROR, "Transfer failed: %s.", strerror(-r->err));
	} else if (r->err == -ETIMEDOUT) {
		reply(s, FTP_R_XFER_ABORTED, "Data connection timed out; transfer aborted.");
	} else {
		reply(s, FTP_R_XFER_ABORTED, "Data connection closed; transfer aborted.");
	}
	s->abor_seen = 0;
}

static void log_transfer(struct session *s, const struct xfer_job *job,
			 const struct xfer_result *r, time_t start, long long ms)
{
	char vpath[VFS_PATH_MAX];
	if (vfs_abspath(&s->vfs, job->arg, vpath, sizeof vpath) < 0)
		zc_strlcpy(vpath, job->arg, sizeof vpath);
	struct xferlog_rec rec = {
		.start = start, .seconds = (double)ms / 1000.0, .remote_host = s->peer_str,
		.bytes = r->bytes, .path = vpath, .ascii = s->type_ascii,
		.direction = job->direction, .access = s->anonymous ? 'a' : 'g',
		.user = s->user, .complete = r->err == 0,
		.io_path = xfer_path_name(r->path),
		.session_id = s->session_id, .duration_ms = ms, .error = r->err,
		.tls_version = s->data_tls[0] ? s->data_tls : NULL,
	};
	xferlog_write(&rec);
}

/* Atomic uploads: the partial file becomes the target only if all went
 * well; a failed upload keeps it for a resume (REST + STOR), unless there
 * is nothing in it worth resuming. */
static void finish_temp(struct session *s, struct xfer_job *job, struct xfer_result *r)
{
	if (!job->tmp[0])
		return;
	int rc = r->err == 0 ? vfs_commit_temp(&s->vfs, job->tmp, job->arg) : -1;
	if ((r->err == 0 && rc < 0) || (r->err && job->offset + r->bytes == 0))
		vfs_abort_temp(&s->vfs, job->tmp);
	if (r->err == 0 && rc < 0) {
		r->err = rc;
		r->file_error = 1;
		log_err("cannot move upload into place: %s", strerror(-rc));
	}
}

void xfer_run(struct session *s, struct xfer_job *job)
{
	struct xfer_opts o;
	struct xfer_result r = { 0 };
	time_t start = time(NULL);
	long long t0 = sys_now_ms();
	SSL *ssl;
	char err[256];
	if (may_hold_opening(s, job))
		reply_hold(s);
	reply_opening(s, job);
	int dfd = ftps_data_open(s, job->direction == 'i', &ssl, err, sizeof err);
	if (dfd < 0) {
		/* Nothing arrived: only a partial file we just started is dropped;
		 * one being resumed (offset > 0) is kept for the next try. */
		if (job->tmp[0] && job->offset == 0)
			vfs_abort_temp(&s->vfs, job->tmp);
		reply_hold_end(s);
		xfer_reply_open_failed(s, dfd, err);
		return;
	}
	xfer_session_opts(s, &o);
	o.tls = ssl;
	o.file_st = job->st;
	zc_strlcpy(s->data_tls, ssl ? tls_version_name(ssl) : "", sizeof s->data_tls);
	o.rate_limit = (uint64_t)(job->direction == 'i' ? s->rate_up : s->rate_down);
	s->abor_seen = 0;
	if (job->direction == 'o')
		xfer_send_file(job->file_fd, job->offset, dfd, &o, &r);
	else
		xfer_recv_file(dfd, job->file_fd, &o, &r);
	ftps_data_close(dfd, ssl, r.err == 0);
	finish_temp(s, job, &r);
	/* Logged before the final reply: once a client has seen 226, the
	 * transfer is in the log (scripts and tests rely on that order). */
	log_transfer(s, job, &r, start, sys_now_ms() - t0);
	reply_hold_end(s);
	xfer_reply_result(s, &r);
}
