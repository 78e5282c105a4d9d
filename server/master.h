/*
 * master.h - the listening process: binds the listeners, accepts, enforces
 * max_clients / max_per_ip, forks one session per connection, reaps them,
 * reloads the configuration on SIGHUP and stops on SIGTERM.
 */
#ifndef ZC_MASTER_H
#define ZC_MASTER_H

#include <sys/socket.h>

#include "conf/config.h"

/* How to rebuild the configuration on SIGHUP: the file plus overrides. */
typedef int (*master_load_fn)(struct zc_config *out, char *err, size_t errsz);

/* In a session process: tell the master this connection has logged in
 * (it no longer counts against max_login_pending). */
void master_mark_logged_in(void);
/* In a process that must not touch the master's shared state (the
 * pre-login worker): unmap it. */
void master_forget_shared(void);
/* In a session process behind a PROXY protocol balancer, once the header
 * gave the real client address sa: record it in the shared table and
 * count the other sessions from that address (peertab.h). Returns 0, or
 * -EUSERS if it already has max_per_ip of them (then refuse with 421).
 * Always 0 without a master (inetd mode). */
int master_claim_peer(const struct sockaddr *sa);

/* inetd style (systemd Accept=yes, or inetd): serve the one connection
 * on fd 0 in this process and return the exit status. */
int master_run_inetd(struct zc_config *cfg);

/* Run until SIGTERM/SIGINT. cfg is owned by the master from now on.
 * Returns the process exit status. */
int master_run(struct zc_config *cfg, master_load_fn reload);

#endif
