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
	int rc = start > end ? -EINVAL : hash_fd_range(fd, s->hash_algo, start, end, hex, sizeof hex);
	sys_close(fd);
	if (rc == -EINVAL) {
		reply(s, FTP_R_SYNTAX_ARG, "Range outside the file.");
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
