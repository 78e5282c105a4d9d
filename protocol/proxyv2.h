/*
 * proxyv2.h - the PROXY protocol version 2 header (HAProxy's
 * "send-proxy-v2"), which a load balancer sends before the first byte of
 * the proxied connection to tell the real client address. Pure parser.
 */
#ifndef ZC_PROXYV2_H
#define ZC_PROXYV2_H

#include <stddef.h>
#include <sys/socket.h>

#define PROXYV2_SIG_LEN 12
#define PROXYV2_HDR_LEN 16
/* Longest header accepted (addresses plus TLVs); the protocol allows
 * 65,551 bytes, nothing we need comes near. */
#define PROXYV2_MAX 1024

struct proxyv2 {
	int local;			/* LOCAL command: keep the connection's own addresses */
	struct sockaddr_storage src, dst;
	socklen_t src_len, dst_len;
};

/* How long the header starting with these >= 16 bytes is, or -EPROTO if
 * they are not a version 2 header or it would exceed PROXYV2_MAX. */
int proxyv2_length(const unsigned char *buf, size_t n);
/* Parse a complete header of exactly len bytes. Returns 0 or -EPROTO
 * (bad signature, version, command, family, or address block too short). */
int proxyv2_parse(const unsigned char *buf, size_t len, struct proxyv2 *out);

#endif
