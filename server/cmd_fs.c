/* cmd_fs.c - CWD CDUP PWD MKD RMD DELE RNFR RNTO SIZE MDTM MFMT SITE
 * (RFC 959 4.1, RFC 3659 sections 3-4, draft-somers-ftp-mfxx). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "listing.h"
#include "log.h"
#include "reply.h"
#include "reply_codes.h"
#include "session.h"

/* 257 replies carry the path quoted with embedded quotes doubled. */
static void reply_path(struct session *s, int code, const char *vpath, const char *tail)
{
	struct zbuf b;
	zbuf_init(&b, VFS_PATH_MAX * 2 + 128);
	reply_quote_path(&b, vpath);
	zbuf_puts(&b, tail);
	reply_text(s, code, b.err ? "Path too long" : zbuf_str(&b));
	zbuf_free(&b);
}

/* The usual end of a file-system command: the error, or one success line. */
static void reply_done(struct session *s, int rc, const char *arg, int code, const char *ok)
{
	if (rc < 0)
		reply_errno(s, rc, arg);
	else
		reply(s, code, "%s", ok);
}

static void cmd_pwd(struct session *s, const char *arg)
{
	reply_path(s, FTP_R_PATH_CREATED, s->vfs.cwd, " is the current directory");
}

static void cmd_cwd(struct session *s, const char *arg)
{
	reply_done(s, vfs_chdir(&s->vfs, arg), arg, FTP_R_FILE_ACTION_OK,
		   "Directory successfully changed.");
}

static void cmd_cdup(struct session *s, const char *arg)
{
	cmd_cwd(s, "..");
}

static void cmd_mkd(struct session *s, const char *arg)
{
	char vpath[VFS_PATH_MAX];
	int rc = vfs_mkdir(&s->vfs, arg);
	if (rc == 0)
		rc = vfs_abspath(&s->vfs, arg, vpath, sizeof vpath);
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	log_info("mkdir %s", vpath);
	reply_path(s, FTP_R_PATH_CREATED, vpath, " created");
}

static void cmd_rmd(struct session *s, const char *arg)
{
	reply_done(s, vfs_rmdir(&s->vfs, arg), arg, FTP_R_FILE_ACTION_OK, "Directory removed.");
}

static void cmd_dele(struct session *s, const char *arg)
{
	int rc = vfs_unlink(&s->vfs, arg);
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	log_info("deleted %s", arg);
	reply(s, FTP_R_FILE_ACTION_OK, "File deleted.");
}

static void cmd_rnfr(struct session *s, const char *arg)
{
	struct stat st;
	int rc = vfs_lstat(&s->vfs, arg, &st);
	if (rc == 0 && !s->vfs.writable)
		rc = -EACCES;
	if (rc == 0)
		rc = vfs_abspath(&s->vfs, arg, s->rnfr, sizeof s->rnfr);
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	s->has_rnfr = 1;
	reply(s, FTP_R_PENDING, "Ready for RNTO.");
}

static void cmd_rnto(struct session *s, const char *arg)
{
	if (!s->has_rnfr) {
		reply(s, FTP_R_BAD_SEQUENCE, "RNFR required first.");
		return;
	}
	s->has_rnfr = 0;
	int rc = vfs_rename(&s->vfs, s->rnfr, arg);
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	log_info("renamed %s to %s", s->rnfr, arg);
	reply(s, FTP_R_FILE_ACTION_OK, "Rename successful.");
}

/* RFC 3659 4: SIZE of a regular file; the transfer size in TYPE I. In
 * TYPE A we still give the stored size, as vsftpd does, since computing
 * the converted size would mean reading the whole file. */
static void cmd_size(struct session *s, const char *arg)
{
	struct stat st;
	uint64_t part;
	int rc = vfs_stat(&s->vfs, arg, &st);
	/* With atomic uploads a file being uploaded does not exist yet: its
	 * SIZE is what has arrived, which is what a resuming client asks. */
	if (rc == -ENOENT && s->cfg->atomic_uploads && vfs_partial_size(&s->vfs, arg, &part) == 0) {
		reply(s, FTP_R_FILE_STATUS, "%llu", (unsigned long long)part);
		return;
	}
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: not a regular file.", arg);
		return;
	}
	reply(s, FTP_R_FILE_STATUS, "%llu", (unsigned long long)st.st_size);
}

