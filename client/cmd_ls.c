/* cmd_ls.c - `zcftp ls URL`: one directory (or file) in "ls -l" form. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cmd.h"
#include "progress.h"
#include "sys.h"

/* MLSD gives no mode without UNIX.mode: make one up from the type. */
static void fill_mode(struct listing_entry *e)
{
	if ((e->mode & 07777) == 0)
		e->mode |= e->type == 'd' ? 0755 : 0644;
	if ((e->mode & S_IFMT) == 0)
		e->mode |= e->type == 'd' ? S_IFDIR : e->type == 'l' ? S_IFLNK : S_IFREG;
	if (e->nlink == 0)
		e->nlink = 1;
	/* Facts the server left out: show what "ls" would for nothing known. */
	if (e->size == FTP_SIZE_UNKNOWN)
		e->size = 0;
	if (e->mtime == FTP_MTIME_UNKNOWN)
		e->mtime = 0;
}

static int print_entry(void *arg, const struct listing_entry *ein)
{
	static char name[TERM_SAFE_MAX];	/* single-threaded command */
	struct listing_entry e = *ein;
	struct zbuf b;
	(void)arg;
	fill_mode(&e);
	e.name = term_safe(e.name ? e.name : "", name, sizeof name);
	zbuf_init(&b, 16384);
	if (listing_format_list(&b, &e, time(NULL)) == 0)
		fputs(zbuf_str(&b), stdout);
	zbuf_free(&b);
	return 0;
}

/* The path is not a directory: show it alone (MLST). */
static int ls_file(struct zc_session *s)
{
	struct listing_entry e;
	char name[4096];
	if (ftp_stat(&s->c, s->url.path, &e, name, sizeof name) < 0)
		return -ENOENT;
	const char *base = strrchr(name, '/');
	e.name = base && base[1] ? base + 1 : name;
	print_entry(NULL, &e);
	return 0;
}

int cmd_ls(int argc, char **argv, const struct mirror_opts *o)
{
	struct zc_session s;
	if (argc != 1) {
		fprintf(stderr, "usage: zcftp ls URL\n");
		return ZC_EXIT_FATAL;
	}
	if (session_open(&s, argv[0], o) != 0)
		return ZC_EXIT_FATAL;
	int rc = ftp_list(&s.c, s.url.path, print_entry, NULL, NULL);
	if (rc == -EREMOTEIO && s.c.code / 100 == 5 && ls_file(&s) == 0)
		rc = 0;
	if (rc < 0)
		session_error(&s, s.url.path, "ls", rc);
	/* The listing is the result: one that never reached its reader (full
	 * disk, closed pipe; SIGPIPE is ignored) is a failure, not exit 0. */
	int werr = sys_stdout_written();
	if (werr < 0) {
		fprintf(stderr, "zcftp: ls: cannot write the listing: %s\n", strerror(-werr));
		rc = rc < 0 ? rc : werr;
	}
	session_close(&s);
	return rc < 0 ? ZC_EXIT_FAILED : ZC_EXIT_OK;
}
