/* check_config.c - conf/: defaults, the sample, every validation error,
 * finalize, overrides and the print -> load round trip. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include "suites.h"
#include "conf/config.h"
#include "conf/config_int.h"

#ifndef ZC_SAMPLE_CONF
#define ZC_SAMPLE_CONF "conf/zcftpd.conf"
#endif

#define ERRSZ 512

/* Write text to a fresh mkstemp file under /tmp; path receives its name. */
static void write_tmp(const char *text, char *path, size_t n)
{
	snprintf(path, n, "/tmp/zc-check-config-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t len = strlen(text);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	ck_assert_int_eq(close(fd), 0);
}

/* Load text through a temp file; returns the load result. */
static int load_text(struct zc_config *c, const char *text, char *path, size_t n,
		     char *err)
{
	write_tmp(text, path, n);
	int rc = zc_config_load(c, path, err, ERRSZ);
	unlink(path);
	return rc;
}

static void assert_defaults(const struct zc_config *c)
{
	ck_assert_int_eq(c->n_listen, 2);
	ck_assert_str_eq(c->listen_addrs[0], "0.0.0.0");
	ck_assert_str_eq(c->listen_addrs[1], "::");
	ck_assert_ptr_null(c->listen_addrs[2]);
	ck_assert_int_eq(c->port, 0);
	ck_assert_int_eq(c->foreground, ZC_AUTO);
	ck_assert_ptr_null(c->pidfile);
	ck_assert_str_eq(c->banner, "zcftpd ready");
	ck_assert_int_eq(c->anon_enable, 1);
	ck_assert_ptr_null(c->anon_root);
	ck_assert_int_eq(c->anon_upload, 0);
	ck_assert_int_eq(c->anon_mkdir, 0);
	ck_assert_str_eq(c->anon_user, "ftp");
	ck_assert_ptr_null(c->users_file);
	ck_assert_int_eq(c->users_writable, 1);
	ck_assert_int_eq(c->local_umask, 022);
	ck_assert_int_eq(c->pasv_min_port, 0);
	ck_assert_int_eq(c->pasv_max_port, 0);
	ck_assert_ptr_null(c->pasv_address);
	ck_assert_int_eq(c->port_enable, 1);
	ck_assert_int_eq(c->max_clients, 200);
	ck_assert_int_eq(c->max_per_ip, 20);
	ck_assert_int_eq(c->idle_timeout, 300);
	ck_assert_int_eq(c->data_timeout, 120);
	ck_assert_int_eq(c->login_timeout, 60);
	ck_assert_int_eq(c->accept_timeout, 60);
	ck_assert_int_eq(c->login_fail_delay_ms, 1000);
	ck_assert_int_eq(c->max_login_failures, 3);
	ck_assert_int_eq(c->pipe_size, 1048576);
	ck_assert_int_eq(c->atomic_uploads, 0);
	ck_assert_ptr_null(c->xferlog);
	ck_assert_int_eq(c->syslog, ZC_AUTO);
	ck_assert_str_eq(c->syslog_facility, "ftp");
	ck_assert_int_eq(c->log_level, 2);
	ck_assert_int_eq(c->tls_enable + c->tls_implicit + c->tls_implicit_port, 0);
	ck_assert_ptr_null(c->tls_cert);
	ck_assert_ptr_null(c->tls_key);
	ck_assert_ptr_null(c->tls_ciphers);
	ck_assert_ptr_null(c->tls_ciphersuites);
	ck_assert_str_eq(c->tls_min_version, "1.2");
	ck_assert_int_eq(c->tls_ktls, 1);
	ck_assert_str_eq(c->tls_require_login, "none");
	ck_assert_str_eq(c->tls_require_data, "none");
	ck_assert_int_eq(c->tls_require_reuse, 1);
	ck_assert_int_eq(c->tls_ccc, 0);
}

START_TEST(defaults)
{
	struct zc_config c;
	char err[ERRSZ] = "";
	ck_assert_int_eq(zc_config_defaults(&c), 0);
	assert_defaults(&c);
	ck_assert_ptr_null(c.source);
	zc_config_free(&c);
	ck_assert_int_eq(zc_config_load(&c, NULL, err, sizeof err), 0);
	assert_defaults(&c);
	zc_config_free(&c);
	zc_config_free(&c);	/* idempotent */
}
END_TEST

START_TEST(sample_equals_defaults)
{
	struct zc_config c, d;
	char err[ERRSZ] = "";
	int rc = zc_config_load(&c, ZC_SAMPLE_CONF, err, sizeof err);
	ck_assert_msg(rc == 0, "sample: %s", err);
	ck_assert_str_eq(c.source, ZC_SAMPLE_CONF);
	assert_defaults(&c);
	ck_assert_int_eq(zc_config_defaults(&d), 0);
	ck_assert_int_eq(zc_config_equal(&c, &d), 1);
	zc_config_free(&c);
	zc_config_free(&d);
}
END_TEST

static char *slurp(const char *path)
{
	static char text[64 * 1024];
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	return text;
}

/* Each option appears as "name =" (set or commented) inside its section. */
START_TEST(sample_lists_every_option)
{
	const char *text = slurp(ZC_SAMPLE_CONF);
	for (size_t i = 0; i < zc_nopts; i++) {
		char head[64], want[64];
		snprintf(head, sizeof head, "\n%s {\n", zc_opts[i].section);
		snprintf(want, sizeof want, "%s = ", zc_opts[i].name);
		const char *sec = strstr(text, head);
		ck_assert_msg(sec != NULL, "section %s missing", zc_opts[i].section);
		const char *end = strstr(sec, "\n}");
		const char *hit = sec;
		/* a whole word: preceded by a tab or "# " */
		while ((hit = strstr(hit + 1, want)) && hit < end && hit[-1] != '\t' && hit[-1] != ' ')
			;
		ck_assert_msg(hit && hit < end, "%s.%s missing from the sample",
			      zc_opts[i].section, zc_opts[i].name);
	}
}
END_TEST

static const char full_conf[] =
	"# every option, none at its default\n"
	"listen {\n address = {\"127.0.0.1\", \"::1\", \"10.0.0.1\"}\n port = 2200\n}\n"
	"server {\n foreground = yes\n pidfile = \"/run/zcftpd.pid\"\n"
	" banner = 'Welcome \"to\" \\\\ ${NOPE} here'\n}\n"
	"anonymous {\n enable = false\n root = /srv/pub\n upload = true\n mkdir = on\n"
	" user = nobody\n}\n"
	"users {\n file = \"/etc/zcftpd/users\"\n writable = no\n umask = 077\n}\n"
	"passive {\n min_port = 40000\n max_port = 40100\n address = \"192.0.2.7\"\n}\n"
	"active {\n enable = false\n}\n"
	"limits {\n max_clients = 50\n max_per_ip = 5\n idle_timeout = 600\n"
	" data_timeout = 30\n login_timeout = 20\n accept_timeout = 10\n"
	" login_fail_delay_ms = 0\n max_login_failures = 1\n}\n"
	"transfer {\n pipe_size = 65536\n atomic_uploads = true\n}\n"
	"tls {\n enable = true\n implicit = yes\n implicit_port = 2990\n"
	" cert_file = \"/etc/zcftpd/cert.pem\"\n key_file = /etc/zcftpd/key.pem\n"
	" ciphers = \"ECDHE+AESGCM\"\n ciphersuites = TLS_AES_128_GCM_SHA256\n"
	" min_version = \"1.3\"\n ktls = false\n require_login = non-anonymous\n require_data = all\n"
	" require_reuse = no\n ccc = on\n}\n"
	"log {\n xferlog = \"-\"\n syslog = true\n facility = local3\n level = 3\n}\n";

static void assert_full(const struct zc_config *c)
{
	ck_assert_int_eq(c->n_listen, 3);
	ck_assert_str_eq(c->listen_addrs[2], "10.0.0.1");
	ck_assert_int_eq(c->port, 2200);
	ck_assert_int_eq(c->foreground, 1);
	ck_assert_str_eq(c->pidfile, "/run/zcftpd.pid");
	ck_assert_str_eq(c->banner, "Welcome \"to\" \\ ${NOPE} here");
	ck_assert_int_eq(c->anon_enable, 0);
	ck_assert_str_eq(c->anon_root, "/srv/pub");
	ck_assert_int_eq(c->anon_upload + c->anon_mkdir, 2);
	ck_assert_str_eq(c->anon_user, "nobody");
	ck_assert_str_eq(c->users_file, "/etc/zcftpd/users");
	ck_assert_int_eq(c->users_writable, 0);
	ck_assert_int_eq(c->local_umask, 077);
	ck_assert_int_eq(c->pasv_min_port, 40000);
	ck_assert_int_eq(c->pasv_max_port, 40100);
	ck_assert_str_eq(c->pasv_address, "192.0.2.7");
	ck_assert_int_eq(c->port_enable, 0);
	ck_assert_int_eq(c->max_clients, 50);
	ck_assert_int_eq(c->max_per_ip, 5);
	ck_assert_int_eq(c->idle_timeout, 600);
	ck_assert_int_eq(c->data_timeout, 30);
	ck_assert_int_eq(c->login_timeout, 20);
	ck_assert_int_eq(c->accept_timeout, 10);
	ck_assert_int_eq(c->login_fail_delay_ms, 0);
	ck_assert_int_eq(c->max_login_failures, 1);
	ck_assert_int_eq(c->pipe_size, 65536);
	ck_assert_int_eq(c->atomic_uploads, 1);
	ck_assert_str_eq(c->xferlog, "-");
	ck_assert_int_eq(c->syslog, 1);
	ck_assert_str_eq(c->syslog_facility, "local3");
	ck_assert_int_eq(c->log_level, 3);
	ck_assert_int_eq(c->tls_enable + c->tls_implicit, 2);
	ck_assert_int_eq(c->tls_implicit_port, 2990);
	ck_assert_str_eq(c->tls_cert, "/etc/zcftpd/cert.pem");
	ck_assert_str_eq(c->tls_key, "/etc/zcftpd/key.pem");
	ck_assert_str_eq(c->tls_ciphers, "ECDHE+AESGCM");
	ck_assert_str_eq(c->tls_ciphersuites, "TLS_AES_128_GCM_SHA256");
	ck_assert_str_eq(c->tls_min_version, "1.3");
	ck_assert_int_eq(c->tls_ktls + c->tls_require_reuse, 0);
	ck_assert_int_eq(zc_config_tls_require(c->tls_require_login), ZC_TLS_REQUIRE_NON_ANON);
	ck_assert_int_eq(zc_config_tls_require(c->tls_require_data), ZC_TLS_REQUIRE_ALL);
	ck_assert_int_eq(c->tls_ccc, 1);
}

START_TEST(full_file)
{
	struct zc_config c;
	char path[64], err[ERRSZ] = "";
	int rc = load_text(&c, full_conf, path, sizeof path, err);
	ck_assert_msg(rc == 0, "%s", err);
	assert_full(&c);
	ck_assert_str_eq(c.source, path);
	zc_config_free(&c);
}
END_TEST

static const struct bad_case {
	const char *text;
	int line;
	const char *option;	/* must appear in the message */
	const char *reason;	/* and so must this */
} bad_cases[] = {
	{ "listen {\n port = 0\n}\n", 2, "port", "between 1 and 65535" },
	{ "listen {\n\n port = 70000\n}\n", 3, "port", "between 1 and 65535" },
	{ "passive {\n min_port = 50000\n max_port = 40000\n}\n", 3, "min_port", "greater than" },
	{ "passive {\n min_port = 80\n max_port = 40000\n}\n", 2, "min_port", "1024" },
	{ "passive {\n min_port = 40000\n}\n", 2, "max_port", "both" },
	{ "users {\n umask = 0999\n}\n", 2, "umask", "octal" },
	{ "users {\n umask = 1000\n}\n", 2, "umask", "between 000 and 777" },
	{ "anonymous {\n upload = maybe\n}\n", 2, "upload", "boolean" },
	{ "limits {\n\n max_users = 5\n}\n", 3, "max_users", "no such option" },
	{ "# x\nfoo {\n bar = 1\n}\n", 2, "foo", "unknown section" },
	{ "listen {\n port = 21\n}\nport = 21\n", 4, "port", "unknown section" },
	{ "server {\n banner = \"hello\n pidfile = \"/x\"\n}\n", 2, "banner", "unterminated string" },
	{ "# c\n// d\n/* e\n */\nlisten { # f\n port = 70000 /* g */\n}\n", 6, "port", "65535" },
	{ "listen {\n port = 21\n}\n#\n#\nlimits {\n max_clients = x\n}\n", 7, "max_clients", "integer" },
	{ "server {\n banner = 'hello\n}\n", 2, "banner", "unterminated string" },
	{ "limits {\n max_clients = \"many\"\n}\n", 2, "max_clients", "invalid integer" },
	{ "limits {\n max_per_ip = 0\n}\n", 2, "max_per_ip", "between 1 and 10000" },
	{ "limits {\n max_clients = 5\n", 1, "limits", "no closing '}'" },
	{ "listen {\n address = {\"::\",\n \"::1\"\n", 2, "address", "list opened" },
	{ "listen {\n address = {\"::\",\n \"::1\"\n}\n", 1, "listen", "no closing '}'" },
	{ "/* note\nlisten {\n}\n", 1, "comment", "unterminated comment" },
	{ "listen {\n address = {\"localhost\"}\n}\n", 2, "address", "not a numeric" },
	{ "server {\n pidfile = run/zc.pid\n}\n", 2, "pidfile", "absolute path" },
	{ "server {\n banner = \"\"\n}\n", 2, "banner", "empty" },
	{ "server {\n banner = \"a\\x01b\"\n}\n", 2, "banner", "control" },
	{ "log {\n facility = ftpd\n}\n", 2, "facility", "syslog facility" },
	{ "log {\n level = 4\n}\n", 2, "level", "between 0 and 3" },
	{ "transfer {\n pipe_size = 100\n}\n", 2, "pipe_size", "4096" },
	{ "passive {\n address = \"::1\"\n}\n", 2, "address", "IPv4" },
	{ "tls {\n min_version = \"1.1\"\n}\n", 2, "min_version", "1.2 or 1.3" },
	{ "tls {\n require_data = maybe\n}\n", 2, "require_data", "none, non-anonymous" },
	{ "tls {\n cert_file = cert.pem\n}\n", 2, "cert_file", "absolute path" },
	{ "tls {\n\n enable = true\n}\n", 3, "cert_file", "certificate is needed" },
	{ "tls {\n require_login = all\n}\n", 2, "require_login", "not enabled" },
	{ "listen {\n port = 990\n}\ntls {\n implicit = true\n cert_file = /c.pem\n"
	  " implicit_port = 990\n}\n", 7, "implicit_port", "control port" },
	{ "listen {\n port\n}\n", 3, "port", "equal sign" },
	{ "listen {\n address = {\"1.1.1.1\", \"1.1.1.2\", \"1.1.1.3\", \"1.1.1.4\", \"1.1.1.5\","
	  " \"1.1.1.6\", \"1.1.1.7\", \"1.1.1.8\", \"1.1.1.9\", \"1.1.1.10\", \"1.1.1.11\","
	  " \"1.1.1.12\", \"1.1.1.13\", \"1.1.1.14\", \"1.1.1.15\", \"1.1.1.16\", \"1.1.1.17\"}\n}\n",
	  2, "address", "at most 16" },
};

START_TEST(bad_file)
{
	const struct bad_case *t = &bad_cases[_i];
	struct zc_config c;
	char path[64], err[ERRSZ] = "", where[96];
	int rc = load_text(&c, t->text, path, sizeof path, err);
	ck_assert_msg(rc == -EINVAL, "case %d: rc %d (%s)", _i, rc, err);
	snprintf(where, sizeof where, "%s:%d: ", path, t->line);
	ck_assert_msg(strncmp(err, where, strlen(where)) == 0,
		      "case %d: '%s' does not start with '%s'", _i, err, where);
	ck_assert_msg(strstr(err, t->option) && strstr(err, t->reason),
		      "case %d: '%s' lacks '%s' or '%s'", _i, err, t->option, t->reason);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_ptr_null(c.source);	/* nothing left to free */
}
END_TEST

START_TEST(missing_file)
{
	struct zc_config c;
	char err[ERRSZ] = "";
	ck_assert_int_eq(zc_config_load(&c, "/nonexistent/zc.conf", err, sizeof err), -ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/zc.conf: cannot read"));
}
END_TEST

static const struct fin_case {
	int euid;
	int port, foreground, syslog;
	int root_is_cwd;
} fin_cases[] = {
	{ 0, 21, 0, 1, 0 },
	{ 1000, 2121, 1, 0, 1 },
};

START_TEST(finalize_auto)
{
	const struct fin_case *t = &fin_cases[_i];
	struct zc_config c;
	char err[ERRSZ] = "", cwd[4096];
	ck_assert_int_eq(zc_config_defaults(&c), 0);
	ck_assert_int_eq(zc_config_finalize(&c, t->euid, err, sizeof err), 0);
	ck_assert_int_eq(c.port, t->port);
	ck_assert_int_eq(c.foreground, t->foreground);
	ck_assert_int_eq(c.syslog, t->syslog);
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
	ck_assert_str_eq(c.anon_root, t->root_is_cwd ? cwd : "/srv/ftp");
	ck_assert_int_eq(c.tls_implicit_port, t->euid == 0 ? 990 : 9990);
	zc_config_free(&c);
}
END_TEST

START_TEST(finalize_keeps_explicit)
{
	struct zc_config c;
	char path[64], err[ERRSZ] = "";
	ck_assert_int_eq(load_text(&c, full_conf, path, sizeof path, err), 0);
	ck_assert_int_eq(zc_config_finalize(&c, 0, err, sizeof err), 0);
	assert_full(&c);
	/* Cross-option rules are checked again after overrides. */
	c.pasv_min_port = 50000;
	ck_assert_int_eq(zc_config_finalize(&c, 0, err, sizeof err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "passive: min_port"));
	zc_config_free(&c);
}
END_TEST

/* print -> load gives the same struct: from defaults, a full file, and
 * after finalize. */
static void round_trip(const struct zc_config *c)
{
	char path[64] = "/tmp/zc-check-config-XXXXXX", err[ERRSZ] = "";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	zc_config_print(c, f);
	ck_assert_int_eq(fclose(f), 0);
	struct zc_config back;
	int rc = zc_config_load(&back, path, err, sizeof err);
	unlink(path);
	ck_assert_msg(rc == 0, "reload: %s", err);
	ck_assert_int_eq(zc_config_equal(c, &back), 1);
	zc_config_free(&back);
}

START_TEST(print_round_trip)
{
	struct zc_config c;
	char path[64], err[ERRSZ] = "";
	ck_assert_int_eq(zc_config_defaults(&c), 0);
	round_trip(&c);
	ck_assert_int_eq(zc_config_finalize(&c, 1000, err, sizeof err), 0);
	round_trip(&c);
	zc_config_free(&c);
	ck_assert_int_eq(load_text(&c, full_conf, path, sizeof path, err), 0);
	round_trip(&c);
	ck_assert_int_eq(zc_config_set(&c, "server.banner", "tab\tand $HOME", err, sizeof err), -EINVAL);
	ck_assert_int_eq(zc_config_set(&c, "server.banner", "q\"\\'$x{}#//", err, sizeof err), 0);
	round_trip(&c);
	zc_config_free(&c);
}
END_TEST

static const struct set_case {
	const char *key, *value;
	int rc;
	size_t off;	/* int field checked when rc == 0 and want >= 0 */
	int want;
} set_cases[] = {
	{ "listen.port", "2121", 0, offsetof(struct zc_config, port), 2121 },
	{ "listen.port", "0", -EINVAL, 0, -1 },
	{ "listen.port", "21x", -EINVAL, 0, -1 },
	{ "server.foreground", "yes", 0, offsetof(struct zc_config, foreground), 1 },
	{ "server.foreground", "Off", 0, offsetof(struct zc_config, foreground), 0 },
	{ "server.foreground", "maybe", -EINVAL, 0, -1 },
	{ "users.umask", "27", 0, offsetof(struct zc_config, local_umask), 027 },
	{ "users.umask", "8", -EINVAL, 0, -1 },
	{ "passive.min_port", "1023", -EINVAL, 0, -1 },
	{ "limits.max_per_ip", "7", 0, offsetof(struct zc_config, max_per_ip), 7 },
	{ "limits.nope", "7", -EINVAL, 0, -1 },
	{ "port", "21", -EINVAL, 0, -1 },
	{ "listen.address", "127.0.0.1, ::1", 0, offsetof(struct zc_config, n_listen), 2 },
	{ "listen.address", "127.0.0.1,bogus", -EINVAL, 0, -1 },
	{ "server.pidfile", "", 0, 0, -1 },
	{ "server.pidfile", "x.pid", -EINVAL, 0, -1 },
};

START_TEST(set_override)
{
	const struct set_case *t = &set_cases[_i];
	struct zc_config c, orig;
	char err[ERRSZ] = "";
	ck_assert_int_eq(zc_config_defaults(&c), 0);
	ck_assert_int_eq(zc_config_defaults(&orig), 0);
	int rc = zc_config_set(&c, t->key, t->value, err, sizeof err);
	ck_assert_msg(rc == t->rc, "case %d: rc %d (%s)", _i, rc, err);
	if (rc < 0)
		ck_assert_int_eq(zc_config_equal(&c, &orig), 1);	/* unchanged */
	else if (t->want >= 0)
		ck_assert_int_eq(*(int *)((char *)&c + t->off), t->want);
	zc_config_free(&c);
	zc_config_free(&orig);
}
END_TEST

START_TEST(set_addresses_and_facility)
{
	struct zc_config c;
	char err[ERRSZ] = "";
	ck_assert_int_eq(zc_config_defaults(&c), 0);
	ck_assert_int_eq(zc_config_set(&c, "listen.address", " ::1 ", err, sizeof err), 0);
	ck_assert_int_eq(c.n_listen, 1);
	ck_assert_str_eq(c.listen_addrs[0], "::1");
	ck_assert_ptr_null(c.listen_addrs[1]);
	ck_assert_int_eq(zc_config_set(&c, "limits.max_per_ip", "0", err, sizeof err), -EINVAL);
	ck_assert_str_eq(err, "limits: max_per_ip: must be between 1 and 10000");
	zc_config_free(&c);
	ck_assert_int_eq(zc_config_syslog_facility("ftp"), LOG_FTP);
	ck_assert_int_eq(zc_config_syslog_facility("local7"), LOG_LOCAL7);
	ck_assert_int_eq(zc_config_syslog_facility("FTP"), -EINVAL);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, sample_equals_defaults);
	tcase_add_test(tc, sample_lists_every_option);
	tcase_add_test(tc, full_file);
	tcase_add_loop_test(tc, bad_file, 0, sizeof bad_cases / sizeof bad_cases[0]);
	tcase_add_test(tc, missing_file);
	tcase_add_loop_test(tc, finalize_auto, 0, sizeof fin_cases / sizeof fin_cases[0]);
	tcase_add_test(tc, finalize_keeps_explicit);
	tcase_add_test(tc, print_round_trip);
	tcase_add_loop_test(tc, set_override, 0, sizeof set_cases / sizeof set_cases[0]);
	tcase_add_test(tc, set_addresses_and_facility);
	suite_add_tcase(s, tc);
	return s;
}
