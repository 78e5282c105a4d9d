/*
 * peertab.h - the client address of every session, in memory shared by
 * the master and its session processes, for max_per_ip.
 *
 * The master counts connections per address when it accepts them, but
 * behind a PROXY protocol balancer (listen.proxy_protocol) only the
 * session learns the real client, from the header. So each master slot
 * has an entry here: the master fills it at accept time for a direct
 * connection, a proxied session fills its own once the header is parsed,
 * and the master clears it when it reaps the session. Both sides count
 * from the same entries.
 *
 * Ordering: an entry's address is written before it is published and is
 * never changed while published; publishing and reading use sequentially
 * consistent atomics, so of two sessions that publish the same address at
 * once, at least one sees the other (the limit is never exceeded; at
 * worst both are refused).
 */
#ifndef ZC_PEERTAB_H
#define ZC_PEERTAB_H

#include <stddef.h>
#include <sys/socket.h>

/* Map n entries shared with processes forked later. Returns 0 or -errno. */
int peertab_init(size_t n);
/* Unmap (a process that must not touch the table: the pre-login worker). */
void peertab_forget(void);
/* Publish sa (AF_INET or AF_INET6) as entry i's address. No-op without a
 * table, for an index out of range or another family. */
void peertab_set(size_t i, const struct sockaddr *sa);
/* Withdraw entry i. */
void peertab_clear(size_t i);
/* 1 if entry i is published with the same host as sa (an IPv4-mapped
 * address equals the IPv4 one), else 0. */
int peertab_same(size_t i, const struct sockaddr *sa);
/* Copy entry i's address into out. Returns 0, or -ENOENT if it is not
 * published (a proxied session that has not read its header yet). */
int peertab_get(size_t i, struct sockaddr_storage *out);

#endif
