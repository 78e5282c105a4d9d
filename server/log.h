/*
 * log.h - the server's logging: stderr (foreground) or syslog, with the
 * function and line of the call, and the transfer log (xferlog).
 *
 * Never pass a password or any secret to these functions.
 */
#ifndef ZC_LOG_H
#define ZC_LOG_H

#include <stdint.h>
#include <time.h>

#include "buf.h"

enum log_level { LOG_LVL_ERR = 0, LOG_LVL_WARN = 1, LOG_LVL_INFO = 2, LOG_LVL_DEBUG = 3 };

/* Configure the sink. facility is a syslog facility name ("ftp", "daemon",
 * "local0".."local7"); use_syslog 0 writes to stderr. Returns 0 or -EINVAL
 * for an unknown facility (stderr is used then). */
int log_setup(const char *ident, int use_syslog, const char *facility, int level);
/* Prefix added to every line of this process (e.g. "session 127.0.0.1"). */
void log_set_context(const char *ctx);

void log_msg(int level, const char *func, int line, int with_errno, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

#define log_err(...)   log_msg(LOG_LVL_ERR, __func__, __LINE__, 0, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_LVL_WARN, __func__, __LINE__, 0, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_LVL_INFO, __func__, __LINE__, 0, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __func__, __LINE__, 0, __VA_ARGS__)
/* The _errno variants append ": strerror(errno)" using the errno at call time. */
#define log_err_errno(...)  log_msg(LOG_LVL_ERR, __func__, __LINE__, 1, __VA_ARGS__)
#define log_warn_errno(...) log_msg(LOG_LVL_WARN, __func__, __LINE__, 1, __VA_ARGS__)

/* Log at error level and exit(1); always reaches stderr or syslog. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* ---- transfer log ---- */
struct xferlog_rec {
	time_t start;
	double seconds;
	const char *remote_host;
	uint64_t bytes;
	const char *path;	/* virtual path as the client sees it */
	int ascii;		/* 'a' or 'b' */
	char direction;		/* 'o' outgoing, 'i' incoming, 'd' deleted */
	char access;		/* 'a' anonymous, 'r' real, 'g' guest (virtual) */
	const char *user;
	int complete;		/* 'c' or 'i' */
	const char *io_path;	/* "sendfile", "splice", "copy", ... */
	/* for the JSON log only */
	const char *session_id;	/* unique per session */
	const char *tls_version;	/* "TLSv1.3", or NULL for clear text */
	long long duration_ms;
	int error;		/* 0, or the negative errno that ended the transfer */
};
/* Open (append) the transfer log; path NULL sends lines to the main log,
 * "-" to stderr. json_path (NULL = none) is the JSON-lines log. Returns 0
 * or -errno. Safe to call again (reopen, e.g. after log rotation). */
int xferlog_open(const char *path, const char *json_path);
/* Append s to b as a JSON string literal (quotes, escapes; bytes that are
 * not valid UTF-8 become U+FFFD). Exposed for the unit tests. */
void json_put_string(struct zbuf *b, const char *s);
/* Close the transfer logs (a process that must not write them). */
void xferlog_close(void);
/* Write one wu-ftpd xferlog line plus the I/O path as a final field. */
void xferlog_write(const struct xferlog_rec *r);

#endif
