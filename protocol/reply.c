/* reply.c - reply formatting and the incremental reply reader (see reply.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "reply.h"

/* Append s[0..n) without any '\r', so text cannot end a reply line early. */
static int append_clean(struct zbuf *out, const char *s, size_t n)
{
	while (n) {
		const char *cr = memchr(s, '\r', n);
		size_t run = cr ? (size_t)(cr - s) : n;
		int rc = zbuf_append(out, s, run);
		if (rc)
			return rc;
		if (!cr)
			break;
		s += run + 1;
		n -= run + 1;
	}
	return 0;
}

/* One line of a reply; pos is 0 first, 1 middle, 2 last, 3 only line. */
static int format_line(struct zbuf *out, int code, const char *s, size_t n,
		       int pos)
{
	int rc = 0;
	if (pos == 0)
		rc = zbuf_printf(out, "%d-", code);
	else if (pos != 1)
		rc = zbuf_printf(out, "%d ", code);
	else if (n && s[0] >= '0' && s[0] <= '9')
		/* RFC 959 4.2: a middle line must not look like "CODE ". */
		rc = zbuf_putc(out, ' ');
	if (!rc)
		rc = append_clean(out, s, n);
	if (!rc)
		rc = zbuf_append(out, "\r\n", 2);
	return rc;
}

int reply_format(struct zbuf *out, int code, const char *text)
{
	if (code < 100 || code > 599)
		return -EINVAL;
	size_t len = strlen(text);
	/* A single trailing '\n' does not start an empty last line. */
	if (len && text[len - 1] == '\n')
		len--;
	const char *nl = memchr(text, '\n', len);
	if (!nl)
		return format_line(out, code, text, len, 3);
	const char *s = text, *end = text + len;
	int pos = 0;
	while (nl) {
		int rc = format_line(out, code, s, (size_t)(nl - s), pos);
		if (rc)
			return rc;
		pos = 1;
		s = nl + 1;
		nl = memchr(s, '\n', (size_t)(end - s));
	}
	return format_line(out, code, s, (size_t)(end - s), 2);
}

int reply_quote_path(struct zbuf *out, const char *path)
{
	int rc = zbuf_putc(out, '"');
	for (const char *p = path; *p && !rc; p++) {
		if (*p == '"')
			rc = zbuf_append(out, "\"\"", 2);
		else if (*p == '\r' || *p == '\n')
			rc = zbuf_putc(out, '?');
		else
			rc = zbuf_putc(out, *p);
	}
	if (!rc)
		rc = zbuf_putc(out, '"');
	return rc;
}

void reply_reader_init(struct reply_reader *r)
{
	memset(r, 0, sizeof *r);
	/* Worst case text: every line at its maximum, plus separators. */
	zbuf_init(&r->text, (size_t)FTP_REPLY_LINES_MAX * (FTP_REPLY_LINE_MAX + 1));
	zbuf_init(&r->line, FTP_REPLY_LINE_MAX + 2);
}

void reply_reader_free(struct reply_reader *r)
{
	zbuf_free(&r->text);
	zbuf_free(&r->line);
}

void reply_reader_reset_reply(struct reply_reader *r)
{
	zbuf_reset(&r->text);
	zbuf_reset(&r->line);
	r->code = 0;
	r->nlines = 0;
	r->multi = 0;
	r->done = 0;
}

/* The code of "DDD" if s starts with a valid reply code, else -1. */
static int code_of(const char *s, size_t n)
{
	if (n < 3 || s[0] < '1' || s[0] > '5' || s[1] < '0' || s[1] > '9' ||
	    s[2] < '0' || s[2] > '9')
		return -1;
	return (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0');
}

/* The first line: "DDD text" ends the reply, "DDD-text" opens a multi-line
 * one. A bare "DDD" is accepted as a single line with empty text. */
static int first_line(struct reply_reader *r, const char *s, size_t n)
{
	int code = code_of(s, n);
	if (code < 0 || (n > 3 && s[3] != ' ' && s[3] != '-'))
		return -EPROTO;
	r->code = code;
	r->multi = n > 3 && s[3] == '-';
	r->done = !r->multi;
	return n > 3 ? zbuf_append(&r->text, s + 4, n - 4) : 0;
}

/* A later line of a multi-line reply: only "CODE " (same code) ends it.
 * Many servers repeat "CODE-" on every line; that prefix is removed. */
static int next_line(struct reply_reader *r, const char *s, size_t n)
{
	int same = code_of(s, n) == r->code;
	if (same && n > 3 && (s[3] == ' ' || s[3] == '-')) {
		r->done = s[3] == ' ';
		s += 4;
		n -= 4;
	} else if (same && n == 3) {
		r->done = 1;
		n = 0;
	}
	int rc = zbuf_putc(&r->text, '\n');
	return rc ? rc : zbuf_append(&r->text, s, n);
}

static int take_line(struct reply_reader *r)
{
	const char *s = r->line.p ? r->line.p : "";
	size_t n = r->line.len;
	if (n && s[n - 1] == '\r')
		n--;
	if (n > FTP_REPLY_LINE_MAX || ++r->nlines > FTP_REPLY_LINES_MAX)
		return -E2BIG;
	int rc = r->multi ? next_line(r, s, n) : first_line(r, s, n);
	zbuf_reset(&r->line);
	return rc;
}

int reply_reader_feed(struct reply_reader *r, const char *data, size_t n,
		      size_t *consumed)
{
	size_t used = 0;
	*consumed = 0;
	if (r->err)
		return r->err;
	while (!r->done && used < n) {
		const char *p = data + used;
		const char *lf = memchr(p, '\n', n - used);
		size_t run = lf ? (size_t)(lf - p) : n - used;
		/* +1 allows the CR of CRLF beyond FTP_REPLY_LINE_MAX. */
		if (r->line.len + run > FTP_REPLY_LINE_MAX + 1 ||
		    zbuf_append(&r->line, p, run)) {
			r->err = -E2BIG;
			break;
		}
		used += run + (lf != NULL);
		if (lf && (r->err = take_line(r)) != 0)
			break;
	}
	*consumed = used;
	return r->err ? r->err : r->done;
}
