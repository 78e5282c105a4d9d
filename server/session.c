/* session.c - the control connection: read, queue, dispatch, reply. */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "address.h"
#include "auth.h"
#include "cidr.h"
#include "compat.h"
#include "ftps.h"
#include "tls.h"
#include "datachan.h"
#include "listing.h"
#include "log.h"
#include "master.h"
#include "net.h"
#include "privsep.h"
#include "proxyv2.h"
#include "reply.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"

/* Replies are written with a bound: a client that never reads its control
 * connection must not pin the session forever. */
#define REPLY_WRITE_TIMEOUT_MS 30000

/* Read exactly n bytes within the login timeout. Returns 0 or -errno. */
static int read_exact(int fd, unsigned char *buf, size_t n)
{
	long long deadline = sys_now_ms() + 10000;
	while (n > 0) {
		long long left = deadline - sys_now_ms();
		int rc = left > 0 ? sys_poll1(fd, POLLIN, (int)left) : 0;
		if (rc <= 0)
			return rc < 0 ? rc : -ETIMEDOUT;
		ssize_t r = sys_read(fd, buf, n);
		if (r <= 0)
			return r < 0 ? (int)r : -ECONNRESET;
		buf += r;
		n -= (size_t)r;
	}
	return 0;
}

/* Control-channel I/O: through TLS after AUTH TLS (or on the implicit
 * port), else the socket itself. */
static int ctl_write(struct session *s, const char *data, size_t len)
{
	if (s->ctl_ssl)
		return tls_write_all(s->ctl_ssl, data, len, REPLY_WRITE_TIMEOUT_MS);
	return sys_write_all_timeout(s->ctl_fd, data, len, REPLY_WRITE_TIMEOUT_MS);
}

static ssize_t ctl_read(struct session *s, char *buf, size_t n)
{
	if (s->ctl_ssl) {
		/* OpenSSL decrypts a record in place and keeps the plaintext
		 * (PASS included) in its read buffer until something overwrites
		 * it; with this option it wipes it once we have read it. */
		SSL_set_options(s->ctl_ssl, SSL_OP_CLEANSE_PLAINTEXT);
		return tls_read(s->ctl_ssl, buf, n, REPLY_WRITE_TIMEOUT_MS);
	}
	return sys_read(s->ctl_fd, buf, n);
}

static void ctl_send(struct session *s, const char *data, size_t len)
{
	if (s->ctl_fd < 0 || s->ctl_eof)
		return;
	int rc = ctl_write(s, data, len);
	if (rc < 0) {
		log_info("control connection lost while replying: %s", strerror(-rc));
		s->quit = 1;
		s->ctl_eof = 1;
	}
}

void reply_hold(struct session *s)
{
	s->reply_holding = 1;
}

void reply_hold_end(struct session *s)
{
	s->reply_holding = 0;
}

void reply_flush(void *session)
{
	struct session *s = session;
	s->reply_holding = 0;
	if (s->held_len == 0)
		return;
	ctl_send(s, s->held, s->held_len);
	s->held_len = 0;
}

/* Held replies and this one leave in one write: one segment for the
 * client to wake up for, instead of one per reply. */
void reply_raw(struct session *s, const char *data, size_t len)
{
	size_t room = sizeof s->held - s->held_len;
	if (len <= room && (s->reply_holding || s->held_len)) {
		memcpy(s->held + s->held_len, data, len);
		s->held_len += len;
		if (!s->reply_holding)
			reply_flush(s);
		return;
	}
	reply_flush(s);
	ctl_send(s, data, len);
}

void reply_text(struct session *s, int code, const char *text)
{
	struct zbuf b;
	zbuf_init(&b, 1 << 20);
	if (reply_format(&b, code, text) == 0)
		reply_raw(s, b.p, b.len);
	else
		log_err("reply %d too long, not sent", code);
	zbuf_free(&b);
}

