/* cmd_auth.c - USER PASS ACCT REIN QUIT (RFC 959 4.1.1). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "compat.h"
#include "datachan.h"
#include "ftps.h"
#include "jail.h"
#include "log.h"
#include "master.h"
#include "privsep.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"
#include "userslot.h"

static void logout(struct session *s)
{
	data_close_all(s);
	if (s->vfs_open)
		vfs_close(&s->vfs);
	s->vfs_open = 0;
	sys_close(s->user_slot_fd);
	s->user_slot_fd = -1;
	s->login = LOGIN_NONE;
	s->user[0] = '\0';
	s->anonymous = 0;
	s->rest = 0;
	s->type_ascii = 0;
	s->has_rnfr = 0;
	s->epsv_all = 0;
}

static void cmd_user(struct session *s, const char *arg)
{
	if (s->login == LOGIN_DONE) {
		reply(s, FTP_R_NOT_LOGGED_IN, "Can't change to another user (use REIN).");
		return;
	}
	if (ftps_login_required(s, arg) && !s->ctl_ssl) {
		/* RFC 4217 7: a server that requires TLS answers USER in clear with 530. */
		reply(s, FTP_R_NOT_LOGGED_IN, "TLS required: use AUTH TLS before USER.");
		return;
	}
	if (zc_strlcpy(s->user, arg, sizeof s->user) < 0) {
		s->login = LOGIN_NONE;
		reply(s, FTP_R_SYNTAX_ARG, "User name too long.");
		return;
	}
	s->login = LOGIN_NEED_PASS;
	/* The same reply for every name: nothing tells which users exist. */
	if (auth_is_anonymous_name(arg))
		reply(s, FTP_R_NEED_PASSWORD, "Anonymous login ok, send your e-mail address as password.");
	else
		reply(s, FTP_R_NEED_PASSWORD, "Please specify the password.");
}

void session_login_failed(struct session *s, int delay_ms)
{
	const struct zc_config *c = s->cfg;
	s->login_failures++;
	log_info("failed login for user \"%s\" (%d)", s->user, s->login_failures);
	s->login = LOGIN_NONE;
	s->user[0] = '\0';
	/* Slow down password guessing; the delay is the same for every cause. */
	if (delay_ms > 0)
		poll(NULL, 0, delay_ms);
	reply(s, FTP_R_NOT_LOGGED_IN, "Login incorrect.");
	if (c->max_login_failures > 0 && s->login_failures >= c->max_login_failures) {
		log_info("too many failed logins, closing");
		/* RFC 959 allows 421 whenever the service closes the connection. */
		reply(s, FTP_R_UNAVAILABLE, "Too many failed logins, closing control connection.");
		s->quit = 1;
	}
}

void session_logged_in(struct session *s, const char *name, const struct auth_user *u)
{
	zc_strlcpy(s->user, name, sizeof s->user);
	s->vfs.can_mkdir = u->can_mkdir;
	s->vfs.create_only = u->anonymous;
	s->vfs.deny = s->cfg->files_deny;
	s->vfs_open = 1;
	s->login = LOGIN_DONE;
	s->anonymous = u->anonymous;
	s->rate_down = u->rate_down;
	s->rate_up = u->rate_up;
	s->login_failures = 0;
	master_mark_logged_in();
	log_info("login ok, user \"%s\"%s", s->user, u->anonymous ? " (anonymous)" : "");
}

static int login_as_user(struct session *s, const struct auth_user *u)
{
	int rootfd = jail_become_user(s->cfg, u);
	if (rootfd < 0)
		return rootfd;
	s->ids_dropped = 1;
	return vfs_init_fd(&s->vfs, rootfd, u->writable, (mode_t)u->umask);
}

static void cmd_pass(struct session *s, const char *arg)
{
	if (s->login == LOGIN_DONE) {
		reply(s, FTP_R_NOT_IMPL_SUPERFLUOUS, "Already logged in.");
		return;
	}
	if (s->login != LOGIN_NEED_PASS) {
		reply(s, FTP_R_BAD_SEQUENCE, "Login with USER first.");
		return;
	}
	if (s->mon_fd >= 0) {
		privsep_login(s, arg);
		return;
	}
	struct auth_user u;
	int rc = auth_check(s->cfg, s->user, arg, &u);
	if (rc == 0 && geteuid() == 0)
		rc = monitor_resolve_ids(&u);
	if (rc == 0) {
		/* Refused like a wrong password, as with privsep (monitor.c). */
		rc = user_slot_take(s->cfg, s->user, u.max_sessions, &s->user_slot_fd);
		user_slot_log(rc, s->user, u.max_sessions);
	}
	if (rc < 0) {
		session_login_failed(s, s->cfg->login_fail_delay_ms);
		return;
	}
	/* Started as root without privilege separation: the session still
	 * becomes the user (chroot, every id) before serving a single file. */
	rc = geteuid() == 0 ? login_as_user(s, &u)
		: vfs_init(&s->vfs, u.root, u.writable, (mode_t)u.umask);
	if (rc < 0) {
		log_err("cannot open root %s for user \"%s\": %s", u.root, s->user, strerror(-rc));
		sys_close(s->user_slot_fd);	/* not logged in: no slot */
		s->user_slot_fd = -1;
		s->login = LOGIN_NONE;
		reply(s, FTP_R_NOT_LOGGED_IN, "Login failed: home directory unavailable.");
		return;
	}
	session_logged_in(s, s->user, &u);
	reply(s, FTP_R_LOGGED_IN, "Login successful.");
}

static void cmd_rein(struct session *s, const char *arg)
{
	if (s->ids_dropped) {
		/* This process runs as the user now and cannot check another login. */
		reply(s, FTP_R_NOT_IMPL, "REIN is not available here; reconnect to log in again.");
		return;
	}
	logout(s);
	reply(s, FTP_R_READY, "Ready for new user.");
}

static void cmd_quit(struct session *s, const char *arg)
{
	reply(s, FTP_R_GOODBYE, "Goodbye.");
	s->quit = 1;
}

const struct command cmd_auth_table[] = {
	{ "USER", CMD_ARG, cmd_user, "USER <sp> username" },
	{ "PASS", 0, cmd_pass, "PASS <sp> password" },
	{ "ACCT", 0, NULL, "ACCT <sp> account (not needed)" },
	{ "REIN", CMD_NOARG, cmd_rein, "REIN" },
	{ "QUIT", 0, cmd_quit, "QUIT" },
	{ NULL, 0, NULL, NULL },
};
