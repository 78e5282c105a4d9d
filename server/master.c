/* master.c - listeners, accept loop, per-IP accounting, signals. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "address.h"
#include "log.h"
#include "master.h"
#include "net.h"
#include "session.h"
#include "sys.h"

#define LISTEN_BACKLOG 128
/* How long SIGTERM waits for sessions to exit before SIGKILL. */
#define STOP_GRACE_MS 3000

struct child {
	pid_t pid;
	struct sockaddr_storage ip;
};

static struct {
	struct zc_config cfg;
	master_load_fn reload;
	int lfd[ZC_MAX_LISTEN];
	int n_lfd;
	int sigfd;
	struct child *kids;
	size_t n_kids, cap_kids;
} M;

static int open_listeners(void)
{
	M.n_lfd = 0;
	for (int i = 0; i < M.cfg.n_listen; i++) {
		int fd = net_listen(M.cfg.listen_addrs[i], (uint16_t)M.cfg.port, LISTEN_BACKLOG);
		if (fd < 0) {
			log_warn("cannot listen on [%s]:%d: %s", M.cfg.listen_addrs[i], M.cfg.port,
				 strerror(-fd));
			continue;
		}
		log_info("listening on [%s]:%d", M.cfg.listen_addrs[i], M.cfg.port);
		M.lfd[M.n_lfd++] = fd;
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

static unsigned count_ip(const struct sockaddr *ip)
{
	unsigned n = 0;
	for (size_t i = 0; i < M.n_kids; i++)
		n += addr_same_host((struct sockaddr *)&M.kids[i].ip, ip);
	return n;
}

static int add_child(pid_t pid, const struct sockaddr_storage *ip)
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
	M.kids[M.n_kids].ip = *ip;
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
				M.kids[i] = M.kids[--M.n_kids];
				break;
			}
		}
		if (WIFSIGNALED(status))
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

static void run_child(int fd, const sigset_t *oldmask)
{
	for (int i = 0; i < M.n_lfd; i++)
		close(M.lfd[i]);
	close(M.sigfd);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	session_run(fd, &M.cfg);
	_exit(0);
}

static void accept_one(int lfd, const sigset_t *oldmask)
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
	if (M.cfg.max_per_ip > 0 && count_ip((struct sockaddr *)&peer) >= (unsigned)M.cfg.max_per_ip) {
		log_info("refused connection: max_per_ip (%d) reached", M.cfg.max_per_ip);
		refuse(fd, "Too many connections from your address.");
		return;
	}
	pid_t pid = fork();
	if (pid == 0)
		run_child(fd, oldmask);
	if (pid < 0) {
		log_err_errno("fork");
		refuse(fd, "Server busy, try again later.");
		return;
	}
	close(fd);
	if (add_child(pid, &peer) < 0)
		log_err("child table full: session %d not counted", (int)pid);
}

/* SIGHUP: new sessions get the new configuration; running ones keep
 * theirs. Listeners are not rebound (that needs a restart), so a change
 * of address or port is reported rather than half applied. */
static void reload_config(void)
{
	struct zc_config fresh;
	char err[512];
	if (M.reload(&fresh, err, sizeof err) < 0) {
		log_err("reload failed, keeping the old configuration: %s", err);
		return;
	}
	if (fresh.port != M.cfg.port || fresh.n_listen != M.cfg.n_listen)
		log_warn("reload: listen address/port changes need a restart");
	zc_config_free(&M.cfg);
	M.cfg = fresh;
	int rc = xferlog_open(M.cfg.xferlog);
	if (rc < 0)
		log_err("cannot open transfer log %s: %s", M.cfg.xferlog, strerror(-rc));
	log_info("configuration reloaded");
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
	for (size_t i = 0; i < M.n_kids; i++)
		kill(M.kids[i].pid, SIGTERM);
	long long deadline = sys_now_ms() + STOP_GRACE_MS;
	while (M.n_kids > 0 && sys_now_ms() < deadline) {
		sys_poll1(M.sigfd, POLLIN, 100);
		reap_children();
	}
	for (size_t i = 0; i < M.n_kids; i++)
		kill(M.kids[i].pid, SIGKILL);
	while (M.n_kids > 0 && waitpid(-1, NULL, 0) > 0)
		reap_children();
}

static void accept_loop(const sigset_t *oldmask)
{
	struct pollfd pfd[ZC_MAX_LISTEN + 1];
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
				accept_one(M.lfd[i], oldmask);
	}
}

int master_run(struct zc_config *cfg, master_load_fn reload)
{
	sigset_t oldmask;
	M.cfg = *cfg;
	M.reload = reload;
	signal(SIGPIPE, SIG_IGN);	/* sendfile/splice to a closed peer raise it */
	if (setup_signals(&oldmask) < 0)
		fatal("cannot set up signal handling: %s", strerror(errno));
	if (open_listeners() < 0)
		fatal("no listener could be opened on port %d", M.cfg.port);
	for (int i = 0; i < M.n_lfd; i++)
		sys_set_nonblock(M.lfd[i], 1);
	int rc = xferlog_open(M.cfg.xferlog);
	if (rc < 0)
		fatal("cannot open transfer log %s: %s", M.cfg.xferlog, strerror(-rc));
	log_info("zcftpd %s ready; anonymous root %s", PACKAGE_VERSION,
		 M.cfg.anon_enable ? M.cfg.anon_root : "(disabled)");
	accept_loop(&oldmask);
	log_info("stopping: %zu session(s) to end", M.n_kids);
	for (int i = 0; i < M.n_lfd; i++)
		close(M.lfd[i]);
	stop_sessions();
	zc_config_free(&M.cfg);
	free(M.kids);
	return 0;
}
