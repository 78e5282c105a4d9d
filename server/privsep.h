/*
 * privsep.h - messages between the pre-login worker and the root monitor.
 *
 * One SOCK_SEQPACKET socketpair per session. The worker may send exactly
 * these requests, in this order: with the PROXY protocol on, one PS_PEER
 * with the client address from the header (before the banner); PS_AUTH
 * (any number of times while the answer is a failure) and, after
 * PS_AUTH_OK, one PS_HANDOFF carrying the command lines the client
 * pipelined behind PASS and the first bytes of the next one, if the same
 * read brought them (the line reader's state). Anything else, or a
 * malformed message, ends the session (see monitor.c).
 */
#ifndef ZC_PRIVSEP_H
#define ZC_PRIVSEP_H

#include <stdint.h>
#include <sys/socket.h>

#include "session.h"

#define PS_PASS_MAX 512

enum ps_type {
	PS_AUTH = 1,
	PS_HANDOFF = 2,
	PS_PEER = 3,
	PS_AUTH_OK = 101,
	PS_AUTH_FAIL = 102,		/* wrong name or password (delay already spent) */
	PS_AUTH_FAIL_CLOSE = 103,	/* ... and too many failures: close */
	PS_PEER_OK = 105,
	PS_PEER_BUSY = 106,		/* max_per_ip reached for that address */
	/* No answer tells a refused password from a user at max_sessions:
	 * the worker facing the client must not know either. */
};

struct ps_auth {
	uint32_t type;
	char user[SESSION_USER_MAX];
	char pass[PS_PASS_MAX];
};

/* The client's address as the PROXY header gave it: AF_INET or AF_INET6,
 * len exactly that family's sockaddr size. */
struct ps_peer {
	uint32_t type;
	uint32_t len;
	struct sockaddr_storage addr;
};

struct ps_answer {
	uint32_t type;
};

/* PS_HANDOFF: this header, then `count` records of
 * { uint8_t kind; uint16_t len; char text[len]; } (native byte order),
 * then rd_len bytes of the line reader's state (cmd_reader_save: a line
 * received in part with PASS, finished by the user's session), then
 * der_len bytes of the control connection's TLS session (DER). With
 * PS_HF_TLS the message carries one fd (SCM_RIGHTS): the worker's clear-
 * text relay of the control connection, which it keeps serving. */
enum { PS_HF_TLS = 1, PS_HF_PBSZ = 2, PS_HF_PROT = 4 };

struct ps_handoff_hdr {
	uint32_t type;
	uint32_t count;
	uint32_t flags;
	uint32_t der_len;
	uint32_t peer_len;		/* the client's address as the worker knows it */
	uint32_t rd_len;		/* (no padding before peer) */
	struct sockaddr_storage peer;	/* (from PROXY protocol, if used) */
};

#define PS_DER_MAX 8192
#define PS_HANDOFF_MAX (sizeof(struct ps_handoff_hdr) + SESSION_QUEUE_MAX * (3 + FTP_LINE_MAX) \
			+ CMD_SAVE_MAX + PS_DER_MAX)

/* Worker side: PASS with privilege separation. Replies to the client
 * itself on failure; on success hands the session over and exits. */
void privsep_login(struct session *s, const char *pass);
/* Worker side, PROXY protocol: have the monitor count the real client
 * address sa against max_per_ip (the worker has no access to the shared
 * session table). Returns 0, -EUSERS (limit reached: refuse with 421), or
 * -EPROTO (no answer). */
int privsep_claim_peer(int mon_fd, const struct sockaddr_storage *sa, socklen_t len);

/* Decode a handoff message into h (lines, line reader, TLS flags) and the
 * session DER (pointer into msg, length). Returns 0 or -EPROTO. Pure;
 * unit-tested. */
int privsep_decode_handoff(const unsigned char *msg, size_t len, struct handoff_state *h,
			   const unsigned char **der, size_t *der_len);
/* Encode queue lines (skipping the first `skip`), the line reader's state
 * (s->rd), flags and the DER into buf. Returns the message length, -E2BIG,
 * or -EINVAL (a reader past CMD_ABUSE). */
int privsep_encode_handoff(const struct session *s, unsigned skip, unsigned flags,
			   const unsigned char *der, size_t der_len,
			   unsigned char *buf, size_t n);

/* The monitor: runs the pre-login worker and, after a login, becomes the
 * user's session process. Called in the forked session process as root. */
void monitor_run(int ctl_fd, const struct zc_config *cfg, int implicit_tls);
/* Master: look up the accounts sessions run as (privsep, anonymous,
 * virtual) once, before forking; again after a reload. */
void monitor_cache_accounts(const struct zc_config *cfg);
/* uid/gid of an anonymous or virtual user's system account (cached by
 * the master); refuses uid 0. Returns 0 or -errno (logged). */
int monitor_resolve_ids(struct auth_user *u);

#endif
