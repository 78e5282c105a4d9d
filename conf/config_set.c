/* config_set.c - one option from text (command-line overrides), and syslog
 * facility names. Validation is the same row-driven code the file uses. */
#include <config.h>	/* autoconf's; <> because "config.h" would find conf/config.h */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "buf.h"
#include "conf/config_int.h"

#define KEY_MAX 64
#define ADDRS_TEXT_MAX 1024

static const struct {
	const char *name;
	int value;
} facilities[] = {
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP }, { "kern", LOG_KERN },
	{ "lpr", LOG_LPR }, { "mail", LOG_MAIL }, { "news", LOG_NEWS },
	{ "syslog", LOG_SYSLOG }, { "user", LOG_USER }, { "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int zc_config_syslog_facility(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcmp(facilities[i].name, name))
			return facilities[i].value;
	return -EINVAL;
}

/* The spellings libconfuse accepts for booleans. Returns 0, 1 or -EINVAL. */
static int parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(s, yes[i]))
			return 1;
		if (!strcasecmp(s, no[i]))
			return 0;
	}
	return -EINVAL;
}

/* Integer as libconfuse reads it (strtol base 0), or -EINVAL via ok. */
static long parse_long(const char *s, int *ok)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	*ok = errno == 0 && end != s && *end == '\0';
	return v;
}

static int store_addrs(struct zc_config *c, const struct zc_opt *o, char *const *addr,
		       int n, char *err, size_t errsz)
{
	char *copy[ZC_MAX_LISTEN] = { NULL };

	for (int i = 0; i < n; i++) {
		copy[i] = strdup(addr[i]);
		if (!copy[i]) {
			while (i--)
				free(copy[i]);
			zc_errf(err, errsz, NULL, 0, o, "out of memory");
			return -ENOMEM;
		}
	}
	for (int i = 0; i < ZC_MAX_LISTEN; i++) {
		free(c->listen_addrs[i]);
		c->listen_addrs[i] = copy[i];
	}
	c->n_listen = n;
	return 0;
}

/* "0.0.0.0, ::" -> listen_addrs. All are checked before c is touched. */
static int set_addrs(struct zc_config *c, const struct zc_opt *o, const char *value,
		     char *err, size_t errsz)
{
	char text[ADDRS_TEXT_MAX], *addr[ZC_MAX_LISTEN], *p = text, msg[256];
	int n = 0;

	if (zc_strlcpy(text, value, sizeof(text)) < 0)
		return zc_errf(err, errsz, NULL, 0, o, "list too long");
	while (p) {
		char *comma = strchr(p, ',');

		if (comma)
			*comma = '\0';
		p += strspn(p, " \t");
		p[strcspn(p, " \t")] = '\0';
		if (n == ZC_MAX_LISTEN)
			return zc_errf(err, errsz, NULL, 0, o, "at most %d addresses", ZC_MAX_LISTEN);
		if (zc_opt_check_str(o, p, msg, sizeof(msg)) < 0)
			return zc_errf(err, errsz, NULL, 0, o, "%s", msg);
		addr[n++] = p;
		p = comma ? comma + 1 : NULL;
	}
	return store_addrs(c, o, addr, n, err, errsz);
}

static int set_number(struct zc_config *c, const struct zc_opt *o, const char *value,
		      char *err, size_t errsz)
{
	char msg[256];
	int ok = 1;
	long v;

	if (o->type == ZC_T_BOOL)
		ok = (v = parse_bool(value)) >= 0;
	else if (o->type == ZC_T_OCTAL)
		ok = (v = zc_parse_octal(value)) >= 0;
	else
		v = parse_long(value, &ok);
	if (!ok)
		return zc_errf(err, errsz, NULL, 0, o, "'%.32s' is not %s", value,
			       o->type == ZC_T_BOOL ? "true or false" :
			       o->type == ZC_T_OCTAL ? "an octal value such as 022" : "an integer");
	if (zc_opt_check_int(o, v, msg, sizeof(msg)) < 0)
		return zc_errf(err, errsz, NULL, 0, o, "%s", msg);
	*zc_opt_int(c, o) = (int)v;
	return 0;
}

int zc_config_set(struct zc_config *c, const char *key, const char *value,
		  char *err, size_t errsz)
{
	char section[KEY_MAX], msg[256];
	const char *dot = strchr(key, '.');
	const struct zc_opt *o = NULL;

	if (dot && (size_t)(dot - key) < sizeof(section)) {
		memcpy(section, key, (size_t)(dot - key));
		section[dot - key] = '\0';
		o = zc_opt_find(section, dot + 1);
	}
	if (!o)
		return zc_errf(err, errsz, NULL, 0, NULL,
			       "unknown option '%.64s' (expected section.option, e.g. listen.port)", key);
	if (o->type == ZC_T_ADDRS)
		return set_addrs(c, o, value, err, errsz);
	if (o->type != ZC_T_STR)
		return set_number(c, o, value, err, errsz);
	if (zc_opt_check_str(o, value, msg, sizeof(msg)) < 0)
		return zc_errf(err, errsz, NULL, 0, o, "%s", msg);
	if (zc_opt_store_str(c, o, value) < 0) {
		zc_errf(err, errsz, NULL, 0, o, "out of memory");
		return -ENOMEM;
	}
	return 0;
}
