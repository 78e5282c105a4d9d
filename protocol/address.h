/*
 * address.h - data-connection addresses: PORT/PASV (RFC 959), EPRT/EPSV
 * (RFC 2428), encode and decode, IPv4 and IPv6, plus small helpers on
 * socket addresses. Pure functions, no I/O.
 */
#ifndef ZC_ADDRESS_H
#define ZC_ADDRESS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "buf.h"

/*
 * Parse a PORT argument "h1,h2,h3,h4,p1,p2": exactly six decimal numbers
 * 0..255 (at most 3 digits, no signs, no inner spaces); surrounding
 * whitespace is tolerated. Returns 0 or -EINVAL.
 */
int addr_parse_port(const char *arg, struct sockaddr_in *out);
/* Append "h1,h2,h3,h4,p1,p2" (PORT argument and 227 body). 0 or zbuf error. */
int addr_format_port(const struct sockaddr_in *a, struct zbuf *out);

/*
 * Parse an EPRT argument "<d><proto><d><addr><d><port><d>" (RFC 2428 2);
 * d is any ASCII 33..126 that is not a digit (it is the same in all four
 * places), proto 1 = IPv4, 2 = IPv6, port 1..65535. Returns 0,
 * -EINVAL for syntax, -EAFNOSUPPORT for another protocol number (522).
 */
int addr_parse_eprt(const char *arg, struct sockaddr_storage *out,
		    socklen_t *outlen);
/* Append "|1|1.2.3.4|5282|" or "|2|::1|5282|". 0, -EAFNOSUPPORT or zbuf error. */
int addr_format_eprt(const struct sockaddr *sa, struct zbuf *out);

enum { EPSV_ANY = 0, EPSV_ALL = -1 };
/*
 * Parse an EPSV argument: "" -> EPSV_ANY, "1"/"2" -> 1/2, "ALL" (any case)
 * -> EPSV_ALL. Returns 0, -EAFNOSUPPORT for another number, -EINVAL.
 */
int addr_parse_epsv_arg(const char *arg, int *proto);

/*
 * Client side. Find the first run of six comma-separated numbers 0..255
 * in a 227 text such as "Entering Passive Mode (127,0,0,1,200,10).".
 * Returns 0 or -EPROTO.
 */
int addr_parse_pasv_reply(const char *text, struct sockaddr_in *out);
/* Find "(<d><d><d>port<d>)" in a 229 text. Returns 0 or -EPROTO. */
int addr_parse_epsv_reply(const char *text, uint16_t *port);

/*
 * Numeric host without port: "127.0.0.1", "::1"; an IPv4-mapped IPv6
 * address is shown as IPv4. Returns 0, -EAFNOSUPPORT, or -ENOSPC.
 */
int addr_to_string(const struct sockaddr *sa, char *buf, size_t n);
/* 1 if a and b hold the same IP (::ffff:a.b.c.d equals a.b.c.d), else 0. */
int addr_same_host(const struct sockaddr *a, const struct sockaddr *b);
/* Port in host order; 0 for an unknown family. */
uint16_t addr_port(const struct sockaddr *sa);

#endif
