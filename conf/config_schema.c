/* config_schema.c - the option table and per-value validation (see config_int.h). */
#include <config.h>	/* autoconf's; <> because "config.h" would find conf/config.h */

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config_int.h"

#define OFF(f) offsetof(struct zc_config, f)
#define MAX_TIMEOUT 86400	/* a day: longer is a typo, not a policy */

const char *const zc_sections[] = {
	"listen", "server", "anonymous", "users", "passive", "active",
	"limits", "transfer", "files", "tls", "log", NULL
};

const struct zc_opt zc_opts[] = {
	{ "listen", "address", ZC_T_ADDRS, 0, OFF(listen_addrs), 1, ZC_MAX_LISTEN },
	{ "listen", "port", ZC_T_INT, ZC_F_AUTO, OFF(port), 1, 65535 },
	{ "listen", "proxy_protocol", ZC_T_BOOL, 0, OFF(proxy_protocol), 0, 1 },
	{ "listen", "proxy_from", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(proxy_from), 0, ZC_STR_MAX },
	{ "server", "foreground", ZC_T_BOOL, ZC_F_AUTO, OFF(foreground), 0, 1 },
	{ "server", "pidfile", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(pidfile), 0, ZC_STR_MAX },
	{ "server", "banner", ZC_T_STR, ZC_F_TEXT, OFF(banner), 0, 256 },
	{ "server", "privsep", ZC_T_BOOL, 0, OFF(privsep), 0, 1 },
	{ "server", "privsep_user", ZC_T_STR, ZC_F_TEXT, OFF(privsep_user), 0, 32 },
	{ "server", "run_dir", ZC_T_STR, ZC_F_AUTO | ZC_F_NONE | ZC_F_ABSPATH, OFF(run_dir), 0, 256 },
	{ "anonymous", "enable", ZC_T_BOOL, 0, OFF(anon_enable), 0, 1 },
	{ "anonymous", "root", ZC_T_STR, ZC_F_AUTO | ZC_F_NONE | ZC_F_ABSPATH, OFF(anon_root), 0, ZC_STR_MAX },
	{ "anonymous", "upload", ZC_T_BOOL, 0, OFF(anon_upload), 0, 1 },
	{ "anonymous", "mkdir", ZC_T_BOOL, 0, OFF(anon_mkdir), 0, 1 },
	{ "anonymous", "user", ZC_T_STR, ZC_F_TEXT, OFF(anon_user), 0, 32 },
	{ "users", "file", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(users_file), 0, ZC_STR_MAX },
	{ "users", "writable", ZC_T_BOOL, 0, OFF(users_writable), 0, 1 },
	{ "users", "umask", ZC_T_OCTAL, 0, OFF(local_umask), 0, 0777 },
	{ "users", "local_enable", ZC_T_BOOL, 0, OFF(local_enable), 0, 1 },
	{ "users", "check_shell", ZC_T_BOOL, 0, OFF(check_shell), 0, 1 },
	{ "users", "allow", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(users_allow), 0, ZC_STR_MAX },
	{ "users", "deny", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(users_deny), 0, ZC_STR_MAX },
	{ "users", "local_root", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(local_root), 0, ZC_STR_MAX },
	{ "users", "virtual_account", ZC_T_STR, ZC_F_TEXT, OFF(virtual_account), 0, 32 },
	{ "users", "options_file", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(user_options), 0, ZC_STR_MAX },
	{ "users", "max_sessions", ZC_T_INT, ZC_F_ZERO, OFF(max_sessions_per_user), 1, 10000 },
	{ "passive", "min_port", ZC_T_INT, ZC_F_ZERO, OFF(pasv_min_port), 1024, 65535 },
	{ "passive", "max_port", ZC_T_INT, ZC_F_ZERO, OFF(pasv_max_port), 1024, 65535 },
	{ "passive", "address", ZC_T_STR, ZC_F_NONE | ZC_F_IPV4, OFF(pasv_address), 0, 15 },
	{ "passive", "address_map", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(pasv_address_map), 0, ZC_STR_MAX },
	{ "active", "enable", ZC_T_BOOL, 0, OFF(port_enable), 0, 1 },
	{ "limits", "max_clients", ZC_T_INT, 0, OFF(max_clients), 1, 100000 },
	{ "limits", "max_per_ip", ZC_T_INT, 0, OFF(max_per_ip), 1, 10000 },
	{ "limits", "idle_timeout", ZC_T_INT, 0, OFF(idle_timeout), 1, MAX_TIMEOUT },
	{ "limits", "data_timeout", ZC_T_INT, 0, OFF(data_timeout), 1, MAX_TIMEOUT },
	{ "limits", "login_timeout", ZC_T_INT, 0, OFF(login_timeout), 1, 3600 },
	{ "limits", "accept_timeout", ZC_T_INT, 0, OFF(accept_timeout), 1, 3600 },
	{ "limits", "login_fail_delay_ms", ZC_T_INT, 0, OFF(login_fail_delay_ms), 0, 60000 },
	{ "limits", "max_login_failures", ZC_T_INT, 0, OFF(max_login_failures), 1, 100 },
	{ "limits", "anon_rate_down", ZC_T_INT, ZC_F_ZERO, OFF(anon_rate_down), 1024, 2000000000 },
	{ "limits", "anon_rate_up", ZC_T_INT, ZC_F_ZERO, OFF(anon_rate_up), 1024, 2000000000 },
	{ "limits", "user_rate_down", ZC_T_INT, ZC_F_ZERO, OFF(user_rate_down), 1024, 2000000000 },
	{ "limits", "user_rate_up", ZC_T_INT, ZC_F_ZERO, OFF(user_rate_up), 1024, 2000000000 },
	{ "limits", "max_login_pending", ZC_T_INT, 0, OFF(max_login_pending), 1, 100000 },
	{ "transfer", "pipe_size", ZC_T_INT, 0, OFF(pipe_size), 4096, 67108864 },
	{ "transfer", "atomic_uploads", ZC_T_BOOL, 0, OFF(atomic_uploads), 0, 1 },
	{ "files", "deny", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(files_deny), 0, ZC_STR_MAX },
	{ "files", "hide", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(files_hide), 0, ZC_STR_MAX },
	{ "tls", "enable", ZC_T_BOOL, 0, OFF(tls_enable), 0, 1 },
	{ "tls", "implicit", ZC_T_BOOL, 0, OFF(tls_implicit), 0, 1 },
	{ "tls", "implicit_port", ZC_T_INT, ZC_F_AUTO, OFF(tls_implicit_port), 1, 65535 },
	{ "tls", "cert_file", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(tls_cert), 0, ZC_STR_MAX },
	{ "tls", "key_file", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(tls_key), 0, ZC_STR_MAX },
	{ "tls", "ciphers", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(tls_ciphers), 0, 1024 },
	{ "tls", "ciphersuites", ZC_T_STR, ZC_F_NONE | ZC_F_TEXT, OFF(tls_ciphersuites), 0, 1024 },
	{ "tls", "min_version", ZC_T_STR, ZC_F_TLSVER, OFF(tls_min_version), 0, 8 },
	{ "tls", "ktls", ZC_T_BOOL, 0, OFF(tls_ktls), 0, 1 },
	{ "tls", "require_login", ZC_T_STR, ZC_F_TLSREQ, OFF(tls_require_login), 0, 16 },
	{ "tls", "require_data", ZC_T_STR, ZC_F_TLSREQ, OFF(tls_require_data), 0, 16 },
	{ "tls", "require_reuse", ZC_T_BOOL, 0, OFF(tls_require_reuse), 0, 1 },
	{ "tls", "ccc", ZC_T_BOOL, 0, OFF(tls_ccc), 0, 1 },
	{ "log", "json", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH, OFF(json_log), 0, ZC_STR_MAX },
	{ "log", "xferlog", ZC_T_STR, ZC_F_NONE | ZC_F_ABSPATH | ZC_F_DASH, OFF(xferlog), 0, ZC_STR_MAX },
	{ "log", "syslog", ZC_T_BOOL, ZC_F_AUTO, OFF(syslog), 0, 1 },
	{ "log", "facility", ZC_T_STR, ZC_F_FACILITY, OFF(syslog_facility), 0, 16 },
	{ "log", "level", ZC_T_INT, 0, OFF(log_level), 0, 3 },
};
const size_t zc_nopts = sizeof(zc_opts) / sizeof(zc_opts[0]);

