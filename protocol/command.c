/* command.c - control-line reader and command splitting (see command.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "command.h"

/* Telnet bytes, RFC 854. */
enum {
	TN_SE = 240, TN_DM = 242, TN_SB = 250,
	TN_WILL = 251, TN_DONT = 254, TN_IAC = 255,
};

/* Telnet parser states. */
enum { TS_DATA, TS_IAC, TS_OPT, TS_SB, TS_SB_IAC };

/* Payload bytes a line may carry: FTP_LINE_MAX includes the CRLF. */
#define CMD_PAYLOAD_MAX (FTP_LINE_MAX - 2)
/* Raw bytes (Telnet included) a line may take: IAC IAC doubles a byte, and
 * a flood of IAC NOP must not keep us reading forever without a line. */
#define CMD_RAW_MAX (3 * FTP_LINE_MAX)

/* Internal results of one byte. */
enum { B_NONE, B_LINE, B_TOOLONG };

void cmd_reader_init(struct cmd_reader *r)
{
	memset(r, 0, sizeof *r);
	r->fresh = 1;
}

static void start_line(struct cmd_reader *r)
{
	r->len = 0;
	r->line[0] = '\0';
	r->has_nul = 0;
	r->cr_pending = 0;
	r->raw = 0;
	r->fresh = 0;
}

static int put(struct cmd_reader *r, unsigned char c)
{
	/* Some clients send the ABOR Telnet DM (RFC 959 4.1.3) as urgent data
	 * and only the IAC arrives out of band: a stray DM cannot begin a
	 * command (verbs are ASCII), so drop it there. */
	if (r->len == 0 && c == TN_DM)
		return B_NONE;
	if (r->len >= CMD_PAYLOAD_MAX)
		return B_TOOLONG;
	if (c == '\0')
		r->has_nul = 1;
	r->line[r->len++] = (char)c;
	return B_NONE;
}

/* A data byte after Telnet decoding: CR/LF handling (RFC 854: CR NUL is a
 * bare CR; lines end at LF, one CR before it is stripped). */
static int data_byte(struct cmd_reader *r, unsigned char c)
{
	if (r->cr_pending) {
		r->cr_pending = 0;
		if (c == '\n')
			return B_LINE;
		int rc = put(r, '\r');
		if (rc != B_NONE || c == '\0')
			return rc;
	}
	if (c == '\r') {
		r->cr_pending = 1;
		return B_NONE;
	}
	if (c == '\n')
		return B_LINE;
	return put(r, c);
}

/* Telnet state machine: returns B_* for a byte of the stream. */
static int telnet_byte(struct cmd_reader *r, unsigned char c)
{
	switch (r->tstate) {
	case TS_IAC:
		r->tstate = TS_DATA;
		if (c == TN_IAC)
			return data_byte(r, c);
		if (c >= TN_WILL && c <= TN_DONT)
			r->tstate = TS_OPT;
		else if (c == TN_SB)
			r->tstate = TS_SB;
		return B_NONE;	/* IP, DM, AYT, NOP, ...: dropped */
	case TS_OPT:
		r->tstate = TS_DATA;
		return B_NONE;
	case TS_SB:
		if (c == TN_IAC)
			r->tstate = TS_SB_IAC;
		return B_NONE;
	case TS_SB_IAC:
		r->tstate = c == TN_SE ? TS_DATA : TS_SB;
		return B_NONE;
	default:
		if (c == TN_IAC) {
			r->tstate = TS_IAC;
			return B_NONE;
		}
		return data_byte(r, c);
	}
}

/* Discard mode: drop bytes up to and including the next LF. */
static int discard_byte(struct cmd_reader *r, unsigned char c)
{
	int rc = telnet_byte(r, c);
	r->len = 0;
	if (rc == B_LINE) {
		r->discard = 0;
		r->fresh = 1;
		return B_NONE;
	}
	if (++r->discarded > CMD_DISCARD_MAX)
		r->abuse = 1;
	return B_NONE;
}

enum cmd_status cmd_reader_feed(struct cmd_reader *r, const char *data,
				size_t n, size_t *consumed)
{
	size_t i = 0;
	enum cmd_status st = CMD_MORE;
	while (i < n && st == CMD_MORE && !r->abuse) {
		unsigned char c = (unsigned char)data[i++];
		if (r->fresh)
			start_line(r);
		if (r->discard) {
			discard_byte(r, c);
			continue;
		}
		int rc = telnet_byte(r, c);
		if (rc == B_NONE && ++r->raw > CMD_RAW_MAX)
			rc = B_TOOLONG;
		if (rc == B_LINE) {
			r->line[r->len] = '\0';
			r->fresh = 1;
			st = CMD_LINE;
		} else if (rc == B_TOOLONG) {
			r->discard = 1;
			r->discarded = 0;
			r->len = 0;
			r->line[0] = '\0';
			st = CMD_TOOLONG;
		}
	}
	*consumed = i;
	return r->abuse ? CMD_ABUSE : st;
}

