/* check_address.c - PORT/EPRT/PASV/EPSV encoding and decoding. */
#include "config.h"
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include "suites.h"
#include "address.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	const char *arg;
	int rc;
	const char *host;
	unsigned port;
} port_cases[] = {
	{ "127,0,0,1,200,10", 0, "127.0.0.1", 200 * 256 + 10 },
	{ "10,1,2,3,0,21", 0, "10.1.2.3", 21 },
	{ "255,255,255,255,255,255", 0, "255.255.255.255", 65535 },
	{ "0,0,0,0,0,0", 0, "0.0.0.0", 0 },
	{ " 1,2,3,4,5,6 ", 0, "1.2.3.4", 5 * 256 + 6 },
	{ "001,002,003,004,005,006", 0, "1.2.3.4", 5 * 256 + 6 },
	{ "1,2,3,4,5", -EINVAL, NULL, 0 },
	{ "1,2,3,4,5,6,7", -EINVAL, NULL, 0 },
	{ "256,0,0,1,1,1", -EINVAL, NULL, 0 },
	{ "1,2,3,4,5,256", -EINVAL, NULL, 0 },
	{ "-1,2,3,4,5,6", -EINVAL, NULL, 0 },
	{ "+1,2,3,4,5,6", -EINVAL, NULL, 0 },
	{ "a,b,c,d,e,f", -EINVAL, NULL, 0 },
	{ "1,2,3,4,5,6x", -EINVAL, NULL, 0 },
	{ "1,2,3,4,5,", -EINVAL, NULL, 0 },
	{ "1,,3,4,5,6", -EINVAL, NULL, 0 },
	{ "1, 2,3,4,5,6", -EINVAL, NULL, 0 },
	{ "1,2,3,4,5,6 7", -EINVAL, NULL, 0 },
	{ "0001,2,3,4,5,6", -EINVAL, NULL, 0 },
	{ "1.2.3.4,5,6", -EINVAL, NULL, 0 },
	{ "", -EINVAL, NULL, 0 },
	{ "   ", -EINVAL, NULL, 0 },
	{ "99999999999999999999,1,1,1,1,1", -EINVAL, NULL, 0 },
};

START_TEST(port_table)
{
	struct sockaddr_in a;
	char host[INET6_ADDRSTRLEN];
	ck_assert_int_eq(addr_parse_port(port_cases[_i].arg, &a), port_cases[_i].rc);
	if (port_cases[_i].rc)
		return;
	ck_assert_int_eq(a.sin_family, AF_INET);
	ck_assert_int_eq(addr_to_string((struct sockaddr *)&a, host, sizeof host), 0);
	ck_assert_str_eq(host, port_cases[_i].host);
	ck_assert_uint_eq(addr_port((struct sockaddr *)&a), port_cases[_i].port);
}
END_TEST

START_TEST(port_format)
{
	struct sockaddr_in a;
	struct zbuf b;
	zbuf_init(&b, 0);
	ck_assert_int_eq(addr_parse_port("192,168,1,20,4,1", &a), 0);
	ck_assert_int_eq(addr_format_port(&a, &b), 0);
	ck_assert_str_eq(zbuf_str(&b), "192,168,1,20,4,1");
	zbuf_free(&b);
}
END_TEST

