/*
 * sockact.h - being started with sockets already open: systemd socket
 * activation (sd_listen_fds(3) protocol, without libsystemd) and inetd.
 *
 * Socket activation, Accept=no (zcftpd.socket): systemd passes the
 * listening sockets as fds 3, 4, ... and sets LISTEN_PID to our PID and
 * LISTEN_FDS to their count. The master accepts on them instead of
 * binding its own.
 *
 * inetd style, Accept=yes (zcftpd-inetd.socket + zcftpd@.service) or a
 * classic inetd: one connection per process, already accepted, on fd 0.
 * The process serves that one session and exits. inetd also puts the
 * socket on fds 1 and 2: log to syslog, never to stderr, in that mode.
 */
#ifndef ZC_SOCKACT_H
#define ZC_SOCKACT_H

/* First fd passed by systemd (SD_LISTEN_FDS_START). */
#define SOCKACT_FDS_START 3

/* Take over the listening sockets passed by systemd. On success stores
 * the fds (3, 4, ...) in fds[0..n-1], sets FD_CLOEXEC on each (sessions
 * must not inherit them) and returns n >= 1. Returns 0 when not socket-
 * activated (LISTEN_PID/LISTEN_FDS unset, LISTEN_FDS=0, or LISTEN_PID is another
 * process: the variables were inherited, not meant for us). Errors:
 * -EINVAL malformed variables, -E2BIG more than max sockets, -EBADF an fd
 * is not open, -ENOTSOCK an fd is not a listening stream socket.
 * LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are unset in every case, so
 * no child ever mistakes them for its own. */
int sockact_listen_fds(int *fds, int max);

/* 1 if fd 0 is a connected TCP socket (IPv4 or IPv6) with a peer, i.e.
 * started by inetd or by systemd with Accept=yes; else 0. */
int sockact_inetd(void);

#endif
