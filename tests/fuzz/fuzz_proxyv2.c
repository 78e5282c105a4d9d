/*
 * fuzz_proxyv2.c - the PROXY protocol v2 header a balancer sends first
 * (zcftpd trusts it only from configured sources, but the parser must
 * survive any bytes), and the cidr lists it is matched against.
 */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include "cidr.h"
#include "proxyv2.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxyv2 p;
	struct cidr c;
	struct sockaddr_in sin;
	char val[64];
	unsigned char *buf;
	char *s;
	int len;

	if (size >= PROXYV2_HDR_LEN) {
		len = proxyv2_length(data, size);
		if (len > 0 && (size_t)len <= size) {
			buf = malloc((size_t)len);
			if (buf != NULL) {
				memcpy(buf, data, (size_t)len);
				if (proxyv2_parse(buf, (size_t)len, &p) == 0 && !p.local)
					FUZZ_CHECK(p.src_len <= sizeof(p.src));
				free(buf);
			}
		}
	}
	s = fuzz_strndup(data, size);
	if (s == NULL)
		return 0;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(0x0a000001);
	if (cidr_parse(s, &c) == 0)
		(void)cidr_match(&c, (struct sockaddr *)&sin);
	(void)cidr_list_match(s, (struct sockaddr *)&sin);
	(void)cidr_map_lookup(s, (struct sockaddr *)&sin, val, sizeof(val));
	free(s);
	return 0;
}
