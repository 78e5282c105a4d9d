/*
 * config_parse.c - the libconfuse side: build the option tables from
 * zc_opts[], validate each value as it is parsed (so the error carries the
 * line it is on), and copy what the file set over the defaults.
 *
 * Every option is CFGF_NODEFAULT: libconfuse then tells us which options the
 * file set (cfg_size() > 0), and the defaults live in one place,
 * zc_config_defaults(), instead of being repeated in the tables.
 */
#include <config.h>	/* autoconf's; <> because "config.h" would find conf/config.h */

#include <confuse.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config_int.h"

#define ZC_MSG_MAX 256

struct parse_ctx {
	const char *source;
	char *err;
	size_t errsz;
	int failed;		/* an error was recorded: keep the first one */
	int *lines;		/* per zc_opts row: line that last set it */
};

/*
 * libconfuse's error and validation callbacks carry no user pointer, and a
 * section's cfg_t has no file name, so the current parse is found here. The
 * libconfuse lexer is itself global, so parsing is one-at-a-time anyway.
 */
static _Thread_local struct parse_ctx *cur;

static void on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[ZC_MSG_MAX];
	int root = !cfg || !cfg->name || !strcmp(cfg->name, "root");

	if (!cur || cur->failed)
		return;
	cur->failed = 1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* At the top level only sections are allowed: say so. */
	if (root && !strncmp(msg, "no such option", 14))
		zc_errf(cur->err, cur->errsz, cur->source, cfg ? cfg->line : 0, NULL,
			"unknown section %s (expected listen, server, anonymous, users,"
			" passive, active, limits, transfer or log)", msg + 15);
	else
		zc_errf(cur->err, cur->errsz, cur->source, cfg ? cfg->line : 0, NULL,
			"%s%s%s", root ? "" : cfg->name, root ? "" : ": ", msg);
}

/* Check the value just parsed (the last one of the option). */
static int check_value(const struct zc_opt *o, cfg_opt_t *opt, char *msg, size_t n)
{
	unsigned int last = cfg_opt_size(opt) - 1;
	long v;

	switch (o->type) {
	case ZC_T_BOOL:
		return 0;
	case ZC_T_INT:
		return zc_opt_check_int(o, cfg_opt_getnint(opt, last), msg, n);
	case ZC_T_OCTAL:
		v = zc_parse_octal(cfg_opt_getnstr(opt, last));
		if (v < 0) {
			snprintf(msg, n, "'%.16s' is not an octal value such as 022",
				 cfg_opt_getnstr(opt, last));
			return -EINVAL;
		}
		return zc_opt_check_int(o, v, msg, n);
	case ZC_T_ADDRS:
		if (last >= ZC_MAX_LISTEN) {
			snprintf(msg, n, "at most %d addresses", ZC_MAX_LISTEN);
			return -EINVAL;
		}
		/* fall through */
	case ZC_T_STR:
		return zc_opt_check_str(o, cfg_opt_getnstr(opt, last), msg, n);
	}
	return 0;
}

static int on_validate(cfg_t *cfg, cfg_opt_t *opt)
{
	const struct zc_opt *o = zc_opt_find(cfg->name, opt->name);
	char msg[ZC_MSG_MAX];

	if (!o || cfg_opt_size(opt) == 0)
		return 0;
	if (cur)
		cur->lines[o - zc_opts] = cfg->line;
	if (check_value(o, opt, msg, sizeof(msg)) == 0)
		return 0;
	cfg_error(cfg, "%s: %s", opt->name, msg);
	return -1;
}

static cfg_opt_t make_opt(const struct zc_opt *o)
{
	cfg_opt_t b = CFG_BOOL(o->name, cfg_false, CFGF_NODEFAULT);
	cfg_opt_t i = CFG_INT(o->name, 0, CFGF_NODEFAULT);
	cfg_opt_t s = CFG_STR(o->name, NULL, CFGF_NODEFAULT);
	cfg_opt_t l = CFG_STR_LIST(o->name, NULL, CFGF_NODEFAULT);

	/* The umask is a string so that it is always read as octal. */
	return o->type == ZC_T_BOOL ? b : o->type == ZC_T_INT ? i :
	       o->type == ZC_T_ADDRS ? l : s;
}