void reply(struct session *s, int code, const char *fmt, ...)
{
	struct zbuf b;
	zbuf_init(&b, 1 << 20);
	va_list ap;
	va_start(ap, fmt);
	zbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	reply_text(s, code, b.err ? "Reply too long" : zbuf_str(&b));
	zbuf_free(&b);
}

void reply_errno(struct session *s, int err, const char *what)
{
	switch (err) {
	case -ENOENT:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: No such file or directory.", what);
		break;
	case -EACCES:
	case -EPERM:
	case -EROFS:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: Permission denied.", what);
		break;
	case -EEXIST:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: File exists.", what);
		break;
	case -ENOTDIR:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: Not a directory.", what);
		break;
	case -EISDIR:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: Is a directory.", what);
		break;
	case -ENOTEMPTY:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: Directory not empty.", what);
		break;
	case -ENAMETOOLONG:
	case -EINVAL:
		reply(s, FTP_R_BAD_FILENAME, "%s: File name not allowed.", what);
		break;
	case -ENOSPC:
	case -EDQUOT:
		reply(s, FTP_R_EXCEEDED_STORAGE, "%s: No space left.", what);
		break;
	default:
		reply(s, FTP_R_FILE_UNAVAILABLE, "%s: %s.", what, strerror(-err));
		break;
	}
}

/* ---- input: bytes -> reader -> queue ---- */

static struct queued_line *queue_tail(struct session *s)
{
	return &s->queue[(s->q_head + s->q_count) % SESSION_QUEUE_MAX];
}

/* Feed bytes through the line reader into the queue. Returns 0, or -1 when
 * the client must be disconnected (abuse or a full queue). ABOR lines are
 * not queued while a transfer runs (in_xfer): they set abor_seen. */
static int ingest(struct session *s, const char *data, size_t n, int in_xfer)
{
	while (n > 0) {
		size_t used = 0;
		enum cmd_status st = cmd_reader_feed(&s->rd, data, n, &used);
		data += used;
		n -= used;
		if (st == CMD_MORE)
			continue;
		if (st == CMD_ABUSE)
			return -1;
		if (in_xfer && st == CMD_LINE && strncasecmp(s->rd.line, "ABOR", 4) == 0
		    && s->rd.len == 4) {
			s->abor_seen = 1;
			continue;
		}
		if (s->q_count == SESSION_QUEUE_MAX)
			return -1;
		struct queued_line *q = queue_tail(s);
		q->kind = st == CMD_TOOLONG ? LINE_TOO_LONG
			: s->rd.has_nul ? LINE_HAS_NUL : LINE_OK;
		q->len = st == CMD_TOOLONG ? 0 : s->rd.len;
		memcpy(q->text, s->rd.line, q->len);
		q->text[q->len] = '\0';
		s->q_count++;
	}
	return 0;
}

/* Read once from the control socket. Returns 0, or -1 on EOF/error/abuse. */
static int read_ctl(struct session *s, int in_xfer)
{
	char buf[4096];
	ssize_t r = ctl_read(s, buf, sizeof buf);
	if (r == -EAGAIN || r == -ETIMEDOUT)
		return 0;	/* a partial TLS record: more will come */
	if (r <= 0) {
		s->ctl_eof = 1;
		return -1;
	}
	int rc = ingest(s, buf, (size_t)r, in_xfer);
	explicit_bzero(buf, (size_t)r);	/* a PASS line, maybe */
	if (rc < 0) {
		log_warn("control input abuse (over-long input or too many queued commands); closing");
		reply(s, FTP_R_UNAVAILABLE, "Too much input; closing control connection.");
		s->ctl_eof = 1;
		return -1;
	}
	return 0;
}

int session_poll_ctl(void *arg)
{
	struct session *s = arg;
	/* Whatever we answer now must follow a held 150. */
	reply_flush(s);
	if (read_ctl(s, 1) < 0)
		return 1;
	return s->abor_seen;
}

