/*
 * jail.h - chroot and identity changes for privilege separation.
 *
 * Both jails chroot into one empty, root-owned directory, so a process
 * that is compromised reaches no file at all except through the fds it
 * holds (the user's root directory fd, opened with the user's rights).
 */
#ifndef ZC_JAIL_H
#define ZC_JAIL_H

#include <stddef.h>

#include "accounts.h"
#include "auth.h"
#include "conf/config.h"

/* Create run_dir, run_dir/empty and run_dir/sessions (root, 0755/0555/0700)
 * and check they are root-owned and not writable by anyone else, and that
 * empty/ is empty. Master, as root, at start-up. Returns 0 or -errno with
 * a message in err. */
int jail_prepare(const struct zc_config *cfg, char *err, size_t errsz);
/* The pre-login worker: chroot into the empty directory and become the
 * unprivileged account, with PR_SET_NO_NEW_PRIVS. Returns 0 or -errno. */
int jail_enter_prelogin(const struct zc_config *cfg, const struct account *acct);
/* After login: open the user's root with the user's own rights, chroot into
 * the empty directory, drop every id and capability to the user's, and
 * check that root cannot be regained. Returns the root directory fd
 * (O_PATH) or -errno. */
int jail_become_user(const struct zc_config *cfg, const struct auth_user *u);
/* Path of the empty directory for cfg (run_dir/empty) into out. */
int jail_empty_dir(const struct zc_config *cfg, char *out, size_t n);

#endif
