/* url.c - parse and print zcftp URLs (RFC 3986 syntax, RFC 1738 3.2 ftp). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "compat.h"
#include "url.h"

static const struct {
	const char *prefix;
	enum url_scheme scheme;
} schemes[] = {
	{ "ftp://", URL_FTP },
	{ "ftps://", URL_FTPS },
	{ "ftpes://", URL_FTPES },
};

#define NSCHEMES (sizeof(schemes) / sizeof(schemes[0]))

const char *url_default_port(enum url_scheme s)
{
	return s == URL_FTPS ? "990" : "21";
}

/* Length of the scheme prefix of s, 0 when none matches. */
static size_t scheme_len(const char *s, enum url_scheme *out)
{
	for (size_t i = 0; i < NSCHEMES; i++) {
		size_t n = strlen(schemes[i].prefix);
		if (strncasecmp(s, schemes[i].prefix, n) == 0) {
			if (out)
				*out = schemes[i].scheme;
			return n;
		}
	}
	return 0;
}

int url_is_remote(const char *s)
{
	return scheme_len(s, NULL) > 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(const char *src, size_t len, char *dst, size_t dstsz)
{
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)src[i];
		if (c == '%') {
			if (len - i < 3)
				return -EINVAL;
			int hi = hexval(src[i + 1]), lo = hexval(src[i + 2]);
			if (hi < 0 || lo < 0)
				return -EINVAL;
			c = (unsigned char)(hi * 16 + lo);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return -EINVAL;
		if (o + 1 >= dstsz)
			return -ENAMETOOLONG;
		dst[o++] = (char)c;
	}
	if (dstsz == 0)
		return -ENAMETOOLONG;
	dst[o] = '\0';
	return 0;
}

/* userinfo = user [ ":" password ], both encoded. */
static int parse_userinfo(const char *s, size_t len, struct zc_url *u)
{
	const char *colon = memchr(s, ':', len);
	size_t ulen = colon ? (size_t)(colon - s) : len;
	int rc = url_decode(s, ulen, u->user, sizeof u->user);
	if (rc < 0)
		return rc;
	u->has_user = 1;
	if (!colon)
		return 0;
	u->has_pass = 1;
	return url_decode(colon + 1, len - ulen - 1, u->pass, sizeof u->pass);
}

static int parse_port(const char *s, size_t len, struct zc_url *u)
{
	if (len == 0 || len >= URL_PORT_MAX)
		return -EINVAL;
	unsigned long v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v < 1 || v > 65535)
		return -EINVAL;
	snprintf(u->port, sizeof u->port, "%lu", v);
	return 0;
}

/* host = "[" v6 "]" / name-or-v4, then optional ":" port. */
static int parse_hostport(const char *s, size_t len, struct zc_url *u)
{
	const char *end = s + len, *port = NULL;
	size_t hlen;
	if (len > 0 && s[0] == '[') {
		const char *rb = memchr(s, ']', len);
		if (!rb || rb == s + 1)
			return -EINVAL;
		s++;
		hlen = (size_t)(rb - s);
		if (rb + 1 < end && rb[1] != ':')
			return -EINVAL;
		port = rb + 1 < end ? rb + 2 : NULL;
	} else {
		const char *colon = memchr(s, ':', len);
		hlen = colon ? (size_t)(colon - s) : len;
		port = colon ? colon + 1 : NULL;
	}
	if (hlen == 0)
		return -EINVAL;
	int rc = url_decode(s, hlen, u->host, sizeof u->host);
	if (rc < 0)
		return rc;
	if (strpbrk(u->host, " /@"))
		return -EINVAL;
	if (port)
		return parse_port(port, (size_t)(end - port), u);
	return 0;
}

static int parse_path(const char *s, struct zc_url *u)
{
	if (*s == '\0') {
		zc_strlcpy(u->path, "/", sizeof u->path);
		return 0;
	}
	/* s starts with '/': the decoded path keeps it. */
	return url_decode(s, strlen(s), u->path, sizeof u->path);
}

int url_parse(const char *s, struct zc_url *u)
{
	memset(u, 0, sizeof *u);
	size_t sl = scheme_len(s, &u->scheme);
	if (sl == 0)
		return -EINVAL;
	zc_strlcpy(u->port, url_default_port(u->scheme), sizeof u->port);
	const char *auth = s + sl;
	const char *slash = strchr(auth, '/');
	size_t alen = slash ? (size_t)(slash - auth) : strlen(auth);
	/* The LAST '@' ends userinfo: an unencoded '@' in a password is common. */
	const char *at = NULL;
	for (const char *p = auth; p < auth + alen; p++)
		if (*p == '@')
			at = p;
	int rc = 0;
	if (at)
		rc = parse_userinfo(auth, (size_t)(at - auth), u);
	const char *hp = at ? at + 1 : auth;
	if (rc == 0)
		rc = parse_hostport(hp, (size_t)(auth + alen - hp), u);
	if (rc == 0)
		rc = parse_path(auth + alen, u);
	if (rc < 0)
		url_wipe(u);
	return rc;
}

int url_format(const struct zc_url *u, char *buf, size_t n)
{
	struct zbuf b;
	zbuf_init(&b, URL_PATH_MAX * 2);
	const char *scheme = schemes[0].prefix;
	for (size_t i = 0; i < NSCHEMES; i++)
		if (schemes[i].scheme == u->scheme)
			scheme = schemes[i].prefix;
	zbuf_puts(&b, scheme);
	if (u->has_user)
		zbuf_printf(&b, "%s@", u->user);
	int v6 = strchr(u->host, ':') != NULL;
	zbuf_printf(&b, v6 ? "[%s]" : "%s", u->host);
	if (strcmp(u->port, url_default_port(u->scheme)) != 0)
		zbuf_printf(&b, ":%s", u->port);
	zbuf_puts(&b, u->path);
	int rc = b.err ? -ENOSPC : zc_strlcpy(buf, zbuf_str(&b), n);
	zbuf_free(&b);
	return rc < 0 ? -ENOSPC : 0;
}

void url_wipe(struct zc_url *u)
{
	explicit_bzero(u->pass, sizeof u->pass);
	u->has_pass = 0;
}