/* A QUIT waiting in the queue: the client wants to leave, and a long
 * command ahead of it must not hold it up (HASH of a huge file). */
static int quit_queued(const struct session *s)
{
	for (unsigned i = 0; i < s->q_count; i++) {
		const struct queued_line *q = &s->queue[(s->q_head + i) % SESSION_QUEUE_MAX];
		struct cmd_parts p;
		if (q->kind == LINE_OK && cmd_split(q->text, q->len, &p) == 0
		    && strcmp(p.verb, "QUIT") == 0)
			return 1;
	}
	return 0;
}

int session_ctl_check(struct session *s)
{
	/* TLS may hold decrypted bytes the socket no longer shows. */
	int ready = (s->ctl_ssl && SSL_pending(s->ctl_ssl) > 0)
		|| sys_poll1(s->ctl_fd, POLLIN, 0) > 0;
	if (ready && session_poll_ctl(s))
		return 1;
	return quit_queued(s);
}

void session_wipe_line(struct cmd_reader *rd, struct queued_line *q)
{
	/* After a complete line the reader is "fresh" and its buffer holds
	 * nothing it still needs; otherwise the first len bytes are the next
	 * line, partly received (a pipelined command cut by TCP). */
	size_t keep = rd->fresh ? 0 : rd->len;
	explicit_bzero(q->text, q->len);
	q->len = 0;
	explicit_bzero(rd->line + keep, sizeof rd->line - keep);
}

/* Wait for the next command line, enforcing idle and login timeouts.
 * Returns 0 with a line at the queue head, or -1 to end the session. */
static int wait_line(struct session *s)
{
	while (s->q_count == 0) {
		const struct zc_config *c = s->cfg;
		long long now = sys_now_ms();
		long long deadline = s->last_cmd_ms + (long long)c->idle_timeout * 1000;
		if (s->login != LOGIN_DONE) {
			long long ld = s->started_ms + (long long)c->login_timeout * 1000;
			deadline = ld < deadline ? ld : deadline;
		}
		if (now >= deadline) {
			reply(s, FTP_R_UNAVAILABLE, "Timeout: closing control connection.");
			log_info("timeout, closing");
			return -1;
		}
		/* TLS may already hold decrypted bytes the socket no longer shows. */
		if (s->ctl_ssl && SSL_pending(s->ctl_ssl) > 0) {
			if (read_ctl(s, 0) < 0)
				return -1;
			continue;
		}
		int rc = sys_poll1(s->ctl_fd, POLLIN, (int)(deadline - now));
		if (rc < 0)
			return -1;
		if (rc > 0 && read_ctl(s, 0) < 0)
			return -1;
	}
	return 0;
}

/* ---- dispatch ---- */

static int arg_rules_ok(struct session *s, const struct command *c, const char *arg, size_t arglen)
{
	if ((c->flags & CMD_LOGIN) && s->login != LOGIN_DONE) {
		reply(s, FTP_R_NOT_LOGGED_IN, "Please login with USER and PASS.");
		return 0;
	}
	if ((c->flags & CMD_ARG) && arglen == 0) {
		reply(s, FTP_R_SYNTAX_ARG, "%s needs an argument.", c->verb);
		return 0;
	}
	if ((c->flags & CMD_NOARG) && arglen > 0) {
		reply(s, FTP_R_SYNTAX_ARG, "%s takes no argument.", c->verb);
		return 0;
	}
	/* Paths are UTF-8 (RFC 2640, advertised in FEAT); anything else could
	 * not be shown back to the client consistently. */
	if ((c->flags & CMD_PATH) && !utf8_valid(arg, arglen)) {
		reply(s, FTP_R_SYNTAX_ARG, "Path is not valid UTF-8.");
		return 0;
	}
	return 1;
}

