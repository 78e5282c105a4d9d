/*
 * mirror_plan.c - entry lists, filters and the plan. Nothing here does
 * I/O, so the whole decision logic is unit-tested table-driven
 * (tests/unit/check_mirror_plan.c).
 */
#include "config.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "mirror.h"

/* Grow an array of elem-sized items to hold one more. 0 or -ENOMEM. */
static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	if (ncap > SIZE_MAX / elem)
		return -ENOMEM;
	void *p = realloc(*v, ncap * elem);
	if (!p)
		return -ENOMEM;
	*v = p;
	*cap = ncap;
	return 0;
}

int mlist_add(struct mlist *l, const char *path, char type, uint64_t size,
	      time_t mtime, int mtime_prec)
{
	if (grow((void **)&l->v, &l->cap, l->n, sizeof *l->v) < 0)
		return -ENOMEM;
	char *p = strdup(path);
	if (!p)
		return -ENOMEM;
	l->v[l->n++] = (struct mentry){ .path = p, .type = type, .size = size,
		.mtime = mtime, .mtime_prec = mtime_prec > 0 ? mtime_prec : 1 };
	return 0;
}

int mlist_take(struct mlist *l, struct mlist *from)
{
	for (size_t i = 0; i < from->n; i++) {
		if (grow((void **)&l->v, &l->cap, l->n, sizeof *l->v) < 0)
			return -ENOMEM;
		l->v[l->n++] = from->v[i];
	}
	free(from->v);
	*from = (struct mlist){ 0 };
	return 0;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mentry *)a)->path, ((const struct mentry *)b)->path);
}

void mlist_sort(struct mlist *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, entry_cmp);
}

void mlist_free(struct mlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].path);
		free(l->v[i].hash);
	}
	free(l->v);
	*l = (struct mlist){ 0 };
}

struct mentry *mlist_find(const struct mlist *l, const char *path)
{
	struct mentry key = { .path = (char *)path };
	if (l->n == 0)
		return NULL;
	return bsearch(&key, l->v, l->n, sizeof *l->v, entry_cmp);
}

int mfilter_add(struct mfilter *f, const char *glob, int include)
{
	if (grow((void **)&f->rules, &f->cap, f->n, sizeof *f->rules) < 0)
		return -ENOMEM;
	f->rules[f->n++] = (struct mrule){ .glob = glob, .include = include };
	if (include)
		f->has_include = 1;
	return 0;
}

void mfilter_free(struct mfilter *f)
{
	free(f->rules);
	*f = (struct mfilter){ 0 };
}

/* The first rule matching path: 1 include, 0 exclude, -1 none. */
static int first_match(const struct mfilter *f, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (size_t i = 0; i < f->n; i++) {
		const char *g = f->rules[i].glob;
		int whole = strchr(g, '/') != NULL;
		if (fnmatch(g, whole ? path : base, whole ? FNM_PATHNAME : 0) == 0)
			return f->rules[i].include;
	}
	return -1;
}

