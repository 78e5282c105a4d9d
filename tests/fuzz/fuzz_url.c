/*
 * fuzz_url.c - zcftp URLs from the command line or a mirror list.
 * A parsed URL has no control byte in any field and a path starting
 * with '/'; url_format must fit or truncate cleanly.
 */
#include <stdlib.h>
#include <string.h>
#include "url.h"
#include "fuzz.h"

static int has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct zc_url u;
	char buf[128], *big;
	char *s = fuzz_strndup(data, size);

	if (s == NULL)
		return 0;
	(void)url_is_remote(s);
	if (url_parse(s, &u) == 0) {
		FUZZ_CHECK(u.path[0] == '/');
		FUZZ_CHECK(!has_ctl(u.user) && !has_ctl(u.pass) && !has_ctl(u.host) &&
		       !has_ctl(u.path));
		(void)url_format(&u, buf, sizeof(buf));
		FUZZ_CHECK(strlen(buf) < sizeof(buf));
		big = malloc(URL_PATH_MAX + 4 * URL_FIELD_MAX);
		if (big != NULL)
			FUZZ_CHECK(url_format(&u, big, URL_PATH_MAX + 4 * URL_FIELD_MAX) == 0);
		free(big);
		url_wipe(&u);
	}
	free(s);
	return 0;
}
