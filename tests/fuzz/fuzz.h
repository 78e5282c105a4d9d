/*
 * fuzz.h - shared by the fuzz targets: the libFuzzer entry point every
 * fuzz_<target>.c defines, and a helper that turns the raw input into a
 * NUL-terminated heap string (the parsers under test take C strings; a
 * malloc'd copy of exactly len + 1 bytes lets ASan see any over-read).
 */
#ifndef ZC_FUZZ_H
#define ZC_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test: unlike assert() it is never
 * compiled out, and it may have side effects. */
#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) \
			fuzz_fail(#c, __FILE__, __LINE__); \
	} while (0)

/* Print the failed check and abort() (libFuzzer saves the input). */
void fuzz_fail(const char *what, const char *file, int line)
	__attribute__((noreturn));

/* Copy data[0..size) into a new buffer with a NUL after it; NULL on ENOMEM.
 * Embedded NULs are kept (the parser then sees a shorter string). */
char *fuzz_strndup(const uint8_t *data, size_t size);
#endif
