/* cmd_xfer.c - RETR STOR APPE STOU REST ABOR TYPE MODE STRU ALLO
 * (RFC 959 4.1.2-4.1.3, RFC 3659 section 5 for REST STREAM). */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "datachan.h"
#include "log.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"
#include "transfer.h"
#include "xfer_run.h"

static void cmd_type(struct session *s, const char *arg)
{
	char t = (char)toupper((unsigned char)arg[0]);
	const char *rest = arg + 1;
	if (t == 'I' && !*rest) {
		s->type_ascii = 0;
		reply(s, FTP_R_OK, "Switching to Binary mode.");
	} else if (t == 'A' && (!*rest || strcasecmp(rest, " N") == 0)) {
		s->type_ascii = 1;
		reply(s, FTP_R_OK, "Switching to ASCII mode.");
	} else if (t == 'L' && strcmp(rest, " 8") == 0) {
		s->type_ascii = 0;
		reply(s, FTP_R_OK, "Switching to Binary mode (L 8).");
	} else if (t == 'A' || t == 'E' || t == 'L') {
		reply(s, FTP_R_NOT_IMPL_PARAM, "Type not supported: %s.", arg);
	} else {
		reply(s, FTP_R_SYNTAX_ARG, "Unrecognised TYPE.");
	}
}

static void cmd_mode(struct session *s, const char *arg)
{
	char m = (char)toupper((unsigned char)arg[0]);
	if (m == 'S' && !arg[1])
		reply(s, FTP_R_OK, "Mode set to S.");
	else if ((m == 'B' || m == 'C') && !arg[1])
		reply(s, FTP_R_NOT_IMPL_PARAM, "Only stream mode (S) is supported.");
	else
		reply(s, FTP_R_SYNTAX_ARG, "Unrecognised MODE.");
}

static void cmd_stru(struct session *s, const char *arg)
{
	char m = (char)toupper((unsigned char)arg[0]);
	if (m == 'F' && !arg[1])
		reply(s, FTP_R_OK, "Structure set to F.");
	else if ((m == 'R' || m == 'P') && !arg[1])
		reply(s, FTP_R_NOT_IMPL_PARAM, "Only file structure (F) is supported.");
	else
		reply(s, FTP_R_SYNTAX_ARG, "Unrecognised STRU.");
}

static void cmd_allo(struct session *s, const char *arg)
{
	reply(s, FTP_R_NOT_IMPL_SUPERFLUOUS, "ALLO not necessary.");
}

/* REST offsets are plain decimal byte counts (RFC 3659 5.3 "REST STREAM"). */
static void cmd_rest(struct session *s, const char *arg)
{
	char *end;
	if (arg[0] < '0' || arg[0] > '9' || strlen(arg) > 20) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad REST offset.");
		return;
	}
	errno = 0;
	unsigned long long v = strtoull(arg, &end, 10);
	if (*end || errno == ERANGE || v > (unsigned long long)INT64_MAX) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad REST offset.");
		return;
	}
	s->rest = v;
	reply(s, FTP_R_PENDING, "Restarting at %llu. Send STORE or RETRIEVE.", v);
}

static void cmd_abor(struct session *s, const char *arg)
{
	/* Outside a transfer: drop any prepared data connection (RFC 959 4.1.3). */
	data_reset(s);
	s->rest = 0;
	reply(s, FTP_R_DATA_OPEN_NO_XFER, "No transfer to abort.");
}

static void cmd_retr(struct session *s, const char *arg)
{
	struct stat st;
	uint64_t offset = s->rest;
	s->rest = 0;
	if (!xfer_check_prepared(s))
		return;
	int fd = vfs_open_read(&s->vfs, arg, &st);
	if (fd < 0) {
		data_reset(s);
		reply_errno(s, fd, arg);
		return;
	}
	struct xfer_job job = { .arg = arg, .file_fd = fd, .offset = offset,
				.direction = 'o', .size = (uint64_t)st.st_size, .st = &st };
	xfer_run(s, &job);
	sys_close(fd);
}

/* Position an opened upload: at the end for APPE, else at *offset with
 * everything after it dropped. *offset becomes the position. */
static int seek_upload(int fd, int append, uint64_t *offset)
{
	struct stat st;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!append && (uint64_t)st.st_size < *offset)
		return -EINVAL;
	off_t pos = append ? st.st_size : (off_t)*offset;
	if ((!append && *offset && ftruncate(fd, pos) < 0) || lseek(fd, pos, SEEK_SET) < 0)
		return -errno;
	*offset = (uint64_t)pos;
	return 0;
}

