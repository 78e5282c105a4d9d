/* master.c - listeners, accept loop, per-IP accounting, signals. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "accounts.h"
#include "address.h"
#include "cidr.h"
#include "ftps.h"
#include "jail.h"
#include "privsep.h"
#include "sdnotify.h"
#include "sockact.h"
#include "log.h"
#include "master.h"
#include "net.h"
#include "peertab.h"
#include "session.h"
#include "sys.h"

#define LISTEN_BACKLOG 128
/* How long SIGTERM waits for sessions to exit before SIGKILL. */
#define STOP_GRACE_MS 3000

/* One byte per child slot in memory shared with the sessions: a session
 * marks its slot when it logs in, so the master can tell connections that
 * are still in the login phase (see evict_pending). */
#define SLOT_MAX 100000
enum slot_state { SLOT_FREE, SLOT_PENDING, SLOT_LOGGED_IN, SLOT_EVICTED };

struct child {
	pid_t pid;
	unsigned slot;
	long long started_ms;
	struct sockaddr_storage ip;	/* accepted from (a balancer, maybe) */
	struct sockaddr_storage real;	/* the client, once known (client_of) */
	int real_known;
};

static struct {
	struct zc_config cfg;
	master_load_fn reload;
	int lfd[2 * ZC_MAX_LISTEN];
	int implicit[2 * ZC_MAX_LISTEN];	/* 1: the implicit-TLS port */
	int n_lfd;
	int sigfd;
	struct child *kids;
	size_t n_kids, cap_kids;
	volatile unsigned char *slots;	/* shared mapping, SLOT_MAX bytes */
	int stopping;
	int activated;		/* listeners came from systemd */
	unsigned next_slot;
} M;

static volatile unsigned char *my_slot;	/* in a session process */

void master_mark_logged_in(void)
{
	if (my_slot)
		*my_slot = SLOT_LOGGED_IN;
}

void master_forget_shared(void)
{
	if (M.slots)
		munmap((void *)M.slots, SLOT_MAX);
	M.slots = NULL;
	my_slot = NULL;
	peertab_forget();
}

int master_claim_peer(const struct sockaddr *sa)
{
	if (!my_slot)
		return 0;
	size_t me = (size_t)(my_slot - M.slots);
	/* Published before counting: of two sessions from one address that
	 * arrive together, at least one sees the other (peertab.h). */
	peertab_set(me, sa);
	unsigned n = 0;
	for (size_t i = 0; i < SLOT_MAX; i++)
		n += i != me && M.slots[i] != SLOT_FREE && peertab_same(i, sa);
	if (M.cfg.max_per_ip <= 0 || n < (unsigned)M.cfg.max_per_ip)
		return 0;
	peertab_clear(me);
	return -EUSERS;
}

static int slots_init(void)
{
	void *p = mmap(NULL, SLOT_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	M.slots = p;
	return peertab_init(SLOT_MAX);
}

/* A free slot, scanning on from the last one handed out. */
static int slot_alloc(void)
{
	for (unsigned i = 0; i < SLOT_MAX; i++) {
		unsigned s = (M.next_slot + i) % SLOT_MAX;
		if (M.slots[s] == SLOT_FREE) {
			M.next_slot = s + 1;
			M.slots[s] = SLOT_PENDING;
			return (int)s;
		}
	}
	return -ENOSPC;
}

static void listen_one(const char *addr, int port, int implicit)
{
	int fd = net_listen(addr, (uint16_t)port, LISTEN_BACKLOG);
	if (fd < 0) {
		log_warn("cannot listen on [%s]:%d: %s", addr, port, strerror(-fd));
		return;
	}
	log_info("listening on [%s]:%d%s", addr, port, implicit ? " (implicit TLS)" : "");
	M.implicit[M.n_lfd] = implicit;
	M.lfd[M.n_lfd++] = fd;
}

static int open_listeners(void)
{
	M.n_lfd = 0;
	int n = sockact_listen_fds(M.lfd, ZC_MAX_LISTEN);
	if (n < 0)
		fatal("socket activation: %s", strerror(-n));
	if (n > 0) {
		/* systemd's sockets replace listen { }; the implicit-TLS port,
		 * which has no unit of its own, is still bound here. */
		M.activated = 1;
		M.n_lfd = n;
		log_info("using %d listening socket(s) from systemd; listen { } addresses ignored", n);
		for (int i = 0; i < M.cfg.n_listen && M.cfg.tls_enable && M.cfg.tls_implicit; i++)
			listen_one(M.cfg.listen_addrs[i], M.cfg.tls_implicit_port, 1);
		return 0;
	}
	for (int i = 0; i < M.cfg.n_listen; i++) {
		listen_one(M.cfg.listen_addrs[i], M.cfg.port, 0);
		if (M.cfg.tls_enable && M.cfg.tls_implicit)
			listen_one(M.cfg.listen_addrs[i], M.cfg.tls_implicit_port, 1);
	}
	return M.n_lfd > 0 ? 0 : -EADDRNOTAVAIL;
}

/* Signals arrive through a signalfd so the accept loop handles them in
 * order with connections, without async-signal-safety concerns. */
static int setup_signals(sigset_t *old)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, old) < 0)
		return -errno;
	M.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return M.sigfd < 0 ? -errno : 0;
}

