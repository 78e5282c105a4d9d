/* namelist.c - comma-separated name lists and pattern lists (see namelist.h). */
#include "config.h"

#include <fnmatch.h>
#include <string.h>

#include "namelist.h"

/* Copy the next item of *list into item (trimmed), advance *list.
 * Returns 0 at the end of the list, 1 with an item (possibly too long: ""). */
static int next_item(const char **list, char *item)
{
	const char *p = *list;
	while (*p == ' ' || *p == '\t' || *p == ',')
		p++;
	if (!*p)
		return 0;
	const char *end = strchr(p, ',');
	if (!end)
		end = p + strlen(p);
	*list = end;
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t n = (size_t)(end - p);
	if (n > NAMELIST_ITEM_MAX)
		n = 0;
	memcpy(item, p, n);
	item[n] = '\0';
	return 1;
}

int namelist_has(const char *list, const char *name)
{
	char item[NAMELIST_ITEM_MAX + 1];
	while (list && next_item(&list, item))
		if (item[0] && strcmp(item, name) == 0)
			return 1;
	return 0;
}

int namelist_match(const char *patterns, const char *name)
{
	char item[NAMELIST_ITEM_MAX + 1];
	while (patterns && next_item(&patterns, item))
		if (item[0] && fnmatch(item, name, FNM_PERIOD) == 0)
			return 1;
	return 0;
}

int namelist_match_path(const char *patterns, const char *vpath)
{
	char comp[NAMELIST_ITEM_MAX + 1];
	if (!patterns || !*patterns)
		return 0;
	const char *p = vpath;
	while (*p) {
		while (*p == '/')
			p++;
		size_t n = strcspn(p, "/");
		if (n == 0)
			break;
		/* NAME_MAX is 255 on Linux, so no real component is cut here. */
		size_t c = n > NAMELIST_ITEM_MAX ? NAMELIST_ITEM_MAX : n;
		memcpy(comp, p, c);
		comp[c] = '\0';
		if (namelist_match(patterns, comp))
			return 1;
		p += n;
	}
	return 0;
}
