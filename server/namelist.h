/*
 * namelist.h - comma-separated lists from the configuration: user names
 * ("root, daemon") and file-name patterns (".htaccess, *.php").
 * Pure functions; the list strings are never modified.
 */
#ifndef ZC_NAMELIST_H
#define ZC_NAMELIST_H

/* Longest single item of a list; longer items never match. */
#define NAMELIST_ITEM_MAX 255

/* 1 if name equals one item of list (items trimmed of blanks), else 0.
 * A NULL or empty list contains nothing. */
int namelist_has(const char *list, const char *name);
/* 1 if name matches one fnmatch(3) pattern of list, else 0. */
int namelist_match(const char *patterns, const char *name);
/* 1 if any component of the absolute virtual path vpath matches. */
int namelist_match_path(const char *patterns, const char *vpath);

#endif
