/* userslot.c - max_sessions per user (see userslot.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "session.h"
#include "sys.h"
#include "userslot.h"

/* run_dir/sessions, created if missing: as root jail_prepare made it
 * (0700, checked); a server run by a user makes its own. */
static int slot_dir(const struct zc_config *cfg)
{
	char dir[512];
	if (!cfg->run_dir)
		return -ENXIO;
	if (snprintf(dir, sizeof dir, "%s/sessions", cfg->run_dir) >= (int)sizeof dir)
		return -ENAMETOOLONG;
	int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 && errno == ENOENT && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	if (dfd < 0)
		dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return dfd < 0 ? -errno : dfd;
}

int user_slot_take(const struct zc_config *cfg, const char *name, int max, int *slot_fd)
{
	char file[2 * SESSION_USER_MAX + 16];
	*slot_fd = -1;
	if (max <= 0)
		return 0;
	int dfd = slot_dir(cfg);
	if (dfd < 0)
		return dfd;
	size_t o = 0;
	for (const char *p = name; *p && o + 2 < sizeof file - 16; p++)	/* hex: never a path */
		o += (size_t)snprintf(file + o, sizeof file - o, "%02x", (unsigned char)*p);
	int rc = -EUSERS;
	for (int i = 0; i < max; i++) {
		snprintf(file + o, sizeof file - o, ".%d", i);
		int fd = openat(dfd, file, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			rc = -errno;
			break;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			*slot_fd = fd;
			rc = 0;
			break;
		}
		sys_close(fd);
	}
	sys_close(dfd);
	return rc;
}

void user_slot_log(int rc, const char *name, int max)
{
	if (rc == -EUSERS)
		log_info("user \"%s\" has reached max_sessions (%d): refused as a failed login",
			 name, max);
	else if (rc == -ENXIO)
		log_err("user \"%s\" has max_sessions %d, which needs server.run_dir "
			"when zcftpd does not run as root: login refused", name, max);
	else if (rc < 0)
		log_err("max_sessions slot for user \"%s\": %s: login refused", name, strerror(-rc));
}
