/* cmd_list.c - LIST NLST MLSD MLST and STAT <path>
 * (RFC 959 4.1.3, RFC 3659 section 7). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "datachan.h"
#include "ftps.h"
#include "listing.h"
#include "log.h"
#include "namelist.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"
#include "transfer.h"
#include "vpath.h"
#include "xfer_run.h"

/* Listings go out in chunks of this size so a huge directory never needs
 * a huge buffer, and ABOR is noticed between chunks. */
#define LIST_CHUNK (64u * 1024u)

enum list_kind { LIST_LONG, LIST_NAMES, LIST_MLSD };

/* Entry state shared by the formatters: owner strings live here. */
struct entry_buf {
	struct listing_entry e;
	char uid[16], gid[16];
	char perm[12];
};

/* RFC 3659 7.5.5 perm fact, from what this session may do. */
static void perm_fact(const struct session *s, const struct stat *st, char *out, size_t n)
{
	int w = s->vfs.writable;
	if (S_ISDIR(st->st_mode))
		snprintf(out, n, "el%s", w ? "cmpdf" : (s->vfs.can_mkdir ? "m" : ""));
	else
		snprintf(out, n, "r%s", w ? "awdf" : "");
}

static void fill_entry(const struct session *s, struct entry_buf *b, const struct stat *st,
		       const char *name)
{
	memset(&b->e, 0, sizeof b->e);
	b->e.type = S_ISDIR(st->st_mode) ? 'd' : S_ISREG(st->st_mode) ? 'f'
		: S_ISLNK(st->st_mode) ? 'l' : 'o';
	b->e.size = (uint64_t)st->st_size;
	b->e.mtime = st->st_mtime;
	b->e.mode = st->st_mode;
	b->e.dev = (uint64_t)st->st_dev;
	b->e.ino = (uint64_t)st->st_ino;
	b->e.nlink = (unsigned)st->st_nlink;
	snprintf(b->uid, sizeof b->uid, "%u", (unsigned)st->st_uid);
	snprintf(b->gid, sizeof b->gid, "%u", (unsigned)st->st_gid);
	b->e.owner = b->uid;
	b->e.group = b->gid;
	perm_fact(s, st, b->perm, sizeof b->perm);
	b->e.perm = b->perm;
	b->e.name = name;
}

/* Names a listing leaves out: hidden and denied patterns, and the temp
 * files of uploads in progress (not yet the file they will become). */
static int listed(const struct session *s, const char *name)
{
	if (strncmp(name, VFS_TEMP_PREFIX, sizeof VFS_TEMP_PREFIX - 1) == 0)
		return 0;
	return !namelist_match(s->cfg->files_hide, name) && !namelist_match(s->cfg->files_deny, name);
}

static int format_entry(const struct session *s, struct zbuf *out, enum list_kind k,
			struct entry_buf *b, time_t now)
{
	switch (k) {
	case LIST_LONG:
		return listing_format_list(out, &b->e, now);
	case LIST_MLSD:
		return listing_format_mlsx(out, &b->e, s->mlst_facts, 0);
	default:
		if (strpbrk(b->e.name, "\r\n"))
			return -EINVAL;
		zbuf_puts(out, b->e.name);
		return zbuf_puts(out, "\r\n");
	}
}

/* MLSD follows symlinks that stay inside the root so mirror clients see
 * what the link points to; LIST shows the link itself, like ls -l. */
static int entry_stat(struct session *s, DIR *d, const char *dirarg, const char *name,
		      enum list_kind k, struct stat *st)
{
	int rc = vfs_dir_stat(d, name, st, 0);
	if (rc == 0 && k == LIST_MLSD && S_ISLNK(st->st_mode)) {
		struct stat t;
		if (vfs_stat_entry(&s->vfs, dirarg, name, &t) == 0)
			*st = t;
	}
	return rc;
}

static int send_chunk(struct session *s, struct zbuf *b, int dfd, struct xfer_result *r)
{
	struct xfer_opts o;
	xfer_session_opts(s, &o);
	o.ascii = 0;	/* listings are already CRLF text */
	o.tls = s->list_ssl;
	int rc = xfer_send_buf(b->p, b->len, dfd, &o, r);
	zbuf_reset(b);
	return rc;
}

