/* listing_parse.c - client-side parsing of MLSD facts, LIST lines and
 * RFC 3659 times (see listing.h). Input comes from a server: every field
 * is bounded and checked. */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "listing.h"

/* n decimal digits at s into *v; 0 or -EINVAL. */
static int digits(const char *s, size_t n, int *v)
{
	int x = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (s[i] - '0');
	}
	*v = x;
	return 0;
}

static int days_in_month(int year, int mon)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return days[mon - 1] + (mon == 2 && leap);
}

int listing_parse_time(const char *s, time_t *out)
{
	int f[6];
	static const size_t w[6] = { 4, 2, 2, 2, 2, 2 };
	const char *p = s;
	/* digits() stops at the NUL of a short string, so no overread. */
	for (int i = 0; i < 6; i++) {
		if (digits(p, w[i], &f[i]))
			return -EINVAL;
		p += w[i];
	}
	if (*p == '.') {	/* RFC 3659 2.3: optional fraction, ignored */
		if (!*++p)
			return -EINVAL;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p || f[1] < 1 || f[1] > 12 || f[2] < 1 ||
	    f[2] > days_in_month(f[0], f[1]) || f[3] > 23 || f[4] > 59 || f[5] > 60)
		return -EINVAL;
	struct tm tm = {
		.tm_year = f[0] - 1900, .tm_mon = f[1] - 1, .tm_mday = f[2],
		.tm_hour = f[3], .tm_min = f[4], .tm_sec = f[5],
	};
	*out = timegm(&tm);
	return 0;
}

/* Copy the name into the caller's buffer (no NUL allowed inside). */
static int copy_name(const char *s, size_t n, char *name, size_t namesz,
		     struct listing_entry *out)
{
	if (n == 0 || memchr(s, '\0', n))
		return -EINVAL;
	if (n >= namesz)
		return -ENAMETOOLONG;
	memcpy(name, s, n);
	name[n] = '\0';
	out->name = name;
	return 0;
}

/* Parse an unsigned decimal of a fact or field; -EINVAL if not all digits. */
static int parse_u64n(const char *s, size_t n, uint64_t *v)
{
	uint64_t x = 0;
	if (n == 0 || n > 19)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return 0;
}

static void mlsx_type_fact(const char *v, size_t n, struct listing_entry *out)
{
	static const struct { const char *name; char type; mode_t fmt; } types[] = {
		{ "file", 'f', S_IFREG }, { "dir", 'd', S_IFDIR },
		{ "cdir", 'c', S_IFDIR }, { "pdir", 'p', S_IFDIR },
		{ "OS.unix=symlink", 'l', S_IFLNK }, { "OS.unix=slink", 'l', S_IFLNK },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
		size_t k = strlen(types[i].name);
		/* pure-ftpd appends ":target" to OS.unix=slink. */
		if (k <= n && strncasecmp(v, types[i].name, k) == 0 &&
		    (k == n || (types[i].type == 'l' && v[k] == ':'))) {
			out->type = types[i].type;
			out->mode = (out->mode & 07777) | types[i].fmt;
			return;
		}
	}
	out->type = 'o';
}

/* One "fact=value" (n bytes). Unknown or malformed facts are ignored
 * (RFC 3659 7.1: a client must ignore facts it does not understand). */
static void mlsx_fact(const char *f, size_t n, struct listing_entry *out)
{
	const char *eq = memchr(f, '=', n);
	if (!eq)
		return;
	size_t kn = (size_t)(eq - f), vn = n - kn - 1;
	const char *v = eq + 1;
	char tbuf[LISTING_TIME_LEN + 16];
	uint64_t x;
	if (kn == 4 && strncasecmp(f, "type", 4) == 0) {
		mlsx_type_fact(v, vn, out);
	} else if (kn == 4 && strncasecmp(f, "size", 4) == 0) {
		if (parse_u64n(v, vn, &x) == 0) {
			out->size = x;
			out->facts |= MLSX_SIZE;
		}
	} else if (kn == 6 && strncasecmp(f, "modify", 6) == 0) {
		if (vn < sizeof tbuf) {
			memcpy(tbuf, v, vn);
			tbuf[vn] = '\0';
			if (listing_parse_time(tbuf, &out->mtime) == 0)
				out->facts |= MLSX_MODIFY;
		}
	} else if (kn == 9 && strncasecmp(f, "UNIX.mode", 9) == 0) {
		x = 0;
		for (size_t i = 0; i < vn && i < 6 && v[i] >= '0' && v[i] <= '7'; i++)
			x = x * 8 + (uint64_t)(v[i] - '0');
		out->mode = (out->mode & ~(mode_t)07777) | (mode_t)(x & 07777);
	}
}

int listing_parse_mlsx(const char *line, size_t len, struct listing_entry *out,
		       char *name, size_t namesz)
{
	memset(out, 0, sizeof *out);
	out->type = 'o';
	if (len && line[0] == ' ')
		line++, len--;
	const char *sp = memchr(line, ' ', len);
	if (!sp)
		return -EINVAL;
	for (const char *f = line; f < sp;) {
		const char *semi = memchr(f, ';', (size_t)(sp - f));
		const char *fe = semi ? semi : sp;
		mlsx_fact(f, (size_t)(fe - f), out);
		f = fe + 1;
	}
	return copy_name(sp + 1, len - (size_t)(sp - line) - 1, name, namesz, out);
}

