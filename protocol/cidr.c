/* cidr.c - network prefix matching (see cidr.h). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cidr.h"

#define CIDR_TEXT_MAX 64

int cidr_parse(const char *s, struct cidr *out)
{
	char a[CIDR_TEXT_MAX];
	if (zc_strlcpy(a, s, sizeof a) < 0)
		return -EINVAL;
	char *slash = strchr(a, '/');
	if (slash)
		*slash = '\0';
	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, a, out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, a, out->addr) == 1)
		out->family = AF_INET6;
	else
		return -EINVAL;
	unsigned max = out->family == AF_INET ? 32 : 128;
	out->prefix = max;
	if (slash) {
		char *end;
		unsigned long p = strtoul(slash + 1, &end, 10);
		if (!slash[1] || *end || p > max)
			return -EINVAL;
		out->prefix = (unsigned)p;
	}
	for (unsigned bit = out->prefix; bit < max; bit++)
		out->addr[bit / 8] &= (uint8_t)~(0x80u >> (bit % 8));
	return 0;
}

/* The address bytes of sa in c's family, or NULL if not comparable. */
static const uint8_t *addr_bytes(const struct cidr *c, const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET && c->family == AF_INET)
		return (const uint8_t *)&((const struct sockaddr_in *)sa)->sin_addr;
	if (sa->sa_family != AF_INET6)
		return NULL;
	const struct in6_addr *a6 = &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (c->family == AF_INET6)
		return a6->s6_addr;
	return IN6_IS_ADDR_V4MAPPED(a6) ? a6->s6_addr + 12 : NULL;
}

int cidr_match(const struct cidr *c, const struct sockaddr *sa)
{
	const uint8_t *a = addr_bytes(c, sa);
	if (!a)
		return 0;
	unsigned full = c->prefix / 8, rest = c->prefix % 8;
	if (memcmp(a, c->addr, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	uint8_t mask = (uint8_t)(0xffu << (8 - rest));
	return (a[full] & mask) == c->addr[full];
}

/* Copy the next trimmed comma-separated item of *list into item. */
static int next_item(const char **list, char *item, size_t n)
{
	const char *p = *list;
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return 0;
	size_t len = strcspn(p, ",");
	*list = p + len;
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	if (len >= n)
		len = 0;	/* too long: an item that never matches */
	memcpy(item, p, len);
	item[len] = '\0';
	return 1;
}

int cidr_list_match(const char *list, const struct sockaddr *sa)
{
	char item[CIDR_TEXT_MAX];
	struct cidr c;
	while (list && next_item(&list, item, sizeof item))
		if (cidr_parse(item, &c) == 0 && cidr_match(&c, sa))
			return 1;
	return 0;
}

int cidr_map_lookup(const char *map, const struct sockaddr *sa, char *out, size_t n)
{
	char item[2 * CIDR_TEXT_MAX];
	struct cidr c;
	while (map && next_item(&map, item, sizeof item)) {
		char *eq = strchr(item, '=');
		if (!eq)
			return -EINVAL;
		*eq = '\0';
		if (cidr_parse(item, &c) < 0)
			return -EINVAL;
		if (cidr_match(&c, sa))
			return zc_strlcpy(out, eq + 1, n) < 0 ? -EINVAL : 1;
	}
	return 0;
}
