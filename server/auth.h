/*
 * auth.h - who may log in: anonymous users and the virtual-users file
 * ("name:crypt-hash:home" per line), verified with libcrypt.
 */
#ifndef ZC_AUTH_H
#define ZC_AUTH_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/config.h"
#include "vfs.h"

#define AUTH_LINE_MAX 1024

enum auth_kind { AUTH_ANONYMOUS, AUTH_VIRTUAL, AUTH_LOCAL };

struct auth_user {
	enum auth_kind kind;
	int anonymous;
	int writable;		/* uploads, deletes, renames allowed */
	int can_mkdir;		/* MKD allowed even when not writable */
	int umask;		/* for created files and directories */
	int max_sessions;	/* 0 = unlimited */
	int rate_down, rate_up;	/* bytes/s per transfer, 0 = unlimited */
	char root[VFS_PATH_MAX];
	/* The system identity the session runs as (privilege separation). */
	char account[64];	/* account name, for initgroups() of local users */
	uid_t uid;
	gid_t gid;
};

/* 1 if name is one of the anonymous login names ("anonymous", "ftp"). */
int auth_is_anonymous_name(const char *name);
/* Check a login. Unknown users cost the same crypt work as known ones so
 * the timing does not reveal which names exist. Returns 0 on success (out
 * filled), -EACCES on a wrong name or password, another -errno if the
 * users file cannot be read (logged). */
int auth_check(const struct zc_config *cfg, const char *name, const char *pass,
	       struct auth_user *out);
/* Verify pass against a crypt(3) hash in constant time. 1 if it matches. */
int auth_verify_hash(const char *pass, const char *hash);
/* Apply the global defaults and the per-user options file to u. Returns 0,
 * or -errno when the file cannot be read or name's line is malformed (the
 * login is then refused). */
int auth_apply_user_options(const struct zc_config *cfg, const char *name, struct auth_user *u);

/* Hash a password with libcrypt's preferred method (yescrypt on Debian 12)
 * or with the given prefix ("$6$" sha512-crypt, "$y$" yescrypt; NULL for
 * the default). Returns 0 or -errno. */
int auth_hash_password(const char *pass, const char *prefix, char *out, size_t outsz);

#endif
