/*
 * fuzz_command.c - the server's control-line reader (bytes from any
 * client, before login): cmd_reader_feed in chunks whose size comes from
 * the first input byte, cmd_split and utf8_valid on every line, a
 * save/load round trip of the reader between chunks (privsep hands it
 * over), and cmd_reader_load on the raw input (bytes from the less
 * trusted process).
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmd_reader r, l;
	size_t chunk, off = 0;

	if (size == 0)
		return 0;
	(void)cmd_reader_load(&l, data, size);
	chunk = data[0] % 64 + 1;
	data++;
	size--;
	cmd_reader_init(&r);
	while (off < size) {
		size_t n = size - off < chunk ? size - off : chunk;
		size_t used = 0;
		enum cmd_status st = cmd_reader_feed(&r, (const char *)data + off,
						     n, &used);

		FUZZ_CHECK(used <= n);
		if (st == CMD_ABUSE)
			break;
		if (st == CMD_LINE)
			take_line(&r);
		if (used == 0 && st == CMD_MORE)
			break;
		off += used;
		if (st == CMD_MORE)
			roundtrip(&r);
	}
	return 0;
}
