/* net.c - listening, accepting and connecting TCP sockets with timeouts. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_GETRANDOM
#include <sys/random.h>
#endif

#include "net.h"
#include "sys.h"

/* Fill ss from a numeric IPv4 or IPv6 literal and a port. */
static int parse_numeric(const char *addr, uint16_t port,
			 struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		*len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		*len = sizeof(*sin6);
		return 0;
	}
	return -EINVAL;
}

static int set_int_opt(int fd, int level, int name, int val)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)) < 0)
		return -errno;
	return 0;
}

/* socket + options + bind + listen; the common part of both listeners. */
static int listen_sa(const struct sockaddr *sa, socklen_t len, int backlog)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	/* One socket per family: an IPv6 wildcard must not also take IPv4. */
	if (rc == 0 && sa->sa_family == AF_INET6)
		rc = set_int_opt(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
	if (rc == 0 && bind(fd, sa, len) < 0)
		rc = -errno;
	if (rc == 0 && listen(fd, backlog) < 0)
		rc = -errno;
	if (rc < 0) {
		sys_close(fd);
		return rc;
	}
	return fd;
}

int net_listen(const char *addr, uint16_t port, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int rc = parse_numeric(addr, port, &ss, &len);
	if (rc < 0)
		return rc;
	return listen_sa((const struct sockaddr *)&ss, len, backlog);
}

static void set_port(struct sockaddr_storage *ss, uint16_t port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* Not security-critical (spreads sessions over the range); any entropy. */
static uint32_t random_u32(void)
{
	uint32_t v = 0;
#ifdef HAVE_GETRANDOM
	if (getrandom(&v, sizeof(v), GRND_NONBLOCK) == (ssize_t)sizeof(v))
		return v;
#endif
	return (uint32_t)sys_now_ms() ^ ((uint32_t)getpid() << 16);
}

/* The backlog of a data listener: one connection is expected. */
#define NET_DATA_BACKLOG 4

int net_listen_range(const struct sockaddr *local, uint16_t min, uint16_t max,
		     uint16_t *port_out)
{
	struct sockaddr_storage ss;
	socklen_t len;

	if (local->sa_family == AF_INET)
		len = sizeof(struct sockaddr_in);
	else if (local->sa_family == AF_INET6)
		len = sizeof(struct sockaddr_in6);
	else
		return -EAFNOSUPPORT;
	if (min > max || (min == 0 && max != 0))
		return -EINVAL;
	memset(&ss, 0, sizeof(ss));
	memcpy(&ss, local, len);

	uint32_t span = (uint32_t)max - min + 1;
	uint32_t start = random_u32() % span;
	uint32_t tries = span < NET_LISTEN_RANGE_TRIES ? span : NET_LISTEN_RANGE_TRIES;
	int rc = -EADDRINUSE;
	for (uint32_t i = 0; i < tries; i++) {
		uint16_t port = (uint16_t)(min + (start + i) % span);
		set_port(&ss, port);
		rc = listen_sa((struct sockaddr *)&ss, len, NET_DATA_BACKLOG);
		if (rc >= 0) {
			struct sockaddr_storage got;
			socklen_t glen = sizeof(got);
			if (net_local_addr(rc, &got, &glen) == 0 && port_out)
				*port_out = net_addr_port((struct sockaddr *)&got);
			return rc;
		}
		/* Taken (or privileged) port: try the next; anything else is final. */
		if (rc != -EADDRINUSE && rc != -EACCES)
			return rc;
	}
	return rc;
}

int net_accept_timeout(int lfd, int timeout_ms, struct sockaddr_storage *peer,
		       socklen_t *peerlen)
{
	long long deadline = timeout_ms >= 0 ? sys_now_ms() + timeout_ms : -1;
	for (;;) {
		int left = -1;
		if (deadline >= 0) {
			long long d = deadline - sys_now_ms();
			left = d > 0 ? (int)d : 0;
		}
		int rc = sys_poll1(lfd, POLLIN, left);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return -ETIMEDOUT;
		/* accept4 never inherits O_NONBLOCK: the new fd is blocking. */
		int fd = accept4(lfd, (struct sockaddr *)peer, peerlen, SOCK_CLOEXEC);
		if (fd >= 0)
			return fd;
		/* The pending connection may vanish between poll and accept. */
		if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK &&
		    errno != ECONNABORTED)
			return -errno;
	}
}

/* Wait for a non-blocking connect() in progress and fetch its result. */
static int connect_wait(int fd, int timeout_ms)
{
	int rc = sys_poll1(fd, POLLOUT, timeout_ms);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ETIMEDOUT;
	int err = 0;
	socklen_t elen = sizeof(err);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
		return -errno;
	return -err;
}

int net_connect_timeout(const struct sockaddr *to, socklen_t tolen,
			const struct sockaddr *local, socklen_t locallen,
			int timeout_ms)
{
	int fd = socket(to->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int rc = 0;
	if (local) {
		/* Active mode binds the same local IP for every transfer. */
		rc = set_int_opt(fd, SOL_SOCKET, SO_REUSEADDR, 1);
		if (rc == 0 && bind(fd, local, locallen) < 0)
			rc = -errno;
	}
	if (rc == 0 && connect(fd, to, tolen) < 0) {
		/* EINTR: the connect goes on asynchronously, as EINPROGRESS. */
		rc = -errno;
		if (rc == -EINPROGRESS || rc == -EINTR)
			rc = connect_wait(fd, timeout_ms);
	}
	if (rc == 0)
		rc = sys_set_nonblock(fd, 0);
	if (rc < 0) {
		sys_close(fd);
		return rc;
	}
	return fd;
}

static int gai_to_errno(int g)
{
	switch (g) {
	case EAI_SYSTEM:
		return errno ? -errno : -EIO;
	case EAI_MEMORY:
		return -ENOMEM;
	case EAI_AGAIN:
		return -EAGAIN;
	case EAI_FAMILY:
		return -EAFNOSUPPORT;
	default:
		return -EHOSTUNREACH;
	}
}

int net_connect_host(const char *host, const char *port, int timeout_ms)
{
	/* No AI_ADDRCONFIG: it hides ::1 on hosts without global IPv6. */
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res = NULL;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g != 0)
		return gai_to_errno(g);
	int rc = -EHOSTUNREACH;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		rc = net_connect_timeout(ai->ai_addr, ai->ai_addrlen, NULL, 0, timeout_ms);
		if (rc >= 0)
			break;
	}
	freeaddrinfo(res);
	return rc;
}

int net_set_nodelay(int fd, int on)
{
	int rc = set_int_opt(fd, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
	if (rc == 0)
		rc = set_int_opt(fd, SOL_SOCKET, SO_KEEPALIVE, 1);
	return rc;
}

int net_local_addr(int fd, struct sockaddr_storage *ss, socklen_t *len)
{
	if (getsockname(fd, (struct sockaddr *)ss, len) < 0)
		return -errno;
	return 0;
}

int net_peer_addr(int fd, struct sockaddr_storage *ss, socklen_t *len)
{
	if (getpeername(fd, (struct sockaddr *)ss, len) < 0)
		return -errno;
	return 0;
}

int net_addr_str(const struct sockaddr *sa, char *dst, size_t dstsz)
{
	const void *a;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	else
		return -EAFNOSUPPORT;
	if (dstsz > INT32_MAX || !inet_ntop(sa->sa_family, a, dst, (socklen_t)dstsz))
		return -E2BIG;
	return 0;
}

uint16_t net_addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}

void net_quickack(int fd)
{
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof one);
}
