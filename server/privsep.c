/* privsep.c - the worker side of the monitor protocol and the handoff
 * encoding (see privsep.h). */
#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "log.h"
#include "privsep.h"
#include "reply_codes.h"
#include "sys.h"

int privsep_encode_handoff(const struct session *s, unsigned skip,
			   unsigned char *buf, size_t n)
{
	struct ps_handoff_hdr h = { PS_HANDOFF, 0 };
	size_t off = sizeof h;
	for (unsigned i = skip; i < s->q_count; i++) {
		const struct queued_line *q = &s->queue[(s->q_head + i) % SESSION_QUEUE_MAX];
		uint8_t kind = (uint8_t)q->kind;
		uint16_t len = (uint16_t)q->len;
		if (off + 3 + len > n)
			return -E2BIG;
		buf[off] = kind;
		memcpy(buf + off + 1, &len, 2);
		memcpy(buf + off + 3, q->text, len);
		off += 3 + len;
		h.count++;
	}
	if (n < sizeof h)
		return -E2BIG;
	memcpy(buf, &h, sizeof h);
	return (int)off;
}

int privsep_decode_handoff(const unsigned char *msg, size_t len,
			   struct queued_line *lines, unsigned max)
{
	struct ps_handoff_hdr h;
	if (len < sizeof h)
		return -EPROTO;
	memcpy(&h, msg, sizeof h);
	if (h.type != PS_HANDOFF || h.count > max)
		return -EPROTO;
	size_t off = sizeof h;
	for (unsigned i = 0; i < h.count; i++) {
		uint16_t l;
		if (len - off < 3)
			return -EPROTO;
		memcpy(&l, msg + off + 1, 2);
		if (msg[off] > LINE_TOO_LONG || l > FTP_LINE_MAX || len - off - 3 < l)
			return -EPROTO;
		lines[i].kind = (enum line_kind)msg[off];
		lines[i].len = l;
		memcpy(lines[i].text, msg + off + 3, l);
		lines[i].text[l] = '\0';
		off += 3 + (size_t)l;
	}
	return off == len ? (int)h.count : -EPROTO;
}

static int ask_monitor(int fd, const char *user, const char *pass)
{
	struct ps_auth req;
	struct ps_answer ans;
	memset(&req, 0, sizeof req);
	req.type = PS_AUTH;
	if (zc_strlcpy(req.user, user, sizeof req.user) < 0 || zc_strlcpy(req.pass, pass, sizeof req.pass) < 0) {
		explicit_bzero(&req, sizeof req);
		return PS_AUTH_FAIL;	/* cannot be right: too long */
	}
	ssize_t w = send(fd, &req, sizeof req, MSG_NOSIGNAL);
	explicit_bzero(&req, sizeof req);
	if (w != (ssize_t)sizeof req)
		return -EPIPE;
	ssize_t r;
	do
		r = recv(fd, &ans, sizeof ans, 0);
	while (r < 0 && errno == EINTR);
	return r == (ssize_t)sizeof ans ? (int)ans.type : -EPROTO;
}

static void hand_over(struct session *s)
{
	static unsigned char buf[PS_HANDOFF_MAX];
	/* The first queued line is the PASS being answered: not handed over. */
	int n = privsep_encode_handoff(s, 1, buf, sizeof buf);
	if (n < 0 || send(s->mon_fd, buf, (size_t)n, MSG_NOSIGNAL) != n) {
		log_err("handoff to the monitor failed");
		_exit(1);
	}
	explicit_bzero(buf, sizeof buf);
	_exit(0);
}

void privsep_login(struct session *s, const char *pass)
{
	int ans = ask_monitor(s->mon_fd, s->user, pass);
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
	case PS_AUTH_BUSY:
		s->login = LOGIN_NONE;
		reply(s, FTP_R_NOT_LOGGED_IN, "Too many sessions for this user, try again later.");
		break;
	default:
		log_err("monitor did not answer the login request");
		reply(s, FTP_R_UNAVAILABLE, "Service not available, closing control connection.");
		s->quit = 1;
		break;
	}
}
