/*
 * fuzz_command.c - the server's control-line reader (bytes from any
 * client, before login): cmd_reader_feed in chunks whose size comes from
 * the first input byte, cmd_split and utf8_valid on every line, a
 * save/load round trip of the reader between chunks (privsep hands it
 * over), the lines compared with one feed of the whole input, and
 * cmd_reader_load on the raw input (bytes from the less trusted process).
 */
#include <string.h>
#include "command.h"
#include "fuzz.h"

static void take_line(const struct cmd_reader *r)
{
	struct cmd_parts p;

	FUZZ_CHECK(r->len <= FTP_LINE_MAX);
	(void)utf8_valid(r->line, r->len);
	if (cmd_split(r->line, r->len, &p) == 0) {
		FUZZ_CHECK(strlen(p.verb) <= CMD_VERB_MAX);
		FUZZ_CHECK(p.arg >= r->line && p.arg + p.arglen <= r->line + r->len);
		(void)utf8_valid(p.arg, p.arglen);
	}
}

static void roundtrip(struct cmd_reader *r)
{
	static unsigned char save[CMD_SAVE_MAX];
	struct cmd_reader copy;
	int n = cmd_reader_save(r, save, sizeof(save));

	if (n < 0)
		return;
	FUZZ_CHECK(cmd_reader_load(&copy, save, (size_t)n) == 0);
	*r = copy;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

/* Feed data in pieces of chunk bytes (save/load between them when
 * hand_over); digest what came out: every status but MORE, every line. */
static uint64_t read_lines(const uint8_t *data, size_t size, size_t chunk,
			   int hand_over)
{
	static struct cmd_reader r;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t off = 0;

	cmd_reader_init(&r);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t used = 0;
		enum cmd_status st = cmd_reader_feed(&r, (const char *)data + off,
						     n, &used);

		FUZZ_CHECK(used <= n);
		if (st != CMD_MORE)
			h = fnv(h, &st, sizeof(st));
		if (st == CMD_ABUSE)
			break;
		if (st == CMD_LINE) {
			take_line(&r);
			h = fnv(h, r.line, r.len);
			h = fnv(h, &r.has_nul, sizeof(r.has_nul));
		}
		if (used == 0 && st == CMD_MORE)
			break;
		off += used;
		if (st == CMD_MORE && hand_over)
			roundtrip(&r);
	}
	return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmd_reader l;

	if (size == 0)
		return 0;
	(void)cmd_reader_load(&l, data, size);
	/* The lines must not depend on how the bytes were split, nor on a
	 * hand-over of the reader between the pieces. */
	FUZZ_CHECK(read_lines(data + 1, size - 1, data[0] % 64 + 1, 1) ==
		   read_lines(data + 1, size - 1, size, 0));
	return 0;
}
