/*
 * master.h - the listening process: binds the listeners, accepts, enforces
 * max_clients / max_per_ip, forks one session per connection, reaps them,
 * reloads the configuration on SIGHUP and stops on SIGTERM.
 */
#ifndef ZC_MASTER_H
#define ZC_MASTER_H

#include "conf/config.h"

/* How to rebuild the configuration on SIGHUP: the file plus overrides. */
typedef int (*master_load_fn)(struct zc_config *out, char *err, size_t errsz);

/* In a session process: tell the master this connection has logged in
 * (it no longer counts against max_login_pending). */
void master_mark_logged_in(void);
/* In a process that must not touch the master's shared state (the
 * pre-login worker): unmap it. */
void master_forget_shared(void);

/* inetd style (systemd Accept=yes, or inetd): serve the one connection
 * on fd 0 in this process and return the exit status. */
int master_run_inetd(struct zc_config *cfg);

/* Run until SIGTERM/SIGINT. cfg is owned by the master from now on.
 * Returns the process exit status. */
int master_run(struct zc_config *cfg, master_load_fn reload);

#endif
