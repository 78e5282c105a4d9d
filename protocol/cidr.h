/*
 * cidr.h - address/prefix matching for configuration lists such as
 * "10.0.0.0/8, 192.0.2.7, ::1/128" (passive address map, PROXY sources).
 * Pure functions.
 */
#ifndef ZC_CIDR_H
#define ZC_CIDR_H

#include <stdint.h>
#include <sys/socket.h>

struct cidr {
	int family;		/* AF_INET or AF_INET6 */
	uint8_t addr[16];	/* network address, host bits cleared */
	unsigned prefix;	/* 0..32 or 0..128 */
};

/* Parse "a.b.c.d[/n]" or "ipv6[/n]" (no blanks). Returns 0 or -EINVAL. */
int cidr_parse(const char *s, struct cidr *out);
/* 1 if sa (IPv4, IPv6, or IPv4-mapped IPv6 against an IPv4 network) is in c. */
int cidr_match(const struct cidr *c, const struct sockaddr *sa);
/* 1 if sa matches any network of a comma-separated list; entries that do
 * not parse never match. */
int cidr_list_match(const char *list, const struct sockaddr *sa);
/* For "net=value" lists: copy the value of the first entry whose network
 * matches sa into out. Returns 1 found, 0 none, -EINVAL malformed entry. */
int cidr_map_lookup(const char *map, const struct sockaddr *sa, char *out, size_t n);

#endif
