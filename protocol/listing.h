/*
 * listing.h - directory listings: MLSD/MLST facts (RFC 3659 7), "ls -l"
 * style LIST lines, and the YYYYMMDDHHMMSS time form (RFC 3659 2.3).
 * Formatting for the server, parsing for the client. No I/O.
 */
#ifndef ZC_LISTING_H
#define ZC_LISTING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"

struct listing_entry {
	char type;		/* 'f' file, 'd' dir, 'l' symlink, 'o' other,
				 * 'c' cdir, 'p' pdir (MLSD only) */
	uint64_t size;
	time_t mtime;
	mode_t mode;		/* st_mode, file type bits included */
	uint64_t dev, ino;
	unsigned nlink;
	const char *owner, *group;	/* names or numbers; NULL -> "ftp" */
	const char *perm;	/* RFC 3659 7.5.5 perm value; NULL -> omitted */
	const char *name;
	unsigned facts;		/* MLSX_SIZE/MLSX_MODIFY: listing_parse_mlsx
				 * took a valid fact for size/mtime */
};

/* Fact selection for listing_format_mlsx (OPTS MLST). */
enum {
	MLSX_TYPE = 1,
	MLSX_SIZE = 2,
	MLSX_MODIFY = 4,
	MLSX_PERM = 8,
	MLSX_UNIQUE = 16,
	MLSX_UNIX_MODE = 32,
	MLSX_ALL = 63,
};

/* C-locale month abbreviations, "Jan".."Dec" (LIST lines). */
extern const char listing_months[12][4];

/* Length of "YYYYMMDDHHMMSS" plus NUL. */
#define LISTING_TIME_LEN 15

/*
 * Append one RFC 3659 fact line:
 * "type=file;size=123;modify=20260102030405;perm=adfrw;unique=<hexdev>U<hexino>;UNIX.mode=0644; name\r\n"
 * Facts appear in that order when selected. type is file, dir, cdir, pdir;
 * symlinks and other objects use the registered OS-specific form
 * "type=OS.unix=symlink" / "type=OS.unix=other" (RFC 3659 7.5.1, as
 * proftpd does). size is omitted for directories; modify is UTC.
 * leading_space = 1 prepends the single space MLST's 250 body needs.
 * Returns 0, -EINVAL when the name is empty or contains CR or LF (the
 * caller skips that entry), or the zbuf error.
 */
int listing_format_mlsx(struct zbuf *out, const struct listing_entry *e,
			unsigned facts, int leading_space);

/*
 * Append an "ls -l" style line as vsftpd prints it:
 * "drwxr-xr-x    2 ftp      ftp          4096 Jan 02 03:04 name\r\n"
 * Date "Mon DD HH:MM" when mtime is within 6 months of now (and not more
 * than a day in the future), else "Mon DD  YYYY"; UTC, C-locale names.
 * The symlink target is not shown. Returns 0, -EINVAL (empty name or CR/LF
 * in it) or the zbuf error.
 */
int listing_format_list(struct zbuf *out, const struct listing_entry *e,
			time_t now);

/* "YYYYMMDDHHMMSS" in UTC. Returns 0, -ENOSPC (n < LISTING_TIME_LEN) or
 * -EOVERFLOW (time not representable). */
int listing_format_time(time_t t, char *buf, size_t n);
/* Parse "YYYYMMDDHHMMSS" with an optional ".f+" fraction (ignored) as UTC.
 * Rejects anything else, including impossible dates. 0 or -EINVAL. */
int listing_parse_time(const char *s, time_t *out);

/*
 * Client side: parse one MLSD/MLST line (without CRLF). One leading space
 * (MLST's 250 body form) is skipped, so a line must hold a space after
 * that: a fact-less MLSD line " name" is read as MLST form and rejected;
 * "  name" parses. Facts are "name=value;" pairs, case-insensitive, unknown
 * ones ignored; they end at the first space and the name is everything
 * after that single space. Fields not present are 0 (out->facts tells
 * which of size and mtime a valid fact set); out->type is 'o' when no
 * type fact is present. out->name points to name (copied,
 * NUL-terminated). owner/group/perm are NULL. Returns 0, -EINVAL, or
 * -ENAMETOOLONG (name does not fit namesz).
 */
int listing_parse_mlsx(const char *line, size_t len, struct listing_entry *out,
		       char *name, size_t namesz);

/*
 * Client side: parse one unix-style LIST line (vsftpd, proftpd,
 * pure-ftpd, IIS in unix mode): mode string, links, owner, group, size,
 * "Mon DD HH:MM" (year guessed from now: the latest not after now+1 day)
 * or "Mon DD  YYYY", name. "name -> target" gives the name only for
 * symlinks. Returns 0, -ENOENT for a "total N" line, -EINVAL,
 * -ENAMETOOLONG. owner/group/perm are NULL.
 */
int listing_parse_list(const char *line, size_t len, struct listing_entry *out,
		       char *name, size_t namesz, time_t now);

#endif
