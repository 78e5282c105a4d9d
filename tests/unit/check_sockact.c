/* check_sockact.c - sockact.[ch]: LISTEN_PID/LISTEN_FDS parsing with real
 * sockets placed at fds 3, 4, ... and inetd detection with fd 0 as a real
 * loopback connection. Each case runs in a forked child, which may
 * rearrange its low fds without disturbing the runner. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "suites.h"
#include "net.h"
#include "sockact.h"

#define CHILD_REPORT_FD 20	/* above every fd a case rearranges */
#define CONNECT_WAIT_MS 2000
/* Child-side failures of the checks made after sockact_listen_fds(). */
#define BAD_ENV 1000
#define BAD_FDS 1001
#define BAD_SETUP 1002

/* Run fn(arg) in a child and return the int it reports. */
static int in_child(int (*fn)(const void *), const void *arg)
{
	int p[2], rc = -9999;
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int w = fcntl(p[1], F_DUPFD_CLOEXEC, CHILD_REPORT_FD);
		close(p[0]);
		close(p[1]);
		rc = fn(arg);
		_exit(write(w, &rc, sizeof rc) == (ssize_t)sizeof rc ? 0 : 1);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &rc, sizeof rc), (ssize_t)sizeof rc);
	close(p[0]);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return rc;
}

/* Put fd at `to` (closing the original unless it already is there). */
static int place(int fd, int to)
{
	if (fd < 0)
		return -1;
	if (fd == to)
		return 0;
	int rc = dup2(fd, to) < 0 ? -1 : 0;
	close(fd);
	return rc;
}

enum fd_kind { FD_LISTENER, FD_PIPE, FD_UNBOUND, FD_CLOSED };

static int make_fd(enum fd_kind k, int to)
{
	int p[2];
	switch (k) {
	case FD_LISTENER: return place(net_listen("127.0.0.1", 0, 8), to);
	case FD_UNBOUND: return place(socket(AF_INET, SOCK_STREAM, 0), to);
	case FD_PIPE:
		if (pipe(p) < 0)
			return -1;
		close(p[1]);
		return place(p[0], to);
	case FD_CLOSED: close(to); return 0;
	}
	return -1;
}

#define PID_SELF "self"
static const struct listen_case {
	const char *pid;	/* LISTEN_PID: PID_SELF, a literal, NULL = unset */
	const char *nfds;	/* LISTEN_FDS, NULL = unset */
	int n;			/* fds placed at 3.. */
	enum fd_kind kind[3];
	int max;
	int expect;
} listen_cases[] = {
	{ NULL, NULL, 0, { 0 }, 16, 0 },
	{ PID_SELF, "2", 2, { FD_LISTENER, FD_LISTENER }, 16, 2 },
	{ PID_SELF, "1", 1, { FD_LISTENER }, 1, 1 },
	{ PID_SELF, "0", 0, { 0 }, 16, 0 },
	{ "1", "2", 2, { FD_LISTENER, FD_LISTENER }, 16, 0 },	/* inherited, not ours */
	{ PID_SELF, NULL, 1, { FD_LISTENER }, 16, 0 },
	{ PID_SELF, "abc", 1, { FD_LISTENER }, 16, -EINVAL },
	{ PID_SELF, "-1", 1, { FD_LISTENER }, 16, -EINVAL },
	{ PID_SELF, "2x", 2, { FD_LISTENER, FD_LISTENER }, 16, -EINVAL },
	{ "12x", "1", 1, { FD_LISTENER }, 16, -EINVAL },
	{ "0", "1", 1, { FD_LISTENER }, 16, -EINVAL },
	{ PID_SELF, "3", 3, { FD_LISTENER, FD_LISTENER, FD_LISTENER }, 2, -E2BIG },
	{ PID_SELF, "1", 1, { FD_PIPE }, 16, -ENOTSOCK },
	{ PID_SELF, "1", 1, { FD_UNBOUND }, 16, -ENOTSOCK },
	{ PID_SELF, "2", 2, { FD_LISTENER, FD_CLOSED }, 16, -EBADF },
};

