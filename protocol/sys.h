/*
 * sys.h - the thin syscall layer: EINTR retried, full-length loops,
 * results as values (>= 0 success, negative errno on failure) so a caller
 * cannot confuse "failed" with "errno left over from something else".
 */
#ifndef ZC_SYS_H
#define ZC_SYS_H

#include <stddef.h>
#include <sys/types.h>

/* read() once, retrying EINTR. Returns bytes (0 = EOF) or -errno. */
ssize_t sys_read(int fd, void *buf, size_t n);
/* write() until all n bytes are written (blocking fds). Returns 0 or -errno. */
int sys_write_all(int fd, const void *buf, size_t n);
/* Like sys_write_all for a non-blocking fd: polls for POLLOUT up to
 * timeout_ms per wait. Returns 0, -ETIMEDOUT or -errno. */
int sys_write_all_timeout(int fd, const void *buf, size_t n, int timeout_ms);
/* close() that keeps errno intact and ignores fd < 0. */
void sys_close(int fd);
/* Set or clear O_NONBLOCK. Returns 0 or -errno. */
int sys_set_nonblock(int fd, int on);
/* poll() one fd for `events` with EINTR retried against a deadline.
 * Returns revents (> 0), 0 on timeout, or -errno. timeout_ms < 0 waits forever. */
int sys_poll1(int fd, short events, int timeout_ms);
/* Read a small text file (e.g. under /proc) into buf, NUL-terminated.
 * Returns the length (> 0), or -errno / -ENODATA when empty. */
ssize_t sys_read_small_file(const char *path, char *buf, size_t n);
/* fflush(stdout) and its error flag: 0 when everything printed reached
 * the file, else -errno (-EIO for an error fflush did not report). For
 * commands whose output is their result (SIGPIPE ignored, disk full). */
int sys_stdout_written(void);
/* Monotonic clock in milliseconds. */
long long sys_now_ms(void);

#endif
