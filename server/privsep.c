/* privsep.c - the worker side of the monitor protocol and the handoff
 * encoding (see privsep.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "log.h"
#include "ftps.h"
#include "privsep.h"
#include "tls.h"
#include "reply_codes.h"
#include "sys.h"

int privsep_encode_handoff(const struct session *s, unsigned skip, unsigned flags,
			   const unsigned char *der, size_t der_len,
			   unsigned char *buf, size_t n)
{
	struct ps_handoff_hdr h = { .type = PS_HANDOFF, .flags = flags, .der_len = (uint32_t)der_len,
				    .peer_len = (uint32_t)s->peer_len, .peer = s->peer };
	size_t off = sizeof h;
	if (n < off || der_len > PS_DER_MAX)
		return -E2BIG;
	for (unsigned i = skip; i < s->q_count; i++) {
		const struct queued_line *q = &s->queue[(s->q_head + i) % SESSION_QUEUE_MAX];
		uint16_t len = (uint16_t)q->len;
		if (off + 3 + len > n)
			return -E2BIG;
		buf[off] = (uint8_t)q->kind;
		memcpy(buf + off + 1, &len, 2);
		memcpy(buf + off + 3, q->text, len);
		off += 3 + len;
		h.count++;
	}
	int rd_len = cmd_reader_save(&s->rd, buf + off, n - off);
	if (rd_len < 0)
		return rd_len;
	h.rd_len = (uint32_t)rd_len;
	off += (size_t)rd_len;
	if (off + der_len > n)
		return -E2BIG;
	if (der_len)
		memcpy(buf + off, der, der_len);
	memcpy(buf, &h, sizeof h);
	return (int)(off + der_len);
}

int privsep_decode_handoff(const unsigned char *msg, size_t len, struct handoff_state *h,
			   const unsigned char **der, size_t *der_len)
{
	struct ps_handoff_hdr hd;
	if (len < sizeof hd)
		return -EPROTO;
	memcpy(&hd, msg, sizeof hd);
	if (hd.type != PS_HANDOFF || hd.count > SESSION_QUEUE_MAX || hd.der_len > PS_DER_MAX
	    || (hd.flags & ~(unsigned)(PS_HF_TLS | PS_HF_PBSZ | PS_HF_PROT)))
		return -EPROTO;
	size_t off = sizeof hd;
	for (unsigned i = 0; i < hd.count; i++) {
		uint16_t l;
		if (len - off < 3)
			return -EPROTO;
		memcpy(&l, msg + off + 1, 2);
		if (msg[off] > LINE_TOO_LONG || l > FTP_LINE_MAX || len - off - 3 < l)
			return -EPROTO;
		h->lines[i].kind = (enum line_kind)msg[off];
		h->lines[i].len = l;
		memcpy(h->lines[i].text, msg + off + 3, l);
		h->lines[i].text[l] = '\0';
		off += 3 + (size_t)l;
	}
	/* Checked field by field (cmd_reader_load): the user's reader must
	 * keep every bound it enforces on the client's bytes. */
	if (hd.rd_len > CMD_SAVE_MAX || len - off < hd.rd_len
	    || cmd_reader_load(&h->rd, msg + off, hd.rd_len) < 0)
		return -EPROTO;
	off += hd.rd_len;
	if (len - off != hd.der_len || ((hd.flags & PS_HF_TLS) != 0) != (hd.der_len > 0))
		return -EPROTO;
	if (hd.peer_len > sizeof hd.peer
	    || (hd.peer_len && hd.peer.ss_family != AF_INET && hd.peer.ss_family != AF_INET6))
		return -EPROTO;
	h->peer = hd.peer;
	h->peer_len = hd.peer_len;
	h->n_lines = hd.count;
	h->tls = !!(hd.flags & PS_HF_TLS);
	h->pbsz = !!(hd.flags & PS_HF_PBSZ);
	h->prot = !!(hd.flags & PS_HF_PROT);
	*der = msg + off;
	*der_len = hd.der_len;
	return 0;
}

/* Send one request, return the monitor's answer type or -errno. */
static int monitor_call(int fd, const void *req, size_t n)
{
	struct ps_answer ans;
	if (send(fd, req, n, MSG_NOSIGNAL) != (ssize_t)n)
		return -EPIPE;
	ssize_t r;
	do
		r = recv(fd, &ans, sizeof ans, 0);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof ans ? (int)ans.type : -EPROTO;
}

