/* check_net.c - net.[ch] on real loopback sockets (127.0.0.1 and ::1). */
#include "config.h"
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <fcntl.h>
#include "suites.h"
#include "net.h"
#include "sys.h"

#define NET_TEST_TIMEOUT_MS 2000

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	ck_assert_int_eq(net_local_addr(fd, &ss, &len), 0);
	return net_addr_port((struct sockaddr *)&ss);
}

static void check_cloexec_blocking(int fd)
{
	ck_assert_int_ne(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
}

static const char *const loopbacks[] = { "127.0.0.1", "::1" };

/* listen, connect with a local bind, accept; addresses agree on both ends. */
START_TEST(listen_connect_accept)
{
	const char *ip = loopbacks[_i];
	int lfd = net_listen(ip, 0, 8);
	ck_assert_int_ge(lfd, 0);
	struct sockaddr_storage to, local, peer, cl;
	socklen_t tolen = sizeof(to), plen = sizeof(peer), cllen = sizeof(cl);
	ck_assert_int_eq(net_local_addr(lfd, &to, &tolen), 0);
	ck_assert_uint_ne(net_addr_port((struct sockaddr *)&to), 0);

	/* Bind the client like active mode does: same IP, port 0. */
	memcpy(&local, &to, tolen);
	((struct sockaddr_in *)&local)->sin_port = 0;	/* same offset in sin6 */
	int cfd = net_connect_timeout((struct sockaddr *)&to, tolen,
				      (struct sockaddr *)&local, tolen, NET_TEST_TIMEOUT_MS);
	ck_assert_int_ge(cfd, 0);
	check_cloexec_blocking(cfd);
	int afd = net_accept_timeout(lfd, NET_TEST_TIMEOUT_MS, &peer, &plen);
	ck_assert_int_ge(afd, 0);
	check_cloexec_blocking(afd);

	ck_assert_int_eq(net_local_addr(cfd, &cl, &cllen), 0);
	ck_assert_uint_eq(net_addr_port((struct sockaddr *)&peer), local_port(cfd));
	char a[NET_ADDRSTR_MAX], b[NET_ADDRSTR_MAX];
	ck_assert_int_eq(net_addr_str((struct sockaddr *)&peer, a, sizeof(a)), 0);
	ck_assert_str_eq(a, ip);
	struct sockaddr_storage cp;
	socklen_t cplen = sizeof(cp);
	ck_assert_int_eq(net_peer_addr(cfd, &cp, &cplen), 0);
	ck_assert_int_eq(net_addr_str((struct sockaddr *)&cp, b, sizeof(b)), 0);
	ck_assert_str_eq(b, ip);
	ck_assert_uint_eq(net_addr_port((struct sockaddr *)&cp), local_port(lfd));

	ck_assert_int_eq(write(cfd, "x", 1), 1);
	char c = 0;
	ck_assert_int_eq(read(afd, &c, 1), 1);
	ck_assert_int_eq(c, 'x');
	ck_assert_int_eq(net_set_nodelay(afd, 1), 0);
	ck_assert_int_eq(net_set_nodelay(cfd, 0), 0);
	close(afd);
	close(cfd);
	close(lfd);
}
END_TEST

START_TEST(ipv6_listener_is_v6only)
{
	int fd = net_listen("::", 0, 4);
	ck_assert_int_ge(fd, 0);
	int v = 0;
	socklen_t len = sizeof(v);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v, &len), 0);
	ck_assert_int_eq(v, 1);
	close(fd);
}
END_TEST

START_TEST(accept_times_out)
{
	int lfd = net_listen("127.0.0.1", 0, 4);
	ck_assert_int_ge(lfd, 0);
	long long t0 = sys_now_ms();
	ck_assert_int_eq(net_accept_timeout(lfd, 150, NULL, NULL), -ETIMEDOUT);
	long long dt = sys_now_ms() - t0;
	ck_assert_int_ge(dt, 140);
	ck_assert_int_lt(dt, 1500);
	close(lfd);
}
END_TEST

static const char *const bad_addrs[] = { "localhost", "", "1.2.3", "::g", "127.0.0.1 " };

START_TEST(listen_rejects_names)
{
	ck_assert_int_eq(net_listen(bad_addrs[_i], 0, 4), -EINVAL);
}
END_TEST

