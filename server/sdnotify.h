/*
 * sdnotify.h - readiness notification to systemd (sd_notify(3) protocol)
 * without linking libsystemd: one datagram of "KEY=VALUE" lines sent to
 * the AF_UNIX socket named by $NOTIFY_SOCKET. A name starting with '@' is
 * an abstract socket (the '@' stands for the leading NUL byte).
 *
 * Every function returns 1 when the message was sent, 0 when
 * $NOTIFY_SOCKET is unset or empty (not started by systemd with
 * Type=notify: nothing to do), or -errno: -EAFNOSUPPORT for a name that
 * is neither a path nor '@', -EINVAL for "@" or "/" alone, -ENAMETOOLONG,
 * or the socket's error. A failure is worth a warning, never fatal: the
 * service still runs. The variable is left set, so later messages
 * (reload, stop) reach it too.
 */
#ifndef ZC_SDNOTIFY_H
#define ZC_SDNOTIFY_H

/* "READY=1": start-up finished (listeners open), or a reload finished. */
int sd_notify_ready(void);
/* "RELOADING=1" plus MONOTONIC_USEC (required by Type=notify-reload,
 * harmless before that): a SIGHUP reload has begun; follow it with
 * sd_notify_ready() when done. */
int sd_notify_reloading(void);
/* "STOPPING=1": shutdown has begun. */
int sd_notify_stopping(void);
/* Send msg as is (newline-separated assignments, e.g. "STATUS=..."). */
int sd_notify_send(const char *msg);

#endif
