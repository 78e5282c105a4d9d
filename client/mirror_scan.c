/*
 * mirror_scan.c - build the entry lists: the local tree with
 * openat/fstatat (never a path walk from the root per file), the remote
 * tree with one MLSD per directory, directories spread over the workers.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mirror_int.h"
#include "sys.h"

static char type_of(mode_t m)
{
	return S_ISREG(m) ? 'f' : S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : 'o';
}

static int join(char *buf, size_t n, const char *prefix, const char *name)
{
	int len = prefix ? snprintf(buf, n, "%s/%s", prefix, name)
			 : snprintf(buf, n, "%s", name);
	return len < 0 || (size_t)len >= n ? -ENAMETOOLONG : 0;
}

static int is_skipped_name(const char *name)
{
	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	       strncmp(name, MIRROR_PART_PREFIX, strlen(MIRROR_PART_PREFIX)) == 0;
}

static int scan_dir(struct mrun *m, int dfd, const char *prefix, int depth,
		    int follow, struct mlist *out);

/* One directory entry: stat it, add it, descend into directories. */
static int scan_one(struct mrun *m, int dfd, const char *prefix, const char *name,
		    int depth, int follow, struct mlist *out)
{
	char rel[4096];
	struct stat st;
	if (join(rel, sizeof rel, prefix, name) < 0) {
		mrun_fail(m, name, "path too long");
		return 0;
	}
	if (fstatat(dfd, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)	/* vanished meanwhile: not an error */
			mrun_fail(m, rel, "stat: %s", strerror(errno));
		return 0;
	}
	char t = type_of(st.st_mode);
	if (t == 'd' && mfilter_excluded(&m->o->filter, rel, 1))
		return 0;
	if (mlist_add(out, rel, t, t == 'f' ? (uint64_t)st.st_size : 0,
		      st.st_mtim.tv_sec, 1) < 0)
		return -ENOMEM;
	if (t != 'd')
		return 0;
	if (depth >= MIRROR_DEPTH_MAX) {
		mrun_fail(m, rel, "directory tree deeper than %d", MIRROR_DEPTH_MAX);
		m->scan_incomplete = 1;	/* no --delete of what lies below */
		return 0;
	}
	int sub = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			 (follow ? 0 : O_NOFOLLOW));
	if (sub < 0) {
		mrun_fail(m, rel, "open: %s", strerror(errno));
		m->scan_incomplete = 1;
		return 0;
	}
	return scan_dir(m, sub, rel, depth + 1, follow, out);
}

/* Takes ownership of dfd. */
static int scan_dir(struct mrun *m, int dfd, const char *prefix, int depth,
		    int follow, struct mlist *out)
{
	DIR *d = fdopendir(dfd);
	if (!d) {
		int e = -errno;
		sys_close(dfd);
		return e;
	}
	int rc = 0;
	struct dirent *de;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (!is_skipped_name(de->d_name))
			rc = scan_one(m, dirfd(d), prefix, de->d_name, depth, follow, out);
	}
	closedir(d);
	return rc;
}

int scan_local(struct mrun *m, struct mlist *out, int follow)
{
	if (m->lroot < 0)
		return 0;	/* download into a directory not created yet */
	int dfd = openat(m->lroot, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	int rc = scan_dir(m, dfd, NULL, 0, follow, out);
	mlist_sort(out);
	return rc;
}

/* ---- remote: a shared queue of directories, drained by the workers */

/* A directory still to list; depth 0 is the root. */
struct qent {
	char *rel;
	int depth;
};

struct rscan {
	struct mrun *m;
	pthread_cond_t cv;
	struct qent *queue;
	size_t qn, qcap;
	int busy;
	int root_rc;
	struct mlist *out;
};

struct lctx {
	struct mrun *m;
	const char *prefix;
	int prec;
	struct mlist items;
};

/* A name from a hostile server must not climb out of the tree. */
static int name_ok(const char *name)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0;
}

