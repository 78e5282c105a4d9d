/*
 * fuzz_reply.c - the client's reply reader (bytes from any server):
 * reply_reader_feed in chunks sized by the first input byte, reading
 * replies until the input ends or the sticky error; then the server-side
 * formatters on the same bytes as text (reply_format must never emit a
 * CR that was not its own, reply_quote_path never a CR or LF).
 */
#include <stdlib.h>
#include <string.h>
#include "reply.h"
#include "fuzz.h"

static void read_replies(const uint8_t *data, size_t size, size_t chunk)
{
	struct reply_reader r;
	size_t off = 0;

	reply_reader_init(&r);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t used = 0;
		int rc = reply_reader_feed(&r, (const char *)data + off, n, &used);

		if (rc < 0)
			break;
		FUZZ_CHECK(used <= n);
		off += used;
		if (rc == 1) {
			FUZZ_CHECK(r.code >= 100 && r.code <= 599);
			(void)strlen(zbuf_str(&r.text));
			reply_reader_reset_reply(&r);
		}
	}
	reply_reader_free(&r);
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
	read_replies(data + 1, size - 1, data[0] % 64 + 1);
	s = fuzz_strndup(data + 1, size - 1);
	if (s != NULL)
		format(s);
	free(s);
	return 0;
}