static const struct {
	const char *arg;
	int rc, family;
	const char *host;
	unsigned port;
} eprt_cases[] = {
	{ "|1|132.235.1.2|6275|", 0, AF_INET, "132.235.1.2", 6275 },
	{ "|2|1080::8:800:200C:417A|5282|", 0, AF_INET6, "1080::8:800:200c:417a", 5282 },
	{ "|2|::1|65535|", 0, AF_INET6, "::1", 65535 },
	{ "!1!10.0.0.1!21!", 0, AF_INET, "10.0.0.1", 21 },
	{ "~2~::1~1~", 0, AF_INET6, "::1", 1 },
	{ "z1z1.2.3.4z99z", 0, AF_INET, "1.2.3.4", 99 },
	{ "|2|::ffff:1.2.3.4|80|", 0, AF_INET6, "1.2.3.4", 80 },
	{ "|3|1.2.3.4|21|", -EAFNOSUPPORT, 0, NULL, 0 },
	{ "|0|1.2.3.4|21|", -EAFNOSUPPORT, 0, NULL, 0 },
	{ "|99|1.2.3.4|21|", -EAFNOSUPPORT, 0, NULL, 0 },
	{ "|x|1.2.3.4|21|", -EINVAL, 0, NULL, 0 },
	{ "||1.2.3.4|21|", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3.4|0|", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3.4|65536|", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3.4|-1|", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3.4|21", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3.4|21|x", -EINVAL, 0, NULL, 0 },
	{ "|1|::1|21|", -EINVAL, 0, NULL, 0 },
	{ "|2|1.2.3.4|21|", -EINVAL, 0, NULL, 0 },
	{ "|2|::g|21|", -EINVAL, 0, NULL, 0 },
	{ "|2|1:2:3:4:5:6:7:8:9|21|", -EINVAL, 0, NULL, 0 },
	{ "|2|fe80::1%eth0|21|", -EINVAL, 0, NULL, 0 },
	{ "|2|:::|21|", -EINVAL, 0, NULL, 0 },
	{ "|1|256.1.1.1|21|", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3|21|", -EINVAL, 0, NULL, 0 },
	{ "|1||21|", -EINVAL, 0, NULL, 0 },
	{ "|1|1.2.3.4!21!", -EINVAL, 0, NULL, 0 },
	{ "1|1|1.2.3.4|21|", -EINVAL, 0, NULL, 0 },
	{ " |1|1.2.3.4|21|", 0, AF_INET, "1.2.3.4", 21 },
	{ "\x7f" "1\x7f" "1.2.3.4\x7f" "21\x7f", -EINVAL, 0, NULL, 0 },
	{ "", -EINVAL, 0, NULL, 0 },
	{ "|", -EINVAL, 0, NULL, 0 },
	{ "|2|0000:0000:0000:0000:0000:0000:0000:0000:0000|21|", -EINVAL, 0, NULL, 0 },
};

START_TEST(eprt_table)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char host[INET6_ADDRSTRLEN];
	ck_assert_int_eq(addr_parse_eprt(eprt_cases[_i].arg, &ss, &len), eprt_cases[_i].rc);
	if (eprt_cases[_i].rc)
		return;
	ck_assert_int_eq(ss.ss_family, eprt_cases[_i].family);
	ck_assert_uint_eq(len, eprt_cases[_i].family == AF_INET ?
			  sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	ck_assert_int_eq(addr_to_string((struct sockaddr *)&ss, host, sizeof host), 0);
	ck_assert_str_eq(host, eprt_cases[_i].host);
	ck_assert_uint_eq(addr_port((struct sockaddr *)&ss), eprt_cases[_i].port);
}
END_TEST

START_TEST(eprt_format)
{
	static const char *in[] = { "|1|1.2.3.4|5282|", "|2|::1|5282|",
				    "|2|::ffff:10.0.0.1|21|", "|2|2001:db8::7|65535|" };
	static const char *out[] = { "|1|1.2.3.4|5282|", "|2|::1|5282|",
				     "|1|10.0.0.1|21|", "|2|2001:db8::7|65535|" };
	for (int i = 0; i < NELEM(in); i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		struct zbuf b;
		zbuf_init(&b, 0);
		ck_assert_int_eq(addr_parse_eprt(in[i], &ss, &len), 0);
		ck_assert_int_eq(addr_format_eprt((struct sockaddr *)&ss, &b), 0);
		ck_assert_str_eq(zbuf_str(&b), out[i]);
		zbuf_free(&b);
	}
}
END_TEST

static const struct {
	const char *arg;
	int rc, proto;
} epsv_cases[] = {
	{ "", 0, EPSV_ANY }, { "1", 0, 1 }, { "2", 0, 2 },
	{ "ALL", 0, EPSV_ALL }, { "all", 0, EPSV_ALL }, { "aLl", 0, EPSV_ALL },
	{ "3", -EAFNOSUPPORT, 0 }, { "0", -EAFNOSUPPORT, 0 }, { "99999", -EAFNOSUPPORT, 0 },
	{ "ALLX", -EINVAL, 0 }, { "x", -EINVAL, 0 }, { "-1", -EINVAL, 0 },
	{ "1 2", -EINVAL, 0 }, { "1x", -EINVAL, 0 }, { "999999", -EINVAL, 0 },
};

START_TEST(epsv_arg_table)
{
	int proto = 1234;
	ck_assert_int_eq(addr_parse_epsv_arg(epsv_cases[_i].arg, &proto), epsv_cases[_i].rc);
	if (epsv_cases[_i].rc == 0)
		ck_assert_int_eq(proto, epsv_cases[_i].proto);
}
END_TEST

static const struct {
	const char *text;
	int rc;
	const char *host;
	unsigned port;
} pasv_cases[] = {
	{ "Entering Passive Mode (127,0,0,1,200,10).", 0, "127.0.0.1", 51210 },
	{ "Entering Passive Mode 10,0,0,5,4,1", 0, "10.0.0.5", 1025 },
	{ "=127,0,0,1,0,21", 0, "127.0.0.1", 21 },
	{ "Passive (192, 168, 0, 1, 1, 2)", 0, "192.168.0.1", 258 },
	{ "Mode 1,2,3 then (9,8,7,6,0,80)", 0, "9.8.7.6", 80 },
	{ "(256,0,0,1,1,1) (1,1,1,1,1,1)", 0, "1.1.1.1", 257 },
	{ "Entering Passive Mode", -EPROTO, NULL, 0 },
	{ "(1,2,3,4,5)", -EPROTO, NULL, 0 },
	{ "", -EPROTO, NULL, 0 },
};

START_TEST(pasv_reply_table)
{
	struct sockaddr_in a;
	char host[INET6_ADDRSTRLEN];
	ck_assert_int_eq(addr_parse_pasv_reply(pasv_cases[_i].text, &a), pasv_cases[_i].rc);
	if (pasv_cases[_i].rc)
		return;
	ck_assert_int_eq(addr_to_string((struct sockaddr *)&a, host, sizeof host), 0);
	ck_assert_str_eq(host, pasv_cases[_i].host);
	ck_assert_uint_eq(addr_port((struct sockaddr *)&a), pasv_cases[_i].port);
}
END_TEST

static const struct {
	const char *text;
	int rc;
	unsigned port;
} epsv_reply_cases[] = {
	{ "Entering Extended Passive Mode (|||6446|)", 0, 6446 },
	{ "Extended (!!!21!) ok", 0, 21 },
	{ "(x) then (|||65535|)", 0, 65535 },
	{ "(|||0|)", -EPROTO, 0 },
	{ "(|||65536|)", -EPROTO, 0 },
	{ "(||1|2|)", -EPROTO, 0 },
	{ "(|||12|", -EPROTO, 0 },
	{ "(|||12!)", -EPROTO, 0 },
	{ "(|||)", -EPROTO, 0 },
	{ "(111211)", -EPROTO, 0 },
	{ "", -EPROTO, 0 },
	{ "(", -EPROTO, 0 },
};

START_TEST(epsv_reply_table)
{
	uint16_t port = 0;
	ck_assert_int_eq(addr_parse_epsv_reply(epsv_reply_cases[_i].text, &port),
			 epsv_reply_cases[_i].rc);
	if (epsv_reply_cases[_i].rc == 0)
		ck_assert_uint_eq(port, epsv_reply_cases[_i].port);
}
END_TEST

static void make_in(struct sockaddr_in *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->sin_family = AF_INET;
	a->sin_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET, ip, &a->sin_addr), 1);
}