static int list_cb(void *arg, const struct listing_entry *e)
{
	struct lctx *x = arg;
	char rel[4096];
	if (!name_ok(e->name)) {
		mrun_fail(x->m, x->prefix ? x->prefix : "/", "unsafe name in listing skipped");
		return 0;
	}
	if (join(rel, sizeof rel, x->prefix, e->name) < 0) {
		/* Not silently: --delete must not remove its local twin. */
		pthread_mutex_lock(&x->m->lock);
		x->m->scan_incomplete = 1;
		pthread_mutex_unlock(&x->m->lock);
		mrun_fail(x->m, x->prefix ? x->prefix : "/", "path too long: entry skipped");
		return 0;
	}
	/* It would collide with the temp file of "name" (and a local scan
	 * never sees it, so it would be fetched on every run). */
	if (strncmp(e->name, MIRROR_PART_PREFIX, strlen(MIRROR_PART_PREFIX)) == 0) {
		mrun_fail(x->m, rel, "name reserved for zcftp's temporary files: skipped");
		return 0;
	}
	char t = e->type == 'f' || e->type == 'd' || e->type == 'l' ? e->type : 'o';
	if (t == 'd' && mfilter_excluded(&x->m->o->filter, rel, 1))
		return 0;
	return mlist_add(&x->items, rel, t, e->size, e->mtime, x->prec);
}

/* List one remote directory with retries. */
static int list_dir(struct mrun *m, int w, const char *rel, struct lctx *x)
{
	char rpath[URL_PATH_MAX];
	int rc = mrun_rpath(m, rel, rpath, sizeof rpath);
	for (int attempt = 0; rc == 0; attempt++) {
		int precise = 1;
		rc = mrun_conn(m, w);
		if (rc == -EUSERS && w > 0)
			return rc;	/* rscan_dir hands the directory back */
		if (rc == 0) {
			mlist_free(&x->items);
			rc = ftp_list(&m->conn[w], rpath[0] ? rpath : "/", list_cb, x, &precise);
			x->prec = precise ? 1 : 60;
		}
		if (rc == 0 || attempt >= m->o->retries || !ftp_transient(&m->conn[w], rc))
			break;
		if (rc != -EREMOTEIO)
			ftp_close(&m->conn[w], 0);
		usleep(200000u << attempt);
	}
	if (x->prec != 1)
		for (size_t i = 0; i < x->items.n; i++)
			x->items.v[i].mtime_prec = x->prec;
	return rc;
}

/* Queue rel (owned; freed on failure) at depth, under the lock. */
static void queue_push(struct rscan *s, char *rel, int depth)
{
	if (s->qn == s->qcap) {
		size_t ncap = s->qcap ? s->qcap * 2 : 64;
		struct qent *q = realloc(s->queue, ncap * sizeof *q);
		if (!q) {
			free(rel);
			s->root_rc = -ENOMEM;
			return;
		}
		s->queue = q;
		s->qcap = ncap;
	}
	s->queue[s->qn++] = (struct qent){ .rel = rel, .depth = depth };
}

/* Queue the subdirectories of a listing at depth (under the lock). A
 * hostile server can make a tree endless: stop at MIRROR_DEPTH_MAX, as
 * the local scan does, and mark the scan incomplete (no deletes). */
static void queue_subdirs(struct rscan *s, const struct mlist *items, int depth)
{
	for (size_t i = 0; i < items->n; i++) {
		if (items->v[i].type != 'd')
			continue;
		if (depth >= MIRROR_DEPTH_MAX) {
			s->m->scan_incomplete = 1;
			pthread_mutex_unlock(&s->m->lock);
			mrun_fail(s->m, items->v[i].path, "directory tree deeper than %d",
				  MIRROR_DEPTH_MAX);
			pthread_mutex_lock(&s->m->lock);
			continue;
		}
		char *d = strdup(items->v[i].path);
		if (!d) {
			s->root_rc = -ENOMEM;
			return;
		}
		queue_push(s, d, depth + 1);
	}
}