static void dispatch(struct session *s, struct queued_line *q)
{
	struct cmd_parts p;
	if (q->kind == LINE_TOO_LONG) {
		reply(s, FTP_R_SYNTAX, "Command line too long.");
		return;
	}
	if (q->kind == LINE_HAS_NUL) {
		reply(s, FTP_R_SYNTAX_ARG, "NUL byte in command line.");
		return;
	}
	if (cmd_split(q->text, q->len, &p) < 0) {
		reply(s, FTP_R_SYNTAX, "Syntax error, command unrecognized.");
		return;
	}
	const struct command *c = command_find(p.verb);
	if (!c) {
		reply(s, FTP_R_SYNTAX, "%s: command not understood.", p.verb);
		return;
	}
	/* RFC 959 4.1.3: RNTO must immediately follow RNFR; any other command
	 * in between forgets the RNFR (RNFR itself sets it anew). */
	if (strcmp(c->verb, "RNTO") != 0)
		s->has_rnfr = 0;
	if (arg_rules_ok(s, c, p.arg, p.arglen)) {
		if (c->run)
			c->run(s, p.arg);
		else
			reply(s, FTP_R_NOT_IMPL, "%s not implemented.", c->verb);
	}
}

static void session_init(struct session *s, int ctl_fd, const struct zc_config *cfg)
{
	/* Everything but the line queue, whose 64 KiB would only be faulted
	 * in by zeroing (q_count = 0 says it is empty). */
	memset(s, 0, offsetof(struct session, queue));
	memset(&s->q_head, 0, sizeof *s - offsetof(struct session, q_head));
	s->cfg = cfg;
	s->ctl_fd = ctl_fd;
	s->pasv_fd = -1;
	s->mon_fd = -1;
	s->user_slot_fd = -1;
	s->vfs.rootfd = -1;
	s->hash_algo = HASH_SHA256;
	s->hash_end = UINT64_MAX;
	s->mlst_facts = MLSX_ALL;
	s->utf8 = 1;
	s->started_ms = s->last_cmd_ms = sys_now_ms();
	snprintf(s->session_id, sizeof s->session_id, "%d-%llx", (int)getpid(),
		 (unsigned long long)s->started_ms);
	cmd_reader_init(&s->rd);
	/* Clients send ABOR as urgent data (RFC 959 4.1.3; ftplib sends the
	 * whole "ABOR\r\n" with MSG_OOB): keep the urgent byte in the stream,
	 * or the line would lose its final LF and never complete. */
	int one = 1;
	if (setsockopt(ctl_fd, SOL_SOCKET, SO_OOBINLINE, &one, sizeof one) < 0)
		log_warn_errno("SO_OOBINLINE");
	/* Replies are complete messages: 150 and 226 go out back to back, and
	 * with Nagle the second would wait for the client's delayed ACK
	 * (~40 ms per file on Linux).
	 * The TLS relay's socketpair has no such option: that failure is fine. */
	(void)net_set_nodelay(ctl_fd, 1);
	s->peer_len = sizeof s->peer;
	s->local_len = sizeof s->local;
	if (getpeername(ctl_fd, (struct sockaddr *)&s->peer, &s->peer_len) < 0)
		log_warn_errno("getpeername");
	if (getsockname(ctl_fd, (struct sockaddr *)&s->local, &s->local_len) < 0)
		log_warn_errno("getsockname");
	if (addr_to_string((struct sockaddr *)&s->peer, s->peer_str, sizeof s->peer_str) < 0)
		zc_strlcpy(s->peer_str, "?", sizeof s->peer_str);
}

void reply_raw_fd(int fd, int code, const char *text)
{
	struct zbuf b;
	zbuf_init(&b, 4096);
	if (reply_format(&b, code, text) == 0)
		(void)sys_write_all_timeout(fd, b.p, b.len, REPLY_WRITE_TIMEOUT_MS);
	zbuf_free(&b);
}

/* PROXY protocol v2: read exactly the header (the client says nothing
 * before our banner, so no FTP byte can be swallowed) and take the real
 * client's address from it. Only configured proxies may send one. */
