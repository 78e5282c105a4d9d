/* jail.c - chroot and privilege drops (see jail.h). */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "jail.h"
#include "log.h"
#include "sys.h"

int jail_empty_dir(const struct zc_config *cfg, char *out, size_t n)
{
	if (!cfg->run_dir)
		return -EINVAL;
	int w = snprintf(out, n, "%s/empty", cfg->run_dir);
	return w < 0 || (size_t)w >= n ? -ENAMETOOLONG : 0;
}

/* mkdir if missing, then insist on root ownership and no group/other write. */
static int safe_dir(const char *path, mode_t mode, char *err, size_t errsz)
{
	struct stat st;
	if (mkdir(path, mode) < 0 && errno != EEXIST) {
		snprintf(err, errsz, "cannot create %s: %s", path, strerror(errno));
		return -errno;
	}
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0
	    || (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errsz, "%s must be a directory owned by root and writable only by root", path);
		return -EPERM;
	}
	return 0;
}

static int dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return 0;
	struct dirent *de;
	int n = 0;
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n == 0;
}

int jail_prepare(const struct zc_config *cfg, char *err, size_t errsz)
{
	char empty[512], slots[512];
	int rc = jail_empty_dir(cfg, empty, sizeof empty);
	if (rc < 0 || snprintf(slots, sizeof slots, "%s/sessions", cfg->run_dir) >= (int)sizeof slots) {
		snprintf(err, errsz, "run_dir is not set or too long");
		return -EINVAL;
	}
	if ((rc = safe_dir(cfg->run_dir, 0755, err, errsz)) < 0
	    || (rc = safe_dir(empty, 0555, err, errsz)) < 0
	    || (rc = safe_dir(slots, 0700, err, errsz)) < 0)
		return rc;
	if (chmod(empty, 0555) < 0 || !dir_is_empty(empty)) {
		snprintf(err, errsz, "%s must be an empty directory", empty);
		return -ENOTEMPTY;
	}
	return 0;
}

/* Read the time zone now: after chroot /etc/localtime is out of reach. */
static int enter_empty(const struct zc_config *cfg)
{
	char empty[512];
	int rc = jail_empty_dir(cfg, empty, sizeof empty);
	if (rc < 0)
		return rc;
	tzset();
	if (chroot(empty) < 0 || chdir("/") < 0)
		return -errno;
	return 0;
}

/* Drop to uid/gid for good and prove it: no id may remain 0 and setuid(0)
 * must fail. NO_NEW_PRIVS keeps set-uid binaries and file capabilities
 * from ever giving anything back; not dumpable keeps other processes of
 * the same user from attaching. */
static int drop_ids(uid_t uid, gid_t gid)
{
	uid_t r, e, s;
	if (setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		return -errno;
	if (getresuid(&r, &e, &s) < 0 || r != uid || e != uid || s != uid)
		return -EPERM;
	if (uid != 0 && setuid(0) == 0)
		return -EPERM;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return -errno;
	return 0;
}

int jail_enter_prelogin(const struct zc_config *cfg, const struct account *acct)
{
	if (acct->uid == 0)
		return -EPERM;
	if (setgroups(0, NULL) < 0)
		return -errno;
	int rc = enter_empty(cfg);
	return rc < 0 ? rc : drop_ids(acct->uid, acct->gid);
}

static int set_groups(const struct auth_user *u)
{
	if (u->kind == AUTH_LOCAL)
		return initgroups(u->account, u->gid) < 0 ? -errno : 0;
	return setgroups(1, &u->gid) < 0 ? -errno : 0;
}

/* Open the root with the user's file-system ids so that a home the user
 * cannot enter is not opened on root's authority. */
static int open_root_as_user(const struct auth_user *u)
{
	setfsgid(u->gid);
	setfsuid(u->uid);
	int fd = open(u->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int err = fd < 0 ? -errno : 0;
	setfsuid(0);
	setfsgid(0);
	return fd < 0 ? err : fd;
}

int jail_become_user(const struct zc_config *cfg, const struct auth_user *u)
{
	if (u->uid == 0)
		return -EPERM;
	int rc = set_groups(u);
	if (rc < 0)
		return rc;
	int fd = open_root_as_user(u);
	if (fd < 0)
		return fd;
	if ((rc = enter_empty(cfg)) < 0 || (rc = drop_ids(u->uid, u->gid)) < 0) {
		sys_close(fd);
		return rc;
	}
	return fd;
}
