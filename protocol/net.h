/*
 * net.h - sockets for the control and data connections: listen, accept and
 * connect with timeouts, local/peer addresses, data-socket tuning.
 *
 * Every function returns a file descriptor or 0 on success, and a negative
 * errno on failure (never -1 with errno). Every descriptor created here has
 * FD_CLOEXEC set; ownership of a returned descriptor passes to the caller.
 * Host arguments are numeric literals only, except net_connect_host().
 */
#ifndef ZC_NET_H
#define ZC_NET_H

#include <stdint.h>
#include <sys/socket.h>

/* Longest text net_addr_str() produces: "[" IPv6 "]:" port NUL, rounded up. */
#define NET_ADDRSTR_MAX 64

/*
 * Create a listening TCP socket bound to addr:port. addr is a numeric host
 * ("0.0.0.0", "::", "127.0.0.1", "::1", ...). IPV6_V6ONLY is set on AF_INET6
 * sockets (the server binds IPv4 and IPv6 separately), SO_REUSEADDR always.
 * Returns the fd or -errno (-EINVAL for a non-numeric addr).
 */
int net_listen(const char *addr, uint16_t port, int backlog);

/*
 * Passive-mode data listener: same family and IP as `local` (the control
 * connection's local address) and a port in [min,max]; min == max == 0
 * asks the kernel for an ephemeral port. Ports are tried from a random
 * offset in the range, at most NET_LISTEN_RANGE_TRIES of them. *port_out
 * receives the bound port. Returns the fd or -errno (-EADDRINUSE when
 * every tried port was taken, -EAFNOSUPPORT for a non-IP `local`).
 */
#define NET_LISTEN_RANGE_TRIES 64
int net_listen_range(const struct sockaddr *local, uint16_t min, uint16_t max,
		     uint16_t *port_out);

/*
 * accept() waiting at most timeout_ms (< 0: forever). The new fd has
 * FD_CLOEXEC and is blocking, whatever lfd's mode. peer/peerlen may be
 * NULL; otherwise *peerlen must be sizeof(*peer) on entry.
 * Returns the fd, -ETIMEDOUT, or -errno.
 */
int net_accept_timeout(int lfd, int timeout_ms, struct sockaddr_storage *peer,
		       socklen_t *peerlen);

/*
 * Connect to `to` within timeout_ms (< 0: forever), first binding `local`
 * if it is not NULL (active mode binds the control connection's local IP
 * with port 0; SO_REUSEADDR is set so a quick reconnect does not fail).
 * Returns a connected, blocking, CLOEXEC fd, -ETIMEDOUT or -errno.
 */
int net_connect_timeout(const struct sockaddr *to, socklen_t tolen,
			const struct sockaddr *local, socklen_t locallen,
			int timeout_ms);

/*
 * Client side: resolve host (name or literal, IPv6 literals without
 * brackets) and port with getaddrinfo() and try each address in order,
 * each with the full timeout_ms. Returns a connected fd or the last
 * -errno (-EHOSTUNREACH when the name does not resolve).
 */
int net_connect_host(const char *host, const char *port, int timeout_ms);

/*
 * Data-socket tuning. on != 0 sets TCP_NODELAY (control connections:
 * replies are small and latency matters); data connections leave Nagle
 * on (0). SO_KEEPALIVE is enabled either way so a dead peer on an idle
 * control or stalled data connection is eventually noticed.
 * SO_SNDBUF/SO_RCVBUF are deliberately NOT set: setting them disables
 * Linux's per-socket buffer autotuning (tcp_wmem/tcp_rmem up to several
 * MiB), which is what lets sendfile/splice keep a fat pipe full.
 * Returns 0 or -errno.
 */
int net_set_nodelay(int fd, int on);
/* Acknowledge received data at once instead of delaying the ACK (Linux
 * clears the mode by itself, so call it before each wait for input). A
 * peer without TCP_NODELAY that sends two small writes in a row (a TLS
 * ChangeCipherSpec then Finished, or data then close_notify) otherwise
 * holds the second until our delayed ACK: ~40 ms. Errors are ignored. */
void net_quickack(int fd);

/* getsockname()/getpeername(). *len must be sizeof(*ss) on entry. 0 or -errno. */
int net_local_addr(int fd, struct sockaddr_storage *ss, socklen_t *len);
int net_peer_addr(int fd, struct sockaddr_storage *ss, socklen_t *len);

/*
 * Numeric text of an IPv4/IPv6 address, without the port ("127.0.0.1",
 * "::1"; an IPv4-mapped IPv6 address stays in its "::ffff:a.b.c.d" form).
 * Returns 0, -E2BIG if dst is too small, -EAFNOSUPPORT for other families.
 */
int net_addr_str(const struct sockaddr *sa, char *dst, size_t dstsz);
/* Port of an IPv4/IPv6 address in host order; 0 for other families. */
uint16_t net_addr_port(const struct sockaddr *sa);

#endif
