/* config.c - defaults, loading, overrides, finalize, free (see config.h). */
#include <config.h>	/* autoconf's; <> because "config.h" would find conf/config.h */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "conf/config_int.h"
#include "sys.h"

#define ZC_ROOT_PORT 21		/* RFC 959 section 3.2: the standard control port */
#define ZC_USER_PORT 2121	/* unprivileged stand-in when not started as root */
#define ZC_ROOT_FTPS_PORT 990	/* IANA "ftps" (RFC 4217 section 4: implicit mode) */
#define ZC_USER_FTPS_PORT 9990	/* unprivileged stand-in */
#define ZC_ROOT_ANON_ROOT "/srv/ftp"	/* FHS 3.0 section 3.17: /srv/ftp */

struct zc_default_str {
	size_t off;
	const char *value;
};

static const struct zc_default_str zc_default_strs[] = {
	{ offsetof(struct zc_config, banner), "zcftpd ready" },
	{ offsetof(struct zc_config, anon_user), "ftp" },
	{ offsetof(struct zc_config, privsep_user), "zcftpd" },
	{ offsetof(struct zc_config, users_deny), "root" },
	{ offsetof(struct zc_config, virtual_account), "ftp" },
	{ offsetof(struct zc_config, syslog_facility), "ftp" },
	{ offsetof(struct zc_config, tls_min_version), "1.2" },
	{ offsetof(struct zc_config, tls_require_login), "none" },
	{ offsetof(struct zc_config, tls_require_data), "none" },
	{ offsetof(struct zc_config, listen_addrs[0]), "0.0.0.0" },
	{ offsetof(struct zc_config, listen_addrs[1]), "::" },
};

static void set_default_ints(struct zc_config *c)
{
	c->n_listen = 2;
	c->port = 0;
	c->foreground = ZC_AUTO;
	c->anon_enable = 1;
	c->users_writable = 1;
	c->local_umask = 022;
	c->port_enable = 1;
	c->max_clients = 200;
	c->max_per_ip = 20;
	c->idle_timeout = 300;
	c->data_timeout = 120;
	c->login_timeout = 60;
	c->accept_timeout = 60;
	c->login_fail_delay_ms = 1000;
	c->max_login_failures = 3;
	c->pipe_size = 1048576;
	c->syslog = ZC_AUTO;
	c->log_level = 2;
	c->privsep = 1;
	c->local_enable = 1;
	c->check_shell = 1;
	c->max_login_pending = 64;
	c->tls_ktls = 1;
	c->tls_require_reuse = 1;
}

int zc_config_defaults(struct zc_config *c)
{
	memset(c, 0, sizeof(*c));
	set_default_ints(c);
	for (size_t i = 0; i < sizeof(zc_default_strs) / sizeof(zc_default_strs[0]); i++) {
		char **field = (char **)((char *)c + zc_default_strs[i].off);

		*field = strdup(zc_default_strs[i].value);
		if (!*field) {
			zc_config_free(c);
			return -ENOMEM;
		}
	}
	return 0;
}

void zc_config_free(struct zc_config *c)
{
	for (size_t i = 0; i < zc_nopts; i++)
		if (zc_opts[i].type == ZC_T_STR)
			free(*zc_opt_str(c, &zc_opts[i]));
	for (int i = 0; i < ZC_MAX_LISTEN; i++)
		free(c->listen_addrs[i]);
	free(c->source);
	memset(c, 0, sizeof(*c));
}

int zc_verrf(char *err, size_t errsz, const char *source, int line,
	     const char *section, const char *option, const char *fmt, va_list ap)
{
	size_t used = 0;
	int n = 0;

	if (!err || errsz == 0)
		return -EINVAL;
	err[0] = '\0';
	if (source && line > 0)
		n = snprintf(err, errsz, "%s:%d: ", source, line);
	else if (source)
		n = snprintf(err, errsz, "%s: ", source);
	used = n > 0 && (size_t)n < errsz ? (size_t)n : strlen(err);
	if (section && option)
		n = snprintf(err + used, errsz - used, "%s: %s: ", section, option);
	else if (section)
		n = snprintf(err + used, errsz - used, "%s: ", section);
	else
		n = 0;
	used = n > 0 && used + (size_t)n < errsz ? used + (size_t)n : strlen(err);
	vsnprintf(err + used, errsz - used, fmt, ap);
	return -EINVAL;
}