/* Is any ancestor directory of path excluded? */
static int parent_excluded(const struct mfilter *f, const char *path)
{
	char buf[4096];
	size_t len = strlen(path);
	if (len >= sizeof buf)
		return 0;
	memcpy(buf, path, len + 1);
	for (char *s = strchr(buf, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int m = first_match(f, buf);
		*s = '/';
		if (m == 0)
			return 1;
	}
	return 0;
}

int mfilter_excluded(const struct mfilter *f, const char *path, int is_dir)
{
	if (!f || f->n == 0)
		return 0;
	if (parent_excluded(f, path))
		return 1;
	int m = first_match(f, path);
	if (m >= 0)
		return !m;
	return is_dir ? 0 : f->has_include;
}

const char *mact_name(enum mact_kind k)
{
	static const char *const names[MACT_KINDS] = {
		"mkdir", "copy", "mtime", "delete", "conflict",
	};
	return (unsigned)k < MACT_KINDS ? names[k] : "?";
}

static int push(struct mplan *p, enum mact_kind k, const struct mentry *s,
		const struct mentry *d, const char *why)
{
	if (grow((void **)&p->v, &p->cap, p->n, sizeof *p->v) < 0)
		return -ENOMEM;
	p->v[p->n++] = (struct mact){ .kind = k, .path = s ? s->path : d->path,
		.src = s, .dst = d, .why = why };
	p->count[k]++;
	if (k == MACT_COPY && s->size != MENTRY_SIZE_UNKNOWN)
		p->copy_bytes += s->size;
	return 0;
}

static int excluded(const struct mplan_opts *o, const struct mentry *e)
{
	return mfilter_excluded(o->filter, e->path, e->type == 'd');
}

/* Compare two mtimes at the coarser precision of the two; an unknown
 * one compares equal. */
static int mtime_cmp(const struct mentry *s, const struct mentry *d)
{
	if (s->mtime == MENTRY_MTIME_UNKNOWN || d->mtime == MENTRY_MTIME_UNKNOWN)
		return 0;
	int prec = s->mtime_prec > d->mtime_prec ? s->mtime_prec : d->mtime_prec;
	long long diff = (long long)s->mtime - (long long)d->mtime;
	if (diff > -prec && diff < prec)
		return 0;
	return diff < 0 ? -1 : 1;
}

/* Two files: what, if anything, must happen. */
static int plan_files(struct mplan *p, const struct mentry *s,
		      const struct mentry *d, const struct mplan_opts *o)
{
	int mt = mtime_cmp(s, d);
	if (s->size != d->size && s->size != MENTRY_SIZE_UNKNOWN &&
	    d->size != MENTRY_SIZE_UNKNOWN)
		return push(p, MACT_COPY, s, d, "size");
	if (o->checksum && s->hash && d->hash) {
		if (strcmp(s->hash, d->hash) != 0)
			return push(p, MACT_COPY, s, d, "checksum");
		if (mt != 0 && o->mtime_mode == MT_EXACT)
			return push(p, MACT_MTIME, s, d, "mtime");
		return 0;
	}
	if ((o->mtime_mode == MT_EXACT && mt != 0) ||
	    (o->mtime_mode == MT_NEWER && mt > 0))
		return push(p, MACT_COPY, s, d, mt > 0 ? "newer" : "mtime");
	return 0;
}

static int plan_src_only(struct mplan *p, const struct mentry *s)
{
	if (s->type == 'd')
		return push(p, MACT_MKDIR, s, NULL, "new");
	if (s->type == 'f')
		return push(p, MACT_COPY, s, NULL, "new");
	return 0;	/* symlinks and others are not mirrored */
}

static int plan_both(struct mplan *p, const struct mentry *s,
		     const struct mentry *d, const struct mplan_opts *o)
{
	if (s->type == 'f' && d->type == 'f')
		return plan_files(p, s, d, o);
	if (s->type == 'd' && d->type == 'd')
		return 0;
	if (s->type != 'f' && s->type != 'd')
		return 0;
	return push(p, MACT_CONFLICT, s, d, "type");
}

int mirror_plan(const struct mlist *src, const struct mlist *dst,
		const struct mplan_opts *o, struct mplan *out)
{
	size_t i = 0, j = 0, ndel = 0;
	int rc = 0;
	*out = (struct mplan){ 0 };
	/* Dst-only entries to delete, collected to be emitted in reverse. */
	const struct mentry **del = calloc(dst->n + 1, sizeof *del);
	if (!del)
		return -ENOMEM;
	while (rc == 0 && (i < src->n || j < dst->n)) {
		int c = i >= src->n ? 1 : j >= dst->n ? -1
			: strcmp(src->v[i].path, dst->v[j].path);
		const struct mentry *s = c <= 0 ? &src->v[i] : NULL;
		const struct mentry *d = c >= 0 ? &dst->v[j] : NULL;
		i += c <= 0;
		j += c >= 0;
		if (excluded(o, s ? s : d))
			continue;
		if (s && d)
			rc = plan_both(out, s, d, o);
		else if (s)
			rc = plan_src_only(out, s);
		else if (o->delete)
			del[ndel++] = d;
	}
	while (rc == 0 && ndel > 0) {
		ndel--;
		rc = push(out, MACT_DELETE, NULL, del[ndel], "gone");
	}
	free(del);
	if (rc < 0)
		mplan_free(out);
	return rc;
}

void mplan_free(struct mplan *p)
{
	free(p->v);
	*p = (struct mplan){ 0 };
}
