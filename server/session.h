/*
 * session.h - one control connection: its state, the command loop, and
 * the reply helpers every command handler uses.
 *
 * A session lives in its own process (forked by the master), so its state
 * is one struct owned by that process and never shared.
 */
#ifndef ZC_SESSION_H
#define ZC_SESSION_H

#include <stdint.h>
#include <sys/socket.h>
#include <time.h>

#include "buf.h"
#include "command.h"
#include "conf/config.h"
#include "hash.h"
#include "vfs.h"

/* Lines read ahead of the command being executed: pipelined commands and
 * commands that arrive during a transfer wait here, in order. */
#define SESSION_QUEUE_MAX 16
/* Room for held replies: a 150 line with a long path name. */
#define SESSION_HELD_MAX 1200
#define SESSION_USER_MAX 64

enum line_kind { LINE_OK, LINE_HAS_NUL, LINE_TOO_LONG };

struct queued_line {
	enum line_kind kind;
	size_t len;
	char text[FTP_LINE_MAX + 1];
};

enum login_state { LOGIN_NONE, LOGIN_NEED_PASS, LOGIN_DONE };

struct session {
	const struct zc_config *cfg;
	int ctl_fd;
	struct sockaddr_storage peer, local;
	socklen_t peer_len, local_len;
	char peer_str[64];
	long long started_ms, last_cmd_ms;

	/* control input */
	struct cmd_reader rd;
	struct queued_line queue[SESSION_QUEUE_MAX];
	unsigned q_head, q_count;
	int ctl_eof;		/* client closed the control connection */
	int quit;		/* leave the command loop after this reply */

	/* login */
	enum login_state login;
	char user[SESSION_USER_MAX];
	int anonymous;		/* 1 anonymous, 0 virtual/local user */
	int login_failures;
	struct vfs vfs;
	int vfs_open;

	/* transfer parameters */
	int type_ascii;
	uint64_t rest;
	int utf8;
	enum hash_algo hash_algo;
	unsigned mlst_facts;	/* OPTS MLST selection (listing.h MLSX_*) */
	uint64_t hash_start, hash_end;	/* RANG; hash_end UINT64_MAX = to EOF */
	char rnfr[VFS_PATH_MAX];
	int has_rnfr;

	/* data channel: at most one of pasv_armed and port_set. The passive
	 * listener stays open for the session (see datachan.c). */
	int pasv_fd;
	uint16_t pasv_port;
	int pasv_armed;
	int port_set;
	struct sockaddr_storage port_addr;
	socklen_t port_len;
	int epsv_all;

	/* FTPS (RFC 4217) */
	struct ssl_st *ctl_ssl;	/* control connection under TLS, or NULL */
	int tls_proxied;	/* control TLS is held by the pre-login worker (privsep) */
	int tls_session_ok;	/* proxied: the control session was imported for reuse */
	int pbsz_done;
	int prot_private;	/* PROT P */
	int rate_down, rate_up;	/* bytes/s per transfer for this user, 0 = unlimited */
	char data_tls[16];	/* TLS version of the last data connection, "" if clear */
	char session_id[24];	/* for the JSON log: pid and start time */
	struct ssl_st *list_ssl;	/* TLS of the listing being sent, or NULL */

	/* privilege separation: socket to the root monitor, or -1 */
	int mon_fd;
	int ids_dropped;	/* running as the logged-in user after privsep */
	int user_slot_fd;	/* max_sessions slot without privsep, or -1 */

	/* set by the control poll during a transfer */
	int abor_seen;

	/* Replies held back by reply_hold(), sent with the next reply */
	int reply_holding;
	size_t held_len;
	char held[SESSION_HELD_MAX];
};

struct auth_user;

/* Run one session on an accepted control socket; returns when it ends.
 * The caller exits the process afterwards. Single-process mode: logins
 * are checked here and the session goes on as the logged-in user. */
void session_run(int ctl_fd, const struct zc_config *cfg, int implicit_tls);
/* Privilege separation, pre-login worker: like session_run, but PASS is
 * sent to the monitor on mon_fd (see privsep.h). */
void session_run_worker(int ctl_fd, int mon_fd, const struct zc_config *cfg, int implicit_tls);

/* Wipe a command line once it has been handled, since it may carry a
 * password (PASS): the queued copy q (its length becomes 0), and every byte
 * of the reader's line buffer except a line still being read after it
 * (pipelined input: that partial line stays intact). */
void session_wipe_line(struct cmd_reader *rd, struct queued_line *q);

