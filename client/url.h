/*
 * url.h - zcftp URLs: ftp://[user[:password]@]host[:port]/path, ftps://
 * (implicit TLS, RFC 4217 leaves it historic but servers use port 990)
 * and ftpes:// (explicit AUTH TLS). IPv6 literals go in brackets
 * (RFC 3986 3.2.2). Pure functions, no I/O.
 *
 * Secrets: the password lives only in struct zc_url.pass. Nothing in this
 * module ever formats it; url_format() is the only way to print a URL and
 * it always leaves the password out. url_wipe() clears it.
 */
#ifndef ZC_CLIENT_URL_H
#define ZC_CLIENT_URL_H

#include <stddef.h>

enum url_scheme { URL_FTP, URL_FTPS, URL_FTPES };

#define URL_FIELD_MAX 256	/* user, password, host (decoded, with NUL) */
#define URL_PORT_MAX 8
#define URL_PATH_MAX 4096

struct zc_url {
	enum url_scheme scheme;
	int has_user, has_pass;
	char user[URL_FIELD_MAX];	/* decoded; "" when absent */
	char pass[URL_FIELD_MAX];	/* decoded; never print it */
	char host[URL_FIELD_MAX];	/* without brackets */
	char port[URL_PORT_MAX];	/* decimal; the scheme's default if absent */
	char path[URL_PATH_MAX];	/* decoded, always starts with '/' */
};

/* 1 when s starts with a scheme this module knows (any case), else 0. */
int url_is_remote(const char *s);

/*
 * Parse s into *u. The path is percent-decoded and made absolute ("" and
 * "/" both give "/"); ftp://host/dir and ftp://host/dir/ name the same
 * directory but the trailing '/' is kept so callers can tell "put into
 * this directory". user and password are percent-decoded (RFC 1738 3.1:
 * ':', '@' and '/' must be encoded inside them).
 * Rejects decoded bytes below 0x20 and DEL (CR/LF would inject FTP
 * commands, NUL would cut the string), a bad %XX, an empty host, a port
 * outside 1..65535, an unknown scheme.
 * Returns 0, -EINVAL or -ENAMETOOLONG.
 */
int url_parse(const char *s, struct zc_url *u);

/*
 * Format u as "scheme://[user@]host[:port]path" into buf, WITHOUT the
 * password (there is no way to ask for it). IPv6 hosts get brackets; the
 * port is shown only when it is not the scheme's default; user and path
 * are printed decoded (this is for humans, not for re-parsing).
 * Returns 0 or -ENOSPC (buf then holds a truncated, terminated string).
 */
int url_format(const struct zc_url *u, char *buf, size_t n);

/* The scheme's default port: "21" for ftp and ftpes, "990" for ftps. */
const char *url_default_port(enum url_scheme s);

/*
 * Percent-decode src[0..len) into dst (dstsz with NUL). Rejects bytes
 * < 0x20 and 0x7f after decoding. Returns 0, -EINVAL, -ENAMETOOLONG.
 */
int url_decode(const char *src, size_t len, char *dst, size_t dstsz);

/* Wipe the password (explicit_bzero). */
void url_wipe(struct zc_url *u);

#endif
