/* proxyv2.c - PROXY protocol v2 header parser (see proxyv2.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "proxyv2.h"

static const unsigned char sig[PROXYV2_SIG_LEN] = {
	0x0d, 0x0a, 0x0d, 0x0a, 0x00, 0x0d, 0x0a, 0x51, 0x55, 0x49, 0x54, 0x0a,
};

enum { CMD_LOCAL = 0x20, CMD_PROXY = 0x21, FAM_UNSPEC = 0x00, FAM_TCP4 = 0x11, FAM_TCP6 = 0x21 };

int proxyv2_length(const unsigned char *buf, size_t n)
{
	if (n < PROXYV2_HDR_LEN || memcmp(buf, sig, sizeof sig) != 0 || (buf[12] & 0xf0) != 0x20)
		return -EPROTO;
	size_t len = PROXYV2_HDR_LEN + ((size_t)buf[14] << 8 | buf[15]);
	return len > PROXYV2_MAX ? -EPROTO : (int)len;
}

static void set_v4(struct sockaddr_storage *ss, socklen_t *len, const unsigned char *a,
		   const unsigned char *port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;
	memset(ss, 0, sizeof *ss);
	s->sin_family = AF_INET;
	memcpy(&s->sin_addr, a, 4);
	memcpy(&s->sin_port, port, 2);
	*len = sizeof *s;
}

static void set_v6(struct sockaddr_storage *ss, socklen_t *len, const unsigned char *a,
		   const unsigned char *port)
{
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
	memset(ss, 0, sizeof *ss);
	s->sin6_family = AF_INET6;
	memcpy(&s->sin6_addr, a, 16);
	memcpy(&s->sin6_port, port, 2);
	*len = sizeof *s;
}

int proxyv2_parse(const unsigned char *buf, size_t len, struct proxyv2 *out)
{
	int want = proxyv2_length(buf, len);
	if (want < 0 || (size_t)want != len)
		return -EPROTO;
	const unsigned char *a = buf + PROXYV2_HDR_LEN;
	size_t alen = len - PROXYV2_HDR_LEN;
	memset(out, 0, sizeof *out);
	if (buf[12] == CMD_LOCAL) {
		out->local = 1;	/* health checks from the proxy itself */
		return 0;
	}
	if (buf[12] != CMD_PROXY)
		return -EPROTO;
	if (buf[13] == FAM_TCP4 && alen >= 12) {
		set_v4(&out->src, &out->src_len, a, a + 8);
		set_v4(&out->dst, &out->dst_len, a + 4, a + 10);
		return 0;
	}
	if (buf[13] == FAM_TCP6 && alen >= 36) {
		set_v6(&out->src, &out->src_len, a, a + 32);
		set_v6(&out->dst, &out->dst_len, a + 16, a + 34);
		return 0;
	}
	if (buf[13] == FAM_UNSPEC) {
		out->local = 1;	/* unknown transport: the spec says use the real addresses */
		return 0;
	}
	return -EPROTO;
}