/* Saved state (cmd_reader_save): flags, Telnet state, then big-endian
 * line length (16 bits), raw and discarded counts (32 bits), line bytes. */
enum { SAVE_CR = 1, SAVE_DISCARD = 2 };

static void put_be(unsigned char *p, uint32_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint32_t get_be(const unsigned char *p, int bytes)
{
	uint32_t v = 0;
	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

int cmd_reader_save(const struct cmd_reader *r, unsigned char *buf, size_t n)
{
	if (r->abuse)
		return -EINVAL;
	if (r->fresh)
		return 0;	/* r->line is the line already delivered */
	/* While dropping, the line buffer is scratch (discard_byte). */
	size_t len = r->discard ? 0 : r->len;
	if (len > CMD_PAYLOAD_MAX)
		return -EINVAL;
	if (n < CMD_SAVE_HDR + len)
		return -E2BIG;
	buf[0] = (unsigned char)((r->cr_pending ? SAVE_CR : 0) | (r->discard ? SAVE_DISCARD : 0));
	buf[1] = (unsigned char)r->tstate;
	put_be(buf + 2, (uint32_t)len, 2);
	put_be(buf + 4, r->discard ? 0 : (uint32_t)r->raw, 4);
	put_be(buf + 8, r->discard ? (uint32_t)r->discarded : 0, 4);
	memcpy(buf + CMD_SAVE_HDR, r->line, len);
	return (int)(CMD_SAVE_HDR + len);
}

/* The fields a reader can hold: cmd_reader_feed keeps each within these
 * bounds (a line over them is CMD_TOOLONG, a discard over them CMD_ABUSE). */
static int save_valid(const unsigned char *buf, size_t n)
{
	unsigned flags = buf[0];
	size_t len = get_be(buf + 2, 2);
	uint32_t raw = get_be(buf + 4, 4), discarded = get_be(buf + 8, 4);
	if ((flags & ~(unsigned)(SAVE_CR | SAVE_DISCARD)) || buf[1] > TS_SB_IAC)
		return 0;
	if (n != CMD_SAVE_HDR + len || len > CMD_PAYLOAD_MAX || raw > CMD_RAW_MAX)
		return 0;
	if (flags & SAVE_DISCARD)
		return len == 0 && raw == 0 && discarded <= CMD_DISCARD_MAX;
	return discarded == 0;
}

int cmd_reader_load(struct cmd_reader *r, const unsigned char *buf, size_t n)
{
	cmd_reader_init(r);
	if (n == 0)
		return 0;
	if (n < CMD_SAVE_HDR || !save_valid(buf, n))
		return -EPROTO;
	start_line(r);
	r->len = n - CMD_SAVE_HDR;
	memcpy(r->line, buf + CMD_SAVE_HDR, r->len);
	r->line[r->len] = '\0';
	r->has_nul = memchr(r->line, '\0', r->len) != NULL;
	r->cr_pending = !!(buf[0] & SAVE_CR);
	r->discard = !!(buf[0] & SAVE_DISCARD);
	r->tstate = buf[1];
	r->raw = get_be(buf + 4, 4);
	r->discarded = get_be(buf + 8, 4);
	return 0;
}

int cmd_split(const char *line, size_t len, struct cmd_parts *out)
{
	size_t i = 0;
	while (i < len && ((line[i] >= 'a' && line[i] <= 'z') ||
			   (line[i] >= 'A' && line[i] <= 'Z'))) {
		if (i >= CMD_VERB_MAX)
			return -EINVAL;
		char c = line[i];
		out->verb[i++] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
	}
	out->verb[i] = '\0';
	if (i == 0)
		return -EINVAL;
	if (i == len) {
		out->arg = line + len;
		out->arglen = 0;
		return 0;
	}
	if (line[i] != ' ')
		return -EINVAL;
	out->arg = line + i + 1;
	out->arglen = len - i - 1;
	return 0;
}

/* Length of the UTF-8 sequence led by c and the minimum code point it may
 * encode (to reject overlongs); 0 for an invalid lead byte. */
static size_t utf8_lead(unsigned char c, uint32_t *cp, uint32_t *min)
{
	if (c >= 0xC2 && c <= 0xDF) {
		*cp = c & 0x1F;
		*min = 0x80;
		return 2;
	}
	if (c >= 0xE0 && c <= 0xEF) {
		*cp = c & 0x0F;
		*min = 0x800;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		*cp = c & 0x07;
		*min = 0x10000;
		return 4;
	}
	return 0;
}

int utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp, min;
		size_t k = utf8_lead(p[i], &cp, &min);
		if (k == 0 || k > n - i)
			return 0;
		for (size_t j = 1; j < k; j++) {
			if ((p[i + j] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + j] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += k;
	}
	return 1;
}
