/* monitor.c - the root side of privilege separation.
 *
 * The session process started by the master stays root only as long as it
 * must: it forks the pre-login worker (unprivileged, chrooted into an empty
 * directory), answers its login requests, and after a successful login
 * becomes the user's session process itself (chroot, all ids dropped), so
 * no root process remains beside a logged-in user. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accounts.h"
#include "compat.h"
#include "ftps.h"
#include "jail.h"
#include "log.h"
#include "master.h"
#include "privsep.h"
#include "reply_codes.h"
#include "sys.h"
#include "tls.h"
#include "userslot.h"

/* Extra time the monitor grants beyond the worker's own login timeout. */
#define MONITOR_SLACK_MS 5000

enum mon_state { MON_PRE_PEER, MON_PRE_AUTH, MON_AUTHED, MON_CLOSING };

/* Which request is allowed in which state: anything else is fatal. */
static const uint32_t allowed[] = { [MON_PRE_PEER] = PS_PEER, [MON_PRE_AUTH] = PS_AUTH,
				   [MON_AUTHED] = PS_HANDOFF, [MON_CLOSING] = 0 };

struct monitor {
	const struct zc_config *cfg;
	int ctl_fd, sock;
	pid_t worker;
	enum mon_state state;
	int failures;
	struct auth_user user;
	char name[SESSION_USER_MAX];
	int implicit_tls;
	int relay_fd;		/* clear-text relay from a TLS worker, or -1 */
	unsigned char msg[PS_HANDOFF_MAX];
	struct handoff_state hs;
};

static void kill_worker(struct monitor *m);

/* Anything unexpected from the worker ends the session: it may be hostile. */
static void __attribute__((noreturn)) die(struct monitor *m, const char *why)
{
	log_err("monitor: %s; ending the session", why);
	kill_worker(m);
	_exit(1);
}

static void answer(struct monitor *m, enum ps_type t)
{
	struct ps_answer a = { t };
	if (send(m->sock, &a, sizeof a, MSG_NOSIGNAL) != (ssize_t)sizeof a)
		log_warn_errno("monitor: cannot answer the worker");
}

/* Accounts every session needs, looked up once by the master (start-up
 * and reload) and inherited through fork: a getpwnam per login is a read
 * of /etc/passwd that sessions-per-second pays for. A name not cached, or
 * not found then, is looked up at use. */
static struct { struct account acct[3]; int have[3]; } cache;

void monitor_cache_accounts(const struct zc_config *cfg)
{
	const char *names[3] = { cfg->privsep_user, cfg->anon_user, cfg->virtual_account };
	for (int i = 0; i < 3; i++)
		cache.have[i] = names[i] && account_lookup(names[i], &cache.acct[i]) == 0;
}

static int cached_lookup(const char *name, struct account *out)
{
	for (int i = 0; i < 3; i++) {
		if (cache.have[i] && strcmp(cache.acct[i].name, name) == 0) {
			*out = cache.acct[i];
			return 0;
		}
	}
	return account_lookup(name, out);
}

/* Fill uid/gid for anonymous and virtual users from their system account. */
int monitor_resolve_ids(struct auth_user *u)
{
	struct account a;
	if (u->kind == AUTH_LOCAL)
		return 0;
	int rc = cached_lookup(u->account, &a);
	if (rc < 0) {
		log_err("system account \"%s\" for %s users: %s", u->account,
			u->kind == AUTH_ANONYMOUS ? "anonymous" : "virtual", strerror(-rc));
		return rc;
	}
	u->uid = a.uid;
	u->gid = a.gid;
	return a.uid == 0 ? -EPERM : 0;
}

static int valid_auth(const struct ps_auth *a, size_t len)
{
	return len == sizeof *a && memchr(a->user, 0, sizeof a->user)
		&& memchr(a->pass, 0, sizeof a->pass);
}

/*
 * Every refused login gets the same answer at the same time: the delay is
 * spent here, where a compromised worker cannot skip it, and runs from the
 * request's arrival, so how long the check itself took (a crypt, a
 * session slot probe) does not show either.
 */