/* A 4-port range: every listener lands inside it, distinct, then it is full. */
START_TEST(listen_range_small)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int probe = net_listen(loopbacks[_i], 0, 1);
	ck_assert_int_ge(probe, 0);
	len = sizeof(ss);
	ck_assert_int_eq(net_local_addr(probe, &ss, &len), 0);
	close(probe);

	uint16_t min = (uint16_t)(40000 + (getpid() % 2000) * 4), max = min + 3;
	int fds[5], n = 0, rc;
	uint16_t ports[5];
	for (;;) {
		ck_assert_int_lt(n, 5);
		rc = net_listen_range((struct sockaddr *)&ss, min, max, &ports[n]);
		if (rc < 0)
			break;
		ck_assert_uint_ge(ports[n], min);
		ck_assert_uint_le(ports[n], max);
		ck_assert_uint_eq(local_port(rc), ports[n]);
		for (int i = 0; i < n; i++)
			ck_assert_uint_ne(ports[i], ports[n]);
		fds[n++] = rc;
	}
	ck_assert_int_eq(rc, -EADDRINUSE);
	ck_assert_int_ge(n, 1);	/* a port may be busy elsewhere; most are not */
	ck_assert_int_le(n, 4);
	while (n > 0)
		close(fds[--n]);
}
END_TEST

START_TEST(listen_range_ephemeral_and_invalid)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	uint16_t port = 0;
	int fd = net_listen_range((struct sockaddr *)&sin, 0, 0, &port);
	ck_assert_int_ge(fd, 0);
	ck_assert_uint_ne(port, 0);
	ck_assert_uint_eq(local_port(fd), port);
	close(fd);
	ck_assert_int_eq(net_listen_range((struct sockaddr *)&sin, 2000, 1000, &port), -EINVAL);
	struct sockaddr un = { .sa_family = AF_UNIX };
	ck_assert_int_eq(net_listen_range(&un, 0, 0, &port), -EAFNOSUPPORT);
}
END_TEST

/* Client side: names and literals through getaddrinfo; refused port. */
START_TEST(connect_host)
{
	static const char *const hosts[] = { "127.0.0.1", "::1", "localhost" };
	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		const char *lip = i == 1 ? "::1" : "127.0.0.1";
		int lfd = net_listen(lip, 0, 4);
		ck_assert_int_ge(lfd, 0);
		char port[8];
		snprintf(port, sizeof(port), "%u", local_port(lfd));
		int cfd = net_connect_host(hosts[i], port, NET_TEST_TIMEOUT_MS);
		ck_assert_msg(cfd >= 0, "%s: %s", hosts[i], strerror(-cfd));
		int afd = net_accept_timeout(lfd, NET_TEST_TIMEOUT_MS, NULL, NULL);
		ck_assert_int_ge(afd, 0);
		close(afd);
		close(cfd);
		close(lfd);
	}
}
END_TEST

START_TEST(connect_refused)
{
	/* A port that was just free: bind, read the number, close. */
	int lfd = net_listen("127.0.0.1", 0, 1);
	ck_assert_int_ge(lfd, 0);
	char port[8];
	snprintf(port, sizeof(port), "%u", local_port(lfd));
	close(lfd);
	ck_assert_int_eq(net_connect_host("127.0.0.1", port, NET_TEST_TIMEOUT_MS),
			 -ECONNREFUSED);
	ck_assert_int_lt(net_connect_host("no-such-host.invalid", port, 500), 0);
}
END_TEST

START_TEST(addr_str_bounds)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(21) };
	s6.sin6_addr.s6_addr[15] = 1;
	char buf[NET_ADDRSTR_MAX], tiny[4];
	ck_assert_int_eq(net_addr_str((struct sockaddr *)&s6, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "::1");
	ck_assert_int_eq(net_addr_str((struct sockaddr *)&s6, tiny, sizeof(tiny)), 0);
	memset(s6.sin6_addr.s6_addr, 0xfe, 16);
	ck_assert_int_eq(net_addr_str((struct sockaddr *)&s6, tiny, sizeof(tiny)), -E2BIG);
	ck_assert_uint_eq(net_addr_port((struct sockaddr *)&s6), 21);
}
END_TEST

Suite *net_suite(void)
{
	Suite *s = suite_create("net");
	TCase *tc = tcase_create("net");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, listen_connect_accept, 0, 2);
	tcase_add_test(tc, ipv6_listener_is_v6only);
	tcase_add_test(tc, accept_times_out);
	tcase_add_loop_test(tc, listen_rejects_names, 0,
			    (int)(sizeof(bad_addrs) / sizeof(bad_addrs[0])));
	tcase_add_loop_test(tc, listen_range_small, 0, 2);
	tcase_add_test(tc, listen_range_ephemeral_and_invalid);
	tcase_add_test(tc, connect_host);
	tcase_add_test(tc, connect_refused);
	tcase_add_test(tc, addr_str_bounds);
	suite_add_tcase(s, tc);
	return s;
}
