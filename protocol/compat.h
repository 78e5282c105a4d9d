/*
 * compat.h - platform replacements in one place (the tmux way).
 * configure decides what exists; this header fills the gaps.
 */
#ifndef ZC_COMPAT_H
#define ZC_COMPAT_H

#include "config.h"
#include <stddef.h>
#include <string.h>

#ifndef HAVE_EXPLICIT_BZERO
static inline void explicit_bzero(void *p, size_t n)
{
	volatile unsigned char *v = p;
	while (n--)
		*v++ = 0;
}
#endif

#endif
