/* buf.c - bounded, growable byte buffer (see buf.h). */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

void zbuf_init(struct zbuf *b, size_t max)
{
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : ZBUF_DEFAULT_MAX;
	b->err = 0;
}

void zbuf_free(struct zbuf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = 0;
	b->cap = 0;
	b->err = 0;
}

void zbuf_reset(struct zbuf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->p)
		b->p[0] = '\0';
}

/* Make room for `extra` more bytes plus the terminating NUL. */
static int zbuf_reserve(struct zbuf *b, size_t extra)
{
	if (b->err)
		return b->err;
	if (extra > b->max - b->len) {
		b->err = -E2BIG;
		return b->err;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	char *p = realloc(b->p, cap);
	if (!p) {
		b->err = -ENOMEM;
		return b->err;
	}
	b->p = p;
	b->cap = cap;
	return 0;
}

int zbuf_append(struct zbuf *b, const void *data, size_t n)
{
	int rc = zbuf_reserve(b, n);
	if (rc)
		return rc;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int zbuf_puts(struct zbuf *b, const char *s)
{
	return zbuf_append(b, s, strlen(s));
}

int zbuf_putc(struct zbuf *b, char c)
{
	return zbuf_append(b, &c, 1);
}

int zbuf_vprintf(struct zbuf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->err = b->err ? b->err : -EINVAL;
		return b->err;
	}
	int rc = zbuf_reserve(b, (size_t)n);
	if (rc)
		return rc;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int zbuf_printf(struct zbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = zbuf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

void zbuf_consume(struct zbuf *b, size_t n)
{
	if (n >= b->len) {
		zbuf_reset(b);
		return;
	}
	memmove(b->p, b->p + n, b->len - n);
	b->len -= n;
	b->p[b->len] = '\0';
}

const char *zbuf_str(const struct zbuf *b)
{
	return b->p ? b->p : "";
}

int zc_strlcpy(char *dst, const char *src, size_t dstsz)
{
	size_t n = strlen(src);
	if (dstsz == 0)
		return -E2BIG;
	if (n >= dstsz) {
		memcpy(dst, src, dstsz - 1);
		dst[dstsz - 1] = '\0';
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}
