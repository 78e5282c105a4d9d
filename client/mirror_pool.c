/*
 * mirror_pool.c - the worker pool of a mirror run: one thread per
 * control connection taking items (files, checksums) from shared
 * cursors, joining late when logging in costs more than the work, and
 * leaving when the server refuses its connection for a limit.
 *
 * Items are handed out in order (the file phase puts large files first,
 * so that no large file starts last and runs alone at the end). A
 * worker may reserve its next item while it finishes the current one
 * (mrun_pool_reserve), to send that file's commands ahead.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "mirror_int.h"
#include "sys.h"

int mrun_retire(struct mrun *m, int w, int rc)
{
	if (w == 0 || rc != -EUSERS)
		return 0;
	pthread_mutex_lock(&m->lock);
	m->retired[w] = 1;
	int first = !m->limit_noted;
	m->limit_noted = 1;
	pthread_mutex_unlock(&m->lock);
	if (first && !m->o->quiet)
		progress_note(&m->prog, "zcftp: the server refused connection %d of %d "
			      "(%s): continuing with fewer connections", w + 1,
			      m->nconn, m->conn[w].msg);
	return 1;
}

long long mrun_join_wait(const struct mrun *m, int w)
{
	if (w == 0 || m->conn[w].fd >= 0)
		return 0;
	long long left = m->phase_start + m->connect_ms - sys_now_ms();
	return left > 0 ? left : 0;
}

/* Items not handed out yet (under m->lock). */
static int pool_left(const struct mrun *m)
{
	return m->nback > 0 || m->reserved_n > 0 || m->next < m->pool_n;
}

/* Wait until worker w may join (see mrun_join_wait). 0: no work left
 * (or the worker was retired). */
static int pool_join(struct mrun *m, int w)
{
	for (;;) {
		pthread_mutex_lock(&m->lock);
		int done = !pool_left(m) || m->retired[w];
		pthread_mutex_unlock(&m->lock);
		if (done)
			return 0;
		long long ms = mrun_join_wait(m, w);
		if (ms == 0)
			return 1;
		usleep((useconds_t)(ms < JOIN_POLL_MS ? ms : JOIN_POLL_MS) * 1000u);
	}
}

/* Under m->lock: the next item for w (reserved, handed back, new). 0: none. */
static int pool_take(struct mrun *m, int w, size_t *i)
{
	if (m->reserved[w] != SIZE_MAX) {
		*i = m->reserved[w];
		m->reserved[w] = SIZE_MAX;
		m->reserved_n--;
		return 1;
	}
	if (m->nback > 0)
		*i = m->back[--m->nback];
	else if (m->next < m->pool_n)
		*i = m->next++;
	else
		return 0;
	m->busy++;
	return 1;
}

int mrun_pool_reserve(struct mrun *m, int w, size_t *i)
{
	pthread_mutex_lock(&m->lock);
	int ok = m->reserved[w] == SIZE_MAX && m->nback == 0 && m->next < m->pool_n;
	if (ok) {
		*i = m->next++;
		m->busy++;
		m->reserved[w] = *i;
		m->reserved_n++;
	}
	pthread_mutex_unlock(&m->lock);
	return ok;
}

/* The next item for worker w (under m->lock). Worker 0 waits for the
 * others to finish theirs, which may come back. 0: none left. */
static int pool_next(struct mrun *m, int w, size_t *i)
{
	while (!pool_take(m, w, i)) {
		if (w != 0 || m->busy == 0)
			return 0;
		pthread_cond_wait(&m->cv, &m->lock);
	}
	return 1;
}

/* Worker w leaves: item i and any reserved one go to the others (under
 * m->lock; at most two per worker, see m->back). */
static void give_back(struct mrun *m, int w, size_t i)
{
	m->back[m->nback++] = i;
	size_t r = m->reserved[w];
	if (r == SIZE_MAX)
		return;
	m->reserved[w] = SIZE_MAX;
	m->reserved_n--;
	m->busy--;
	m->back[m->nback++] = r;
}

struct pool_arg {
	struct mrun *m;
	int w;
	mrun_item_fn fn;
};

static void *pool_worker(void *arg)
{
	struct pool_arg *a = arg;
	struct mrun *m = a->m;
	size_t i;
	if (!pool_join(m, a->w))
		return NULL;
	pthread_mutex_lock(&m->lock);
	while (pool_next(m, a->w, &i)) {
		pthread_mutex_unlock(&m->lock);
		int gave_back = a->fn(m, a->w, i);
		pthread_mutex_lock(&m->lock);
		m->busy--;
		if (gave_back)
			give_back(m, a->w, i);
		pthread_cond_broadcast(&m->cv);
		if (gave_back)
			break;
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

void mrun_pool(struct mrun *m, size_t n, mrun_item_fn fn)
{
	struct pool_arg args[MIRROR_PARALLEL_MAX];
	pthread_t th[MIRROR_PARALLEL_MAX];
	int nw = m->nconn < (int)n ? m->nconn : (int)n;
	char started[MIRROR_PARALLEL_MAX] = { 0 };
	m->pool_n = n;
	m->next = m->busy = m->nback = m->reserved_n = 0;
	for (int w = 0; w < MIRROR_PARALLEL_MAX; w++)
		m->reserved[w] = SIZE_MAX;
	m->phase_start = sys_now_ms();
	for (int w = 0; w < nw; w++)
		args[w] = (struct pool_arg){ .m = m, .w = w, .fn = fn };
	for (int w = 1; w < nw; w++)
		if (pthread_create(&th[w], NULL, pool_worker, &args[w]) == 0)
			started[w] = 1;
	if (nw > 0)
		pool_worker(&args[0]);
	for (int w = 1; w < nw; w++)
		if (started[w])
			pthread_join(th[w], NULL);
}
