/* sdnotify.c - sd_notify(3) datagrams without libsystemd (see sdnotify.h). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "sdnotify.h"

/* Fill sa from $NOTIFY_SOCKET. Returns the address length, 0 if unset,
 * or -errno. Abstract names are not NUL-terminated: the length counts
 * exactly the name's bytes (unix(7), "abstract"). */
static int notify_addr(struct sockaddr_un *sa)
{
	const char *name = getenv("NOTIFY_SOCKET");
	if (!name || !*name)
		return 0;
	if (name[0] != '/' && name[0] != '@')
		return -EAFNOSUPPORT;	/* e.g. "vsock:": not used on a host */
	size_t len = strlen(name);
	if (len < 2)
		return -EINVAL;
	if (len >= sizeof sa->sun_path)
		return -ENAMETOOLONG;
	memset(sa, 0, sizeof *sa);
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, name, len);
	if (name[0] == '@') {
		sa->sun_path[0] = '\0';
		return (int)(offsetof(struct sockaddr_un, sun_path) + len);
	}
	return (int)(offsetof(struct sockaddr_un, sun_path) + len + 1);
}

int sd_notify_send(const char *msg)
{
	struct sockaddr_un sa;
	int salen = notify_addr(&sa);
	if (salen <= 0)
		return salen;
	int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ssize_t n;
	size_t len = strlen(msg);
	do
		n = sendto(fd, msg, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, (socklen_t)salen);
	while (n < 0 && errno == EINTR);
	int err = n < 0 ? -errno : (size_t)n == len ? 1 : -EMSGSIZE;
	close(fd);
	return err;
}

int sd_notify_ready(void)
{
	return sd_notify_send("READY=1");
}

int sd_notify_reloading(void)
{
	struct timespec ts;
	char msg[64];
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	unsigned long long usec = (unsigned long long)ts.tv_sec * 1000000ULL
		+ (unsigned long long)ts.tv_nsec / 1000ULL;
	int w = snprintf(msg, sizeof msg, "RELOADING=1\nMONOTONIC_USEC=%llu", usec);
	if (w < 0 || (size_t)w >= sizeof msg)
		return -EOVERFLOW;
	return sd_notify_send(msg);
}

int sd_notify_stopping(void)
{
	return sd_notify_send("STOPPING=1");
}