/* What a logged-in session inherits from the pre-login worker. */
struct handoff_state {
	struct queued_line lines[SESSION_QUEUE_MAX];
	unsigned n_lines;
	struct cmd_reader rd;	/* a line the worker had begun to read */
	int tls, pbsz, prot;	/* control under TLS (relayed by the worker) */
	struct sockaddr_storage peer, local;
	socklen_t peer_len, local_len;
	/* The control connection's TLS session (DER), imported by the user's
	 * session itself: no root process parses what the worker sent. */
	unsigned char der[8192];
	size_t der_len;
};
/* Privilege separation, after login: continue the session of user `name`
 * (already authenticated, already running with its ids) on rootfd, first
 * replying 230 and then serving the n lines the client had pipelined; the
 * control connection's next bytes go on from h->rd. h is wiped. */
void session_run_user(int ctl_fd, const struct zc_config *cfg, const char *name,
		      const struct auth_user *u, int rootfd, struct handoff_state *h);
/* Reply on a bare fd, for processes that have no session struct. */
void reply_raw_fd(int fd, int code, const char *text);
/* A failed login: count it, optionally wait delay_ms, reply 530, and end
 * the session after max_login_failures (cmd_auth.c). */
void session_login_failed(struct session *s, int delay_ms);
/* Mark the session logged in as name with u's rights (vfs already open). */
void session_logged_in(struct session *s, const char *name, const struct auth_user *u);

/* Send a reply. fmt may produce several lines separated by '\n': the
 * reply is then sent as a RFC 959 multi-line reply. Write errors mark the
 * session for closing (s->quit). */
void reply(struct session *s, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Send an already formatted reply text (single or multi-line). */
void reply_text(struct session *s, int code, const char *text);
/* Send raw, already CRLF-terminated bytes (multi-line bodies built by hand). */
void reply_raw(struct session *s, const char *data, size_t len);
/*
 * Hold back the replies that follow (a 150 before a small transfer): they
 * are written together with the first reply after reply_hold_end(), or at
 * once by reply_flush(), in order. A reply that does not fit flushes what
 * is held. Whoever holds must flush before anything that can wait on the
 * client: a client may wait for the 150 before it reads data.
 */
void reply_hold(struct session *s);
/* Stop holding; what is held goes out with the next reply. */
void reply_hold_end(struct session *s);
/* Stop holding and write what is held now. void * for engine callbacks. */
void reply_flush(void *session);
/* Map a negative errno from vfs to the usual 550/553 reply with a reason. */
void reply_errno(struct session *s, int err, const char *what);

/* Called from the transfer engine when the control fd is readable:
 * queues pipelined lines, returns 1 if the transfer must stop (ABOR or EOF). */
int session_poll_ctl(void *arg);
/* For a long command without a data connection (HASH), between its
 * chunks of work: read the control connection if it has input, without
 * blocking, as session_poll_ctl does during a transfer. Returns 1 if the
 * command must stop: ABOR seen (s->abor_seen), a QUIT queued, or the
 * control connection closed (s->ctl_eof); else 0. */
int session_ctl_check(struct session *s);

/* ---- the command table (one per cmd_*.c file) ---- */
enum cmd_flag {
	CMD_LOGIN = 1 << 0,	/* only after login (else 530) */
	CMD_ARG = 1 << 1,	/* argument required (else 501) */
	CMD_NOARG = 1 << 2,	/* no argument allowed (else 501) */
	CMD_PATH = 1 << 3,	/* argument is a path: must be valid UTF-8 in UTF-8 mode */
};

struct command {
	const char *verb;
	unsigned flags;
	void (*run)(struct session *s, const char *arg);
	const char *help;	/* "RETR <sp> path", shown by HELP */
};

extern const struct command cmd_auth_table[];
extern const struct command cmd_info_table[];
extern const struct command cmd_data_table[];
extern const struct command cmd_xfer_table[];
extern const struct command cmd_fs_table[];
extern const struct command cmd_list_table[];
extern const struct command cmd_hash_table[];
extern const struct command cmd_tls_table[];

/* STAT <path>: the LIST lines of path as a 213 reply (cmd_list.c). */
void list_stat_path(struct session *s, const char *arg);

/* Find a verb in all tables (verb already upper case). NULL if unknown. */
const struct command *command_find(const char *verb);
/* Iterate over all commands: returns the i-th one or NULL past the end. */
const struct command *command_at(unsigned i);

#endif