int zc_errf(char *err, size_t errsz, const char *source, int line,
	    const struct zc_opt *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	zc_verrf(err, errsz, source, line, o ? o->section : NULL,
		 o ? o->name : NULL, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int zc_config_tls_require(const char *name)
{
	static const char *const names[] = {
		[ZC_TLS_REQUIRE_NONE] = "none", [ZC_TLS_REQUIRE_NON_ANON] = "non-anonymous",
		[ZC_TLS_REQUIRE_ALL] = "all",
	};

	for (size_t i = 0; name && i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return (int)i;
	return -EINVAL;
}

static int opt_line(const int *lines, const char *section, const char *name)
{
	return lines ? lines[zc_opt_find(section, name) - zc_opts] : 0;
}

/* TLS settings that need each other: a certificate when TLS is on,
 * requiring TLS only when it is offered, two different ports. */
static int check_tls(const struct zc_config *c, const int *lines, char *err, size_t errsz)
{
	int on = c->tls_enable || c->tls_implicit;
	const char *req[] = { "require_login", "require_data" };
	const char *rval[] = { c->tls_require_login, c->tls_require_data };

	if (on && !c->tls_cert) {
		int l = opt_line(lines, "tls", "cert_file"), le = opt_line(lines, "tls", "enable");
		int li = opt_line(lines, "tls", "implicit");
		if (!l)	/* not in the file: cite the line that turned TLS on */
			l = le > li ? le : li;
		return zc_errf(err, errsz, c->source, l, zc_opt_find("tls", "cert_file"),
			       "a certificate is needed when enable or implicit is true");
	}
	for (int i = 0; i < 2; i++)
		if (!on && zc_config_tls_require(rval[i]) > 0)
			return zc_errf(err, errsz, c->source, opt_line(lines, "tls", req[i]),
				       zc_opt_find("tls", req[i]),
				       "TLS is not enabled (set enable or implicit to true)");
	if (c->tls_implicit && c->tls_implicit_port && c->tls_implicit_port == c->port)
		return zc_errf(err, errsz, c->source, opt_line(lines, "tls", "implicit_port"),
			       zc_opt_find("tls", "implicit_port"),
			       "%d is also the control port (listen.port)", c->port);
	return 0;
}

/* Rules that span options; also run by finalize, after overrides. */
int zc_config_check(const struct zc_config *c, const int *lines,
		    char *err, size_t errsz)
{
	const struct zc_opt *min = zc_opt_find("passive", "min_port");
	const struct zc_opt *max = zc_opt_find("passive", "max_port");
	int lmin = lines ? lines[min - zc_opts] : 0;
	int lmax = lines ? lines[max - zc_opts] : 0;

	if ((c->pasv_min_port == 0) != (c->pasv_max_port == 0))
		return zc_errf(err, errsz, c->source, lmin > lmax ? lmin : lmax,
			       c->pasv_min_port ? max : min,
			       "must be set too: give both min_port and max_port, or neither");
	if (c->pasv_min_port > c->pasv_max_port)
		return zc_errf(err, errsz, c->source, lmin > lmax ? lmin : lmax,
			       lmax > lmin ? max : min,
			       "min_port %d is greater than max_port %d",
			       c->pasv_min_port, c->pasv_max_port);
	if (c->n_listen < 1)
		return zc_errf(err, errsz, c->source, 0, zc_opt_find("listen", "address"),
			       "at least one address is needed");
	return check_tls(c, lines, err, errsz);
}

/* Read the whole file, bounded by ZC_CONFIG_MAX_BYTES, NUL-terminated.
 * Returns 0, -EFBIG, -ENOMEM or the -errno of open/read. */
static int read_file(const char *path, char **out, size_t *outlen)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : buf ? 0 : -ENOMEM;

	while (rc == 0) {
		ssize_t r;

		if (len + 1 == cap) {
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		r = sys_read(fd, buf + len, cap - 1 - len);
		if (r <= 0) {
			rc = (int)r;
			break;
		}
		len += (size_t)r;
		if (len > ZC_CONFIG_MAX_BYTES)
			rc = -EFBIG;
	}
	sys_close(fd);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static int load_file(struct zc_config *c, const char *path, char *err, size_t errsz)
{
	char *text = NULL;
	size_t len = 0;
	int rc = read_file(path, &text, &len);

	if (rc == -EFBIG)
		return zc_errf(err, errsz, path, 0, NULL, "larger than %d bytes", ZC_CONFIG_MAX_BYTES);
	if (rc < 0) {
		zc_errf(err, errsz, path, 0, NULL, "cannot read: %s", strerror(-rc));
		return rc;
	}
	if (memchr(text, '\0', len))
		rc = zc_errf(err, errsz, path, 0, NULL, "contains a NUL byte: not a text file");
	if (rc == 0)
		rc = zc_config_scan(text, len, path, err, errsz);
	if (rc == 0)
		rc = zc_config_parse(c, text, path, err, errsz);
	free(text);
	return rc;
}

int zc_config_load(struct zc_config *c, const char *path, char *err, size_t errsz)
{
	int rc = zc_config_defaults(c);

	if (rc == 0 && path) {
		/* Set first: the cross-option checks name c->source. */
		c->source = strdup(path);
		rc = c->source ? load_file(c, path, err, errsz) : -ENOMEM;
	}
	if (rc == -ENOMEM)
		zc_errf(err, errsz, path, 0, NULL, "out of memory");
	if (rc < 0)
		zc_config_free(c);
	return rc;
}

static int resolve_anon_root(struct zc_config *c, int euid, char *err, size_t errsz)
{
	char *dir;

	if (c->anon_root)
		return 0;
	/* As an ordinary user the quick start serves the current directory. */
	errno = ENOMEM;
	dir = euid == 0 ? strdup(ZC_ROOT_ANON_ROOT) : getcwd(NULL, 0);
	if (!dir) {
		int e = -errno;

		zc_errf(err, errsz, c->source, 0, zc_opt_find("anonymous", "root"),
			"cannot determine the current directory: %s", strerror(-e));
		return e;
	}
	c->anon_root = dir;
	return 0;
}

int zc_config_finalize(struct zc_config *c, int euid, char *err, size_t errsz)
{
	int rc;

	if (c->port == 0)
		c->port = euid == 0 ? ZC_ROOT_PORT : ZC_USER_PORT;
	if (c->tls_implicit_port == 0)
		c->tls_implicit_port = euid == 0 ? ZC_ROOT_FTPS_PORT : ZC_USER_FTPS_PORT;
	if (c->foreground == ZC_AUTO)
		c->foreground = euid != 0;
	if (c->syslog == ZC_AUTO)
		c->syslog = !c->foreground;
	rc = resolve_anon_root(c, euid, err, errsz);
	if (rc < 0)
		return rc;
	if (!c->run_dir && euid == 0 && !(c->run_dir = strdup(ZC_ROOT_RUN_DIR)))
		return -ENOMEM;
	return zc_config_check(c, NULL, err, errsz);
}
