/*
 * mirror_int.h - state of one mirror run, shared by mirror.c,
 * mirror_scan.c and mirror_exec.c. Not a public API.
 *
 * Parallelism uses THREADS, one per control connection (--parallel N),
 * not processes: the workers share the entry lists, the plan, the
 * progress line and the failure list, which threads do without any IPC
 * or copying; the bytes themselves move inside the kernel (splice,
 * sendfile), so a worker mostly waits in poll() and there is nothing to
 * gain from separate address spaces. Each worker owns its struct ftpconn
 * and touches shared state only under m->lock.
 */
#ifndef ZC_CLIENT_MIRROR_INT_H
#define ZC_CLIENT_MIRROR_INT_H

#include <pthread.h>
#include <stdarg.h>

#include "buf.h"
#include "ftpconn.h"
#include "mirror.h"
#include "progress.h"
#include "url.h"

#define MIRROR_LPATH_MAX 4096	/* longest local relative path */

struct mrun {
	const struct mirror_opts *o;
	struct zc_url url;		/* the remote side (password inside) */
	SSL_CTX *tls_ctx;		/* FTPS: shared by every connection */
	int upload;			/* 1: local -> remote */
	char rroot[URL_PATH_MAX];	/* remote root, no trailing '/' ("" = /) */
	const char *lroot_path;
	int lroot;			/* local root dir fd; -1 if it does not exist */
	int nconn;
	struct ftpconn conn[MIRROR_PARALLEL_MAX];
	struct mlist src, dst;		/* download: src remote; upload: src local */
	struct mplan plan;
	struct progress prog;
	pthread_mutex_t lock;
	struct zbuf failures;		/* "  path: reason\n" lines */
	size_t nfailed;
	int scan_incomplete;		/* a listing failed: no deletes */
	int remote_root_missing;	/* upload: create the root first */
	long long connect_ms;		/* how long connection 0 took to log in */
	long long phase_start;		/* sys_now_ms() when the current pool began */
	/* The pool (mirror_pool.c), under lock. */
	size_t *items;			/* file phase: plan indices */
	size_t pool_n;			/* items in this phase */
	size_t next;			/* the next new item */
	size_t busy;			/* items handed out, not finished */
	size_t back[2 * MIRROR_PARALLEL_MAX];	/* handed back by leavers */
	size_t nback;
	size_t reserved[MIRROR_PARALLEL_MAX];	/* SIZE_MAX: none */
	size_t reserved_n;
	pthread_cond_t cv;		/* an item ended or came back */
	struct mrun_wdir {		/* per worker: its last local directory */
		int fd;			/* O_PATH, -1 when none */
		size_t len;
		char path[MIRROR_LPATH_MAX];
	} wdir[MIRROR_PARALLEL_MAX];
	char retired[MIRROR_PARALLEL_MAX];	/* refused by a server limit */
	int limit_noted;		/* the "fewer connections" note is out */
};

/* Record a failed path (thread-safe); never pass a URL here. */
void mrun_fail(struct mrun *m, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* m->rroot + "/" + rel into buf. 0 or -ENAMETOOLONG. */
int mrun_rpath(const struct mrun *m, const char *rel, char *buf, size_t n);
/* Make sure worker w's connection is up. 0 or the ftp_connect() error. */
int mrun_conn(struct mrun *m, int w);
/*
 * A server that limits connections per client (zcftpd's max_per_ip)
 * refuses the extra ones: when rc (from mrun_conn) is such a refusal
 * (-EUSERS) and w > 0, worker w leaves the run for good (m->retired[w];
 * the first time, a note unless --quiet) and the caller hands its
 * current item back instead of failing it: returns 1. Else 0 (worker 0
 * never leaves: it is the one connection a run has for sure, and it
 * stays in every phase until the other workers are done, so an item
 * handed back is never lost).
 */
int mrun_retire(struct mrun *m, int w, int rc);

/*
 * Extra connections only when there is work for them: worker w > 0
 * that is not connected yet joins a phase (scan, pool) only once the
 * phase has run for as long as logging in took connection 0, so work
 * that one connection finishes sooner never pays for logins it cannot
 * use, and longer work loses at most that much of its parallelism.
 * Returns the milliseconds still to wait (0: join now).
 */
long long mrun_join_wait(const struct mrun *m, int w);
#define JOIN_POLL_MS 5	/* granularity of that wait */

/*
 * mirror_pool.c. Run fn(m, w, i) for every i in [0, n), in order, on up
 * to m->nconn workers (w = worker index = connection index). fn reports
 * its own failures with mrun_fail() and returns 0, or 1 when
 * mrun_retire() took worker w out: item i (and any item w reserved)
 * then goes to another worker.
 */
typedef int (*mrun_item_fn)(struct mrun *m, int w, size_t i);
void mrun_pool(struct mrun *m, size_t n, mrun_item_fn fn);
/*
 * From inside fn: reserve the item worker w will get next, so its
 * commands can go out before the current item is finished (pipelining
 * across files). Returns 1 with *i, or 0 (nothing left, or w already
 * holds one). The pool hands the reserved item to w first.
 */
int mrun_pool_reserve(struct mrun *m, int w, size_t *i);
/* Files this large or larger go first in the file phase. */
#define MIRROR_LARGE_FILE (1u << 20)

/* mirror.c: setup. The local root is created for a download (mkdir -p)
 * unless dry_run; it stays -1 when absent. 0 or -errno (message printed
 * by the caller). */
int mrun_open_local_root(struct mrun *m, const char *path);
/* Parse the URL, resolve credentials, init the connections (not
 * connected). Prints its own message. 0, -EINVAL or -EACCES. */
int mrun_setup_remote(struct mrun *m, const char *arg);
/* Print why connection 0 could not connect (no password, ever). */
void mrun_report_connect(struct mrun *m, int rc);

/* mirror_scan.c: fill the lists. 0 or a negative error for the root. */
int scan_local(struct mrun *m, struct mlist *out, int follow);
int scan_remote(struct mrun *m, struct mlist *out);
/* mirror_exec.c */
void exec_checksums(struct mrun *m);
void exec_plan(struct mrun *m);
/*
 * mirror_local.c: open the directory holding rel beneath m->lroot as an
 * O_PATH fd (the caller closes it), following NO symlink and no ".." in
 * any component; *last = rel's final component, to be used with *at()
 * calls that do not follow it. Returns the fd or -errno (ELOOP, EXDEV
 * when a component is a symlink or climbs out).
 */
int mrun_lparent(const struct mrun *m, const char *rel, const char **last);
/* mrun_lparent() for worker w, which mostly goes through the files of
 * one directory in a row: the fd is kept (BORROWED: the caller does not
 * close it) until w asks for another directory or mrun_wdir_close_all().
 * Saves an openat2 and a close per file. */
int mrun_lparent_cached(struct mrun *m, int w, const char *rel, const char **last);
void mrun_wdir_close_all(struct mrun *m);
/* openat() of rel through mrun_lparent(), O_NOFOLLOW added: fd or -errno. */
int mrun_lopen(const struct mrun *m, const char *rel, int flags);
/* mirror_exec.c: 1 when an ancestor directory of path is a conflict in
 * the plan (present on both sides, not a directory on both). */
int mrun_under_conflict(const struct mrun *m, const char *path);
/* mirror_dirs.c: directory mtimes, after files and deletes. */
void exec_dir_mtimes(struct mrun *m);

#endif
