/* check_sdnotify.c - sdnotify.[ch] against a real AF_UNIX datagram socket
 * named by $NOTIFY_SOCKET, as a path and as an abstract name. */
#include "config.h"
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "suites.h"
#include "sdnotify.h"
#include "sys.h"

#define NOTIFY_WAIT_MS 2000

struct listener {
	int fd;
	char name[108];		/* the value of $NOTIFY_SOCKET */
	char dir[64];		/* temp dir of a path socket, else "" */
};

/* Bind a datagram socket: a path in a fresh temp dir, or an abstract
 * name unique to this process. */
static void listener_open(struct listener *l, int abstract)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	l->dir[0] = '\0';
	l->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l->fd, 0);
	if (abstract) {
		snprintf(l->name, sizeof l->name, "@zcftpd-check-%d-%ld", (int)getpid(), (long)random());
		memcpy(sa.sun_path, l->name, strlen(l->name));
		sa.sun_path[0] = '\0';
		len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(l->name));
	} else {
		const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(l->dir, sizeof l->dir, "%s/zcnotify.XXXXXX", tmp);
		ck_assert_ptr_nonnull(mkdtemp(l->dir));
		snprintf(l->name, sizeof l->name, "%s/notify", l->dir);
		memcpy(sa.sun_path, l->name, strlen(l->name) + 1);
		len = sizeof sa;
	}
	ck_assert_int_eq(bind(l->fd, (struct sockaddr *)&sa, len), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", l->name, 1), 0);
}

static void listener_close(struct listener *l)
{
	close(l->fd);
	if (l->dir[0]) {
		char path[128];
		snprintf(path, sizeof path, "%s/notify", l->dir);
		unlink(path);
		rmdir(l->dir);
	}
	unsetenv("NOTIFY_SOCKET");
}

/* One datagram, NUL-terminated into buf; fails the test on timeout. */
static void listener_recv(struct listener *l, char *buf, size_t n)
{
	ck_assert_int_gt(sys_poll1(l->fd, POLLIN, NOTIFY_WAIT_MS), 0);
	ssize_t got = recv(l->fd, buf, n - 1, 0);
	ck_assert_int_gt(got, 0);
	buf[got] = '\0';
}

static const struct {
	int (*fn)(void);
	const char *expect;	/* the datagram starts with this */
} messages[] = {
	{ sd_notify_ready, "READY=1" },
	{ sd_notify_reloading, "RELOADING=1\nMONOTONIC_USEC=" },
	{ sd_notify_stopping, "STOPPING=1" },
};
#define N_MESSAGES (int)(sizeof messages / sizeof messages[0])

static void check_message(int abstract, int i)
{
	struct listener l;
	char buf[256];
	listener_open(&l, abstract);
	ck_assert_int_eq(messages[i].fn(), 1);
	listener_recv(&l, buf, sizeof buf);
	ck_assert_msg(strncmp(buf, messages[i].expect, strlen(messages[i].expect)) == 0,
		      "got '%s', expected '%s...'", buf, messages[i].expect);
	if (messages[i].fn == sd_notify_reloading)
		ck_assert_uint_gt(strtoull(buf + strlen(messages[i].expect), NULL, 10), 0);
	else
		ck_assert_str_eq(buf, messages[i].expect);
	/* The variable stays: a later message reaches the same socket. */
	ck_assert_ptr_nonnull(getenv("NOTIFY_SOCKET"));
	listener_close(&l);
}

START_TEST(path_socket)
{
	check_message(0, _i);
}
END_TEST

START_TEST(abstract_socket)
{
	check_message(1, _i);
}
END_TEST

START_TEST(unset_is_noop)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(sd_notify_ready(), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", "", 1), 0);
	ck_assert_int_eq(sd_notify_stopping(), 0);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

static const struct {
	const char *name;
	int err;
} bad_names[] = {
	{ "relative/path", -EAFNOSUPPORT },
	{ "vsock:2:1234", -EAFNOSUPPORT },
	{ "@", -EINVAL },
	{ "/", -EINVAL },
	{ "/nonexistent-zcftpd-dir/notify", -ENOENT },
	{ "@zcftpd-check-nobody-listens-here", -ECONNREFUSED },
};

START_TEST(bad_socket_names)
{
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", bad_names[_i].name, 1), 0);
	ck_assert_int_eq(sd_notify_ready(), bad_names[_i].err);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

START_TEST(name_too_long)
{
	char name[200];
	memset(name, 'x', sizeof name - 1);
	name[0] = '/';
	name[sizeof name - 1] = '\0';
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", name, 1), 0);
	ck_assert_int_eq(sd_notify_ready(), -ENAMETOOLONG);
	unsetenv("NOTIFY_SOCKET");
}
END_TEST

Suite *sdnotify_suite(void)
{
	Suite *s = suite_create("sdnotify");
	TCase *tc = tcase_create("notify");
	tcase_add_loop_test(tc, path_socket, 0, N_MESSAGES);
	tcase_add_loop_test(tc, abstract_socket, 0, N_MESSAGES);
	tcase_add_test(tc, unset_is_noop);
	tcase_add_loop_test(tc, bad_socket_names, 0, (int)(sizeof bad_names / sizeof bad_names[0]));
	tcase_add_test(tc, name_too_long);
	suite_add_tcase(s, tc);
	return s;
}
