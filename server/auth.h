/*
 * auth.h - who may log in: anonymous users and the virtual-users file
 * ("name:crypt-hash:home" per line), verified with libcrypt.
 */
#ifndef ZC_AUTH_H
#define ZC_AUTH_H

#include <stddef.h>

#include "conf/config.h"
#include "vfs.h"

#define AUTH_LINE_MAX 1024

struct auth_user {
	int anonymous;
	int writable;		/* uploads, deletes, renames allowed */
	int can_mkdir;		/* MKD allowed even when not writable */
	char root[VFS_PATH_MAX];
};

/* 1 if name is one of the anonymous login names ("anonymous", "ftp"). */
int auth_is_anonymous_name(const char *name);
/* Check a login. Unknown users cost the same crypt work as known ones so
 * the timing does not reveal which names exist. Returns 0 on success (out
 * filled), -EACCES on a wrong name or password, another -errno if the
 * users file cannot be read (logged). */
int auth_check(const struct zc_config *cfg, const char *name, const char *pass,
	       struct auth_user *out);
/* Hash a password with libcrypt's preferred method (yescrypt on Debian 12)
 * or with the given prefix ("$6$" sha512-crypt, "$y$" yescrypt; NULL for
 * the default). Returns 0 or -errno. */
int auth_hash_password(const char *pass, const char *prefix, char *out, size_t outsz);

#endif
