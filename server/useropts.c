/* useropts.c - per-user options (see useropts.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "auth.h"
#include "buf.h"
#include "log.h"
#include "useropts.h"

static int parse_bool(const char *v, int *out)
{
	if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return -EINVAL;
	return 0;
}

static int parse_num(const char *v, int base, long max, int *out)
{
	char *end;
	long n = strtol(v, &end, base);
	if (!*v || *end || n < 0 || n > max)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

static int apply_kv(char *kv, struct user_opts *o)
{
	char *eq = strchr(kv, '=');
	if (!eq)
		return -EINVAL;
	*eq = '\0';
	const char *k = kv, *v = eq + 1;
	if (!strcmp(k, "root")) {
		o->has_root = 1;
		return v[0] == '/' ? zc_strlcpy(o->root, v, sizeof o->root) : -EINVAL;
	}
	if (!strcmp(k, "writable"))
		return o->has_writable = 1, parse_bool(v, &o->writable);
	if (!strcmp(k, "umask"))
		return o->has_umask = 1, parse_num(v, 8, 0777, &o->umask);
	if (!strcmp(k, "max_sessions"))
		return o->has_max_sessions = 1, parse_num(v, 10, 10000, &o->max_sessions);
	if (!strcmp(k, "rate_down"))
		return o->has_rate_down = 1, parse_num(v, 10, 2000000000, &o->rate_down);
	if (!strcmp(k, "rate_up"))
		return o->has_rate_up = 1, parse_num(v, 10, 2000000000, &o->rate_up);
	return -EINVAL;
}

int useropts_parse_line(char *line, const char *name, struct user_opts *opts)
{
	char *save = NULL;
	line[strcspn(line, "\r\n")] = '\0';
	char *tok = strtok_r(line, " \t", &save);
	if (!tok || tok[0] == '#' || strcmp(tok, name) != 0)
		return 0;
	memset(opts, 0, sizeof *opts);
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL)
		if (apply_kv(tok, opts) < 0)
			return -EINVAL;
	return 1;
}

/* Drop the rest of a line fgets() cut; returns the bytes dropped (the
 * '\n' not counted: a line that just fit has none left). */
static size_t skip_rest(FILE *f)
{
	size_t n = 0;
	int c;
	while ((c = getc(f)) != EOF && c != '\n')
		n++;
	return n;
}

int useropts_lookup(const char *path, const char *name, struct user_opts *opts)
{
	char line[USEROPTS_LINE_MAX];
	FILE *f = fopen(path, "re");
	if (!f)
		return -errno;
	int rc = 0, lineno = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		/* The rest of an over-long line must not be read as a line of
		 * its own (the tail of a comment could name a user), and the
		 * user's own over-long line is not known in full: refuse it. */
		int cut = !strchr(line, '\n') && skip_rest(f) > 0;
		rc = useropts_parse_line(line, name, opts);
		if (cut && rc == 1)
			rc = -EINVAL;
		if (rc < 0)
			log_err("%s:%d: bad options line for user \"%s\"", path, lineno, name);
	}
	fclose(f);
	return rc;
}

int auth_apply_user_options(const struct zc_config *cfg, const char *name, struct auth_user *u)
{
	struct user_opts o;
	u->umask = cfg->local_umask;
	u->max_sessions = cfg->max_sessions_per_user;
	u->rate_down = u->anonymous ? cfg->anon_rate_down : cfg->user_rate_down;
	u->rate_up = u->anonymous ? cfg->anon_rate_up : cfg->user_rate_up;
	if (!cfg->user_options)
		return 0;
	/* A line we cannot read might have restricted this user: refuse
	 * rather than fall back to the more permissive defaults. */
	int rc = useropts_lookup(cfg->user_options, name, &o);
	if (rc < 0 && rc != -ENOENT)
		return rc;
	if (rc != 1)
		return 0;
	if (o.has_root)
		zc_strlcpy(u->root, o.root, sizeof u->root);
	if (o.has_writable)
		u->writable = o.writable;
	if (o.has_umask)
		u->umask = o.umask;
	if (o.has_max_sessions)
		u->max_sessions = o.max_sessions;
	if (o.has_rate_down)
		u->rate_down = o.rate_down;
	if (o.has_rate_up)
		u->rate_up = o.rate_up;
	return 0;
}
