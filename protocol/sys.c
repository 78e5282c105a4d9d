/* sys.c - syscall wrappers with EINTR handling and value-returned errors. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "sys.h"

ssize_t sys_read(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);
		if (r >= 0)
			return r;
		if (errno != EINTR)
			return -errno;
	}
}

int sys_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int sys_write_all_timeout(int fd, const void *buf, size_t n, int timeout_ms)
{
	const char *p = buf;
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			int rc = sys_poll1(fd, POLLOUT, timeout_ms);
			if (rc < 0)
				return rc;
			if (rc == 0)
				return -ETIMEDOUT;
			continue;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

void sys_close(int fd)
{
	if (fd < 0)
		return;
	int saved = errno;
	close(fd);
	errno = saved;
}

int sys_set_nonblock(int fd, int on)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	int want = on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK);
	if (want != fl && fcntl(fd, F_SETFL, want) < 0)
		return -errno;
	return 0;
}

long long sys_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int sys_poll1(int fd, short events, int timeout_ms)
{
	long long deadline = timeout_ms >= 0 ? sys_now_ms() + timeout_ms : -1;
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = events };
		int left = -1;
		if (deadline >= 0) {
			long long d = deadline - sys_now_ms();
			left = d > 0 ? (int)d : 0;
		}
		int rc = poll(&pfd, 1, left);
		if (rc > 0)
			return pfd.revents;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
}

ssize_t sys_read_small_file(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t r = n > 1 ? sys_read(fd, buf, n - 1) : -EINVAL;
	sys_close(fd);
	if (r == 0)
		r = -ENODATA;
	if (r > 0)
		buf[r] = '\0';
	return r;
}

int sys_stdout_written(void)
{
	if (fflush(stdout) != 0)
		return errno ? -errno : -EIO;
	return ferror(stdout) ? -EIO : 0;
}