/* Sessions from ip: by the addresses in the shared table, which hold the
 * real client of a proxied session once it has read the PROXY header. */
static unsigned count_ip(const struct sockaddr *ip)
{
	unsigned n = 0;
	for (size_t i = 0; i < M.n_kids; i++)
		n += peertab_same(M.kids[i].slot, ip);
	return n;
}

/* A connection from a PROXY protocol balancer: its per-IP count waits for
 * the header, in the session (master_claim_peer). */
static int behind_proxy(const struct sockaddr_storage *peer)
{
	return M.cfg.proxy_protocol && cidr_list_match(M.cfg.proxy_from, (struct sockaddr *)peer);
}

static int add_child(pid_t pid, unsigned slot, const struct sockaddr_storage *ip)
{
	if (M.n_kids == M.cap_kids) {
		size_t cap = M.cap_kids ? M.cap_kids * 2 : 64;
		struct child *k = realloc(M.kids, cap * sizeof *k);
		if (!k)
			return -ENOMEM;
		M.kids = k;
		M.cap_kids = cap;
	}
	M.kids[M.n_kids].pid = pid;
	M.kids[M.n_kids].slot = slot;
	M.kids[M.n_kids].started_ms = sys_now_ms();
	M.kids[M.n_kids].ip = *ip;
	M.kids[M.n_kids].real_known = 0;
	M.n_kids++;
	return 0;
}

static void reap_children(void)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (size_t i = 0; i < M.n_kids; i++) {
			if (M.kids[i].pid == pid) {
				peertab_clear(M.kids[i].slot);
				M.slots[M.kids[i].slot] = SLOT_FREE;
				M.kids[i] = M.kids[--M.n_kids];
				break;
			}
		}
		if (WIFSIGNALED(status) && !M.stopping && WTERMSIG(status) != SIGKILL)
			log_err("session %d killed by signal %d", (int)pid, WTERMSIG(status));
	}
}

/* The refusal is best effort: the socket is non-blocking and closed right
 * after, so a client that does not read cannot hold the master. */