static void make_in6(struct sockaddr_in6 *a, const char *ip, uint16_t port)
{
	memset(a, 0, sizeof *a);
	a->sin6_family = AF_INET6;
	a->sin6_port = htons(port);
	ck_assert_int_eq(inet_pton(AF_INET6, ip, &a->sin6_addr), 1);
}

START_TEST(same_host_and_strings)
{
	struct sockaddr_in a, b;
	struct sockaddr_in6 c, d, e;
	struct sockaddr un = { .sa_family = AF_UNIX };
	char buf[INET6_ADDRSTRLEN], tiny[4];
	make_in(&a, "1.2.3.4", 21);
	make_in(&b, "1.2.3.4", 9999);
	make_in6(&c, "::ffff:1.2.3.4", 22);
	make_in6(&d, "::1", 23);
	make_in6(&e, "::1", 24);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&a, (struct sockaddr *)&b), 1);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&a, (struct sockaddr *)&c), 1);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&c, (struct sockaddr *)&a), 1);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&d, (struct sockaddr *)&e), 1);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&a, (struct sockaddr *)&d), 0);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&a, &un), 0);
	make_in(&b, "127.0.0.1", 21);
	ck_assert_int_eq(addr_same_host((struct sockaddr *)&a, (struct sockaddr *)&b), 0);
	ck_assert_int_eq(addr_to_string((struct sockaddr *)&c, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "1.2.3.4");
	ck_assert_int_eq(addr_to_string((struct sockaddr *)&d, buf, sizeof buf), 0);
	ck_assert_str_eq(buf, "::1");
	ck_assert_int_eq(addr_to_string((struct sockaddr *)&a, tiny, sizeof tiny), -ENOSPC);
	ck_assert_int_eq(addr_to_string(&un, buf, sizeof buf), -EAFNOSUPPORT);
	ck_assert_uint_eq(addr_port((struct sockaddr *)&c), 22);
	ck_assert_uint_eq(addr_port(&un), 0);
}
END_TEST

Suite *address_suite(void)
{
	Suite *s = suite_create("address");
	TCase *tc = tcase_create("server");
	tcase_add_loop_test(tc, port_table, 0, NELEM(port_cases));
	tcase_add_test(tc, port_format);
	tcase_add_loop_test(tc, eprt_table, 0, NELEM(eprt_cases));
	tcase_add_test(tc, eprt_format);
	tcase_add_loop_test(tc, epsv_arg_table, 0, NELEM(epsv_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("client");
	tcase_add_loop_test(tc, pasv_reply_table, 0, NELEM(pasv_cases));
	tcase_add_loop_test(tc, epsv_reply_table, 0, NELEM(epsv_reply_cases));
	tcase_add_test(tc, same_host_and_strings);
	suite_add_tcase(s, tc);
	return s;
}
