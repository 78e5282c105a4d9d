/* peertab.c - per-slot client addresses shared by master and sessions
 * (see peertab.h). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "address.h"
#include "peertab.h"

struct peer_entry {
	uint32_t published;	/* atomic: 1 while addr is valid */
	union {
		struct sockaddr sa;
		struct sockaddr_in in;
		struct sockaddr_in6 in6;
	} addr;
};

static struct peer_entry *tab;
static size_t tab_n;

int peertab_init(size_t n)
{
	void *p = mmap(NULL, n * sizeof *tab, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	tab = p;
	tab_n = n;
	return 0;
}

void peertab_forget(void)
{
	if (tab)
		munmap(tab, tab_n * sizeof *tab);
	tab = NULL;
	tab_n = 0;
}

void peertab_set(size_t i, const struct sockaddr *sa)
{
	size_t len = sa->sa_family == AF_INET ? sizeof(struct sockaddr_in)
		: sa->sa_family == AF_INET6 ? sizeof(struct sockaddr_in6) : 0;
	if (!tab || i >= tab_n || len == 0)
		return;
	/* Unpublished first: a reader never sees a half-written address. */
	__atomic_store_n(&tab[i].published, 0, __ATOMIC_SEQ_CST);
	memcpy(&tab[i].addr, sa, len);
	__atomic_store_n(&tab[i].published, 1, __ATOMIC_SEQ_CST);
}

void peertab_clear(size_t i)
{
	if (tab && i < tab_n)
		__atomic_store_n(&tab[i].published, 0, __ATOMIC_SEQ_CST);
}

int peertab_same(size_t i, const struct sockaddr *sa)
{
	if (!tab || i >= tab_n || !__atomic_load_n(&tab[i].published, __ATOMIC_SEQ_CST))
		return 0;
	return addr_same_host(&tab[i].addr.sa, sa);
}

int peertab_get(size_t i, struct sockaddr_storage *out)
{
	if (!tab || i >= tab_n || !__atomic_load_n(&tab[i].published, __ATOMIC_SEQ_CST))
		return -ENOENT;
	/* Published: complete, and not rewritten while published. */
	memset(out, 0, sizeof *out);
	memcpy(out, &tab[i].addr, sizeof tab[i].addr);
	return 0;
}