static int list_dir(struct session *s, DIR *d, const char *dirarg, enum list_kind k,
		    int dfd, struct xfer_result *r)
{
	struct zbuf b;
	struct entry_buf eb;
	struct dirent *de;
	time_t now = time(NULL);
	int rc = 0;
	zbuf_init(&b, LIST_CHUNK * 4);
	while (rc == 0 && (de = readdir(d)) != NULL) {
		struct stat st;
		int dot = strcmp(de->d_name, ".") == 0, dotdot = strcmp(de->d_name, "..") == 0;
		if (dotdot || (dot && k != LIST_MLSD) || (!dot && !listed(s, de->d_name)))
			continue;
		if (entry_stat(s, d, dirarg, de->d_name, k, &st) < 0)
			continue;	/* vanished meanwhile */
		fill_entry(s, &eb, &st, de->d_name);
		if (dot)
			eb.e.type = 'c';
		if (format_entry(s, &b, k, &eb, now) < 0 && b.err)
			rc = b.err;
		if (rc == 0 && b.len >= LIST_CHUNK) {
			reply_flush(s);	/* a long listing: no reason to hold the 150 */
			rc = send_chunk(s, &b, dfd, r);
		}
	}
	if (rc == 0 && b.len)
		rc = send_chunk(s, &b, dfd, r);
	zbuf_free(&b);
	return rc;
}

/* LIST and NLST accept ls-style options ("-la"); they are skipped. */
static const char *skip_options(const char *arg)
{
	while (arg[0] == '-') {
		const char *sp = strchr(arg, ' ');
		if (!sp)
			return "";
		arg = sp + 1;
		while (*arg == ' ')
			arg++;
	}
	return arg;
}

static int list_one(struct session *s, const char *arg, const struct stat *st,
		    enum list_kind k, int dfd, struct xfer_result *r)
{
	struct entry_buf eb;
	struct zbuf b;
	zbuf_init(&b, LIST_CHUNK);
	/* Names only for a file argument: the path as the client gave it. */
	fill_entry(s, &eb, st, k == LIST_NAMES ? arg : vpath_basename(arg));
	int rc = format_entry(s, &b, k, &eb, time(NULL));
	if (rc == 0)
		rc = send_chunk(s, &b, dfd, r);
	zbuf_free(&b);
	return rc;
}

/* Check the target before replying 150, so a bad path gets a plain 550. */
static int open_target(struct session *s, const char *arg, enum list_kind k,
		       struct stat *st, DIR **d)
{
	int rc = vfs_stat(&s->vfs, arg, st);
	if (rc == 0 && S_ISDIR(st->st_mode))
		rc = vfs_opendir(&s->vfs, arg, d);
	else if (rc == 0 && k == LIST_MLSD)
		rc = -ENOTDIR;	/* RFC 3659 7.2: MLSD is for directories only */
	if (rc < 0) {
		data_reset(s);
		if (rc == -ENOTDIR && k == LIST_MLSD)
			reply(s, FTP_R_SYNTAX_ARG, "%s: not a directory.", arg);
		else
			reply_errno(s, rc, arg);
	}
	return rc;
}

static void run_listing(struct session *s, const char *arg, enum list_kind k)
{
	struct stat st;
	struct xfer_result r = { 0 };
	DIR *d = NULL;
	if (!xfer_check_prepared(s) || open_target(s, arg, k, &st, &d) < 0)
		return;
	SSL *ssl;
	char err[256];
	/* Held as for a small download (xfer_run.c): a directory that fits in
	 * one chunk costs the client one wake-up, not two. */
	if (!s->prot_private)
		reply_hold(s);
	reply(s, FTP_R_FILE_STATUS_OK, "Here comes the directory listing.");
	int dfd = ftps_data_open(s, 0, &ssl, err, sizeof err);
	if (dfd < 0) {
		if (d)
			closedir(d);
		reply_hold_end(s);
		xfer_reply_open_failed(s, dfd, err);
		return;
	}
	s->list_ssl = ssl;
	s->abor_seen = 0;
	int rc = d ? list_dir(s, d, arg, k, dfd, &r) : list_one(s, arg, &st, k, dfd, &r);
	if (rc < 0 && r.err == 0)
		r.err = rc;
	ftps_data_close(dfd, ssl, r.err == 0);
	s->list_ssl = NULL;
	if (d)
		closedir(d);
	reply_hold_end(s);
	xfer_reply_result(s, &r);
}