static void refuse(int fd, const char *why)
{
	char msg[128];
	int n = snprintf(msg, sizeof msg, "421 %s\r\n", why);
	if (sys_set_nonblock(fd, 1) == 0 && n > 0)
		(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static int use_privsep(void)
{
	return geteuid() == 0 && M.cfg.privsep;
}

static void privsep_check_setup(struct zc_config *cfg);

/* As root, sessions always end up jailed as their user (with privilege
 * separation, or after a login in the single process without it): the
 * empty jail and the account cache are set up here, before any fork. */
static void prepare_root(struct zc_config *cfg)
{
	char err[512];
	if (geteuid() != 0)
		return;
	if (jail_prepare(cfg, err, sizeof err) < 0)
		fatal("run_dir: %s", err);
	if (use_privsep())
		privsep_check_setup(cfg);
	monitor_cache_accounts(cfg);
}

/* Fail at start-up, with the fix in the message, rather than at the first
 * connection. */
static void privsep_check_setup(struct zc_config *cfg)
{
	struct account a;
	/* Without the dedicated account, nobody is what vsftpd uses too. */
	if (account_lookup(cfg->privsep_user, &a) < 0 && account_lookup("nobody", &a) == 0
	    && a.uid != 0) {
		log_warn("privsep_user \"%s\" does not exist; using \"nobody\" (create a "
			 "dedicated account: useradd --system %s)", cfg->privsep_user, cfg->privsep_user);
		char *n = strdup("nobody");
		if (!n)
			fatal("out of memory");
		free(cfg->privsep_user);
		cfg->privsep_user = n;
	}
	if (account_lookup(cfg->privsep_user, &a) < 0 || a.uid == 0)
		fatal("privilege separation needs the unprivileged account \"%s\": create it "
		      "(useradd --system --no-create-home --shell /usr/sbin/nologin %s) or set "
		      "server { privsep_user = ... }", cfg->privsep_user, cfg->privsep_user);
}

static void run_child(int fd, unsigned slot, int implicit, const sigset_t *oldmask)
{
	/* Its own process group, so the master can end a session together
	 * with the pre-login worker it may have forked. */
	setpgid(0, 0);
	for (int i = 0; i < M.n_lfd; i++)
		close(M.lfd[i]);
	close(M.sigfd);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	my_slot = &M.slots[slot];
	if (use_privsep())
		monitor_run(fd, &M.cfg, implicit);
	else
		session_run(fd, &M.cfg, implicit);
	_exit(0);
}

/* A connection younger than this is taken to be a client in the middle of
 * logging in, never a slow or idle one. */
#define EVICT_MIN_AGE_MS 1000

/* The client a connection belongs to. Behind a PROXY balancer every
 * connection is accepted from the balancer: the real client is in the
 * shared table once the session has read the header (peertab.h; never
 * changed after, so it is kept here), before that the balancer stands in. */
static const struct sockaddr *client_of(struct child *k)
{
	if (!k->real_known && peertab_get(k->slot, &k->real) == 0)
		k->real_known = 1;
	return (const struct sockaddr *)(k->real_known ? &k->real : &k->ip);
}

static unsigned pending_from(const struct sockaddr *ip)
{
	unsigned n = 0;
	for (size_t j = 0; j < M.n_kids; j++)
		n += M.slots[M.kids[j].slot] == SLOT_PENDING
			&& addr_same_host(client_of(&M.kids[j]), ip);
	return n;
}

static size_t count_pending(void)
{
	size_t n = 0;
	for (size_t i = 0; i < M.n_kids; i++)
		n += M.slots[M.kids[i].slot] == SLOT_PENDING;
	return n;
}

/* max_login_pending: when that many connections have not logged in yet,
 * make room by dropping one, always from the client holding the most
 * pending connections (the real client behind a balancer, client_of):
 * preferably one pending for a while (oldest first), else, if the
 * newcomer's address holds fewer, the heaviest client's oldest. A flood or
 * clients that never finish (slowloris) thus pay for themselves, and a
 * client that logs in promptly from elsewhere gets in. A newcomer through
 * a balancer is not known yet: it counts as the balancer, which holds
 * only connections whose header is still unread. Returns 0 if there is
 * room now, -EBUSY if the newcomer itself is the heaviest sender and
 * every pending connection is fresh. */
static int make_room_pending(const struct sockaddr_storage *newcomer)
{
	size_t old = SIZE_MAX, any = SIZE_MAX;
	unsigned best_old = 0, best_any = 0;
	long long now = sys_now_ms();
	if (count_pending() < (size_t)M.cfg.max_login_pending)
		return 0;
	for (size_t i = 0; i < M.n_kids; i++) {
		struct child *k = &M.kids[i];
		if (M.slots[k->slot] != SLOT_PENDING)
			continue;
		unsigned same = pending_from(client_of(k));
		if (same > best_any || (same == best_any && k->started_ms < M.kids[any].started_ms)) {
			best_any = same;
			any = i;
		}
		if (now - k->started_ms >= EVICT_MIN_AGE_MS
		    && (same > best_old || (same == best_old && k->started_ms < M.kids[old].started_ms))) {
			best_old = same;
			old = i;
		}
	}
	size_t victim = old != SIZE_MAX ? old
		: pending_from((const struct sockaddr *)newcomer) + 1 < best_any ? any : SIZE_MAX;
	if (victim == SIZE_MAX)
		return -EBUSY;
	char who[64];
	if (addr_to_string(client_of(&M.kids[victim]), who, sizeof who) < 0)
		zc_strlcpy(who, "?", sizeof who);
	log_info("max_login_pending (%d) reached: dropping a pending connection from %s",
		 M.cfg.max_login_pending, who);
	M.slots[M.kids[victim].slot] = SLOT_EVICTED;
	kill(-M.kids[victim].pid, SIGKILL);
	return 0;
}

static void accept_one(int lfd, int implicit, const sigset_t *oldmask)
{
	struct sockaddr_storage peer;
	socklen_t plen = sizeof peer;
	int fd = accept4(lfd, (struct sockaddr *)&peer, &plen, SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
			log_warn_errno("accept");
		return;
	}
	if (M.cfg.max_clients > 0 && M.n_kids >= (size_t)M.cfg.max_clients) {
		log_info("refused connection: max_clients (%d) reached", M.cfg.max_clients);
		refuse(fd, "Too many users, try again later.");
		return;
	}
	int proxied = behind_proxy(&peer);
	if (!proxied && M.cfg.max_per_ip > 0
	    && count_ip((struct sockaddr *)&peer) >= (unsigned)M.cfg.max_per_ip) {
		log_info("refused connection: max_per_ip (%d) reached", M.cfg.max_per_ip);
		refuse(fd, "Too many connections from your address.");
		return;
	}
	if (make_room_pending(&peer) < 0) {
		log_info("refused connection: max_login_pending (%d) reached", M.cfg.max_login_pending);
		refuse(fd, "Too many logins in progress, try again later.");
		return;
	}
	int slot = slot_alloc();
	if (slot < 0) {
		refuse(fd, "Too many users, try again later.");
		return;
	}
	if (!proxied)
		peertab_set((size_t)slot, (struct sockaddr *)&peer);
	pid_t pid = fork();
	if (pid == 0)
		run_child(fd, (unsigned)slot, implicit, oldmask);
	if (pid < 0) {
		log_err_errno("fork");
		peertab_clear((size_t)slot);
		M.slots[slot] = SLOT_FREE;
		refuse(fd, "Server busy, try again later.");
		return;
	}
	setpgid(pid, pid);	/* also here: whichever runs first wins the race */
	close(fd);
	if (add_child(pid, (unsigned)slot, &peer) < 0) {
		log_err("child table full: ending session %d", (int)pid);
		kill(pid, SIGKILL);
	}
}

/* SIGHUP: new sessions get the new configuration; running ones keep
 * theirs. Listeners are not rebound (that needs a restart), so a change
 * of address or port is reported rather than half applied. */
static void reload_config(void)
{
	struct zc_config fresh;
	char err[512];
	sd_notify_reloading();
	if (M.reload(&fresh, err, sizeof err) < 0) {
		log_err("reload failed, keeping the old configuration: %s", err);
		sd_notify_ready();
		return;
	}
	if (!M.activated && (fresh.port != M.cfg.port || fresh.n_listen != M.cfg.n_listen))
		log_warn("reload: listen address/port changes need a restart");
	if (ftps_setup(&fresh, err, sizeof err) < 0) {
		log_err("reload failed, keeping the old configuration: %s", err);
		zc_config_free(&fresh);
		sd_notify_ready();
		return;
	}
	zc_config_free(&M.cfg);
	M.cfg = fresh;
	if (geteuid() == 0)
		monitor_cache_accounts(&M.cfg);
	int rc = xferlog_open(M.cfg.xferlog, M.cfg.json_log);
	if (rc < 0)
		log_err("cannot open transfer log %s: %s", M.cfg.xferlog, strerror(-rc));
	log_info("configuration reloaded");
	sd_notify_ready();
}

/* Returns 1 to stop. */
static int handle_signals(void)
{
	struct signalfd_siginfo si;
	int stop = 0;
	while (read(M.sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
		if (si.ssi_signo == SIGCHLD)
			reap_children();
		else if (si.ssi_signo == SIGHUP)
			reload_config();
		else
			stop = 1;
	}
	return stop;
}

static void stop_sessions(void)
{
	M.stopping = 1;
	for (size_t i = 0; i < M.n_kids; i++)
		kill(-M.kids[i].pid, SIGTERM);
	long long deadline = sys_now_ms() + STOP_GRACE_MS;
	while (M.n_kids > 0 && sys_now_ms() < deadline) {
		sys_poll1(M.sigfd, POLLIN, 100);
		reap_children();
	}
	for (size_t i = 0; i < M.n_kids; i++)
		kill(-M.kids[i].pid, SIGKILL);
	while (M.n_kids > 0 && waitpid(-1, NULL, 0) > 0)
		reap_children();
}

static void accept_loop(const sigset_t *oldmask)
{
	struct pollfd pfd[2 * ZC_MAX_LISTEN + 1];
	for (;;) {
		pfd[0] = (struct pollfd){ .fd = M.sigfd, .events = POLLIN };
		for (int i = 0; i < M.n_lfd; i++)
			pfd[i + 1] = (struct pollfd){ .fd = M.lfd[i], .events = POLLIN };
		if (poll(pfd, (nfds_t)M.n_lfd + 1, -1) < 0) {
			if (errno != EINTR)
				fatal("poll: %s", strerror(errno));
			continue;
		}
		if ((pfd[0].revents & POLLIN) && handle_signals())
			return;
		for (int i = 0; i < M.n_lfd; i++)
			if (pfd[i + 1].revents & POLLIN)
				accept_one(M.lfd[i], M.implicit[i], oldmask);
	}
}

int master_run(struct zc_config *cfg, master_load_fn reload)
{
	sigset_t oldmask;
	M.cfg = *cfg;
	M.reload = reload;
	signal(SIGPIPE, SIG_IGN);	/* sendfile/splice to a closed peer raise it */
	if (slots_init() < 0)
		fatal("cannot map the session table: %s", strerror(errno));
	prepare_root(&M.cfg);
	char err[512];
	if (ftps_setup(&M.cfg, err, sizeof err) < 0)
		fatal("TLS: %s", err);
	/* Relay workers of TLS sessions outlive their parent session process;
	 * as subreaper the master collects them. */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		log_warn_errno("PR_SET_CHILD_SUBREAPER");
	if (setup_signals(&oldmask) < 0)
		fatal("cannot set up signal handling: %s", strerror(errno));
	if (open_listeners() < 0)
		fatal("no listener could be opened on port %d", M.cfg.port);
	for (int i = 0; i < M.n_lfd; i++)
		sys_set_nonblock(M.lfd[i], 1);
	int rc = xferlog_open(M.cfg.xferlog, M.cfg.json_log);
	if (rc < 0)
		fatal("cannot open transfer log %s: %s", M.cfg.xferlog, strerror(-rc));
	log_info("zcftpd %s ready; anonymous root %s", PACKAGE_VERSION,
		 M.cfg.anon_enable ? M.cfg.anon_root : "(disabled)");
	sd_notify_ready();
	accept_loop(&oldmask);
	sd_notify_stopping();
	log_info("stopping: %zu session(s) to end", M.n_kids);
	for (int i = 0; i < M.n_lfd; i++)
		close(M.lfd[i]);
	stop_sessions();
	zc_config_free(&M.cfg);
	free(M.kids);
	return 0;
}

/* The connection arrives as fd 0 (and inetd also hands it over as 1 and
 * 2): move it out of the way so nothing printed can reach the client. */
static int take_inetd_socket(void)
{
	int fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || null < 0)
		return -errno;
	if (dup2(null, STDIN_FILENO) < 0 || dup2(null, STDOUT_FILENO) < 0)
		return -errno;
	sys_close(null);
	return fd;
}

int master_run_inetd(struct zc_config *cfg)
{
	char err[512];
	M.cfg = *cfg;
	signal(SIGPIPE, SIG_IGN);
	int fd = take_inetd_socket();
	if (fd < 0)
		fatal("inetd mode: %s", strerror(-fd));
	prepare_root(&M.cfg);
	if (ftps_setup(&M.cfg, err, sizeof err) < 0)
		fatal("TLS: %s", err);
	int rc = xferlog_open(M.cfg.xferlog, M.cfg.json_log);
	if (rc < 0)
		fatal("cannot open transfer log %s: %s", M.cfg.xferlog, strerror(-rc));
	if (use_privsep())
		monitor_run(fd, &M.cfg, 0);	/* does not return */
	session_run(fd, &M.cfg, 0);
	return 0;
}