static int read_proxy_header(struct session *s)
{
	unsigned char buf[PROXYV2_MAX];
	struct proxyv2 p;
	if (!cidr_list_match(s->cfg->proxy_from, (struct sockaddr *)&s->peer)) {
		log_warn("connection from %s, which is not in listen.proxy_from", s->peer_str);
		return -EPERM;
	}
	int n = read_exact(s->ctl_fd, buf, PROXYV2_HDR_LEN);
	int len = n < 0 ? n : proxyv2_length(buf, PROXYV2_HDR_LEN);
	if (len > PROXYV2_HDR_LEN)
		n = read_exact(s->ctl_fd, buf + PROXYV2_HDR_LEN, (size_t)len - PROXYV2_HDR_LEN);
	if (n < 0 || len < 0 || proxyv2_parse(buf, (size_t)len, &p) < 0) {
		log_warn("bad or missing PROXY protocol header from %s", s->peer_str);
		return -EPROTO;
	}
	if (!p.local) {
		s->peer = p.src;
		s->peer_len = p.src_len;
		if (addr_to_string((struct sockaddr *)&s->peer, s->peer_str, sizeof s->peer_str) < 0)
			zc_strlcpy(s->peer_str, "?", sizeof s->peer_str);
	}
	return 0;
}

/* max_per_ip for the client behind a PROXY balancer, which the master
 * could not count (it saw the balancer): checked against the shared
 * session table by the monitor (privsep) or by this process. */
static int claim_peer(struct session *s)
{
	int rc = s->mon_fd >= 0 ? privsep_claim_peer(s->mon_fd, &s->peer, s->peer_len)
		: master_claim_peer((struct sockaddr *)&s->peer);
	if (rc == -EUSERS) {
		log_info("refused connection: max_per_ip (%d) reached", s->cfg->max_per_ip);
		reply(s, FTP_R_UNAVAILABLE, "Too many connections from your address.");
	} else if (rc < 0) {
		log_err("the monitor did not answer the client address");
	}
	return rc;
}

static struct session *session_start(int ctl_fd, const struct zc_config *cfg)
{
	static struct session sess;	/* one per process; ~70 KiB, kept off the stack */
	struct session *s = &sess;
	/* vfs applies the configured umask itself; the process one would be
	 * applied on top by the kernel. */
	umask(0);
	session_init(s, ctl_fd, cfg);
	char ctx[96];
	snprintf(ctx, sizeof ctx, "session %.63s", s->peer_str);
	log_set_context(ctx);
	return s;
}

static void session_loop(struct session *s)
{
	while (!s->quit && wait_line(s) == 0) {
		struct queued_line *q = &s->queue[s->q_head];
		dispatch(s, q);
		reply_flush(s);	/* a command never leaves a reply held */
		/* The line may have carried a password: don't keep it around. */
		session_wipe_line(&s->rd, q);
		s->q_head = (s->q_head + 1) % SESSION_QUEUE_MAX;
		s->q_count--;
		s->last_cmd_ms = sys_now_ms();
	}
	data_close_all(s);
	if (s->vfs_open)
		vfs_close(&s->vfs);
	if (s->ctl_ssl) {
		if (!s->ctl_eof)
			(void)tls_shutdown(s->ctl_ssl, TLS_SHUTDOWN_TIMEOUT_MS);
		tls_free(s->ctl_ssl);
		s->ctl_ssl = NULL;
	}
	log_info("disconnected%s%s", s->login == LOGIN_DONE ? ", user " : "",
		 s->login == LOGIN_DONE ? s->user : "");
	sys_close(s->ctl_fd);
	s->ctl_fd = -1;
}

/* Greet the client: on the implicit-TLS port the handshake comes first
 * and data protection is on from the start (RFC 4217 predecessor usage). */