/* Open the upload target: APPE appends, STOR after REST continues at the
 * offset (dropping anything beyond it), plain STOR truncates. With atomic
 * uploads STOR writes the hidden partial file instead (renamed into place
 * on success, kept for a REST on failure). */
static int open_upload(struct session *s, const char *arg, int append, struct xfer_job *job)
{
	int fd;
	uint64_t part;
	struct stat st;
	if (!append && s->cfg->atomic_uploads)
		return vfs_open_partial(&s->vfs, arg, job->offset, job->tmp, sizeof job->tmp);
	/* curl -C - resumes an upload with SIZE then APPE of the rest: for a
	 * file that exists only as a partial upload, APPE continues that. */
	if (append && s->cfg->atomic_uploads && vfs_stat(&s->vfs, arg, &st) == -ENOENT
	    && vfs_partial_size(&s->vfs, arg, &part) == 0) {
		job->offset = part;
		return vfs_open_partial(&s->vfs, arg, part, job->tmp, sizeof job->tmp);
	}
	/* An offset past the end would leave a hole of zeros in the file
	 * (RFC 3659 5.5: 554 when the REST cannot be honoured). Checked
	 * before opening, so a missing file is not created, and again on
	 * the open file, which may have shrunk meanwhile. */
	if (!append && job->offset) {
		int rc = vfs_stat(&s->vfs, arg, &st);
		if (rc == -ENOENT || (rc == 0 && (uint64_t)st.st_size < job->offset))
			return -EINVAL;
		if (rc < 0)
			return rc;	/* denied, not a directory...: the usual 550 */
	}
	/* Not O_APPEND: splice(2) refuses O_APPEND files, and the zero-copy
	 * path matters more than racing concurrent appenders to one file. */
	fd = vfs_open_write(&s->vfs, arg, (append || job->offset) ? VFS_W_RESUME : VFS_W_TRUNC);
	if (fd < 0)
		return fd;
	int rc = seek_upload(fd, append, &job->offset);
	if (rc < 0) {
		sys_close(fd);
		return rc;
	}
	return fd;
}

static void store(struct session *s, const char *arg, int append)
{
	struct xfer_job job = { .arg = arg, .direction = 'i', .offset = s->rest };
	s->rest = 0;
	if (!xfer_check_prepared(s))
		return;
	int fd = open_upload(s, arg, append, &job);
	if (fd < 0) {
		data_reset(s);
		if (fd == -EINVAL && job.offset > 0)
			reply(s, FTP_R_BAD_REST, "Invalid REST parameter: beyond the end of the file.");
		else
			reply_errno(s, fd, arg);
		return;
	}
	job.file_fd = fd;
	xfer_run(s, &job);
	sys_close(fd);
}

static void cmd_stor(struct session *s, const char *arg)
{
	store(s, arg, 0);
}

static void cmd_appe(struct session *s, const char *arg)
{
	store(s, arg, 1);
}

static void cmd_stou(struct session *s, const char *arg)
{
	struct xfer_job job = { .direction = 'i' };
	char name[VFS_PATH_MAX];
	s->rest = 0;
	if (!xfer_check_prepared(s))
		return;
	int fd = vfs_open_unique(&s->vfs, arg, name, sizeof name);
	if (fd < 0) {
		data_reset(s);
		reply_errno(s, fd, arg[0] ? arg : "STOU");
		return;
	}
	job.arg = name;
	job.file_fd = fd;
	job.unique = 1;
	xfer_run(s, &job);
	sys_close(fd);
}

const struct command cmd_xfer_table[] = {
	{ "TYPE", CMD_LOGIN | CMD_ARG, cmd_type, "TYPE <sp> A|I|L 8" },
	{ "MODE", CMD_LOGIN | CMD_ARG, cmd_mode, "MODE <sp> S" },
	{ "STRU", CMD_LOGIN | CMD_ARG, cmd_stru, "STRU <sp> F" },
	{ "ALLO", CMD_LOGIN, cmd_allo, "ALLO <sp> bytes" },
	{ "REST", CMD_LOGIN | CMD_ARG, cmd_rest, "REST <sp> offset" },
	{ "ABOR", CMD_LOGIN | CMD_NOARG, cmd_abor, "ABOR" },
	{ "RETR", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_retr, "RETR <sp> path" },
	{ "STOR", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_stor, "STOR <sp> path" },
	{ "APPE", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_appe, "APPE <sp> path" },
	{ "STOU", CMD_LOGIN | CMD_PATH, cmd_stou, "STOU [<sp> name]" },
	{ NULL, 0, NULL, NULL },
};
