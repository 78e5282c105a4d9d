/*
 * fuzz_netrc.c - ~/.netrc text (a file the user may have copied from
 * anywhere). The input is parsed as is (not NUL-terminated: netrc_parse
 * takes a length) for a fixed host, with and without a named user.
 */
#include <stdlib.h>
#include <string.h>
#include "netrc.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netrc_cred c;
	/* An exact-size heap copy: ASan then sees a read past the text. */
	char *text = malloc(size ? size : 1);

	if (text == NULL)
		return 0;
	if (size > 0)
		memcpy(text, data, size);
	if (netrc_parse(text, size, "ftp.example.org", NULL, &c) == 0) {
		FUZZ_CHECK(strlen(c.login) < sizeof(c.login));
		FUZZ_CHECK(strlen(c.password) < sizeof(c.password));
	}
	(void)netrc_parse(text, size, "ftp.example.org", "alice", &c);
	free(text);
	return 0;
}
