/* cmd_hash.c - HASH and RANG (draft-bryan-ftpext-hash, draft-bryan-ftp-range):
 * a file's digest without downloading it, for mirror verification. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include "hash.h"
#include "log.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"
#include "transfer.h"

/* RANG <start> <end> selects an inclusive byte range for the next HASH;
 * "RANG 1 0" resets it. */
static void cmd_rang(struct session *s, const char *arg)
{
	uint64_t start, end;
	int rc = hash_parse_range(arg, &start, &end);
	if (rc < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad range.");
		return;
	}
	s->hash_start = start;
	s->hash_end = end;
	if (rc == 1)
		reply(s, FTP_R_PENDING, "Range reset.");
	else
		reply(s, FTP_R_PENDING, "Restarting at %llu. Ending byte at %llu.",
		      (unsigned long long)start, (unsigned long long)(end - 1));
}

/*
 * HASH reads the whole range, which for a large file takes as long as a
 * download: meanwhile the control connection is watched the way the
 * transfer engine watches it (every XFER_CTL_CHECK_MS, session_ctl_check),
 * so ABOR, QUIT and a closed connection stop it; and the whole command is
 * bounded by idle_timeout, the longest a session is held for a client
 * that gets no answer (RANG splits a huge file into ranges that fit).
 */
struct hash_watch {
	struct session *s;
	long long next_ctl;	/* ms: next look at the control connection */
	long long deadline;	/* ms: give up */
};

static int hash_tick(void *arg)
{
	struct hash_watch *w = arg;
	long long now = sys_now_ms();
	if (now < w->next_ctl)
		return 0;
	w->next_ctl = now + XFER_CTL_CHECK_MS;
	if (session_ctl_check(w->s))
		return -ECANCELED;
	return now >= w->deadline ? -ETIMEDOUT : 0;
}

/* RFC 959 4.1.3 ABOR, as after a transfer (xfer_reply_result): 426 for
 * the interrupted command, then 226 for ABOR itself. A QUIT gets its 221
 * next, from the queue; a closed connection gets nothing. */
static void hash_reply_stopped(struct session *s, int rc, const char *arg)
{
	if (rc == -ETIMEDOUT) {
		log_info("HASH of %s stopped after idle_timeout (%d s)", arg, s->cfg->idle_timeout);
		reply(s, FTP_R_LOCAL_ERROR, "HASH took over %d seconds; hash smaller ranges (RANG).",
		      s->cfg->idle_timeout);
	} else if (s->ctl_eof) {
		s->quit = 1;
	} else {
		reply(s, FTP_R_XFER_ABORTED, "HASH aborted.");
		if (s->abor_seen)
			reply(s, FTP_R_XFER_DONE, "ABOR successful.");
	}
	s->abor_seen = 0;
}

static int hash_watched(struct session *s, int fd, uint64_t start, uint64_t end, char *hex)
{
	long long now = sys_now_ms();
	struct hash_watch w = { s, now + XFER_CTL_CHECK_MS,
				now + (long long)s->cfg->idle_timeout * 1000 };
	s->abor_seen = 0;
	return hash_fd_range_tick(fd, s->hash_algo, start, end, hex, HASH_HEX_MAX, hash_tick, &w);
}

static void cmd_hash(struct session *s, const char *arg)
{
	struct stat st;
	char hex[HASH_HEX_MAX];
	int fd = vfs_open_read(&s->vfs, arg, &st);
	if (fd < 0) {
		reply_errno(s, fd, arg);
		return;
	}
	uint64_t size = (uint64_t)st.st_size;
	uint64_t start = s->hash_start;
	uint64_t end = s->hash_end > size ? size : s->hash_end;
	s->hash_start = 0;
	s->hash_end = UINT64_MAX;
	int rc = start > end ? -EINVAL : hash_watched(s, fd, start, end, hex);
	sys_close(fd);
	if (rc == -EINVAL) {
		reply(s, FTP_R_SYNTAX_ARG, "Range outside the file.");
	} else if (rc == -ECANCELED || rc == -ETIMEDOUT) {
		hash_reply_stopped(s, rc, arg);
	} else if (rc < 0) {
		log_warn("HASH of %s failed: %s", arg, strerror(-rc));
		reply(s, FTP_R_LOCAL_ERROR, "Cannot compute hash.");
	} else {
		/* The reply's range is inclusive; an empty file is "0-0". */
		reply(s, FTP_R_FILE_STATUS, "%s %llu-%llu %s %s", hash_algo_name(s->hash_algo),
		      (unsigned long long)start, (unsigned long long)(end ? end - 1 : 0), hex, arg);
	}
}

const struct command cmd_hash_table[] = {
	{ "HASH", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_hash, "HASH <sp> path" },
	{ "RANG", CMD_LOGIN | CMD_ARG, cmd_rang, "RANG <sp> start <sp> end" },
	{ NULL, 0, NULL, NULL },
};
