/* sockact.c - socket activation and inetd detection (see sockact.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockact.h"

/* A whole decimal number in [min, max]; -EINVAL otherwise. */
static long parse_num(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end != '\0' || v < min || v > max)
		return -EINVAL;
	return v;
}

static int sock_opt(int fd, int opt, int *val)
{
	socklen_t len = sizeof *val;
	if (getsockopt(fd, SOL_SOCKET, opt, val, &len) < 0)
		return -errno;
	return len == sizeof *val ? 0 : -EINVAL;
}

/* A passed fd must be open and a listening stream socket: Accept=yes
 * sockets handed to this code path by mistake are refused, not served. */
static int check_listener(int fd)
{
	int type, listening;
	if (fcntl(fd, F_GETFD) < 0)
		return -EBADF;
	if (sock_opt(fd, SO_TYPE, &type) < 0 || sock_opt(fd, SO_ACCEPTCONN, &listening) < 0)
		return -ENOTSOCK;
	if (type != SOCK_STREAM || !listening)
		return -ENOTSOCK;
	return fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 ? -errno : 0;
}

static int take_fds(const char *pid_s, const char *n_s, int *fds, int max)
{
	long pid = parse_num(pid_s, 1, INT_MAX);
	if (pid < 0)
		return -EINVAL;
	if ((pid_t)pid != getpid())
		return 0;
	long n = parse_num(n_s, 0, INT_MAX - SOCKACT_FDS_START);
	if (n < 0)
		return -EINVAL;
	if (n > max)
		return -E2BIG;
	for (int i = 0; i < (int)n; i++) {
		int rc = check_listener(SOCKACT_FDS_START + i);
		if (rc < 0)
			return rc;
		fds[i] = SOCKACT_FDS_START + i;
	}
	return (int)n;
}

int sockact_listen_fds(int *fds, int max)
{
	const char *pid_s = getenv("LISTEN_PID");
	const char *n_s = getenv("LISTEN_FDS");
	int rc = pid_s && n_s ? take_fds(pid_s, n_s, fds, max) : 0;
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	unsetenv("LISTEN_FDNAMES");
	return rc;
}

int sockact_inetd(void)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	int type, listening, domain;
	if (sock_opt(STDIN_FILENO, SO_TYPE, &type) < 0 || type != SOCK_STREAM)
		return 0;
	if (sock_opt(STDIN_FILENO, SO_ACCEPTCONN, &listening) < 0 || listening)
		return 0;
	if (sock_opt(STDIN_FILENO, SO_DOMAIN, &domain) < 0
	    || (domain != AF_INET && domain != AF_INET6))
		return 0;
	return getpeername(STDIN_FILENO, (struct sockaddr *)&peer, &plen) == 0;
}
