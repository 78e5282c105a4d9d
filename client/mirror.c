/*
 * mirror.c - one `zcftp mirror` run: resolve both ends, scan, plan,
 * print (--dry-run) or execute, report. Also the worker pool and the
 * shared helpers of mirror_int.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "mirror_int.h"
#include "netrc.h"
#include "sys.h"

void mrun_fail(struct mrun *m, const char *path, const char *fmt, ...)
{
	char msg[512], safe_msg[4 * 512];
	static char safe_path[TERM_SAFE_MAX];	/* under m->lock */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* Printed on the terminal later: server names and replies escaped. */
	term_safe(msg, safe_msg, sizeof safe_msg);
	pthread_mutex_lock(&m->lock);
	zbuf_printf(&m->failures, "  %s: %s\n", term_safe(path, safe_path, sizeof safe_path),
		    safe_msg);
	m->nfailed++;
	pthread_mutex_unlock(&m->lock);
}

int mrun_rpath(const struct mrun *m, const char *rel, char *buf, size_t n)
{
	int len = rel[0] ? snprintf(buf, n, "%s/%s", m->rroot, rel)
			 : snprintf(buf, n, "%s", m->rroot[0] ? m->rroot : "/");
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

int mrun_conn(struct mrun *m, int w)
{
	struct ftpconn *c = &m->conn[w];
	if (c->fd >= 0)
		return 0;
	long long t0 = sys_now_ms();
	int rc = ftp_connect(c);
	if (rc == 0 && w == 0 && m->connect_ms == 0)
		m->connect_ms = sys_now_ms() - t0 + 1;
	return rc;
}

/* ---- checksums: HASH on the server, hash_fd_range locally */

static int hash_item(struct mrun *m, int w, size_t i)
{
	struct mentry *s = &m->src.v[m->items[i]];
	struct mentry *d = mlist_find(&m->dst, s->path);
	struct mentry *remote = m->upload ? d : s, *local = m->upload ? s : d;
	char rpath[URL_PATH_MAX], rhex[HASH_HEX_MAX], lhex[HASH_HEX_MAX];
	struct ftpconn *c = &m->conn[w];
	int rc = mrun_rpath(m, s->path, rpath, sizeof rpath);
	if (rc == 0)
		rc = mrun_conn(m, w);
	if (mrun_retire(m, w, rc))
		return 1;
	if (rc == 0)
		rc = ftp_hash(c, rpath, rhex, sizeof rhex);
	int fd = -1;
	if (rc == 0 && m->upload && m->o->follow_symlinks) {
		fd = openat(m->lroot, s->path, O_RDONLY | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
	} else if (rc == 0) {
		fd = mrun_lopen(m, s->path, O_RDONLY);
	}
	if (rc == 0 && fd < 0)
		rc = fd;
	if (rc == 0)
		rc = hash_fd_range(fd, c->hash_algo, 0, UINT64_MAX, lhex, sizeof lhex);
	sys_close(fd);
	if (rc < 0) {
		char msg[FTP_MSG_MAX + 64];
		progress_note(&m->prog, "zcftp: %s: no checksum (%s); comparing size and mtime",
			      s->path, ftp_strerror(c, rc, msg, sizeof msg));
		return 0;
	}
	remote->hash = strdup(rhex);
	local->hash = strdup(lhex);
	return 0;
}

void exec_checksums(struct mrun *m)
{
	size_t n = 0;
	m->items = calloc(m->src.n + 1, sizeof *m->items);
	if (!m->items)
		return;
	for (size_t i = 0; i < m->src.n; i++) {
		const struct mentry *s = &m->src.v[i], *d;
		if (s->type == 'f' && (d = mlist_find(&m->dst, s->path)) &&
		    d->type == 'f' && (d->size == s->size || d->size == MENTRY_SIZE_UNKNOWN ||
					s->size == MENTRY_SIZE_UNKNOWN))
			m->items[n++] = i;
	}
	mrun_pool(m, n, hash_item);
	free(m->items);
	m->items = NULL;
}

/* ---- setup */

/* mkdir -p for the local root of a download. */
static int mkdir_p(const char *path)
{
	char buf[URL_PATH_MAX];
	if (zc_strlcpy(buf, path, sizeof buf) < 0)
		return -ENAMETOOLONG;
	for (char *s = buf + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*s = c;
		if (!c)
			return 0;
	}
}

int mrun_open_local_root(struct mrun *m, const char *path)
{
	m->lroot_path = path;
	m->lroot = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->lroot >= 0 || m->upload || errno != ENOENT || m->o->dry_run)
		return m->lroot >= 0 || (!m->upload && errno == ENOENT) ? 0 : -errno;
	int rc = mkdir_p(path);
	if (rc < 0)
		return rc;
	m->lroot = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return m->lroot < 0 ? -errno : 0;
}

/*
 * A deferred MFMT (tag: its remote path) was refused or went unanswered
 * (ftpconn.h): a failure of the run, on whichever connection, before or
 * after a reconnect. Reported by relative path, like every failure.
 */
static void deferred_failed(void *arg, const char *tag, const char *why)
{
	struct mrun *m = arg;
	size_t n = strlen(m->rroot);
	const char *rel = tag;
	if (strncmp(tag, m->rroot, n) == 0 && tag[n] == '/')
		rel = tag + n + 1;
	mrun_fail(m, rel[0] ? rel : ".", "mtime: %s", why);
}

int mrun_setup_remote(struct mrun *m, const char *arg)
{
	if (url_parse(arg, &m->url) < 0) {
		fprintf(stderr, "zcftp: invalid URL (see zcftp(1) for the syntax)\n");
		return -EINVAL;
	}
	if (creds_resolve(&m->url, 1) < 0) {
		fprintf(stderr, "zcftp: no password for %s (use ~/.netrc or $%s)\n",
			m->url.user, NETRC_ENV_PASSWORD);
		return -EACCES;
	}
	if (client_tls_ctx(&m->url, m->o, &m->tls_ctx) < 0)
		return -EINVAL;
	zc_strlcpy(m->rroot, m->url.path, sizeof m->rroot);
	size_t len = strlen(m->rroot);
	while (len > 0 && m->rroot[len - 1] == '/')
		m->rroot[--len] = '\0';
	for (int w = 0; w < m->nconn; w++) {
		ftp_init(&m->conn[w], &m->url, m->o->timeout_ms);
		m->conn[w].pipeline = !m->o->no_pipeline;
		m->conn[w].tls_ctx = m->tls_ctx;
		m->conn[w].on_deferred_fail = deferred_failed;
		m->conn[w].deferred_arg = m;
	}
	return 0;
}

/* Print the reason for exit code 2 when connecting fails. */
void mrun_report_connect(struct mrun *m, int rc)
{
	client_report_connect(&m->conn[0], rc);
}
