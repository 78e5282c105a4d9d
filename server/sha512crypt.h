/*
 * sha512crypt.h - SHA-512-based crypt ("$6$", Drepper's SHA-crypt
 * specification) computed with OpenSSL's SHA-512.
 *
 * Why not libcrypt: sha512-crypt is 5,000 (or more) SHA-512 compressions
 * per login and dominates the cost of a session; libxcrypt's portable C
 * SHA-512 took 2.7 ms here against 1.8 ms for OpenSSL's assembly. The
 * output is identical (unit tests compare against crypt_rn); every other
 * method (yescrypt, sha256-crypt, ...) still goes through libcrypt.
 */
#ifndef ZC_SHA512CRYPT_H
#define ZC_SHA512CRYPT_H

#include <stddef.h>

/* Longest output: "$6$rounds=999999999$" + 16 salt + "$" + 86 + NUL. */
#define SHA512CRYPT_MAX 128
/* Passwords longer than this are refused (libxcrypt allows more, but no
 * FTP login needs it and it bounds the work per attempt). */
#define SHA512CRYPT_KEY_MAX 512

/* Hash key with the "$6$[rounds=N$]salt[$...]" setting into out.
 * Returns 0, or -EINVAL for a setting that is not sha512-crypt or a key
 * that is too long (the caller then falls back to libcrypt). */
int sha512crypt(const char *key, const char *setting, char *out, size_t outsz);

#endif