static int set_env(const struct listen_case *c)
{
	char pid[32];
	snprintf(pid, sizeof pid, "%d", (int)getpid());
	unsetenv("LISTEN_PID");
	unsetenv("LISTEN_FDS");
	if (c->pid && setenv("LISTEN_PID", strcmp(c->pid, PID_SELF) ? c->pid : pid, 1) < 0)
		return -1;
	if (c->nfds && setenv("LISTEN_FDS", c->nfds, 1) < 0)
		return -1;
	return setenv("LISTEN_FDNAMES", "zcftpd.socket", 1);
}

static int child_listen(const void *arg)
{
	const struct listen_case *c = arg;
	int fds[16];
	for (int i = 0; i < c->n; i++)
		if (make_fd(c->kind[i], SOCKACT_FDS_START + i) < 0)
			return BAD_SETUP;
	if (set_env(c) < 0)
		return BAD_SETUP;
	int rc = sockact_listen_fds(fds, c->max);
	if (getenv("LISTEN_PID") || getenv("LISTEN_FDS") || getenv("LISTEN_FDNAMES"))
		return BAD_ENV;
	for (int i = 0; i < rc; i++)
		if (fds[i] != SOCKACT_FDS_START + i || !(fcntl(fds[i], F_GETFD) & FD_CLOEXEC))
			return BAD_FDS;
	return rc;
}

START_TEST(listen_fds)
{
	const struct listen_case *c = &listen_cases[_i];
	int rc = in_child(child_listen, c);
	ck_assert_msg(rc == c->expect, "case %d (LISTEN_PID=%s LISTEN_FDS=%s): got %d, expected %d",
		      _i, c->pid ? c->pid : "-", c->nfds ? c->nfds : "-", rc, c->expect);
}
END_TEST

enum stdin_kind { IN_TCP4, IN_TCP6, IN_DEVNULL, IN_LISTENER, IN_UNIX_PAIR, IN_UDP };

/* A connected loopback TCP pair: returns the accepted (server) side, the
 * client side stays open (leaked to the child's exit) so there is a peer. */
static int tcp_accepted(const char *ip)
{
	int lfd = net_listen(ip, 0, 4);
	if (lfd < 0)
		return -1;
	struct sockaddr_storage ss;
	socklen_t len = sizeof ss;
	if (net_local_addr(lfd, &ss, &len) < 0
	    || net_connect_timeout((struct sockaddr *)&ss, len, NULL, 0, CONNECT_WAIT_MS) < 0)
		return -1;
	int afd = net_accept_timeout(lfd, CONNECT_WAIT_MS, NULL, NULL);
	close(lfd);
	return afd;
}

static int stdin_fd(enum stdin_kind k)
{
	int sv[2];
	switch (k) {
	case IN_TCP4: return tcp_accepted("127.0.0.1");
	case IN_TCP6: return tcp_accepted("::1");
	case IN_DEVNULL: return open("/dev/null", O_RDONLY);
	case IN_LISTENER: return net_listen("127.0.0.1", 0, 4);
	case IN_UNIX_PAIR:
		return socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0 ? -1 : sv[0];
	case IN_UDP: return socket(AF_INET, SOCK_DGRAM, 0);
	}
	return -1;
}

static const struct {
	enum stdin_kind kind;
	int expect;
} inetd_cases[] = {
	{ IN_TCP4, 1 }, { IN_TCP6, 1 }, { IN_DEVNULL, 0 }, { IN_LISTENER, 0 },
	{ IN_UNIX_PAIR, 0 }, { IN_UDP, 0 },
};

static int child_inetd(const void *arg)
{
	const enum stdin_kind *k = arg;
	int fd = stdin_fd(*k);
	if (fd < 0 || place(fd, STDIN_FILENO) < 0)
		return BAD_SETUP;
	return sockact_inetd();
}

START_TEST(inetd_stdin)
{
	int rc = in_child(child_inetd, &inetd_cases[_i].kind);
	ck_assert_msg(rc == inetd_cases[_i].expect, "case %d: got %d, expected %d",
		      _i, rc, inetd_cases[_i].expect);
}
END_TEST

Suite *sockact_suite(void)
{
	Suite *s = suite_create("sockact");
	TCase *tc = tcase_create("sockact");
	tcase_add_loop_test(tc, listen_fds, 0, (int)(sizeof listen_cases / sizeof listen_cases[0]));
	tcase_add_loop_test(tc, inetd_stdin, 0, (int)(sizeof inetd_cases / sizeof inetd_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
