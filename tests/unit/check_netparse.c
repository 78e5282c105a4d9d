/* check_netparse.c - cidr lists/maps and the PROXY v2 header parser. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "suites.h"
#include "cidr.h"
#include "proxyv2.h"

static struct sockaddr_storage sa_of(const char *ip)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		ck_assert_int_eq(inet_pton(AF_INET6, ip, &s6->sin6_addr), 1);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		ck_assert_int_eq(inet_pton(AF_INET, ip, &s4->sin_addr), 1);
	}
	return ss;
}

static const struct { const char *net, *ip; int match; } match_cases[] = {
	{ "10.0.0.0/8", "10.200.3.4", 1 }, { "10.0.0.0/8", "11.0.0.1", 0 },
	{ "192.168.1.0/24", "192.168.1.255", 1 }, { "192.168.1.0/24", "192.168.2.0", 0 },
	{ "192.168.1.7", "192.168.1.7", 1 }, { "192.168.1.7", "192.168.1.8", 0 },
	{ "0.0.0.0/0", "203.0.113.9", 1 }, { "0.0.0.0/0", "::1", 0 },
	{ "10.1.2.3/31", "10.1.2.2", 1 }, { "10.1.2.3/31", "10.1.2.4", 0 },
	{ "10.0.0.0/8", "::ffff:10.9.9.9", 1 },	/* IPv4-mapped */
	{ "2001:db8::/32", "2001:db8:1::5", 1 }, { "2001:db8::/32", "2001:db9::1", 0 },
	{ "::1", "::1", 1 }, { "::/0", "fe80::1", 1 }, { "::/0", "127.0.0.1", 0 },
};

START_TEST(matches)
{
	struct cidr c;
	struct sockaddr_storage ss = sa_of(match_cases[_i].ip);
	ck_assert_int_eq(cidr_parse(match_cases[_i].net, &c), 0);
	ck_assert_int_eq(cidr_match(&c, (struct sockaddr *)&ss), match_cases[_i].match);
}
END_TEST

static const char *const bad_nets[] = {
	"", "10.0.0.0/33", "10.0.0.0/", "10.0.0/8", "::1/129", "10.0.0.0/8x", "host.example",
	"1.2.3.4/-1", "10.0.0.0 /8",
};

START_TEST(bad)
{
	struct cidr c;
	ck_assert_int_eq(cidr_parse(bad_nets[_i], &c), -EINVAL);
}
END_TEST

START_TEST(lists_and_maps)
{
	struct sockaddr_storage in = sa_of("10.1.1.1"), out = sa_of("198.51.100.2");
	char v[32];
	ck_assert_int_eq(cidr_list_match(" 192.0.2.1 , 10.0.0.0/8", (struct sockaddr *)&in), 1);
	ck_assert_int_eq(cidr_list_match("192.0.2.1, junk, 10.0.0.0/8", (struct sockaddr *)&out), 0);
	ck_assert_int_eq(cidr_list_match(NULL, (struct sockaddr *)&in), 0);
	const char *map = "10.0.0.0/8=10.0.0.5, 0.0.0.0/0=203.0.113.7";
	ck_assert_int_eq(cidr_map_lookup(map, (struct sockaddr *)&in, v, sizeof v), 1);
	ck_assert_str_eq(v, "10.0.0.5");
	ck_assert_int_eq(cidr_map_lookup(map, (struct sockaddr *)&out, v, sizeof v), 1);
	ck_assert_str_eq(v, "203.0.113.7");
	ck_assert_int_eq(cidr_map_lookup("10.0.0.0/8=x", (struct sockaddr *)&out, v, sizeof v), 0);
	ck_assert_int_eq(cidr_map_lookup("10.0.0.0/8", (struct sockaddr *)&in, v, sizeof v), -EINVAL);
	ck_assert_int_eq(cidr_map_lookup("bad=1.2.3.4", (struct sockaddr *)&in, v, sizeof v), -EINVAL);
}
END_TEST

static const unsigned char v2sig[12] = { 0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a,
					 0x51, 0x55, 0x49, 0x54, 0x0a };