static void cmd_mdtm(struct session *s, const char *arg)
{
	struct stat st;
	char t[LISTING_TIME_LEN + 1];
	int rc = vfs_stat(&s->vfs, arg, &st);
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	if (!S_ISREG(st.st_mode)) {
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: not a regular file.", arg);
		return;
	}
	listing_format_time(st.st_mtime, t, sizeof t);
	reply(s, FTP_R_FILE_STATUS, "%s", t);
}

/* MFMT YYYYMMDDHHMMSS path (draft-somers-ftp-mfxx): reply 213 Modify=...; path */
static void cmd_mfmt(struct session *s, const char *arg)
{
	char stamp[32];
	const char *sp = strchr(arg, ' ');
	time_t t;
	if (!sp || sp == arg || (size_t)(sp - arg) >= sizeof stamp || !sp[1]) {
		reply(s, FTP_R_SYNTAX_ARG, "Usage: MFMT YYYYMMDDHHMMSS path");
		return;
	}
	memcpy(stamp, arg, (size_t)(sp - arg));
	stamp[sp - arg] = '\0';
	if (listing_parse_time(stamp, &t) < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad time value: %s", stamp);
		return;
	}
	int rc = vfs_set_mtime(&s->vfs, sp + 1, t);
	if (rc < 0) {
		reply_errno(s, rc, sp + 1);
		return;
	}
	char out[LISTING_TIME_LEN + 1];
	listing_format_time(t, out, sizeof out);
	reply(s, FTP_R_FILE_STATUS, "Modify=%s; %s", out, sp + 1);
}

static void site_chmod(struct session *s, const char *args)
{
	char *end;
	const char *sp = strchr(args, ' ');
	if (!sp || !sp[1] || sp == args) {
		reply(s, FTP_R_SYNTAX_ARG, "Usage: SITE CHMOD <octal mode> path");
		return;
	}
	unsigned long mode = strtoul(args, &end, 8);
	if (end != sp || mode > 07777) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad mode.");
		return;
	}
	/* Set-user/group-ID bits would let an FTP account hand its ids to
	 * whoever runs the file: never through FTP. */
	if (mode & (S_ISUID | S_ISGID)) {
		reply(s, FTP_R_FILE_UNAVAILABLE, "SITE CHMOD: set-user/group-ID bits are not allowed.");
		return;
	}
	reply_done(s, vfs_chmod(&s->vfs, sp + 1, (mode_t)mode), sp + 1, FTP_R_OK,
		   "SITE CHMOD command ok.");
}

static void cmd_site(struct session *s, const char *arg)
{
	if (strncasecmp(arg, "CHMOD ", 6) == 0)
		site_chmod(s, arg + 6);
	else if (strcasecmp(arg, "HELP") == 0)
		reply(s, FTP_R_HELP, "The following SITE commands are recognized:\n"
		      " CHMOD HELP\nEnd.");
	else
		reply(s, FTP_R_SYNTAX_ARG, "Unknown SITE command (try SITE HELP).");
}

const struct command cmd_fs_table[] = {
	{ "PWD", CMD_LOGIN | CMD_NOARG, cmd_pwd, "PWD" },
	{ "XPWD", CMD_LOGIN | CMD_NOARG, cmd_pwd, "XPWD (RFC 775)" },
	{ "CWD", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_cwd, "CWD <sp> path" },
	{ "XCWD", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_cwd, "XCWD <sp> path (RFC 775)" },
	{ "CDUP", CMD_LOGIN | CMD_NOARG, cmd_cdup, "CDUP" },
	{ "XCUP", CMD_LOGIN | CMD_NOARG, cmd_cdup, "XCUP (RFC 775)" },
	{ "MKD", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_mkd, "MKD <sp> path" },
	{ "XMKD", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_mkd, "XMKD <sp> path (RFC 775)" },
	{ "RMD", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_rmd, "RMD <sp> path" },
	{ "XRMD", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_rmd, "XRMD <sp> path (RFC 775)" },
	{ "DELE", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_dele, "DELE <sp> path" },
	{ "RNFR", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_rnfr, "RNFR <sp> path" },
	{ "RNTO", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_rnto, "RNTO <sp> path" },
	{ "SIZE", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_size, "SIZE <sp> path" },
	{ "MDTM", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_mdtm, "MDTM <sp> path" },
	{ "MFMT", CMD_LOGIN | CMD_ARG | CMD_PATH, cmd_mfmt, "MFMT <sp> YYYYMMDDHHMMSS <sp> path" },
	{ "SITE", CMD_LOGIN | CMD_ARG, cmd_site, "SITE <sp> CHMOD|HELP" },
	{ NULL, 0, NULL, NULL },
};
