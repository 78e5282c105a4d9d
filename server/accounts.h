/*
 * accounts.h - system accounts: lookups for the accounts sessions run as,
 * and password checks of local users against /etc/shadow (root only).
 */
#ifndef ZC_ACCOUNTS_H
#define ZC_ACCOUNTS_H

#include <sys/types.h>

#include "conf/config.h"
#include "auth.h"

struct account {
	uid_t uid;
	gid_t gid;
	char name[64];
	char home[VFS_PATH_MAX];
	char shell[256];
};

/* getpwnam_r into out. Returns 0, -ENOENT, or -errno. */
int account_lookup(const char *name, struct account *out);

/* Check a local user's password and account state: locked ("!" or "*"
 * hash), expired (shadow sp_expire), shell not in /etc/shells (when
 * cfg->check_shell), uid 0, allow/deny lists. Unknown users and every
 * refusal cost one crypt, so timing does not tell them apart. Returns 0
 * (out filled: uid, gid, name, root = local_root or home) or -EACCES. */
int local_user_check(const struct zc_config *cfg, const char *name, const char *pass,
		     struct auth_user *out);

#endif