static void cmd_list(struct session *s, const char *arg)
{
	run_listing(s, skip_options(arg), LIST_LONG);
}

static void cmd_nlst(struct session *s, const char *arg)
{
	run_listing(s, skip_options(arg), LIST_NAMES);
}

static void cmd_mlsd(struct session *s, const char *arg)
{
	run_listing(s, arg, LIST_MLSD);
}

/* RFC 3659 7.2: MLST answers on the control connection, one fact line
 * with a leading space between "250-" and "250 End". */
static void cmd_mlst(struct session *s, const char *arg)
{
	struct stat st;
	struct entry_buf eb;
	char vpath[VFS_PATH_MAX];
	int rc = vfs_stat(&s->vfs, arg, &st);
	if (rc == 0)
		rc = vfs_abspath(&s->vfs, arg, vpath, sizeof vpath);
	if (rc < 0) {
		reply_errno(s, rc, arg[0] ? arg : ".");
		return;
	}
	struct zbuf b;
	zbuf_init(&b, VFS_PATH_MAX * 2);
	fill_entry(s, &eb, &st, vpath);
	zbuf_printf(&b, "%d-Listing %s\r\n", FTP_R_FILE_ACTION_OK, vpath);
	rc = listing_format_mlsx(&b, &eb.e, s->mlst_facts, 1);
	zbuf_printf(&b, "%d End.\r\n", FTP_R_FILE_ACTION_OK);
	if (rc == 0 && !b.err)
		reply_raw(s, b.p, b.len);
	else
		reply(s, FTP_R_BAD_FILENAME, "Name cannot be listed.");
	zbuf_free(&b);
}

void list_stat_path(struct session *s, const char *arg)
{
	struct stat st;
	struct entry_buf eb;
	int rc = vfs_stat(&s->vfs, arg, &st);
	if (rc < 0) {
		reply_errno(s, rc, arg);
		return;
	}
	struct zbuf b;
	zbuf_init(&b, 1 << 20);
	zbuf_printf(&b, "%d-Status of ", FTP_R_FILE_STATUS);
	for (const char *p = arg; *p; p++)	/* reply_raw: no CR/LF may pass */
		zbuf_putc(&b, *p == '\r' || *p == '\n' ? '?' : *p);
	zbuf_puts(&b, ":\r\n");
	DIR *d = NULL;
	if (S_ISDIR(st.st_mode) && vfs_opendir(&s->vfs, arg, &d) == 0) {
		struct dirent *de;
		time_t now = time(NULL);
		while (!b.err && (de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0
			    || !listed(s, de->d_name))
				continue;
			if (vfs_dir_stat(d, de->d_name, &st, 0) < 0)
				continue;
			fill_entry(s, &eb, &st, de->d_name);
			listing_format_list(&b, &eb.e, now);
		}
		closedir(d);
	} else {
		fill_entry(s, &eb, &st, vpath_basename(arg));
		listing_format_list(&b, &eb.e, time(NULL));
	}
	zbuf_printf(&b, "%d End of status.\r\n", FTP_R_FILE_STATUS);
	if (b.err)
		reply(s, FTP_R_FILE_UNAVAILABLE, "Listing too long for STAT; use LIST.");
	else
		reply_raw(s, b.p, b.len);
	zbuf_free(&b);
}

const struct command cmd_list_table[] = {
	{ "LIST", CMD_LOGIN | CMD_PATH, cmd_list, "LIST [<sp> path]" },
	{ "NLST", CMD_LOGIN | CMD_PATH, cmd_nlst, "NLST [<sp> path]" },
	{ "MLSD", CMD_LOGIN | CMD_PATH, cmd_mlsd, "MLSD [<sp> path]" },
	{ "MLST", CMD_LOGIN | CMD_PATH, cmd_mlst, "MLST [<sp> path]" },
	{ NULL, 0, NULL, NULL },
};
