/* address.c - PORT/EPRT/PASV/EPSV encoding and decoding (see address.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

#include "address.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Parse 1..maxdigits decimal digits at *sp into *v, advancing *sp. */
static int parse_uint(const char **sp, int maxdigits, unsigned long *v)
{
	const char *s = *sp;
	unsigned long x = 0;
	int n = 0;
	while (is_digit(*s) && n < maxdigits) {
		x = x * 10 + (unsigned long)(*s++ - '0');
		n++;
	}
	if (n == 0 || is_digit(*s))
		return -EINVAL;
	*sp = s;
	*v = x;
	return 0;
}

/* Six numbers 0..255 separated by commas; allow_sp permits spaces after a
 * comma (seen in some 227 replies). Advances *sp past the last number. */
static int parse_six(const char **sp, unsigned char b[6], int allow_sp)
{
	const char *s = *sp;
	for (int i = 0; i < 6; i++) {
		unsigned long v;
		if (i > 0) {
			if (*s++ != ',')
				return -EINVAL;
			if (allow_sp)
				s = skip_ws(s);
		}
		if (parse_uint(&s, 3, &v) || v > 255)
			return -EINVAL;
		b[i] = (unsigned char)v;
	}
	*sp = s;
	return 0;
}

static void fill_in4(struct sockaddr_in *out, const unsigned char b[6])
{
	memset(out, 0, sizeof *out);
	out->sin_family = AF_INET;
	memcpy(&out->sin_addr, b, 4);
	out->sin_port = htons((uint16_t)(b[4] << 8 | b[5]));
}

int addr_parse_port(const char *arg, struct sockaddr_in *out)
{
	unsigned char b[6];
	const char *s = skip_ws(arg);
	if (parse_six(&s, b, 0) || *skip_ws(s) != '\0')
		return -EINVAL;
	fill_in4(out, b);
	return 0;
}

int addr_format_port(const struct sockaddr_in *a, struct zbuf *out)
{
	const unsigned char *h = (const unsigned char *)&a->sin_addr;
	uint16_t port = ntohs(a->sin_port);
	return zbuf_printf(out, "%u,%u,%u,%u,%u,%u", h[0], h[1], h[2], h[3],
			   (unsigned)(port >> 8), (unsigned)(port & 0xff));
}

/* Copy the field that starts at s and ends at delimiter d into buf.
 * Returns a pointer just past the delimiter, or NULL. */
static const char *eprt_field(const char *s, char d, char *buf, size_t n)
{
	const char *e = strchr(s, d);
	if (!e || e == s || (size_t)(e - s) >= n)
		return NULL;
	memcpy(buf, s, (size_t)(e - s));
	buf[e - s] = '\0';
	return e + 1;
}

static int eprt_addr(int proto, const char *host, struct sockaddr_storage *out,
		     socklen_t *outlen)
{
	memset(out, 0, sizeof *out);
	if (proto == 1) {
		struct sockaddr_in *in = (struct sockaddr_in *)out;
		in->sin_family = AF_INET;
		*outlen = sizeof *in;
		return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -EINVAL;
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)out;
	in6->sin6_family = AF_INET6;
	*outlen = sizeof *in6;
	return inet_pton(AF_INET6, host, &in6->sin6_addr) == 1 ? 0 : -EINVAL;
}

int addr_parse_eprt(const char *arg, struct sockaddr_storage *out,
		    socklen_t *outlen)
{
	char protos[8], host[INET6_ADDRSTRLEN + 1], ports[8];
	const char *s = skip_ws(arg), *p;
	char d = *s++;
	unsigned long proto, port;
	if (d < 33 || d > 126 || is_digit(d))
		return -EINVAL;
	if (!(s = eprt_field(s, d, protos, sizeof protos)) ||
	    !(s = eprt_field(s, d, host, sizeof host)) ||
	    !(s = eprt_field(s, d, ports, sizeof ports)) || *skip_ws(s) != '\0')
		return -EINVAL;
	p = protos;
	if (parse_uint(&p, 5, &proto) || *p)
		return -EINVAL;
	if (proto != 1 && proto != 2)
		return -EAFNOSUPPORT;
	p = ports;
	if (parse_uint(&p, 5, &port) || *p || port == 0 || port > 65535)
		return -EINVAL;
	int rc = eprt_addr((int)proto, host, out, outlen);
	if (rc)
		return rc;
	/* sin_port and sin6_port share the same offset. */
	((struct sockaddr_in *)out)->sin_port = htons((uint16_t)port);
	return 0;
}