const struct zc_opt *zc_opt_find(const char *section, const char *name)
{
	for (size_t i = 0; i < zc_nopts; i++)
		if (!strcmp(zc_opts[i].section, section) && !strcmp(zc_opts[i].name, name))
			return &zc_opts[i];
	return NULL;
}

int *zc_opt_int(struct zc_config *c, const struct zc_opt *o)
{
	return (int *)((char *)c + o->off);
}

char **zc_opt_str(struct zc_config *c, const struct zc_opt *o)
{
	return (char **)((char *)c + o->off);
}

int zc_opt_getint(const struct zc_config *c, const struct zc_opt *o)
{
	return *(const int *)((const char *)c + o->off);
}

const char *zc_opt_getstr(const struct zc_config *c, const struct zc_opt *o)
{
	return *(char *const *)((const char *)c + o->off);
}

int zc_opt_store_str(struct zc_config *c, const struct zc_opt *o, const char *s)
{
	char **field = zc_opt_str(c, o);
	char *copy = NULL;

	if (s && !(*s == '\0' && (o->flags & ZC_F_NONE))) {
		copy = strdup(s);
		if (!copy)
			return -ENOMEM;
	}
	free(*field);
	*field = copy;
	return 0;
}

int zc_opt_check_int(const struct zc_opt *o, long v, char *msg, size_t n)
{
	if ((o->flags & ZC_F_ZERO) && v == 0)
		return 0;
	if (o->type == ZC_T_BOOL || (v >= o->min && v <= o->max))
		return 0;
	if (o->type == ZC_T_OCTAL)
		snprintf(msg, n, "must be an octal value between %03lo and %03lo",
			 (unsigned long)o->min, (unsigned long)o->max);
	else if (o->flags & ZC_F_ZERO)
		snprintf(msg, n, "must be 0 or between %ld and %ld", o->min, o->max);
	else
		snprintf(msg, n, "must be between %ld and %ld", o->min, o->max);
	return -EINVAL;
}