static int greet(struct session *s, int implicit_tls)
{
	if (s->cfg->proxy_protocol && read_proxy_header(s) < 0)
		return -1;
	char ctx[96];
	snprintf(ctx, sizeof ctx, "session %.63s", s->peer_str);
	log_set_context(ctx);
	log_info("connected%s", implicit_tls ? " (implicit TLS)" : "");
	if (s->cfg->proxy_protocol && claim_peer(s) < 0)
		return -1;
	if (implicit_tls) {
		if (ftps_start_control(s) < 0)
			return -1;
		s->pbsz_done = s->prot_private = 1;
	}
	reply(s, FTP_R_READY, "%s", s->cfg->banner ? s->cfg->banner : "zcftpd ready");
	return 0;
}

void session_run(int ctl_fd, const struct zc_config *cfg, int implicit_tls)
{
	struct session *s = session_start(ctl_fd, cfg);
	if (greet(s, implicit_tls) == 0)
		session_loop(s);
}

void session_run_worker(int ctl_fd, int mon_fd, const struct zc_config *cfg, int implicit_tls)
{
	struct session *s = session_start(ctl_fd, cfg);
	s->mon_fd = mon_fd;
	if (greet(s, implicit_tls) == 0)
		session_loop(s);
}

/* The handoff's copies of pipelined lines (a second PASS, say) and of the
 * TLS session's secret are not needed once taken over. */
static void wipe_handoff(struct handoff_state *h)
{
	for (unsigned i = 0; i < h->n_lines && i < SESSION_QUEUE_MAX; i++)
		explicit_bzero(h->lines[i].text, h->lines[i].len);
	explicit_bzero(&h->rd, sizeof h->rd);
	explicit_bzero(h->der, h->der_len);
}

void session_run_user(int ctl_fd, const struct zc_config *cfg, const char *name,
		      const struct auth_user *u, int rootfd, struct handoff_state *h)
{
	struct session *s = session_start(ctl_fd, cfg);
	const struct queued_line *lines = h->lines;
	unsigned n = h->n_lines;
	if ((h->tls || cfg->proxy_protocol) && h->peer_len) {
		/* A relayed or proxied control connection: the real client's
		 * address comes from the handoff. */
		s->peer = h->peer;
		s->peer_len = h->peer_len;
		if (addr_to_string((struct sockaddr *)&s->peer, s->peer_str, sizeof s->peer_str) < 0)
			zc_strlcpy(s->peer_str, "?", sizeof s->peer_str);
		char ctx[96];
		snprintf(ctx, sizeof ctx, "session %.63s", s->peer_str);
		log_set_context(ctx);
	}
	if (h->tls) {
		/* Imported here, after the ids were dropped (see handoff_state). */
		if (!ftps_ctx() || tls_session_import(ftps_ctx(), h->der, h->der_len) < 0)
			log_warn("cannot import the control connection's TLS session: "
				 "data connections resuming it by session id will be refused");
		s->local = h->local;
		s->local_len = h->local_len;
		s->tls_proxied = 1;
		s->pbsz_done = h->pbsz;
		s->prot_private = h->prot;
	}
	if (vfs_init_fd(&s->vfs, rootfd, u->writable, (mode_t)u->umask) < 0) {
		reply(s, FTP_R_NOT_LOGGED_IN, "Login failed: home directory unavailable.");
		return;
	}
	session_logged_in(s, name, u);
	s->ids_dropped = 1;
	for (unsigned i = 0; i < n && i < SESSION_QUEUE_MAX; i++)
		s->queue[i] = lines[i];
	s->q_count = n < SESSION_QUEUE_MAX ? n : SESSION_QUEUE_MAX;
	/* The worker's reader, in the middle of the next line maybe ("SY" of
	 * a SYST that came with PASS): the socket's next bytes continue it. */
	s->rd = h->rd;
	wipe_handoff(h);
	reply(s, FTP_R_LOGGED_IN, "Login successful.");
	session_loop(s);
}