/* The IPv4 address inside an IPv4-mapped IPv6 address, or NULL. */
static const struct in_addr *mapped_v4(const struct sockaddr *sa)
{
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	if (sa->sa_family != AF_INET6 || !IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr))
		return NULL;
	return (const struct in_addr *)&in6->sin6_addr.s6_addr[12];
}

int addr_format_eprt(const struct sockaddr *sa, struct zbuf *out)
{
	char host[INET6_ADDRSTRLEN];
	int proto = sa->sa_family == AF_INET6 && !mapped_v4(sa) ? 2 : 1;
	int rc = addr_to_string(sa, host, sizeof host);
	if (rc)
		return rc;
	return zbuf_printf(out, "|%d|%s|%u|", proto, host, addr_port(sa));
}

int addr_parse_epsv_arg(const char *arg, int *proto)
{
	const char *s = skip_ws(arg);
	unsigned long v;
	if (*s == '\0') {
		*proto = EPSV_ANY;
		return 0;
	}
	if (strcasecmp(s, "ALL") == 0) {
		*proto = EPSV_ALL;
		return 0;
	}
	if (parse_uint(&s, 5, &v) || *skip_ws(s) != '\0')
		return -EINVAL;
	if (v != 1 && v != 2)
		return -EAFNOSUPPORT;
	*proto = (int)v;
	return 0;
}

int addr_parse_pasv_reply(const char *text, struct sockaddr_in *out)
{
	for (const char *s = text; *s; s++) {
		if (!is_digit(*s) || (s > text && is_digit(s[-1])))
			continue;
		const char *p = s;
		unsigned char b[6];
		if (parse_six(&p, b, 1) == 0) {
			fill_in4(out, b);
			return 0;
		}
	}
	return -EPROTO;
}

int addr_parse_epsv_reply(const char *text, uint16_t *port)
{
	for (const char *s = strchr(text, '('); s; s = strchr(s + 1, '(')) {
		char d = s[1];
		const char *p = s + 4;
		unsigned long v;
		if (d < 33 || d > 126 || is_digit(d) || s[2] != d || s[3] != d)
			continue;
		if (parse_uint(&p, 5, &v) || v == 0 || v > 65535 ||
		    p[0] != d || p[1] != ')')
			continue;
		*port = (uint16_t)v;
		return 0;
	}
	return -EPROTO;
}

int addr_to_string(const struct sockaddr *sa, char *buf, size_t n)
{
	const void *src;
	int af = AF_INET;
	if (sa->sa_family == AF_INET) {
		src = &((const struct sockaddr_in *)sa)->sin_addr;
	} else if (sa->sa_family == AF_INET6) {
		src = mapped_v4(sa);
		if (!src) {
			af = AF_INET6;
			src = &((const struct sockaddr_in6 *)sa)->sin6_addr;
		}
	} else {
		return -EAFNOSUPPORT;
	}
	if (n > INET6_ADDRSTRLEN * 2)
		n = INET6_ADDRSTRLEN * 2;	/* inet_ntop takes a socklen_t */
	return inet_ntop(af, src, buf, (socklen_t)n) ? 0 : -ENOSPC;
}

/* The address as 16 bytes, IPv4 in the mapped form. 0 or -EAFNOSUPPORT. */
static int addr_key(const struct sockaddr *sa, unsigned char key[16])
{
	if (sa->sa_family == AF_INET6) {
		memcpy(key, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
		return 0;
	}
	if (sa->sa_family != AF_INET)
		return -EAFNOSUPPORT;
	memset(key, 0, 10);
	key[10] = key[11] = 0xff;
	memcpy(key + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	return 0;
}

int addr_same_host(const struct sockaddr *a, const struct sockaddr *b)
{
	unsigned char ka[16], kb[16];
	if (addr_key(a, ka) || addr_key(b, kb))
		return 0;
	return memcmp(ka, kb, 16) == 0;
}

uint16_t addr_port(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)sa)->sin_port);
	if (sa->sa_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)sa)->sin6_port);
	return 0;
}
