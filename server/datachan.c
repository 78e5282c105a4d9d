/* datachan.c - opening data connections safely (see datachan.h). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <string.h>

#include "address.h"
#include "datachan.h"
#include "log.h"
#include "net.h"
#include "session.h"
#include "sys.h"

void data_reset(struct session *s)
{
	s->pasv_armed = 0;
	s->port_set = 0;
}

void data_close_all(struct session *s)
{
	data_reset(s);
	sys_close(s->pasv_fd);
	s->pasv_fd = -1;
}

int data_prepared(const struct session *s)
{
	return s->pasv_armed || s->port_set;
}

/* Connections still queued on the listener belong to an earlier PASV that
 * was never used (the client connected, then did something else): they
 * must not be taken for the next transfer's. */
static void drain_backlog(int lfd)
{
	for (int i = 0; i < 64; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		sys_close(fd);
	}
}

/* One passive listener per session, reused by every PASV/EPSV: opening a
 * new one per transfer costs four syscalls and, with many sockets in
 * TIME_WAIT (thousands of small files), a slow search for a free port. The
 * theft check in data_open applies to every accepted connection. */
int data_arm_passive(struct session *s, uint16_t *port)
{
	data_reset(s);
	if (s->pasv_fd < 0) {
		int fd = net_listen_range((struct sockaddr *)&s->local, (uint16_t)s->cfg->pasv_min_port,
					  (uint16_t)s->cfg->pasv_max_port, &s->pasv_port);
		if (fd < 0) {
			log_warn("cannot open passive listener: %s", strerror(-fd));
			return fd;
		}
		if (sys_set_nonblock(fd, 1) < 0)
			log_warn("passive listener stays blocking");
		s->pasv_fd = fd;
	} else {
		/* Every arming starts from an empty queue: a connection left by
		 * a refused command, or queued in advance by another process on
		 * the client's host to be accepted first, is never used. */
		drain_backlog(s->pasv_fd);
	}
	s->pasv_armed = 1;
	*port = s->pasv_port;
	return 0;
}

/* Accept until the control peer's host connects or the deadline passes.
 * Anyone else who races to the passive port (data connection theft,
 * RFC 2577 section 5) is dropped and logged, and we keep waiting. */
/* Clients usually connect right after 227/229, before the transfer
 * command: try the (non-blocking) listener first and poll only if nobody
 * is there yet. The new fd is non-blocking, as the engine wants it. */
static int accept_now_or_wait(struct session *s, int left, struct sockaddr_storage *peer,
			      socklen_t *plen)
{
	int fd = accept4(s->pasv_fd, (struct sockaddr *)peer, plen, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != ECONNABORTED
			&& errno != EINTR))
		return fd >= 0 ? fd : -errno;
	reply_flush(s);	/* the client may be waiting for the 150 to connect */
	return net_accept_timeout(s->pasv_fd, left, peer, plen);
}

static int accept_from_peer(struct session *s)
{
	long long deadline = sys_now_ms() + (long long)s->cfg->accept_timeout * 1000;
	for (;;) {
		long long left = deadline - sys_now_ms();
		if (left <= 0)
			return -ETIMEDOUT;
		struct sockaddr_storage peer;
		socklen_t plen = sizeof peer;
		int fd = accept_now_or_wait(s, (int)left, &peer, &plen);
		if (fd < 0)
			return fd;
		if (addr_same_host((struct sockaddr *)&peer, (struct sockaddr *)&s->peer))
			return fd;
		char who[64];
		if (addr_to_string((struct sockaddr *)&peer, who, sizeof who) < 0)
			zc_strlcpy(who, "?", sizeof who);
		log_warn("dropped data connection from foreign host %s", who);
		sys_close(fd);
	}
}

/* Active mode connects from the control connection's local address so the
 * client sees the data connection come from the server it talks to. */
static int connect_to_port(struct session *s)
{
	struct sockaddr_storage local = s->local;
	if (local.ss_family == AF_INET)
		((struct sockaddr_in *)&local)->sin_port = 0;
	else if (local.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&local)->sin6_port = 0;
	reply_flush(s);
	return net_connect_timeout((struct sockaddr *)&s->port_addr, s->port_len,
				   (struct sockaddr *)&local, s->local_len,
				   s->cfg->accept_timeout * 1000);
}

int data_open(struct session *s)
{
	int fd;
	if (s->pasv_armed) {
		fd = accept_from_peer(s);
	} else if (s->port_set) {
		fd = connect_to_port(s);
	} else {
		fd = -ENOTCONN;
	}
	data_reset(s);
	if (fd < 0)
		log_info("data connection failed: %s", strerror(-fd));
	return fd;
}
