/*
 * command.h - the server's control-line reader and command splitter.
 * The reader is fed bytes and yields one line at a time; it strips Telnet
 * (RFC 854) sequences, enforces FTP_LINE_MAX, and never does I/O.
 */
#ifndef ZC_COMMAND_H
#define ZC_COMMAND_H

#include <stddef.h>

#include "reply_codes.h"

/* Bytes discarded after an overlong line before we give up on the peer. */
#define CMD_DISCARD_MAX (1024u * 1024u)
/* Longest verb we recognise; real verbs have 3-4 letters. */
#define CMD_VERB_MAX 8

enum cmd_status {
	CMD_MORE = 0,		/* all input consumed, no complete line yet */
	CMD_LINE = 1,		/* r->line / r->len hold one line */
	CMD_TOOLONG = 2,	/* line over FTP_LINE_MAX; rest of it is discarded */
	CMD_ABUSE = 3,		/* over CMD_DISCARD_MAX discarded without LF; sticky */
};

struct cmd_reader {
	char line[FTP_LINE_MAX + 1];	/* the line, NUL-terminated */
	size_t len;			/* its length (may contain NULs) */
	int has_nul;			/* the line contained a NUL byte */
	/* private */
	int tstate;		/* Telnet parser state */
	size_t raw;		/* raw bytes of this line, Telnet included */
	int cr_pending;		/* a CR was seen and not yet placed */
	int discard;		/* dropping bytes up to the next LF */
	size_t discarded;	/* bytes dropped in discard mode */
	int abuse;		/* sticky CMD_ABUSE */
	int fresh;		/* next byte starts a new line */
};

void cmd_reader_init(struct cmd_reader *r);

/*
 * Consume bytes up to and including the LF that ends a line, and report:
 * CMD_LINE: r->line holds the line with CR/LF and Telnet commands removed
 *   (IAC IAC becomes 0xFF; IAC WILL/WONT/DO/DONT x and IAC <cmd> vanish;
 *   CR NUL becomes CR). One CR before the LF is stripped; other CRs stay.
 *   has_nul is set when the line held a NUL (the full length is in len; the
 *   caller should answer 501). The reader resets itself on the next call.
 * CMD_TOOLONG: the line passed FTP_LINE_MAX - 2 payload bytes (FTP_LINE_MAX
 *   including CRLF). Returned once, at once; the reader then drops bytes
 *   up to and including the next LF.
 * CMD_ABUSE: more than CMD_DISCARD_MAX bytes dropped without a LF. Sticky.
 * CMD_MORE: all n bytes consumed, no line complete.
 * *consumed is set in every case.
 */
enum cmd_status cmd_reader_feed(struct cmd_reader *r, const char *data,
				size_t n, size_t *consumed);

/*
 * A reader's state between two lines, as bytes, so that another process
 * can go on with a line whose first bytes this one has read (the user's
 * session after a privilege-separated login, privsep.h): the half-received
 * line, a pending CR, the Telnet state, and whether the rest of an
 * over-long line is being dropped. A reader that holds nothing of a next
 * line saves as 0 bytes.
 */
#define CMD_SAVE_HDR 12
#define CMD_SAVE_MAX (CMD_SAVE_HDR + FTP_LINE_MAX)
/* Write r's state into buf. Returns its length (0..CMD_SAVE_MAX), -E2BIG
 * if n is too small, or -EINVAL for a reader in CMD_ABUSE (nothing to go
 * on with). */
int cmd_reader_save(const struct cmd_reader *r, unsigned char *buf, size_t n);
/* Set r to the state saved in buf[0..n), checking every field against the
 * reader's own limits (the bytes come from a less trusted process); n == 0
 * gives a fresh reader. Returns 0, or -EPROTO (r is then fresh). */
int cmd_reader_load(struct cmd_reader *r, const unsigned char *buf, size_t n);

struct cmd_parts {
	char verb[CMD_VERB_MAX + 1];	/* uppercased ASCII letters */
	const char *arg;		/* points into the line; "" when absent */
	size_t arglen;
};

/*
 * Split a line into verb and argument. The verb is the leading ASCII
 * letters, uppercased (RFC 959 5.3: commands are case-insensitive). It
 * must be followed by end of line, or by exactly one space after which the
 * argument is taken verbatim (leading and trailing spaces included, they
 * can be part of a file name). Returns 0, or -EINVAL if the verb is empty,
 * longer than CMD_VERB_MAX, or followed by anything else.
 */
int cmd_split(const char *line, size_t len, struct cmd_parts *out);

/* 1 if s[0..n) is valid UTF-8 (no overlongs, surrogates, > U+10FFFF). */
int utf8_valid(const char *s, size_t n);

#endif
