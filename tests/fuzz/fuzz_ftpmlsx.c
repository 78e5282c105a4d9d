/*
 * fuzz_ftpmlsx.c - the client's MLSD/MLST line reader, ftp_parse_mlsx():
 * listing_parse_mlsx() plus FTP_SIZE_UNKNOWN / FTP_MTIME_UNKNOWN for a
 * fact the server did not send or sent garbage in (the mirror must not
 * trust a made-up size 0 or a 1970 date). The oracle: a known size or
 * time must be the value of some well-formed size/modify fact of the line.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ftpconn.h"
#include "listing.h"
#include "fuzz.h"

/* Value of fact f[0..n) if its name is key (any case), else NULL. */
static const char *fact_value(const char *f, size_t n, const char *key,
			      size_t *vn)
{
	size_t k = strlen(key);

	if (n <= k || strncasecmp(f, key, k) != 0 || f[k] != '=')
		return NULL;
	*vn = n - k - 1;
	return f + k + 1;
}

static int size_is(const char *v, size_t n, uint64_t want)
{
	uint64_t x = 0;

	if (n == 0 || n > 19)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return 0;
		x = x * 10 + (uint64_t)(v[i] - '0');
	}
	return x == want;
}

static int time_is(const char *v, size_t n, time_t want)
{
	char buf[64];
	time_t t;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return listing_parse_time(buf, &t) == 0 && t == want;
}

/* 1 when a fact of line (facts end at the first space) backs e's value. */
static int backed(const char *line, size_t len, const struct listing_entry *e,
		  int want_size)
{
	const char *sp, *f, *v;
	size_t vn;

	if (len && line[0] == ' ')
		line++, len--;
	sp = memchr(line, ' ', len);
	if (sp == NULL)
		return 0;
	for (f = line; f < sp;) {
		const char *semi = memchr(f, ';', (size_t)(sp - f));
		const char *fe = semi ? semi : sp;
		size_t n = (size_t)(fe - f);

		if (want_size && (v = fact_value(f, n, "size", &vn)) &&
		    size_is(v, vn, e->size))
			return 1;
		if (!want_size && (v = fact_value(f, n, "modify", &vn)) &&
		    time_is(v, vn, e->mtime))
			return 1;
		f = fe + 1;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct listing_entry e;
	char name[256];
	char *line = fuzz_strndup(data, size);

	if (line == NULL)
		return 0;
	if (ftp_parse_mlsx(line, size, &e, name, sizeof(name)) == 0) {
		FUZZ_CHECK(e.size == FTP_SIZE_UNKNOWN || backed(line, size, &e, 1));
		FUZZ_CHECK(e.mtime == FTP_MTIME_UNKNOWN || backed(line, size, &e, 0));
	}
	free(line);
	return 0;
}