/* List rel (owned). 1: worker w was refused by a server limit and left;
 * rel is back in the queue for another worker (worker 0 waits for it). */
static int rscan_dir(struct rscan *s, int w, char *rel, int depth)
{
	struct lctx x = { .m = s->m, .prefix = rel[0] ? rel : NULL, .prec = 1 };
	int rc = list_dir(s->m, w, rel, &x);
	int retired = rel[0] && mrun_retire(s->m, w, rc);
	pthread_mutex_lock(&s->m->lock);
	if (retired) {
		queue_push(s, rel, depth);
		rel = NULL;
		rc = -EUSERS;
	} else if (rc < 0 && !rel[0]) {
		s->root_rc = rc;
	} else if (rc < 0) {
		char msg[FTP_MSG_MAX + 64];
		s->m->scan_incomplete = 1;
		pthread_mutex_unlock(&s->m->lock);
		mrun_fail(s->m, rel, "listing failed: %s",
			  ftp_strerror(&s->m->conn[w], rc, msg, sizeof msg));
		pthread_mutex_lock(&s->m->lock);
	}
	if (rc == 0)
		queue_subdirs(s, &x.items, depth);
	if (mlist_take(s->out, &x.items) < 0)
		s->root_rc = -ENOMEM;
	s->busy--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->m->lock);
	mlist_free(&x.items);
	free(rel);
	return retired;
}

static void *rscan_worker(void *arg)
{
	struct rscan *s = ((void **)arg)[0];
	int w = (int)(intptr_t)((void **)arg)[1];
	pthread_mutex_lock(&s->m->lock);
	for (;;) {
		while (s->qn == 0 && s->busy > 0)
			pthread_cond_wait(&s->cv, &s->m->lock);
		if (s->qn == 0 || s->root_rc < 0)
			break;
		long long wait = mrun_join_wait(s->m, w);
		if (wait > 0) {
			pthread_mutex_unlock(&s->m->lock);
			usleep((useconds_t)(wait < JOIN_POLL_MS ? wait : JOIN_POLL_MS) * 1000u);
			pthread_mutex_lock(&s->m->lock);
			continue;
		}
		struct qent q = s->queue[--s->qn];
		s->busy++;
		pthread_mutex_unlock(&s->m->lock);
		int retired = rscan_dir(s, w, q.rel, q.depth);
		pthread_mutex_lock(&s->m->lock);
		if (retired)
			break;
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->m->lock);
	return NULL;
}

int scan_remote(struct mrun *m, struct mlist *out)
{
	struct rscan s = { .m = m, .out = out };
	char *root = strdup("");
	if (!root)
		return -ENOMEM;
	pthread_cond_init(&s.cv, NULL);
	m->phase_start = sys_now_ms();
	/* The root first, alone: its result decides whether to go on. */
	s.busy = 1;
	rscan_dir(&s, 0, root, 0);
	void *args[MIRROR_PARALLEL_MAX][2];
	pthread_t th[MIRROR_PARALLEL_MAX];
	int nth = 0;
	for (int w = 1; w < m->nconn && s.root_rc == 0; w++) {
		args[w][0] = &s;
		args[w][1] = (void *)(intptr_t)w;
		if (pthread_create(&th[nth], NULL, rscan_worker, args[w]) == 0)
			nth++;
	}
	args[0][0] = &s;
	args[0][1] = (void *)(intptr_t)0;
	if (s.root_rc == 0)
		rscan_worker(args[0]);
	for (int i = 0; i < nth; i++)
		pthread_join(th[i], NULL);
	while (s.qn > 0)
		free(s.queue[--s.qn].rel);
	free(s.queue);
	pthread_cond_destroy(&s.cv);
	mlist_sort(out);
	return s.root_rc;
}
