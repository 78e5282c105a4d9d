/*
 * fuzz_reply.c - the client's reply reader (bytes from any server):
 * reply_reader_feed in chunks sized by the first input byte, reading
 * replies until the input ends or the sticky error, and compares that
 * with what one feed of the whole input gives; then the server-side
 * formatters on the same bytes as text (reply_format must never emit a
 * CR that was not its own, reply_quote_path never a CR or LF).
 */
#include <stdlib.h>
#include <string.h>
#include "reply.h"
#include "fuzz.h"

/* What a reader made of the input: replies, their digest, final status. */
struct outcome {
	unsigned replies;
	uint64_t digest;
	int rc;
};

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

static struct outcome read_replies(const uint8_t *data, size_t size,
				   size_t chunk)
{
	struct outcome o = { 0, 0xcbf29ce484222325ull, 0 };
	struct reply_reader r;
	size_t off = 0;

	reply_reader_init(&r);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t used = 0;
		int rc = reply_reader_feed(&r, (const char *)data + off, n, &used);

		o.rc = rc < 0 ? rc : 0;
		if (rc < 0)
			break;
		FUZZ_CHECK(used <= n);
		off += used;
		if (rc == 1) {
			FUZZ_CHECK(r.code >= 100 && r.code <= 599);
			o.replies++;
			o.digest = fnv(o.digest, &r.code, sizeof(r.code));
			o.digest = fnv(o.digest, r.text.p, r.text.len);
			reply_reader_reset_reply(&r);
		}
	}
	reply_reader_free(&r);
	return o;
}

static void format(const char *text)
{
	struct zbuf out;
	const char *s;

	zbuf_init(&out, 1u << 20);
	if (reply_format(&out, 250, text) == 0) {
		s = zbuf_str(&out);
		/* Every line ends in CRLF and no other CR is left. */
		for (size_t i = 0; s[i] != '\0'; i++)
			if (s[i] == '\r')
				FUZZ_CHECK(s[i + 1] == '\n');
	}
	zbuf_reset(&out);
	if (reply_quote_path(&out, text) == 0) {
		s = zbuf_str(&out);
		FUZZ_CHECK(strchr(s, '\r') == NULL && strchr(s, '\n') == NULL);
	}
	zbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0)
		return 0;
	/* The replies must not depend on how the bytes were split. */
	struct outcome a = read_replies(data + 1, size - 1, data[0] % 64 + 1);
	struct outcome b = read_replies(data + 1, size - 1, size);

	FUZZ_CHECK(a.replies == b.replies && a.digest == b.digest && a.rc == b.rc);
	s = fuzz_strndup(data + 1, size - 1);
	if (s != NULL)
		format(s);
	free(s);
	return 0;
}
