/*
 * config_scan.c - a pre-scan of the raw config text for the mistakes
 * libconfuse 3.3 does not report usefully: at end of file it silently closes
 * an open section, list or comment, and an unterminated "string" becomes
 * "premature end of file" on the last line. This pass follows the same
 * lexical rules (# and // comments, C comments, "..." and '...' strings with
 * backslash escapes) and points at the line where the thing was opened.
 *
 * It also blanks every comment out (newlines kept) before libconfuse sees
 * the text: libconfuse 3.3 counts a # or // comment as three lines and a
 * C comment as one line too many, so its error lines drift after the first
 * comment - and the shipped sample is mostly comments.
 */
#include <config.h>	/* autoconf's; <> because "config.h" would find conf/config.h */

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "buf.h"
#include "conf/config_int.h"

#define SCAN_DEPTH 8		/* sections and lists nest two deep today */
#define SCAN_NAME 64

struct scan {
	char *p, *end;
	int line;
	char word[SCAN_NAME];	/* last bare word: an option or section name */
	char option[SCAN_NAME];	/* word before the last '=' */
	int after_eq;		/* last token was '=': a '{' opens a list */
	int depth;
	int open_line[SCAN_DEPTH];
	char name[SCAN_DEPTH][SCAN_NAME];
	const char *source;
	char *err;
	size_t errsz;
};

static int scan_fail(struct scan *s, int line, const char *option, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int scan_fail(struct scan *s, int line, const char *option, const char *fmt, ...)
{
	const char *section = s->depth > 0 ? s->name[0] : NULL;
	va_list ap;

	if (option && section && !strcmp(option, section))
		option = NULL;	/* the section itself is the subject */
	va_start(ap, fmt);
	zc_verrf(s->err, s->errsz, s->source, line, section, option, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Skip a quoted string whose opening quote is at s->p. */
static int skip_string(struct scan *s)
{
	char quote = *s->p++;
	int start = s->line;

	/* No value may contain a newline, so a raw one means a missing quote:
	 * stopping here names the right line (a "\" line end continues). */
	for (; s->p < s->end && *s->p != '\n'; s->p++) {
		if (*s->p == '\\' && s->p + 1 < s->end) {
			if (*++s->p == '\n')
				s->line++;
		} else if (*s->p == quote) {
			s->p++;
			return 0;
		}
	}
	return scan_fail(s, start, s->option[0] ? s->option : NULL,
			 "unterminated string: the %c opened on this line is not closed", quote);
}

static int skip_block_comment(struct scan *s)
{
	int start = s->line;

	s->p[0] = s->p[1] = ' ';	/* the opening slash-star */
	for (s->p += 2; s->p + 1 < s->end; s->p++) {
		if (*s->p == '\n') {
			s->line++;
		} else if (s->p[0] == '*' && s->p[1] == '/') {
			*s->p++ = ' ';
			*s->p++ = ' ';
			return 0;
		} else {
			*s->p = ' ';
		}
	}
	s->p = s->end;
	return scan_fail(s, start, NULL, "unterminated comment: the /* opened on this line is never closed");
}

static void skip_line_comment(struct scan *s)
{
	while (s->p < s->end && *s->p != '\n')
		*s->p++ = ' ';
}

static int open_brace(struct scan *s)
{
	const char *name = s->after_eq ? s->option : s->word;

	if (s->depth == SCAN_DEPTH)
		return scan_fail(s, s->line, NULL, "braces nested too deeply");
	zc_strlcpy(s->name[s->depth], name, SCAN_NAME);
	s->open_line[s->depth++] = s->line;
	s->after_eq = 0;
	return 0;
}

static int close_brace(struct scan *s)
{
	if (s->depth == 0)
		return scan_fail(s, s->line, NULL, "'}' without a matching '{'");
	s->depth--;
	s->after_eq = 0;
	return 0;
}

/* libconfuse's unquoted-string characters; '/' only when not a comment. */
static int is_word(const struct scan *s)
{
	if (*s->p == '/')
		return s->p + 1 >= s->end || (s->p[1] != '/' && s->p[1] != '*');
	return !strchr(" #\"'\t\n\r={}()+,", *s->p);
}

static void read_word(struct scan *s)
{
	size_t n = 0;

	for (; s->p < s->end && *s->p && is_word(s); s->p++)
		if (n < SCAN_NAME - 1)
			s->word[n++] = *s->p;
	s->word[n] = '\0';
	s->after_eq = 0;
}

/* One token or separator at s->p; advances s->p. */
static int scan_step(struct scan *s)
{
	char ch = *s->p;

	if (ch == '"' || ch == '\'') {
		s->after_eq = 0;
		return skip_string(s);
	}
	if (ch == '#' || (ch == '/' && s->p + 1 < s->end && s->p[1] == '/')) {
		skip_line_comment(s);
		return 0;
	}
	if (ch == '/' && s->p + 1 < s->end && s->p[1] == '*')
		return skip_block_comment(s);
	if (is_word(s)) {
		read_word(s);
		return 0;
	}
	s->p++;
	if (ch == '\n')
		s->line++;
	else if (ch == '=') {
		zc_strlcpy(s->option, s->word, SCAN_NAME);
		s->after_eq = 1;
	} else if (ch == '{')
		return open_brace(s);
	else if (ch == '}')
		return close_brace(s);
	return 0;
}

int zc_config_scan(char *text, size_t len, const char *source,
		   char *err, size_t errsz)
{
	struct scan s = { .p = text, .end = text + len, .line = 1,
			  .source = source, .err = err, .errsz = errsz };

	while (s.p < s.end) {
		int rc = scan_step(&s);
		if (rc < 0)
			return rc;
	}
	if (s.depth == 0)
		return 0;
	s.depth--;
	if (s.depth == 0)
		return scan_fail(&s, s.open_line[0], NULL,
				 "section '%s' opened on this line has no closing '}'", s.name[0]);
	return scan_fail(&s, s.open_line[s.depth], s.name[s.depth],
			 "list opened on this line has no closing '}'");
}
