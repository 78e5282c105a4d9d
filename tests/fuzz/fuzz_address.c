/*
 * fuzz_address.c - data-connection addresses: the PORT, EPRT and EPSV
 * arguments (from clients) and the 227/229 reply texts (from servers).
 * A parsed address is formatted again and must parse to the same value.
 */
#include <stdlib.h>
#include <string.h>
#include "address.h"
#include "fuzz.h"

static void port(const char *s)
{
	struct sockaddr_in a, b;
	struct zbuf out;

	if (addr_parse_port(s, &a) != 0)
		return;
	zbuf_init(&out, 64);
	FUZZ_CHECK(addr_format_port(&a, &out) == 0);
	FUZZ_CHECK(addr_parse_port(zbuf_str(&out), &b) == 0);
	FUZZ_CHECK(a.sin_addr.s_addr == b.sin_addr.s_addr && a.sin_port == b.sin_port);
	zbuf_free(&out);
}

static void eprt(const char *s)
{
	struct sockaddr_storage a, b;
	socklen_t alen, blen;
	struct zbuf out;
	char host[64];

	if (addr_parse_eprt(s, &a, &alen) != 0)
		return;
	FUZZ_CHECK(alen <= sizeof(a));
	(void)addr_to_string((struct sockaddr *)&a, host, sizeof(host));
	zbuf_init(&out, 128);
	FUZZ_CHECK(addr_format_eprt((struct sockaddr *)&a, &out) == 0);
	FUZZ_CHECK(addr_parse_eprt(zbuf_str(&out), &b, &blen) == 0);
	FUZZ_CHECK(addr_same_host((struct sockaddr *)&a, (struct sockaddr *)&b));
	FUZZ_CHECK(addr_port((struct sockaddr *)&a) == addr_port((struct sockaddr *)&b));
	zbuf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in in;
	uint16_t p;
	int proto;
	char *s = fuzz_strndup(data, size);

	if (s == NULL)
		return 0;
	port(s);
	eprt(s);
	(void)addr_parse_epsv_arg(s, &proto);
	(void)addr_parse_pasv_reply(s, &in);
	(void)addr_parse_epsv_reply(s, &p);
	free(s);
	return 0;
}
