/*
 * progress.h - what a mirror or transfer is doing, for humans.
 * On a terminal: one line rewritten in place (files, bytes, rate, ETA),
 * at most every PROGRESS_TTY_MS. Otherwise plain lines: one per finished
 * file with --verbose, and a status line every PROGRESS_PLAIN_MS.
 * Thread-safe: workers report through a mutex. Never prints a URL: the
 * callers pass relative paths only, so no password can show up here.
 */
#ifndef ZC_CLIENT_PROGRESS_H
#define ZC_CLIENT_PROGRESS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PROGRESS_TTY_MS 200
#define PROGRESS_PLAIN_MS 5000
#define PROGRESS_WORKERS_MAX 64

enum progress_mode { PROG_QUIET, PROG_PLAIN, PROG_TTY };

struct progress {
	pthread_mutex_t lock;
	enum progress_mode mode;
	int verbose;
	FILE *out;
	size_t total_files, done_files, failed_files;
	uint64_t total_bytes, done_bytes;
	uint64_t inflight[PROGRESS_WORKERS_MAX];	/* bytes of current files */
	long long start_ms, last_ms;
	int line_shown;		/* a tty status line is on screen */
};

/* mode PROG_TTY is downgraded to PROG_PLAIN when out is not a terminal. */
void progress_init(struct progress *p, enum progress_mode mode, int verbose,
		   FILE *out);
/* Set the totals (after planning). */
void progress_set_total(struct progress *p, size_t files, uint64_t bytes);
/* Engine callback: worker `w` has moved `bytes` of its current file. */
void progress_update(struct progress *p, int w, uint64_t bytes);
/* A file finished (ok or not): `verb` "get"/"put"/..., `bytes` moved. */
void progress_file_done(struct progress *p, int w, const char *verb,
			const char *path, uint64_t bytes, int ok);
/* A message line (clears the tty status line first). */
void progress_note(struct progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Final summary line ("n files, X MiB in T s, R MiB/s") unless quiet. */
void progress_finish(struct progress *p);
void progress_destroy(struct progress *p);

/*
 * Copy s into buf (n > 0, truncated, always terminated) with every byte
 * below 0x20 and 0x7f shown as "\xNN": a name from a server must not
 * move the cursor, retitle the terminal or fake a line of output.
 * TERM_SAFE_MAX holds any 4095-byte path. Returns buf.
 */
#define TERM_SAFE_MAX (4 * 4096 + 1)
const char *term_safe(const char *s, char *buf, size_t n);

/* "12.3 MiB" style text of n bytes. */
const char *progress_bytes(uint64_t n, char *buf, size_t sz);

#endif
