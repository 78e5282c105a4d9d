/* mirror_run.c - the steps of `zcftp mirror`, in order (see mirror.h). */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mirror_int.h"
#include "sys.h"

enum { EXIT_OK = 0, EXIT_SOME_FAILED = 1, EXIT_FATAL = 2 };

static void print_plan(const struct mrun *m, const char *src, const char *dst)
{
	const struct mplan *p = &m->plan;
	char b[32];
	printf("plan: %s -> %s: %zu to copy (%s), %zu mtime, %zu mkdir, %zu delete\n",
	       src, dst, p->count[MACT_COPY], progress_bytes(p->copy_bytes, b, sizeof b),
	       p->count[MACT_MTIME], p->count[MACT_MKDIR], p->count[MACT_DELETE]);
	static char path[TERM_SAFE_MAX];	/* main thread only */
	for (size_t i = 0; i < p->n; i++) {
		const struct mact *a = &p->v[i];
		const char *verb = a->kind == MACT_COPY ? (m->upload ? "put" : "get")
							 : mact_name(a->kind);
		term_safe(a->path, path, sizeof path);
		if (a->kind == MACT_COPY && a->src->size == MENTRY_SIZE_UNKNOWN)
			printf("%-8s %s (size unknown, %s)\n", verb, path, a->why);
		else if (a->kind == MACT_COPY)
			printf("%-8s %s (%" PRIu64 " bytes, %s)\n", verb, path,
			       a->src->size, a->why);
		else
			printf("%-8s %s\n", verb, path);
	}
}

/* Both lists; for an upload the remote root may not exist yet. */
static int scan_both(struct mrun *m)
{
	struct mlist *remote = m->upload ? &m->dst : &m->src;
	struct mlist *local = m->upload ? &m->src : &m->dst;
	int rc = scan_local(m, local, m->upload && m->o->follow_symlinks);
	if (rc < 0) {
		fprintf(stderr, "zcftp: %s: %s\n", m->lroot_path, strerror(-rc));
		return rc;
	}
	rc = scan_remote(m, remote);
	if (rc == -EREMOTEIO && m->upload && m->conn[0].code / 100 == 5) {
		m->remote_root_missing = 1;
		return 0;
	}
	if (rc < 0) {
		char msg[FTP_MSG_MAX + 64];
		fprintf(stderr, "zcftp: cannot list the remote directory: %s\n",
			ftp_strerror(&m->conn[0], rc, msg, sizeof msg));
	}
	return rc;
}

static void make_plan_opts(const struct mrun *m, struct mplan_opts *po)
{
	memset(po, 0, sizeof *po);
	po->delete = m->o->delete && !m->scan_incomplete;
	po->checksum = m->o->checksum;
	po->filter = &m->o->filter;
	/* Without kept mtimes the destination is always newer. */
	if (m->o->no_mtime || (m->upload && !(m->conn[0].feat & FEAT_MFMT)))
		po->mtime_mode = MT_NEWER;
	else
		po->mtime_mode = MT_EXACT;
}

/* Upload into a directory that does not exist: MKD each component. */
static int make_remote_root(struct mrun *m)
{
	char path[URL_PATH_MAX];
	for (char *s = m->rroot + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		snprintf(path, sizeof path, "%.*s", (int)(s - m->rroot), m->rroot);
		/* 550 for an existing component is fine; a network error
		 * closed the connection and leaves a stale c->code. */
		int rc = ftp_path_cmd(&m->conn[0], "MKD", path);
		if (rc < 0 && rc != -EREMOTEIO)
			return rc;
		if (!*s)
			break;
	}
	return m->conn[0].code == FTP_R_PATH_CREATED ? 0 : -EREMOTEIO;
}

/* The replies of deferred MFMTs are read here at the latest; a refused
 * or unanswered one is a failure of the run (see deferred_failed). */
static int finish(struct mrun *m)
{
	for (int w = 0; w < m->nconn; w++) {
		if (m->conn[w].fd >= 0)
			(void)ftp_flush(&m->conn[w]);
		ftp_close(&m->conn[w], 1);
	}
	if (m->nfailed) {
		fprintf(stderr, "zcftp: %zu failed:\n%s", m->nfailed, zbuf_str(&m->failures));
		return EXIT_SOME_FAILED;
	}
	return EXIT_OK;
}

