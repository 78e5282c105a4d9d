/* check_netrc.c - ~/.netrc parsing and lookup (file permissions). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "suites.h"
#include "client/netrc.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char sample[] =
	"# comment-like tokens are just tokens\n"
	"machine alpha login al password apw\n"
	"machine beta\n\tlogin bob\n\tpassword \"b p\\\"w\"\n"
	"macdef init\ncd /pub\nmachine evil login x password y\n\n"
	"machine gamma login g1 password one\n"
	"machine gamma login g2 password two\n"
	"machine delta account acc login d password dpw\n"
	"default login anonymous password me@x\n";

static const struct {
	const char *text, *host, *user;
	int rc;
	const char *login, *password;
} cases[] = {
	{ sample, "alpha", NULL, 0, "al", "apw" },
	{ sample, "ALPHA", NULL, 0, "al", "apw" },
	{ sample, "beta", NULL, 0, "bob", "b p\"w" },
	{ sample, "evil", NULL, 0, "anonymous", "me@x" },	/* inside macdef */
	{ sample, "gamma", NULL, 0, "g1", "one" },
	{ sample, "gamma", "g2", 0, "g2", "two" },
	{ sample, "delta", NULL, 0, "d", "dpw" },
	{ sample, "other", NULL, 0, "anonymous", "me@x" },
	{ sample, "alpha", "zed", -ENOENT, "", "" },		/* default is anonymous */
	{ "machine a login x", "a", NULL, 0, "x", "" },
	{ "machine a login x", "b", NULL, -ENOENT, "", "" },
	{ "", "a", NULL, -ENOENT, "", "" },
	{ "machine a login", "a", NULL, -EINVAL, "", "" },
	{ "machine", "a", NULL, -EINVAL, "", "" },
	{ "default password p machine a login q", "a", NULL, 0, "q", "" },
	{ "default password p machine a login q", "b", NULL, 0, "", "p" },
};

START_TEST(parse_table)
{
	struct netrc_cred c;
	memset(&c, 0, sizeof c);
	int rc = netrc_parse(cases[_i].text, strlen(cases[_i].text), cases[_i].host,
			     cases[_i].user, &c);
	ck_assert_int_eq(rc, cases[_i].rc);
	if (rc == 0) {
		ck_assert_str_eq(c.has_login ? c.login : "", cases[_i].login);
		ck_assert_str_eq(c.has_password ? c.password : "", cases[_i].password);
	}
}
END_TEST

START_TEST(token_too_long)
{
	char text[URL_FIELD_MAX * 2 + 64];
	int n = snprintf(text, sizeof text, "machine a login ");
	memset(text + n, 'x', URL_FIELD_MAX + 5);
	text[n + URL_FIELD_MAX + 5] = '\0';
	struct netrc_cred c;
	ck_assert_int_eq(netrc_parse(text, strlen(text), "a", NULL, &c), -EINVAL);
}
END_TEST

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

START_TEST(lookup_file_modes)
{
	const char *dir = getenv("TMPDIR");
	char path[512];
	struct netrc_cred c;
	snprintf(path, sizeof path, "%s/zc-netrc-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	write_file(path, "machine h login u password p\n", 0600);
	ck_assert_int_eq(netrc_lookup(path, "h", NULL, &c), 0);
	ck_assert_str_eq(c.login, "u");
	ck_assert_str_eq(c.password, "p");
	write_file(path, "machine h login u password p\n", 0644);
	ck_assert_int_eq(netrc_lookup(path, "h", NULL, &c), -EPERM);
	ck_assert_int_eq(c.has_password, 0);
	/* Without a password a readable file is fine. */
	write_file(path, "machine h login u\n", 0644);
	ck_assert_int_eq(netrc_lookup(path, "h", NULL, &c), 0);
	unlink(path);
	ck_assert_int_eq(netrc_lookup(path, "h", NULL, &c), -ENOENT);
}
END_TEST

START_TEST(resolve_chain)
{
	struct zc_url u;
	char home[512];
	const char *dir = getenv("TMPDIR");
	snprintf(home, sizeof home, "%s/zc-home-XXXXXX", dir && *dir ? dir : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(home));
	char path[600];
	snprintf(path, sizeof path, "%s/.netrc", home);
	write_file(path, "machine h login nu password np\n", 0600);
	char *old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
	setenv("HOME", home, 1);
	unsetenv(NETRC_ENV_PASSWORD);
	/* netrc supplies both */
	ck_assert_int_eq(url_parse("ftp://h/", &u), 0);
	ck_assert_int_eq(creds_resolve(&u, 0), 0);
	ck_assert_str_eq(u.user, "nu");
	ck_assert_str_eq(u.pass, "np");
	/* URL user that netrc does not know: env var */
	setenv(NETRC_ENV_PASSWORD, "envpw", 1);
	ck_assert_int_eq(url_parse("ftp://other@h/", &u), 0);
	ck_assert_int_eq(creds_resolve(&u, 0), 0);
	ck_assert_str_eq(u.pass, "envpw");
	/* URL password wins over everything */
	ck_assert_int_eq(url_parse("ftp://nu:urlpw@h/", &u), 0);
	ck_assert_int_eq(creds_resolve(&u, 0), 0);
	ck_assert_str_eq(u.pass, "urlpw");
	/* nothing at all for a named user: -EACCES; unknown host: anonymous */
	unsetenv(NETRC_ENV_PASSWORD);
	ck_assert_int_eq(url_parse("ftp://other@h/", &u), 0);
	ck_assert_int_eq(creds_resolve(&u, 0), -EACCES);
	ck_assert_int_eq(url_parse("ftp://elsewhere/", &u), 0);
	ck_assert_int_eq(creds_resolve(&u, 0), 0);
	ck_assert_str_eq(u.user, NETRC_ANON_USER);
	unlink(path);
	rmdir(home);
	if (old_home) {
		setenv("HOME", old_home, 1);
		free(old_home);
	}
}
END_TEST

Suite *netrc_suite(void)
{
	Suite *s = suite_create("netrc");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, parse_table, 0, NELEM(cases));
	tcase_add_test(tc, token_too_long);
	tcase_add_test(tc, lookup_file_modes);
	tcase_add_test(tc, resolve_chain);
	suite_add_tcase(s, tc);
	return s;
}
