/*
 * config_int.h - private to conf/: the one option table that drives the
 * libconfuse schema, conversion into struct zc_config, validation, printing,
 * comparison and the tests. Add an option by adding one row to zc_opts[]
 * (config_schema.c), one field to struct zc_config, one default in
 * zc_config_defaults() and one documented line in zcftpd.conf.
 */
#ifndef ZC_CONF_CONFIG_INT_H
#define ZC_CONF_CONFIG_INT_H

#include <stdarg.h>
#include <stddef.h>

#include "conf/config.h"

enum zc_opt_type {
	ZC_T_BOOL,	/* int field: 0/1 (ZC_AUTO when ZC_F_AUTO) */
	ZC_T_INT,	/* int field in [min, max] */
	ZC_T_OCTAL,	/* int field written as an octal string ("022") */
	ZC_T_STR,	/* char * field */
	ZC_T_ADDRS,	/* listen_addrs[] + n_listen */
};

enum {
	ZC_F_AUTO = 1 << 0,	/* ZC_AUTO / 0 / NULL means "resolved by finalize" */
	ZC_F_NONE = 1 << 1,	/* string: "" in the file means NULL ("none") */
	ZC_F_ABSPATH = 1 << 2,	/* string: must be an absolute path */
	ZC_F_DASH = 1 << 3,	/* string: "-" (stderr) is also accepted */
	ZC_F_IPV4 = 1 << 4,	/* string: numeric IPv4 address */
	ZC_F_ZERO = 1 << 5,	/* int: 0 is accepted besides [min, max] */
	ZC_F_FACILITY = 1 << 6,	/* string: a syslog facility name */
	ZC_F_TEXT = 1 << 7,	/* string: printable text, no control characters */
	ZC_F_TLSVER = 1 << 8,	/* string: "1.2" or "1.3" */
	ZC_F_TLSREQ = 1 << 9,	/* string: "none", "non-anonymous" or "all" */
};

struct zc_opt {
	const char *section;
	const char *name;
	enum zc_opt_type type;
	unsigned flags;
	size_t off;		/* offsetof(struct zc_config, field) */
	long min, max;		/* ZC_T_INT / ZC_T_OCTAL range; ZC_T_STR max length */
};

extern const struct zc_opt zc_opts[];
extern const size_t zc_nopts;
/* Section names in file order, NULL-terminated. */
extern const char *const zc_sections[];

#define ZC_STR_MAX 4096		/* longest string value (PATH_MAX) */

/* Find the row for section + name; NULL if there is none. */
const struct zc_opt *zc_opt_find(const char *section, const char *name);

/* Check one value against its row. On failure write the reason (without
 * file/section/option) into msg and return -EINVAL. */
int zc_opt_check_int(const struct zc_opt *o, long v, char *msg, size_t n);
int zc_opt_check_str(const struct zc_opt *o, const char *s, char *msg, size_t n);
/* Parse "022"-style octal text; returns the value or -EINVAL. */
long zc_parse_octal(const char *s);

/* Field access through the row's offset. */
int *zc_opt_int(struct zc_config *c, const struct zc_opt *o);
char **zc_opt_str(struct zc_config *c, const struct zc_opt *o);
int zc_opt_getint(const struct zc_config *c, const struct zc_opt *o);
const char *zc_opt_getstr(const struct zc_config *c, const struct zc_opt *o);

/* Store a string value (NULL, "" or text) into c per the row's flags.
 * Returns 0 or -ENOMEM. */
int zc_opt_store_str(struct zc_config *c, const struct zc_opt *o, const char *s);

/* Rules spanning options. lines[] (indexed like zc_opts, 0 = unknown) lets
 * the message cite the offending line; it may be NULL. */
int zc_config_check(const struct zc_config *c, const int *lines,
		    char *err, size_t errsz);

/* Format "source:line: section: option: message" into err (parts omitted
 * when NULL / 0). Always returns -EINVAL for the caller to pass on. */
int zc_errf(char *err, size_t errsz, const char *source, int line,
	    const struct zc_opt *o, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
int zc_verrf(char *err, size_t errsz, const char *source, int line,
	     const char *section, const char *option, const char *fmt, va_list ap)
	__attribute__((format(printf, 7, 0)));

/* Pre-scan of the raw text for what libconfuse accepts silently or reports
 * without a useful line: unterminated strings and comments, unbalanced
 * braces. Blanks comments out in place (newlines kept) so libconfuse's line
 * numbers stay right. Returns 0 or -EINVAL with the message in err. */
int zc_config_scan(char *text, size_t len, const char *source,
		   char *err, size_t errsz);

/* Parse text (NUL-terminated) with libconfuse into c (which holds defaults).
 * Returns 0, -EINVAL or -ENOMEM with the message in err. */
int zc_config_parse(struct zc_config *c, const char *text, const char *source,
		    char *err, size_t errsz);

#endif