static int is_ip(const char *s, int family)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(family, s, buf) == 1;
}

static int has_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* Checks for a non-empty string; "" was handled by the caller. */
static int check_text(const struct zc_opt *o, const char *s, char *msg, size_t n)
{
	if ((o->flags & ZC_F_DASH) && !strcmp(s, "-"))
		return 0;
	if ((o->flags & ZC_F_ABSPATH) && s[0] != '/')
		snprintf(msg, n, "'%s' must be an absolute path", s);
	else if ((o->flags & ZC_F_IPV4) && !is_ip(s, AF_INET))
		snprintf(msg, n, "'%s' is not a numeric IPv4 address", s);
	else if ((o->flags & ZC_F_TLSVER) && strcmp(s, "1.2") && strcmp(s, "1.3"))
		snprintf(msg, n, "'%s' is not a TLS version this server allows (1.2 or 1.3)", s);
	else if ((o->flags & ZC_F_TLSREQ) && zc_config_tls_require(s) < 0)
		snprintf(msg, n, "'%s' must be none, non-anonymous or all", s);
	else if ((o->flags & ZC_F_FACILITY) && zc_config_syslog_facility(s) < 0)
		snprintf(msg, n, "'%s' is not a syslog facility (ftp, daemon, local0..local7, ...)", s);
	else if (has_ctl(s))
		snprintf(msg, n, "must not contain control characters");
	else
		return 0;
	return -EINVAL;
}

int zc_opt_check_str(const struct zc_opt *o, const char *s, char *msg, size_t n)
{
	if (o->type == ZC_T_ADDRS) {
		/* is_ip() bounds the length: inet_pton rejects anything longer. */
		if (is_ip(s, AF_INET) || is_ip(s, AF_INET6))
			return 0;
		snprintf(msg, n, "'%.64s' is not a numeric IPv4 or IPv6 address", s);
		return -EINVAL;
	}
	if (strlen(s) > (size_t)o->max) {
		snprintf(msg, n, "longer than %ld characters", o->max);
		return -EINVAL;
	}
	if (*s == '\0') {
		if (o->flags & ZC_F_NONE)
			return 0;
		snprintf(msg, n, "must not be empty");
		return -EINVAL;
	}
	return check_text(o, s, msg, n);
}

long zc_parse_octal(const char *s)
{
	long v = 0;

	/* Always octal, like umask(1): "22" and "022" are the same mask. */
	if (*s == '\0' || strlen(s) > 4)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		v = v * 8 + (*s - '0');
	}
	return v;
}