static int run(struct mrun *m, const char *src, const char *dst)
{
	char where[URL_PATH_MAX + 300];
	int rc = mrun_conn(m, 0);
	if (rc < 0) {
		mrun_report_connect(m, rc);
		return EXIT_FATAL;
	}
	if (scan_both(m) < 0)
		return EXIT_FATAL;
	if (m->o->checksum && !(m->conn[0].feat & FEAT_HASH))
		progress_note(&m->prog, "zcftp: the server has no HASH command; "
			      "--checksum falls back to size and mtime");
	else if (m->o->checksum)
		exec_checksums(m);
	if (m->scan_incomplete && m->o->delete)
		progress_note(&m->prog, "zcftp: some listings failed: nothing is deleted");
	struct mplan_opts po;
	make_plan_opts(m, &po);
	if (mirror_plan(&m->src, &m->dst, &po, &m->plan) < 0)
		return EXIT_FATAL;
	url_format(&m->url, where, sizeof where);
	if (m->o->dry_run) {
		print_plan(m, m->upload ? src : where, m->upload ? where : dst);
		/* The plan is the result of a dry run: lost on the way (full
		 * disk, closed pipe; SIGPIPE is ignored) is a failure. */
		int werr = sys_stdout_written();
		if (werr < 0) {
			fprintf(stderr, "zcftp: cannot write the plan: %s\n", strerror(-werr));
			finish(m);
			return EXIT_SOME_FAILED;	/* as ls does */
		}
		return finish(m);
	}
	if (m->remote_root_missing && make_remote_root(m) < 0) {
		fprintf(stderr, "zcftp: cannot create the remote directory: %s\n", m->conn[0].msg);
		return EXIT_FATAL;
	}
	progress_set_total(&m->prog, m->plan.count[MACT_COPY] + m->plan.count[MACT_MTIME],
			   m->plan.copy_bytes);
	exec_plan(m);
	progress_finish(&m->prog);
	return finish(m);
}

int mirror_run(const char *src, const char *dst, const struct mirror_opts *o)
{
	int su = url_is_remote(src), du = url_is_remote(dst);
	if (su == du) {
		fprintf(stderr, "zcftp: mirror: exactly one of SOURCE and DEST must be a URL\n");
		return EXIT_FATAL;
	}
	struct mrun *m = calloc(1, sizeof *m);
	if (!m)
		return EXIT_FATAL;
	m->o = o;
	m->upload = du;
	m->lroot = -1;
	for (int w = 0; w < MIRROR_PARALLEL_MAX; w++)
		m->wdir[w].fd = -1;
	m->nconn = o->parallel < 1 ? 1 : o->parallel > MIRROR_PARALLEL_MAX
		   ? MIRROR_PARALLEL_MAX : o->parallel;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cv, NULL);
	zbuf_init(&m->failures, ZBUF_DEFAULT_MAX);
	progress_init(&m->prog, o->quiet ? PROG_QUIET : PROG_TTY, o->verbose, stdout);
	int rc = EXIT_FATAL;
	if (mrun_setup_remote(m, su ? src : dst) == 0) {
		int lrc = mrun_open_local_root(m, su ? dst : src);
		if (lrc < 0)
			fprintf(stderr, "zcftp: %s: %s\n", su ? dst : src, strerror(-lrc));
		else
			rc = run(m, src, dst);
	}
	for (int w = 0; w < m->nconn; w++) {
		if (!m->conn[w].url)
			continue;
		ftp_close(&m->conn[w], 0);	/* left open by an early exit */
		reply_reader_free(&m->conn[w].rr);
	}
	url_wipe(&m->url);
	SSL_CTX_free(m->tls_ctx);
	mplan_free(&m->plan);
	mlist_free(&m->src);
	mlist_free(&m->dst);
	mrun_wdir_close_all(m);
	sys_close(m->lroot);
	zbuf_free(&m->failures);
	progress_destroy(&m->prog);
	pthread_cond_destroy(&m->cv);
	pthread_mutex_destroy(&m->lock);
	free(m);
	return rc;
}
