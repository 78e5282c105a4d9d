/* check_url.c - zcftp URL parsing, decoding and the password-free formatter. */
#include "config.h"
#include <errno.h>
#include <string.h>
#include "suites.h"
#include "client/url.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *in;
	enum url_scheme scheme;
	const char *user, *pass, *host, *port, *path;
	int has_user, has_pass;
} good[] = {
	{ "ftp://example.org", URL_FTP, "", "", "example.org", "21", "/", 0, 0 },
	{ "ftp://example.org/", URL_FTP, "", "", "example.org", "21", "/", 0, 0 },
	{ "FTP://h/pub/x.tar", URL_FTP, "", "", "h", "21", "/pub/x.tar", 0, 0 },
	{ "ftp://bob@h:2121/d/", URL_FTP, "bob", "", "h", "2121", "/d/", 1, 0 },
	{ "ftp://bob:s3cr%40t@h/x", URL_FTP, "bob", "s3cr@t", "h", "21", "/x", 1, 1 },
	{ "ftp://bob:p@ss@h/x", URL_FTP, "bob", "p@ss", "h", "21", "/x", 1, 1 },
	{ "ftp://bob:@h", URL_FTP, "bob", "", "h", "21", "/", 1, 1 },
	{ "ftp://[::1]:2121/a%20b", URL_FTP, "", "", "::1", "2121", "/a b", 0, 0 },
	{ "ftp://u@[fe80::1]/", URL_FTP, "u", "", "fe80::1", "21", "/", 1, 0 },
	{ "ftps://h/", URL_FTPS, "", "", "h", "990", "/", 0, 0 },
	{ "ftpes://h:21/", URL_FTPES, "", "", "h", "21", "/", 0, 0 },
	{ "ftp://h/%C3%A9t%C3%A9/-x", URL_FTP, "", "", "h", "21", "/\xc3\xa9t\xc3\xa9/-x", 0, 0 },
	{ "ftp://h:00021/", URL_FTP, "", "", "h", "21", "/", 0, 0 },
	{ "ftp://h:65535", URL_FTP, "", "", "h", "65535", "/", 0, 0 },
};

START_TEST(parse_good)
{
	struct zc_url u;
	ck_assert_int_eq(url_parse(good[_i].in, &u), 0);
	ck_assert_int_eq(u.scheme, good[_i].scheme);
	ck_assert_str_eq(u.user, good[_i].user);
	ck_assert_str_eq(u.pass, good[_i].pass);
	ck_assert_str_eq(u.host, good[_i].host);
	ck_assert_str_eq(u.port, good[_i].port);
	ck_assert_str_eq(u.path, good[_i].path);
	ck_assert_int_eq(u.has_user, good[_i].has_user);
	ck_assert_int_eq(u.has_pass, good[_i].has_pass);
}
END_TEST

static const char *const bad[] = {
	"http://h/", "ftp:/h", "ftp://", "ftp:///x", "ftp://h:0/", "ftp://h:65536/",
	"ftp://h:x/", "ftp://h:/", "ftp://[::1/", "ftp://[]/", "ftp://[::1]x/",
	"ftp://h/a%0d%0aDELE%20x", "ftp://h/a%00b", "ftp://h/%zz", "ftp://h/%4",
	"ftp://u:p%0a@h/", "ftp://a b/", "ftp://@/",
};

START_TEST(parse_bad)
{
	struct zc_url u;
	ck_assert_int_eq(url_parse(bad[_i], &u), -EINVAL);
	ck_assert_str_eq(u.pass, "");
}
END_TEST

START_TEST(too_long)
{
	char in[URL_PATH_MAX + 64] = "ftp://h/";
	memset(in + 8, 'a', URL_PATH_MAX + 10);
	in[8 + URL_PATH_MAX + 10] = '\0';
	struct zc_url u;
	ck_assert_int_eq(url_parse(in, &u), -ENAMETOOLONG);
}
END_TEST

static const struct {
	const char *in, *out;
} fmt[] = {
	{ "ftp://bob:secret@h/x", "ftp://bob@h/x" },
	{ "ftp://bob:secret@h:2121/x y", "ftp://bob@h:2121/x y" },
	{ "ftp://h", "ftp://h/" },
	{ "ftps://u:pw@[::1]:990/", "ftps://u@[::1]/" },
	{ "ftpes://u:pw@[::1]:990/", "ftpes://u@[::1]:990/" },
};

START_TEST(format_redacts)
{
	struct zc_url u;
	char out[512];
	ck_assert_int_eq(url_parse(fmt[_i].in, &u), 0);
	ck_assert_int_eq(url_format(&u, out, sizeof out), 0);
	ck_assert_str_eq(out, fmt[_i].out);
	ck_assert_ptr_null(strstr(out, "secret"));
	ck_assert_ptr_null(strstr(out, "pw"));
}
END_TEST

START_TEST(format_small_and_wipe)
{
	struct zc_url u;
	char out[8];
	ck_assert_int_eq(url_parse("ftp://bob:secret@example.org/x", &u), 0);
	ck_assert_int_eq(url_format(&u, out, sizeof out), -ENOSPC);
	ck_assert_int_eq((int)strlen(out), 7);
	url_wipe(&u);
	ck_assert_int_eq(u.has_pass, 0);
	for (size_t i = 0; i < sizeof u.pass; i++)
		ck_assert_int_eq(u.pass[i], 0);
}
END_TEST

START_TEST(is_remote)
{
	ck_assert_int_eq(url_is_remote("ftp://h"), 1);
	ck_assert_int_eq(url_is_remote("FTPS://h"), 1);
	ck_assert_int_eq(url_is_remote("ftpes://h"), 1);
	ck_assert_int_eq(url_is_remote("./ftp://h"), 0);
	ck_assert_int_eq(url_is_remote("/tmp/x"), 0);
	ck_assert_int_eq(url_is_remote("ftp:/h"), 0);
}
END_TEST

Suite *url_suite(void)
{
	Suite *s = suite_create("url");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, parse_good, 0, NELEM(good));
	tcase_add_loop_test(tc, parse_bad, 0, NELEM(bad));
	tcase_add_test(tc, too_long);
	tcase_add_loop_test(tc, format_redacts, 0, NELEM(fmt));
	tcase_add_test(tc, format_small_and_wipe);
	tcase_add_test(tc, is_remote);
	suite_add_tcase(s, tc);
	return s;
}
