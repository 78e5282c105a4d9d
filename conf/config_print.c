/* config_print.c - the effective configuration in the file's own syntax
 * (zcftpd -t), and comparison of two configurations. */
#include <config.h>	/* autoconf's; <> because "config.h" would find conf/config.h */

#include <stdio.h>
#include <string.h>

#include "conf/config_int.h"

/* A double-quoted string the libconfuse lexer reads back unchanged:
 * backslash, quote and '$' (which starts ${ENV} substitution) are escaped,
 * control characters are written as \xHH. */
static void print_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\' || ch == '$')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void print_addrs(const struct zc_config *c, FILE *f)
{
	fputs("{", f);
	for (int i = 0; i < c->n_listen && i < ZC_MAX_LISTEN; i++) {
		fputs(i ? ", " : "", f);
		print_quoted(f, c->listen_addrs[i] ? c->listen_addrs[i] : "");
	}
	fputs("}", f);
}

static int is_auto(const struct zc_opt *o, int v)
{
	if (!(o->flags & ZC_F_AUTO))
		return 0;
	return o->type == ZC_T_BOOL ? v == ZC_AUTO : v == 0;
}

static void print_opt(const struct zc_config *c, const struct zc_opt *o, FILE *f)
{
	int v = o->type == ZC_T_STR || o->type == ZC_T_ADDRS ? 0 : zc_opt_getint(c, o);
	const char *s = o->type == ZC_T_STR ? zc_opt_getstr(c, o) : NULL;

	if (o->type != ZC_T_STR && o->type != ZC_T_ADDRS && is_auto(o, v)) {
		fprintf(f, "\t# %s = auto\n", o->name);
		return;
	}
	fprintf(f, "\t%s = ", o->name);
	if (o->type == ZC_T_BOOL)
		fputs(v ? "true" : "false", f);
	else if (o->type == ZC_T_INT)
		fprintf(f, "%d", v);
	else if (o->type == ZC_T_OCTAL)
		fprintf(f, "\"%03o\"", (unsigned int)v);
	else if (o->type == ZC_T_ADDRS)
		print_addrs(c, f);
	else
		print_quoted(f, s ? s : "");
	if (o->type == ZC_T_STR && !s)
		fputs(o->flags & ZC_F_AUTO ? "\t# auto" : "\t# none", f);
	fputc('\n', f);
}

void zc_config_print(const struct zc_config *c, FILE *f)
{
	fprintf(f, "# zcftpd effective configuration (%s%s)\n",
		c->source ? "from " : "built-in defaults", c->source ? c->source : "");
	for (size_t s = 0; zc_sections[s]; s++) {
		fprintf(f, "\n%s {\n", zc_sections[s]);
		for (size_t i = 0; i < zc_nopts; i++)
			if (!strcmp(zc_opts[i].section, zc_sections[s]))
				print_opt(c, &zc_opts[i], f);
		fputs("}\n", f);
	}
}

static int str_equal(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int opt_equal(const struct zc_config *a, const struct zc_config *b,
		     const struct zc_opt *o)
{
	if (o->type == ZC_T_STR)
		return str_equal(zc_opt_getstr(a, o), zc_opt_getstr(b, o));
	if (o->type != ZC_T_ADDRS)
		return zc_opt_getint(a, o) == zc_opt_getint(b, o);
	if (a->n_listen != b->n_listen)
		return 0;
	for (int i = 0; i < a->n_listen && i < ZC_MAX_LISTEN; i++)
		if (!str_equal(a->listen_addrs[i], b->listen_addrs[i]))
			return 0;
	return 1;
}

int zc_config_equal(const struct zc_config *a, const struct zc_config *b)
{
	for (size_t i = 0; i < zc_nopts; i++)
		if (!opt_equal(a, b, &zc_opts[i]))
			return 0;
	return 1;
}
