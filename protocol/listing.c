/* listing.c - MLSD/MLST facts and LIST lines, formatting (see listing.h).
 * Parsing for the client lives in listing_parse.c. */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "listing.h"

/* ls(1) calls a time "recent" within half a Gregorian year. */
#define SIX_MONTHS ((time_t)(365.2425 * 86400 / 2))
#define FUTURE_SLACK ((time_t)86400)

const char listing_months[12][4] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	"Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
};

int listing_format_time(time_t t, char *buf, size_t n)
{
	struct tm tm;
	if (n < LISTING_TIME_LEN)
		return -ENOSPC;
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return -EOVERFLOW;
	snprintf(buf, n, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	return 0;
}

/* A name that would break the line (or is empty) cannot be listed. */
static int name_ok(const char *name)
{
	return name && name[0] && !strpbrk(name, "\r\n");
}

/* The entry's type letter, taken from mode when type is unset. */
static char entry_type(const struct listing_entry *e)
{
	if (e->type)
		return e->type;
	if (S_ISDIR(e->mode))
		return 'd';
	if (S_ISREG(e->mode))
		return 'f';
	return S_ISLNK(e->mode) ? 'l' : 'o';
}

/* RFC 3659 7.5.1 type value; OS-specific types in the "OS.unix=" form. */
static const char *mlsx_type(const struct listing_entry *e)
{
	switch (entry_type(e)) {
	case 'f': return "file";
	case 'd': return "dir";
	case 'c': return "cdir";
	case 'p': return "pdir";
	case 'l': return "OS.unix=symlink";
	default: break;
	}
	if (S_ISFIFO(e->mode))
		return "OS.unix=fifo";
	if (S_ISSOCK(e->mode))
		return "OS.unix=socket";
	if (S_ISCHR(e->mode))
		return "OS.unix=chr";
	return S_ISBLK(e->mode) ? "OS.unix=blk" : "OS.unix=other";
}

static int is_dir_type(char t)
{
	return t == 'd' || t == 'c' || t == 'p';
}

int listing_format_mlsx(struct zbuf *out, const struct listing_entry *e,
			unsigned facts, int leading_space)
{
	char mt[LISTING_TIME_LEN];
	if (!name_ok(e->name))
		return -EINVAL;
	if (leading_space)
		zbuf_putc(out, ' ');
	if (facts & MLSX_TYPE)
		zbuf_printf(out, "type=%s;", mlsx_type(e));
	if ((facts & MLSX_SIZE) && !is_dir_type(entry_type(e)))
		zbuf_printf(out, "size=%" PRIu64 ";", e->size);
	if ((facts & MLSX_MODIFY) && listing_format_time(e->mtime, mt, sizeof mt) == 0)
		zbuf_printf(out, "modify=%s;", mt);
	if ((facts & MLSX_PERM) && e->perm)
		zbuf_printf(out, "perm=%s;", e->perm);
	if (facts & MLSX_UNIQUE)
		zbuf_printf(out, "unique=%" PRIx64 "U%" PRIx64 ";", e->dev, e->ino);
	if (facts & MLSX_UNIX_MODE)
		zbuf_printf(out, "UNIX.mode=%04o;", (unsigned)(e->mode & 07777));
	zbuf_printf(out, " %s\r\n", e->name);
	return out->err;
}

/* The ls -l file type character. */
static char mode_type_char(const struct listing_entry *e)
{
	mode_t m = e->mode;
	if (S_ISDIR(m)) return 'd';
	if (S_ISLNK(m)) return 'l';
	if (S_ISCHR(m)) return 'c';
	if (S_ISBLK(m)) return 'b';
	if (S_ISFIFO(m)) return 'p';
	if (S_ISSOCK(m)) return 's';
	if (S_ISREG(m)) return '-';
	switch (entry_type(e)) {	/* mode without type bits */
	case 'd': case 'c': case 'p': return 'd';
	case 'l': return 'l';
	default: return '-';
	}
}

/* "drwxr-sr-t" style string into s[11]. */
static void mode_string(const struct listing_entry *e, char s[11])
{
	static const char rwx[] = "rwxrwxrwx";
	mode_t m = e->mode;
	s[0] = mode_type_char(e);
	for (int i = 0; i < 9; i++)
		s[i + 1] = (m & (0400u >> i)) ? rwx[i] : '-';
	if (m & S_ISUID)
		s[3] = s[3] == 'x' ? 's' : 'S';
	if (m & S_ISGID)
		s[6] = s[6] == 'x' ? 's' : 'S';
	if (m & S_ISVTX)
		s[9] = s[9] == 'x' ? 't' : 'T';
	s[10] = '\0';
}

/* "Mon DD HH:MM" for recent times, "Mon DD  YYYY" otherwise (UTC). */
static int list_date(time_t t, time_t now, char *buf, size_t n)
{
	struct tm tm;
	if (!gmtime_r(&t, &tm))
		return -EOVERFLOW;
	int recent = t <= now + FUTURE_SLACK && now - t < SIX_MONTHS;
	if (recent)
		snprintf(buf, n, "%s %02d %02d:%02d", listing_months[tm.tm_mon],
			 tm.tm_mday, tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, n, "%s %02d %5d", listing_months[tm.tm_mon],
			 tm.tm_mday, tm.tm_year + 1900);
	return 0;
}

int listing_format_list(struct zbuf *out, const struct listing_entry *e,
			time_t now)
{
	char mode[11], date[32];
	if (!name_ok(e->name))
		return -EINVAL;
	mode_string(e, mode);
	if (list_date(e->mtime, now, date, sizeof date))
		snprintf(date, sizeof date, "Jan 01  1970");
	zbuf_printf(out, "%s %4u %-8s %-8s %8" PRIu64 " %s %s\r\n", mode,
		    e->nlink, e->owner ? e->owner : "ftp",
		    e->group ? e->group : "ftp", e->size, date, e->name);
	return out->err;
}