/* A field of a LIST line. */
struct tok {
	const char *s;
	size_t n;
};

/* Next space-separated token from *pos; n == 0 at end of line. */
static struct tok next_tok(const char *line, size_t len, size_t *pos)
{
	struct tok t;
	while (*pos < len && line[*pos] == ' ')
		(*pos)++;
	t.s = line + *pos;
	while (*pos < len && line[*pos] != ' ')
		(*pos)++;
	t.n = (size_t)(line + *pos - t.s);
	return t;
}

static int tok_month(struct tok t)
{
	for (int i = 0; i < 12 && t.n == 3; i++)
		if (strncasecmp(t.s, listing_months[i], 3) == 0)
			return i;
	return -1;
}

/* "-rwxr-sr-t" into type and mode; a trailing ACL/SELinux mark is allowed. */
static int parse_mode(struct tok t, struct listing_entry *out)
{
	static const char types[] = "-dlcbps";
	static const mode_t fmts[] = { S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR,
				       S_IFBLK, S_IFIFO, S_IFSOCK };
	const char *k = t.n >= 10 && t.n <= 11 ? strchr(types, t.s[0]) : NULL;
	if (!k || !*k)
		return -EINVAL;
	mode_t m = fmts[k - types];
	for (int i = 0; i < 9; i++) {
		char c = t.s[i + 1];
		mode_t bit = 0400u >> i, special = i == 2 ? S_ISUID :
			     i == 5 ? S_ISGID : i == 8 ? S_ISVTX : 0;
		if (c == "rwxrwxrwx"[i])
			m |= bit;
		else if (special && (c == 's' || c == 't'))
			m |= bit | special;
		else if (special && (c == 'S' || c == 'T'))
			m |= special;
		else if (c != '-')
			return -EINVAL;
	}
	out->mode = m;
	out->type = k[0] == '-' ? 'f' : k[0] == 'd' ? 'd' : k[0] == 'l' ? 'l' : 'o';
	return 0;
}

/* "HH:MM" (year guessed from now) or "YYYY" for month mon, day day. */
static int parse_list_date(int mon, struct tok d, struct tok t, time_t now,
			   time_t *out)
{
	struct tm tm = { .tm_mon = mon };
	int year;
	if (d.n < 1 || d.n > 2 || digits(d.s, d.n, &tm.tm_mday) || tm.tm_mday < 1)
		return -EINVAL;
	if (t.n == 4 && digits(t.s, 4, &year) == 0) {
		if (tm.tm_mday > days_in_month(year, mon + 1))
			return -EINVAL;
		tm.tm_year = year - 1900;
		*out = timegm(&tm);
		return 0;
	}
	if (t.n != 5 || t.s[2] != ':' || digits(t.s, 2, &tm.tm_hour) ||
	    digits(t.s + 3, 2, &tm.tm_min) || tm.tm_hour > 23 || tm.tm_min > 59)
		return -EINVAL;
	struct tm nt;
	if (!gmtime_r(&now, &nt) || tm.tm_mday > 31)
		return -EINVAL;
	tm.tm_year = nt.tm_year;
	*out = timegm(&tm);
	if (*out > now + 86400) {	/* "recent" dates are never far ahead */
		tm.tm_year--;
		*out = timegm(&tm);
	}
	return 0;
}

/*
 * Scan "mode links owner [group] size month": the month is the first month
 * name from the fourth field on that follows a number (the size). Fills
 * mode, nlink and size; returns the month (0..11) or -EINVAL.
 */
static int list_fields(const char *line, size_t len, size_t *pos,
		       struct listing_entry *out)
{
	struct tok t[8];
	uint64_t links;
	int mon = -1;
	for (int i = 0; i < 8 && mon < 0; i++) {
		t[i] = next_tok(line, len, pos);
		if (t[i].n == 0)
			return -EINVAL;
		if (i >= 3 && tok_month(t[i]) >= 0 &&
		    parse_u64n(t[i - 1].s, t[i - 1].n, &out->size) == 0)
			mon = tok_month(t[i]);
	}
	if (mon < 0 || parse_mode(t[0], out) || parse_u64n(t[1].s, t[1].n, &links))
		return -EINVAL;
	out->nlink = links > 0xffffffffu ? 0xffffffffu : (unsigned)links;
	return mon;
}

int listing_parse_list(const char *line, size_t len, struct listing_entry *out,
		       char *name, size_t namesz, time_t now)
{
	size_t pos = 0;
	memset(out, 0, sizeof *out);
	if (len >= 6 && strncasecmp(line, "total ", 6) == 0)
		return -ENOENT;
	int mon = list_fields(line, len, &pos, out);
	if (mon < 0)
		return mon;
	struct tok day = next_tok(line, len, &pos);
	struct tok hm = next_tok(line, len, &pos);
	if (parse_list_date(mon, day, hm, now, &out->mtime) || pos >= len)
		return -EINVAL;
	const char *nm = line + pos + 1;	/* one space, then the name */
	size_t nn = len - pos - 1;
	for (size_t i = 0; out->type == 'l' && i + 4 <= nn; i++) {
		if (memcmp(nm + i, " -> ", 4) == 0)
			nn = i;		/* symlink: drop " -> target" */
	}
	return copy_name(nm, nn, name, namesz, out);
}
