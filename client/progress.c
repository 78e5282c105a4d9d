/* progress.c - the progress line and plain progress messages. */
#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <unistd.h>

#include "progress.h"
#include "sys.h"

void progress_init(struct progress *p, enum progress_mode mode, int verbose,
		   FILE *out)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->out = out;
	p->mode = mode == PROG_TTY && !isatty(fileno(out)) ? PROG_PLAIN : mode;
	p->verbose = verbose;
	p->start_ms = p->last_ms = sys_now_ms();
}

void progress_destroy(struct progress *p)
{
	pthread_mutex_destroy(&p->lock);
}

void progress_set_total(struct progress *p, size_t files, uint64_t bytes)
{
	pthread_mutex_lock(&p->lock);
	p->total_files = files;
	p->total_bytes = bytes;
	p->start_ms = sys_now_ms();
	pthread_mutex_unlock(&p->lock);
}

const char *progress_bytes(uint64_t n, char *buf, size_t sz)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;
	while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
		v /= 1024;
		u++;
	}
	snprintf(buf, sz, u ? "%.1f %s" : "%.0f %s", v, units[u]);
	return buf;
}

/* Bytes done including the files in flight. Lock held. */
static uint64_t bytes_now(const struct progress *p)
{
	uint64_t b = p->done_bytes;
	for (int i = 0; i < PROGRESS_WORKERS_MAX; i++)
		b += p->inflight[i];
	return b;
}

/* The status text: "[ 12/5020] 1.2 MiB / 640.0 MiB  45.2 MiB/s  ETA 0:12". */
static void status_text(const struct progress *p, long long now, char *buf, size_t n)
{
	char a[32], b[32], r[32], eta[32] = "";
	uint64_t done = bytes_now(p);
	double secs = (double)(now - p->start_ms) / 1000.0;
	double rate = secs > 0.05 ? (double)done / secs : 0;
	if (rate > 0 && p->total_bytes > done) {
		long long left = (long long)((double)(p->total_bytes - done) / rate);
		snprintf(eta, sizeof eta, "  ETA %lld:%02lld", left / 60, left % 60);
	}
	snprintf(buf, n, "[%zu/%zu files] %s / %s  %s/s%s", p->done_files,
		 p->total_files, progress_bytes(done, a, sizeof a),
		 progress_bytes(p->total_bytes, b, sizeof b),
		 progress_bytes((uint64_t)rate, r, sizeof r), eta);
}

/* Redraw if it is time. Lock held. */
static void maybe_draw(struct progress *p, int force)
{
	long long now = sys_now_ms();
	int every = p->mode == PROG_TTY ? PROGRESS_TTY_MS : PROGRESS_PLAIN_MS;
	if (p->mode == PROG_QUIET || (!force && now - p->last_ms < every))
		return;
	p->last_ms = now;
	char line[256];
	status_text(p, now, line, sizeof line);
	if (p->mode == PROG_TTY) {
		fprintf(p->out, "\r%s\033[K", line);
		p->line_shown = 1;
	} else {
		fprintf(p->out, "%s\n", line);
	}
	fflush(p->out);
}

static void clear_line(struct progress *p)
{
	if (p->line_shown) {
		fputs("\r\033[K", p->out);
		p->line_shown = 0;
	}
}

void progress_update(struct progress *p, int w, uint64_t bytes)
{
	if (w < 0 || w >= PROGRESS_WORKERS_MAX)
		return;
	pthread_mutex_lock(&p->lock);
	p->inflight[w] = bytes;
	maybe_draw(p, 0);
	pthread_mutex_unlock(&p->lock);
}

const char *term_safe(const char *s, char *buf, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		int esc = ch < 0x20 || ch == 0x7f;
		if (o + (esc ? 4 : 1) >= n)
			break;
		if (esc) {
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[ch >> 4];
			buf[o++] = hex[ch & 15];
		} else {
			buf[o++] = (char)ch;
		}
	}
	buf[o] = '\0';
	return buf;
}

void progress_file_done(struct progress *p, int w, const char *verb,
			const char *path, uint64_t bytes, int ok)
{
	static char safe[TERM_SAFE_MAX];	/* under p->lock */
	pthread_mutex_lock(&p->lock);
	if (w >= 0 && w < PROGRESS_WORKERS_MAX)
		p->inflight[w] = 0;
	p->done_files++;
	p->done_bytes += bytes;
	if (!ok)
		p->failed_files++;
	if (p->verbose && p->mode != PROG_QUIET && ok) {
		clear_line(p);
		fprintf(p->out, "%s %s (%llu bytes)\n", verb,
			term_safe(path, safe, sizeof safe), (unsigned long long)bytes);
	}
	maybe_draw(p, 0);
	pthread_mutex_unlock(&p->lock);
}

/* Notes name remote paths and quote server replies: escaped. */
void progress_note(struct progress *p, const char *fmt, ...)
{
	static char line[TERM_SAFE_MAX / 4], safe[TERM_SAFE_MAX];	/* under p->lock */
	va_list ap;
	pthread_mutex_lock(&p->lock);
	clear_line(p);
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s\n", term_safe(line, safe, sizeof safe));
	pthread_mutex_unlock(&p->lock);
}

void progress_finish(struct progress *p)
{
	pthread_mutex_lock(&p->lock);
	clear_line(p);
	if (p->mode != PROG_QUIET) {
		char a[32], r[32];
		double secs = (double)(sys_now_ms() - p->start_ms) / 1000.0;
		double rate = secs > 0.001 ? (double)p->done_bytes / secs : 0;
		fprintf(p->out, "%zu files, %s in %.2f s (%s/s)%s\n",
			p->done_files - p->failed_files,
			progress_bytes(p->done_bytes, a, sizeof a), secs,
			progress_bytes((uint64_t)rate, r, sizeof r),
			p->failed_files ? ", some failed" : "");
	}
	fflush(p->out);
	pthread_mutex_unlock(&p->lock);
}
