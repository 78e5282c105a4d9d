/* log.c - stderr/syslog logging and the xferlog transfer log. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "buf.h"
#include "command.h"
#include "log.h"
#include "sys.h"

static struct {
	int use_syslog;
	int level;
	char ident[32];
	char ctx[96];
	int xfer_fd;		/* -1: main log; else an O_APPEND file */
	int json_fd;		/* -1: none */
} L = { 0, LOG_LVL_INFO, "zcftpd", "", -1, -1 };

static const struct { const char *name; int fac; } facilities[] = {
	{ "ftp", LOG_FTP }, { "daemon", LOG_DAEMON }, { "user", LOG_USER },
	{ "auth", LOG_AUTH }, { "authpriv", LOG_AUTHPRIV },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int log_setup(const char *ident, int use_syslog, const char *facility, int level)
{
	zc_strlcpy(L.ident, ident, sizeof L.ident);
	L.level = level;
	L.use_syslog = 0;
	if (!use_syslog)
		return 0;
	for (size_t i = 0; i < sizeof facilities / sizeof facilities[0]; i++) {
		if (facility && strcasecmp(facility, facilities[i].name) == 0) {
			openlog(L.ident, LOG_PID | LOG_NDELAY, facilities[i].fac);
			L.use_syslog = 1;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_context(const char *ctx)
{
	zc_strlcpy(L.ctx, ctx, sizeof L.ctx);
}

static const int syslog_prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
static const char *const level_name[] = { "error", "warning", "info", "debug" };

static void log_emit(int level, const char *line)
{
	if (L.use_syslog) {
		syslog(syslog_prio[level], "%s", line);
		return;
	}
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%d %H:%M:%S", &tm);
	/* One write per line so lines of concurrent sessions do not interleave. */
	struct zbuf b;
	zbuf_init(&b, 8192);
	zbuf_printf(&b, "%s %s[%d]: %s\n", ts, L.ident, (int)getpid(), line);
	if (!b.err)
		(void)sys_write_all(STDERR_FILENO, b.p, b.len);
	zbuf_free(&b);
}

void log_msg(int level, const char *func, int line, int with_errno, const char *fmt, ...)
{
	if (level > L.level)
		return;
	int saved = errno;
	struct zbuf b;
	zbuf_init(&b, 4096);
	zbuf_printf(&b, "%s: ", level_name[level]);
	if (L.ctx[0])
		zbuf_printf(&b, "%s: ", L.ctx);
	va_list ap;
	va_start(ap, fmt);
	zbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	if (with_errno)
		zbuf_printf(&b, ": %s", strerror(saved));
	if (L.level >= LOG_LVL_DEBUG)
		zbuf_printf(&b, " (%s:%d)", func, line);
	/* Names and commands from clients are formatted into lines: a CR or
	 * an escape sequence must not forge or hide log lines. */
	for (size_t i = 0; i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20 || b.p[i] == 0x7f)
			b.p[i] = '?';
	log_emit(level, b.err ? "(log line too long)" : zbuf_str(&b));
	zbuf_free(&b);
	errno = saved;
}

void fatal(const char *fmt, ...)
{
	struct zbuf b;
	zbuf_init(&b, 4096);
	zbuf_puts(&b, "fatal: ");
	va_list ap;
	va_start(ap, fmt);
	zbuf_vprintf(&b, fmt, ap);
	va_end(ap);
	const char *msg = b.err ? "fatal: (message too long)" : zbuf_str(&b);
	log_emit(LOG_LVL_ERR, msg);
	/* A syslog-only daemon started from a terminal should still say why. */
	if (L.use_syslog && isatty(STDERR_FILENO))
		fprintf(stderr, "%s: %s\n", L.ident, msg);
	exit(1);
}

static int open_append(const char *path, int *fdp)
{
	if (*fdp > STDERR_FILENO)
		close(*fdp);
	*fdp = -1;
	if (!path)
		return 0;
	if (strcmp(path, "-") == 0) {
		*fdp = STDERR_FILENO;
		return 0;
	}
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
	if (fd < 0)
		return -errno;
	*fdp = fd;
	return 0;
}

void xferlog_close(void)
{
	open_append(NULL, &L.xfer_fd);
	open_append(NULL, &L.json_fd);
}

int xferlog_open(const char *path, const char *json_path)
{
	int rc = open_append(path, &L.xfer_fd);
	return rc < 0 ? rc : open_append(json_path, &L.json_fd);
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] < 0x80 ? 1 : (s[0] & 0xe0) == 0xc0 ? 2 : (s[0] & 0xf0) == 0xe0 ? 3
		: (s[0] & 0xf8) == 0xf0 ? 4 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n && utf8_valid((const char *)s, n) ? n : 0;
}

void json_put_string(struct zbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	zbuf_putc(b, '"');
	while (*p) {
		size_t n = utf8_len(p);
		if (n == 0) {
			zbuf_puts(b, "\\ufffd");
			p++;
		} else if (*p == '"' || *p == '\\') {
			zbuf_putc(b, '\\');
			zbuf_putc(b, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			zbuf_printf(b, "\\u%04x", *p++);
		} else {
			zbuf_append(b, p, n);
			p += n;
		}
	}
	zbuf_putc(b, '"');
}

/* One JSON object per line: what xferlog cannot carry. */
static void json_write(const struct xferlog_rec *r)
{
	char ts[40];
	struct tm tm;
	gmtime_r(&r->start, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct zbuf b;
	zbuf_init(&b, 16384);
	zbuf_printf(&b, "{\"time\":\"%s\",\"session\":", ts);
	json_put_string(&b, r->session_id ? r->session_id : "");
	zbuf_puts(&b, ",\"user\":");
	json_put_string(&b, r->user);
	zbuf_printf(&b, ",\"anonymous\":%s,\"peer\":", r->access == 'a' ? "true" : "false");
	json_put_string(&b, r->remote_host);
	zbuf_printf(&b, ",\"direction\":\"%s\",\"path\":", r->direction == 'o' ? "download" : "upload");
	json_put_string(&b, r->path);
	zbuf_printf(&b, ",\"bytes\":%llu,\"duration_ms\":%lld,\"type\":\"%s\",\"io_path\":\"%s\","
		    "\"tls\":", (unsigned long long)r->bytes, r->duration_ms,
		    r->ascii ? "ascii" : "binary", r->io_path);
	if (r->tls_version)
		json_put_string(&b, r->tls_version);
	else
		zbuf_puts(&b, "null");
	zbuf_printf(&b, ",\"complete\":%s,\"error\":", r->complete ? "true" : "false");
	if (r->error)
		json_put_string(&b, strerror(-r->error));
	else
		zbuf_puts(&b, "null");
	zbuf_puts(&b, "}\n");
	if (!b.err && sys_write_all(L.json_fd, b.p, b.len) < 0)
		log_warn_errno("cannot write JSON transfer log");
	zbuf_free(&b);
}

/* xferlog fields are space-separated: a name with blanks or control bytes
 * would shift every later field for log analysers, so those become '_'. */
static void put_field_name(struct zbuf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		zbuf_putc(b, (c <= ' ' || c == 0x7f) ? '_' : (char)c);
	}
}

void xferlog_write(const struct xferlog_rec *r)
{
	if (L.json_fd >= 0)
		json_write(r);
	char ts[40];
	struct tm tm;
	localtime_r(&r->start, &tm);
	strftime(ts, sizeof ts, "%a %b %e %H:%M:%S %Y", &tm);
	struct zbuf b;
	zbuf_init(&b, 8192);
	zbuf_printf(&b, "%s %.0f %s %llu ", ts, r->seconds < 1 ? 0.0 : r->seconds,
		    r->remote_host, (unsigned long long)r->bytes);
	put_field_name(&b, r->path);
	zbuf_printf(&b, " %c _ %c %c ", r->ascii ? 'a' : 'b', r->direction, r->access);
	put_field_name(&b, r->user);
	zbuf_printf(&b, " ftp 0 * %c %s", r->complete ? 'c' : 'i', r->io_path);
	if (b.err) {
		zbuf_free(&b);
		return;
	}
	if (L.xfer_fd < 0) {
		if (L.level >= LOG_LVL_INFO)	/* no transfer log: a main-log info line */
			log_emit(LOG_LVL_INFO, zbuf_str(&b));
	} else {
		zbuf_putc(&b, '\n');
		if (sys_write_all(L.xfer_fd, b.p, b.len) < 0)
			log_warn_errno("cannot write transfer log");
	}
	zbuf_free(&b);
}
