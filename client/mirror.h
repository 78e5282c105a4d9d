/*
 * mirror.h - tree mirroring: entry lists, include/exclude filters, the
 * PLAN (a pure function from two sorted entry lists to a list of actions)
 * and the run that scans, plans and executes (mirror.c, mirror_scan.c,
 * mirror_exec.c).
 *
 * Paths in entries are relative to the mirrored root, '/'-separated,
 * without a leading or trailing '/'. Lists are sorted by strcmp() so
 * the plan is a single merge; a parent always sorts before its children.
 */
#ifndef ZC_CLIENT_MIRROR_H
#define ZC_CLIENT_MIRROR_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* A server may leave out MLSD's size and modify facts (RFC 3659 7.1):
 * the plan then compares by what is known. Same values as ftpconn.h's
 * FTP_SIZE_UNKNOWN and FTP_MTIME_UNKNOWN. */
#define MENTRY_SIZE_UNKNOWN UINT64_MAX
#define MENTRY_MTIME_UNKNOWN ((time_t)-1)

struct mentry {
	char *path;		/* owned */
	char type;		/* 'f' file, 'd' dir, 'l' symlink, 'o' other */
	int mtime_prec;		/* seconds: 1 (MLSD, local), 60 or 86400 (LIST) */
	uint64_t size;		/* or MENTRY_SIZE_UNKNOWN */
	time_t mtime;		/* UTC seconds, or MENTRY_MTIME_UNKNOWN */
	char *hash;		/* owned hex digest, NULL when not computed */
};

struct mlist {
	struct mentry *v;
	size_t n, cap;
};

/* Append a copy of path. Returns 0 or -ENOMEM. */
int mlist_add(struct mlist *l, const char *path, char type, uint64_t size,
	      time_t mtime, int mtime_prec);
/* Append every entry of from (moving ownership), leaving from empty. */
int mlist_take(struct mlist *l, struct mlist *from);
void mlist_sort(struct mlist *l);
void mlist_free(struct mlist *l);
/* Binary search in a sorted list; NULL when absent. */
struct mentry *mlist_find(const struct mlist *l, const char *path);

/*
 * Filters (fnmatch(3) globs). A glob without '/' matches the last path
 * component; with '/' it matches the whole relative path (FNM_PATHNAME).
 * Rules are tried in the order given; the first match decides. A file
 * that no rule matches is included, unless there is at least one
 * --include rule (then "--include" means "only these"). A directory is
 * excluded only by a matching --exclude rule, and everything below an
 * excluded directory is excluded.
 */
struct mrule {
	const char *glob;	/* borrowed (argv) */
	int include;
};
struct mfilter {
	struct mrule *rules;
	size_t n, cap;
	int has_include;
};
int mfilter_add(struct mfilter *f, const char *glob, int include);
void mfilter_free(struct mfilter *f);
/* 1 when path (of a directory when is_dir) is excluded, else 0. */
int mfilter_excluded(const struct mfilter *f, const char *path, int is_dir);

enum mact_kind {
	MACT_MKDIR,	/* create directory path on the destination */
	MACT_COPY,	/* transfer file src -> dst */
	MACT_MTIME,	/* same content: only set the destination mtime */
	MACT_DELETE,	/* remove dst (--delete); dirs after their content */
	MACT_CONFLICT,	/* file on one side, directory or link on the other */
	MACT_KINDS
};

struct mact {
	enum mact_kind kind;
	const char *path;		/* borrowed from src or dst entry */
	const struct mentry *src, *dst;	/* NULL when absent */
	const char *why;		/* "new", "size", "mtime", "checksum", ... */
};

struct mplan {
	struct mact *v;
	size_t n, cap;
	size_t count[MACT_KINDS];
	uint64_t copy_bytes;
};

enum mtime_mode {
	MT_EXACT,	/* mtimes are kept: any difference means a change */
	MT_NEWER,	/* dst cannot take mtimes: copy when src is newer */
	MT_IGNORE,	/* compare sizes (and checksums) only */
};

struct mplan_opts {
	int delete;			/* plan MACT_DELETE for dst-only entries */
	int checksum;			/* compare hashes when both present */
	enum mtime_mode mtime_mode;
	const struct mfilter *filter;	/* may be NULL */
};

/*
 * The plan: merge sorted src and dst. Pure: no I/O, no clock.
 * - only in src, not excluded: 'd' -> MKDIR, 'f' -> COPY "new";
 *   other types are skipped (symlinks are not mirrored).
 * - in both: 'f'/'f' -> COPY "size" when sizes differ (both known); with checksum and
 *   both hashes: COPY "checksum" when they differ, MTIME when equal but
 *   mtimes differ under MT_EXACT; else by o->mtime_mode (equal when
 *   |a - b| < max(mtime_prec); an unknown mtime on either side counts as
 *   equal, so a server without facts never causes endless copies).
 *   'd'/'d' -> nothing. Otherwise CONFLICT.
 * - only in dst, not excluded, with o->delete: DELETE. Deletes are
 *   emitted in REVERSE path order after everything else, so a directory
 *   is removed after its content.
 * Actions borrow entries from src/dst, which must outlive the plan.
 * Returns 0 or -ENOMEM.
 */
int mirror_plan(const struct mlist *src, const struct mlist *dst,
		const struct mplan_opts *o, struct mplan *out);
void mplan_free(struct mplan *p);
/* "mkdir", "copy", "mtime", "delete", "conflict". */
const char *mact_name(enum mact_kind k);

/* Options of `zcftp mirror` (see zcftp(1)). */
struct mirror_opts {
	int delete, dry_run, checksum, cont, no_mtime, follow_symlinks;
	int verbose, quiet;
	int parallel;		/* control connections, 1..MIRROR_PARALLEL_MAX */
	int retries;		/* extra attempts per file */
	int timeout_ms;
	int no_pipeline;
	uint64_t rate_limit;	/* bytes/s per transfer, 0 = unlimited */
	int insecure;		/* FTPS: do not verify the certificate */
	const char *cacert;	/* FTPS: trust these CAs (PEM), not the system's */
	struct mfilter filter;
};

#define MIRROR_PARALLEL_MAX 32
#define MIRROR_RETRIES_DEFAULT 3
#define MIRROR_DEPTH_MAX 256
#define MIRROR_PART_PREFIX ".zcftp-part."

/*
 * Run a mirror; exactly one of src and dst is a URL. Returns the exit
 * code: 0 all done, 1 some files failed (listed on stderr), 2 usage,
 * connection or login failure.
 */
int mirror_run(const char *src, const char *dst, const struct mirror_opts *o);

#endif
