/*
 * reply.h - FTP replies: formatting (server side) and an incremental reply
 * reader (client side) that is fed bytes and never touches a socket.
 * RFC 959 section 4.2 defines single and multi-line replies.
 */
#ifndef ZC_REPLY_H
#define ZC_REPLY_H

#include <stddef.h>

#include "buf.h"
#include "reply_codes.h"

/*
 * Append a complete reply to out. text may hold several lines separated by
 * '\n'. One line gives "CODE text\r\n". Several lines give the RFC 959 4.2
 * multi-line form: "CODE-first\r\n", middle lines as "line\r\n" (a middle
 * line starting with a digit gets one leading space, so a client cannot
 * mistake it for the last line), then "CODE last\r\n". Every '\r' in text is
 * dropped so text can never inject a reply line. Empty text gives
 * "CODE \r\n". code must be 100..599 (else -EINVAL).
 * Returns 0, -EINVAL, or the zbuf error (-ENOMEM/-E2BIG).
 */
int reply_format(struct zbuf *out, int code, const char *text);

/*
 * Append path as an RFC 959 quoted pathname for 257 replies: "path" with
 * every '"' doubled (Appendix II). RFC 959 represents an embedded LF as NUL
 * on the wire; we never emit NUL or line breaks in a reply, so '\r' and
 * '\n' are replaced by '?' (such names are unusable over FTP anyway).
 * Returns 0 or the zbuf error.
 */
int reply_quote_path(struct zbuf *out, const char *path);

/*
 * Incremental reply reader. Fields are public for reading `code` and
 * `text` after reply_reader_feed() returned 1; the rest is private.
 */
struct reply_reader {
	int code;		/* the reply code, valid when feed returned 1 */
	struct zbuf text;	/* lines joined by '\n', code prefixes removed */
	/* private */
	struct zbuf line;	/* the line being assembled */
	size_t nlines;		/* lines of the current reply so far */
	int multi;		/* inside a multi-line reply */
	int done;		/* a complete reply is held */
	int err;		/* sticky error, 0 or negative errno */
};

void reply_reader_init(struct reply_reader *r);
void reply_reader_free(struct reply_reader *r);
/* Forget the completed reply so the next one can be read. Keeps err. */
void reply_reader_reset_reply(struct reply_reader *r);

/*
 * Feed n bytes. Lines end at LF (CRLF or bare LF). Returns 1 when a
 * complete reply is available (*consumed = bytes used; feed the rest after
 * reply_reader_reset_reply()), 0 when more input is needed (*consumed = n),
 * or a negative error that stays sticky: -EPROTO for a line that should
 * start a reply but is not 3 digits + ' ' or '-', or a code outside
 * 100..599; -E2BIG for a line over FTP_REPLY_LINE_MAX or a reply over
 * FTP_REPLY_LINES_MAX lines. While a reply is held (done) it returns 1
 * again without consuming anything.
 */
int reply_reader_feed(struct reply_reader *r, const char *data, size_t n,
		      size_t *consumed);

#endif