static void login_refused(struct monitor *m, long long t0)
{
	m->failures++;
	long long left = t0 + m->cfg->login_fail_delay_ms - sys_now_ms();
	if (left > 0)
		poll(NULL, 0, (int)left);
	if (m->failures >= m->cfg->max_login_failures) {
		m->state = MON_CLOSING;	/* the worker replies, then exits */
		answer(m, PS_AUTH_FAIL_CLOSE);
	} else {
		answer(m, PS_AUTH_FAIL);
	}
}

/*
 * A user at max_sessions is refused like a wrong password (same answer,
 * delay and failure count): a distinct reply would tell a password
 * guesser that the password was right (docs/SECURITY.md, Login abuse).
 */
static void handle_auth(struct monitor *m, size_t len)
{
	long long t0 = sys_now_ms();
	struct ps_auth *a = (struct ps_auth *)m->msg;
	if (!valid_auth(a, len))
		die(m, "malformed login request");
	int rc = auth_check(m->cfg, a->user, a->pass, &m->user);
	explicit_bzero(a->pass, sizeof a->pass);
	if (rc == 0)
		rc = monitor_resolve_ids(&m->user);
	if (rc == 0) {
		zc_strlcpy(m->name, a->user, sizeof m->name);
		int slot_fd;	/* held until this process, the user's session, ends */
		rc = user_slot_take(m->cfg, m->name, m->user.max_sessions, &slot_fd);
		user_slot_log(rc, m->name, m->user.max_sessions);
	}
	if (rc < 0) {
		login_refused(m, t0);
		return;
	}
	m->state = MON_AUTHED;
	answer(m, PS_AUTH_OK);
}

static int valid_peer(const struct ps_peer *p)
{
	sa_family_t f = p->addr.ss_family;
	return (f == AF_INET && p->len == sizeof(struct sockaddr_in))
		|| (f == AF_INET6 && p->len == sizeof(struct sockaddr_in6));
}

/* PROXY protocol: the worker parsed the header (no root process parses
 * client bytes); max_per_ip is checked here, where the shared session
 * table is, against the real client instead of the balancer. */
static void handle_peer(struct monitor *m, size_t len)
{
	struct ps_peer p;
	if (len != sizeof p)
		die(m, "malformed peer address");
	memcpy(&p, m->msg, sizeof p);
	if (!valid_peer(&p))
		die(m, "malformed peer address");
	if (master_claim_peer((struct sockaddr *)&p.addr) < 0) {
		m->state = MON_CLOSING;	/* the worker replies 421, then exits */
		answer(m, PS_PEER_BUSY);
		return;
	}
	m->state = MON_PRE_AUTH;
	answer(m, PS_PEER_OK);
}

static void wait_worker(struct monitor *m)
{
	if (m->worker > 0) {
		while (waitpid(m->worker, NULL, 0) < 0 && errno == EINTR)
			;
		m->worker = -1;
	}
}

static void kill_worker(struct monitor *m)
{
	if (m->worker > 0)
		kill(m->worker, SIGKILL);
	wait_worker(m);
}

/* With TLS the worker stays on as the control connection's relay: the
 * session talks clear text to it, keeps the real addresses, and imports
 * the TLS session so data connections can be required to resume it. */
static int take_relay(struct monitor *m, const unsigned char *der, size_t der_len)
{
	struct handoff_state *h = &m->hs;
	if (m->relay_fd < 0 || !ftps_ctx())
		return -EPROTO;
	h->local_len = sizeof h->local;
	if (getsockname(m->ctl_fd, (struct sockaddr *)&h->local, &h->local_len) < 0)
		return -errno;
	/* Behind a PROXY-protocol balancer only the worker knows the client. */
	if (!m->cfg->proxy_protocol) {
		h->peer_len = sizeof h->peer;
		if (getpeername(m->ctl_fd, (struct sockaddr *)&h->peer, &h->peer_len) < 0)
			return -errno;
	}
	if (der_len > sizeof h->der)
		return -EPROTO;
	memcpy(h->der, der, der_len);
	h->der_len = der_len;
	/* The user's process must not hold the raw TLS socket. */
	sys_close(m->ctl_fd);
	m->ctl_fd = m->relay_fd;
	m->relay_fd = -1;
	m->worker = -1;	/* it lives on as the relay; the master reaps it */
	return 0;
}