/* The options of one section, CFG_END-terminated; NULL on ENOMEM. */
static cfg_opt_t *build_section(const char *section)
{
	cfg_opt_t end = CFG_END();
	cfg_opt_t *opts = calloc(zc_nopts + 1, sizeof(*opts));
	size_t n = 0;

	if (!opts)
		return NULL;
	for (size_t i = 0; i < zc_nopts; i++)
		if (!strcmp(zc_opts[i].section, section))
			opts[n++] = make_opt(&zc_opts[i]);
	opts[n] = end;
	return opts;
}

static void set_validators(cfg_t *cfg)
{
	char path[64];

	for (size_t i = 0; i < zc_nopts; i++) {
		snprintf(path, sizeof(path), "%s|%s", zc_opts[i].section, zc_opts[i].name);
		cfg_set_validate_func(cfg, path, on_validate);
	}
}

/* cfg_init() copies the tables, so they are freed here. NULL on ENOMEM. */
static cfg_t *build_cfg(void)
{
	enum { NSEC = 16 };
	cfg_opt_t root[NSEC + 1], end = CFG_END();
	cfg_opt_t *subs[NSEC] = { NULL };
	cfg_t *cfg = NULL;
	size_t n = 0;
	int ok = 1;

	for (; zc_sections[n] && n < NSEC; n++) {
		cfg_opt_t sec = CFG_SEC(zc_sections[n], NULL, CFGF_NONE);

		subs[n] = build_section(zc_sections[n]);
		ok = ok && subs[n];
		sec.subopts = subs[n];
		root[n] = sec;
	}
	root[n] = end;
	if (ok)
		cfg = cfg_init(root, CFGF_NONE);
	for (size_t i = 0; i < n; i++)
		free(subs[i]);
	if (cfg) {
		cfg_set_error_function(cfg, on_error);
		set_validators(cfg);
	}
	return cfg;
}

static int convert_addrs(struct zc_config *c, cfg_t *sec, const char *name)
{
	unsigned int n = cfg_size(sec, name);

	for (int i = 0; i < ZC_MAX_LISTEN; i++) {
		free(c->listen_addrs[i]);
		c->listen_addrs[i] = NULL;
	}
	c->n_listen = 0;
	for (unsigned int i = 0; i < n && i < ZC_MAX_LISTEN; i++) {
		c->listen_addrs[i] = strdup(cfg_getnstr(sec, name, i));
		if (!c->listen_addrs[i])
			return -ENOMEM;
		c->n_listen = (int)i + 1;
	}
	return 0;
}

static int convert_one(struct zc_config *c, cfg_t *sec, const struct zc_opt *o)
{
	switch (o->type) {
	case ZC_T_BOOL:
		*zc_opt_int(c, o) = cfg_getbool(sec, o->name) ? 1 : 0;
		return 0;
	case ZC_T_INT:
		*zc_opt_int(c, o) = (int)cfg_getint(sec, o->name);
		return 0;
	case ZC_T_OCTAL:
		*zc_opt_int(c, o) = (int)zc_parse_octal(cfg_getstr(sec, o->name));
		return 0;
	case ZC_T_STR:
		return zc_opt_store_str(c, o, cfg_getstr(sec, o->name));
	case ZC_T_ADDRS:
		return convert_addrs(c, sec, o->name);
	}
	return 0;
}

/* Copy every option the file set (and only those) into c. */
static int convert(struct zc_config *c, cfg_t *root)
{
	for (size_t i = 0; i < zc_nopts; i++) {
		cfg_t *sec = cfg_getsec(root, zc_opts[i].section);
		int rc;

		if (!sec || cfg_size(sec, zc_opts[i].name) == 0)
			continue;
		rc = convert_one(c, sec, &zc_opts[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int zc_config_parse(struct zc_config *c, const char *text, const char *source,
		    char *err, size_t errsz)
{
	struct parse_ctx ctx = { source, err, errsz, 0, NULL };
	cfg_t *cfg = build_cfg();
	int rc;

	ctx.lines = calloc(zc_nopts, sizeof(*ctx.lines));
	if (!cfg || !ctx.lines) {
		if (cfg)
			cfg_free(cfg);
		free(ctx.lines);
		return -ENOMEM;
	}
	cur = &ctx;
	rc = cfg_parse_buf(cfg, text) == CFG_SUCCESS ? 0 : -EINVAL;
	cur = NULL;
	if (rc < 0 && !ctx.failed)
		zc_errf(err, errsz, source, 0, NULL, "syntax error");
	if (rc == 0)
		rc = convert(c, cfg);
	if (rc == 0)
		rc = zc_config_check(c, ctx.lines, err, errsz);
	cfg_free(cfg);
	free(ctx.lines);
	return rc;
}