static size_t v2_tcp4(unsigned char *b, unsigned char cmd, size_t extra)
{
	memcpy(b, v2sig, 12);
	b[12] = cmd;
	b[13] = 0x11;
	b[14] = 0;
	b[15] = (unsigned char)(12 + extra);
	const unsigned char a[12] = { 203, 0, 113, 9, 10, 0, 0, 1, 0x30, 0x39, 0x00, 0x15 };
	memcpy(b + 16, a, 12);
	memset(b + 28, 0, extra);
	return 28 + extra;
}

START_TEST(proxy_tcp4)
{
	unsigned char b[64];
	struct proxyv2 p;
	size_t n = v2_tcp4(b, 0x21, 7);	/* with a TLV-sized tail */
	ck_assert_int_eq(proxyv2_length(b, 16), (int)n);
	ck_assert_int_eq(proxyv2_parse(b, n, &p), 0);
	ck_assert_int_eq(p.local, 0);
	struct sockaddr_in *s = (struct sockaddr_in *)&p.src;
	ck_assert_int_eq(s->sin_family, AF_INET);
	ck_assert_int_eq(ntohs(s->sin_port), 12345);
	ck_assert_uint_eq(ntohl(s->sin_addr.s_addr), 0xcb007109u);
	ck_assert_int_eq(ntohs(((struct sockaddr_in *)&p.dst)->sin_port), 21);
	n = v2_tcp4(b, 0x20, 0);	/* LOCAL */
	ck_assert_int_eq(proxyv2_parse(b, n, &p), 0);
	ck_assert_int_eq(p.local, 1);
}
END_TEST

START_TEST(proxy_tcp6)
{
	unsigned char b[64] = { 0 };
	struct proxyv2 p;
	memcpy(b, v2sig, 12);
	b[12] = 0x21;
	b[13] = 0x21;
	b[15] = 36;
	b[16 + 15] = 1;			/* src ::1 */
	b[16 + 32] = 0x01;		/* src port 256 */
	ck_assert_int_eq(proxyv2_parse(b, 52, &p), 0);
	ck_assert_int_eq(p.src.ss_family, AF_INET6);
	ck_assert_int_eq(ntohs(((struct sockaddr_in6 *)&p.src)->sin6_port), 256);
}
END_TEST

START_TEST(proxy_malformed)
{
	unsigned char b[64];
	struct proxyv2 p;
	size_t n = v2_tcp4(b, 0x21, 0);
	ck_assert_int_eq(proxyv2_length(b, 15), -EPROTO);	/* short */
	for (size_t cut = 16; cut < n; cut++)
		ck_assert_int_eq(proxyv2_parse(b, cut, &p), -EPROTO);
	b[0] ^= 1;	/* signature */
	ck_assert_int_eq(proxyv2_parse(b, n, &p), -EPROTO);
	n = v2_tcp4(b, 0x11, 0);	/* version 1 in a v2 frame */
	ck_assert_int_eq(proxyv2_parse(b, n, &p), -EPROTO);
	n = v2_tcp4(b, 0x2f, 0);	/* unknown command */
	ck_assert_int_eq(proxyv2_parse(b, n, &p), -EPROTO);
	n = v2_tcp4(b, 0x21, 0);
	b[15] = 8;			/* TCP4 with too short an address block */
	ck_assert_int_eq(proxyv2_parse(b, 24, &p), -EPROTO);
	b[14] = 0xff;			/* longer than we accept */
	ck_assert_int_eq(proxyv2_length(b, 16), -EPROTO);
	const char v1[] = "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\n";
	ck_assert_int_eq(proxyv2_length((const unsigned char *)v1, sizeof v1 - 1), -EPROTO);
}
END_TEST

Suite *netparse_suite(void)
{
	Suite *s = suite_create("netparse");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, matches, 0, sizeof match_cases / sizeof match_cases[0]);
	tcase_add_loop_test(tc, bad, 0, sizeof bad_nets / sizeof bad_nets[0]);
	tcase_add_test(tc, lists_and_maps);
	tcase_add_test(tc, proxy_tcp4);
	tcase_add_test(tc, proxy_tcp6);
	tcase_add_test(tc, proxy_malformed);
	suite_add_tcase(s, tc);
	return s;
}