/* Login done; this process becomes the user's. */
static void become_session(struct monitor *m, size_t len)
{
	const unsigned char *der;
	size_t der_len;
	if (privsep_decode_handoff(m->msg, len, &m->hs, &der, &der_len) < 0)
		die(m, "malformed handoff");
	if (m->hs.tls ? take_relay(m, der, der_len) < 0 : m->relay_fd >= 0)
		die(m, "inconsistent TLS handoff");
	explicit_bzero(m->msg, len);
	wait_worker(m);
	sys_close(m->sock);
	master_mark_logged_in();
	master_forget_shared();
	int rootfd = jail_become_user(m->cfg, &m->user);
	if (rootfd < 0) {
		log_err("cannot enter the session of \"%s\" (root %s): %s", m->name, m->user.root,
			strerror(-rootfd));
		reply_raw_fd(m->ctl_fd, FTP_R_NOT_LOGGED_IN, "Login failed: home directory unavailable.");
		_exit(1);
	}
	session_run_user(m->ctl_fd, m->cfg, m->name, &m->user, rootfd, &m->hs);
	_exit(0);
}

static pid_t start_worker(struct monitor *m, int sv)
{
	struct account acct;
	int rc = cached_lookup(m->cfg->privsep_user, &acct);
	if (rc < 0) {
		log_err("privsep_user \"%s\": %s", m->cfg->privsep_user, strerror(-rc));
		return -1;
	}
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	sys_close(m->sock);
	master_forget_shared();
	xferlog_close();	/* no forged transfer records from an unauthenticated process */
	if ((rc = jail_enter_prelogin(m->cfg, &acct)) < 0) {
		log_err("cannot enter the pre-login jail: %s", strerror(-rc));
		_exit(1);
	}
	session_run_worker(m->ctl_fd, sv, m->cfg, m->implicit_tls);
	_exit(0);
}

/* recv() that also takes one passed fd (SCM_RIGHTS) into m->relay_fd. */
static ssize_t recv_msg(struct monitor *m)
{
	struct iovec iov = { m->msg, sizeof m->msg };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } c;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.b,
			     .msg_controllen = sizeof c.b };
	ssize_t r = recvmsg(m->sock, &mh, MSG_CMSG_CLOEXEC);
	if (r < 0 || (mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return r < 0 ? r : -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS
		    || cm->cmsg_len != CMSG_LEN(sizeof(int)) || m->relay_fd >= 0)
			die(m, "unexpected file descriptors from the worker");
		memcpy(&m->relay_fd, CMSG_DATA(cm), sizeof(int));
	}
	return r;
}

void monitor_run(int ctl_fd, const struct zc_config *cfg, int implicit_tls)
{
	static struct monitor mon;
	struct monitor *m = &mon;
	int sv[2];
	m->cfg = cfg;
	m->ctl_fd = ctl_fd;
	m->implicit_tls = implicit_tls;
	m->relay_fd = -1;
	m->state = cfg->proxy_protocol ? MON_PRE_PEER : MON_PRE_AUTH;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		fatal("monitor: socketpair: %s", strerror(errno));
	m->sock = sv[0];
	m->worker = start_worker(m, sv[1]);
	sys_close(sv[1]);
	if (m->worker < 0) {
		reply_raw_fd(ctl_fd, FTP_R_UNAVAILABLE, "Service not available, closing control connection.");
		_exit(1);
	}
	long long deadline = sys_now_ms() + (long long)cfg->login_timeout * 1000 + MONITOR_SLACK_MS;
	for (;;) {
		long long left = deadline - sys_now_ms();
		if (left <= 0 || sys_poll1(m->sock, POLLIN, (int)left) <= 0)
			break;
		ssize_t r = recv_msg(m);
		if (r <= 0)
			break;	/* the worker ended: client quit or timed out */
		uint32_t type;
		memcpy(&type, m->msg, r >= 4 ? 4 : 0);
		if (r < 4 || type != allowed[m->state] || (m->relay_fd >= 0 && type != PS_HANDOFF))
			die(m, "unexpected request from the pre-login worker");
		if (type == PS_PEER)
			handle_peer(m, (size_t)r);
		else if (type == PS_AUTH)
			handle_auth(m, (size_t)r);
		else
			become_session(m, (size_t)r);
	}
	kill_worker(m);
	_exit(0);
}
