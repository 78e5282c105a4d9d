/*
 * buf.h - the one length-carrying byte buffer used for protocol work.
 *
 * A zbuf owns a heap block that always holds len bytes followed by a NUL,
 * so data can be passed to C string functions when it contains no NUL.
 * Every append is bounded by `max`; the first failure is sticky in `err`
 * (-ENOMEM or -E2BIG) so a sequence of appends can be checked once.
 */
#ifndef ZC_BUF_H
#define ZC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct zbuf {
	char *p;	/* data, NUL-terminated at p[len]; NULL until first append */
	size_t len;	/* bytes in use, excluding the terminating NUL */
	size_t cap;	/* allocated bytes */
	size_t max;	/* hard limit on len */
	int err;	/* 0, or the first error of an append (sticky) */
};

#define ZBUF_DEFAULT_MAX (16u * 1024u * 1024u)

/* Initialise an empty buffer that will never hold more than max bytes. */
void zbuf_init(struct zbuf *b, size_t max);
/* Release memory; the buffer is empty and usable again afterwards. */
void zbuf_free(struct zbuf *b);
/* Forget content and error, keep memory. */
void zbuf_reset(struct zbuf *b);

/* Append n bytes. Returns 0, -ENOMEM or -E2BIG (and sets b->err). */
int zbuf_append(struct zbuf *b, const void *data, size_t n);
/* Append a NUL-terminated string. */
int zbuf_puts(struct zbuf *b, const char *s);
/* Append one byte. */
int zbuf_putc(struct zbuf *b, char c);
/* Append printf-formatted text (never truncates silently). */
int zbuf_printf(struct zbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int zbuf_vprintf(struct zbuf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Remove the first n bytes (n > len removes everything). */
void zbuf_consume(struct zbuf *b, size_t n);
/* The content as a C string; "" for an empty buffer, never NULL. */
const char *zbuf_str(const struct zbuf *b);

/*
 * Bounded copy of a C string into a fixed array: copies at most dstsz-1
 * bytes and always terminates. Returns 0, or -E2BIG if src did not fit
 * (dst then holds a truncated copy). Use instead of strcpy/strncpy.
 */
int zc_strlcpy(char *dst, const char *src, size_t dstsz);

#endif