int privsep_claim_peer(int mon_fd, const struct sockaddr_storage *sa, socklen_t len)
{
	struct ps_peer req;
	memset(&req, 0, sizeof req);
	req.type = PS_PEER;
	req.len = len <= sizeof req.addr ? (uint32_t)len : 0;
	memcpy(&req.addr, sa, req.len);
	int ans = monitor_call(mon_fd, &req, sizeof req);
	return ans == PS_PEER_OK ? 0 : ans == PS_PEER_BUSY ? -EUSERS : -EPROTO;
}

static int ask_monitor(int fd, const char *user, const char *pass)
{
	struct ps_auth req;
	memset(&req, 0, sizeof req);
	req.type = PS_AUTH;
	if (zc_strlcpy(req.user, user, sizeof req.user) < 0 || zc_strlcpy(req.pass, pass, sizeof req.pass) < 0) {
		explicit_bzero(&req, sizeof req);
		return PS_AUTH_FAIL;	/* cannot be right: too long */
	}
	int ans = monitor_call(fd, &req, sizeof req);
	explicit_bzero(&req, sizeof req);
	return ans;
}

/* Send the handoff, with the relay socket as SCM_RIGHTS when TLS is on. */
static int send_handoff(int mon_fd, const unsigned char *buf, size_t n, int fd)
{
	struct iovec iov = { (void *)buf, n };
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } c;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&c, 0, sizeof c);
		m.msg_control = c.b;
		m.msg_controllen = sizeof c.b;
		struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof fd);
	}
	return sendmsg(mon_fd, &m, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

static void __attribute__((noreturn)) hand_over(struct session *s)
{
	static unsigned char buf[PS_HANDOFF_MAX], der[PS_DER_MAX];
	int relay[2] = { -1, -1 }, der_len = 0;
	unsigned flags = (s->pbsz_done ? PS_HF_PBSZ : 0) | (s->prot_private ? PS_HF_PROT : 0);
	if (s->ctl_ssl) {
		flags |= PS_HF_TLS;
		der_len = tls_session_export(s->ctl_ssl, der, sizeof der);
		if (der_len <= 0 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, relay) < 0) {
			log_err("cannot prepare the TLS relay");
			_exit(1);
		}
	}
	/* The first queued line is the PASS being answered: not handed over. */
	int n = privsep_encode_handoff(s, 1, flags, der, der_len > 0 ? (size_t)der_len : 0,
				       buf, sizeof buf);
	int rc = n < 0 ? -1 : send_handoff(s->mon_fd, buf, (size_t)n, relay[1]);
	explicit_bzero(der, sizeof der);
	if (n > 0)
		explicit_bzero(buf, (size_t)n);	/* only what was written */
	/* Handed over: as TLS relay this process must not keep them. */
	explicit_bzero(&s->rd, sizeof s->rd);
	explicit_bzero(s->queue, sizeof s->queue);
	if (rc < 0) {
		log_err("handoff to the monitor failed");
		_exit(1);
	}
	if (!s->ctl_ssl)
		_exit(0);
	sys_close(relay[1]);
	sys_close(s->mon_fd);
	ftps_proxy_run(s->ctl_ssl, s->ctl_fd, relay[0]);
}

void privsep_login(struct session *s, const char *pass)
{
	int ans = ask_monitor(s->mon_fd, s->user, pass);
	/* Now, not after the command: on success this process never returns
	 * to the command loop (it exits, or stays on as the TLS relay). */
	session_wipe_line(&s->rd, &s->queue[s->q_head]);
	switch (ans) {
	case PS_AUTH_OK:
		hand_over(s);
		break;
	case PS_AUTH_FAIL:
	case PS_AUTH_FAIL_CLOSE:
		session_login_failed(s, 0);
		if (ans == PS_AUTH_FAIL_CLOSE)
			s->quit = 1;
		break;
	default:
		log_err("monitor did not answer the login request");
		reply(s, FTP_R_UNAVAILABLE, "Service not available, closing control connection.");
		s->quit = 1;
		break;
	}
}
