/*
 * ftpcmds.c - the one-line commands of the client's control connection:
 * MKD/RMD/DELE-style path commands, MFMT (deferred when asked), HASH and
 * MLST. The connection itself is in ftpconn.c.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ftpconn.h"

int ftp_path_cmd(struct ftpconn *c, const char *verb, const char *path)
{
	return ftp_expect(ftp_cmd(c, "%s %s", verb, path), 2);
}

int ftp_mfmt(struct ftpconn *c, const char *path, time_t t, int defer)
{
	char ts[LISTING_TIME_LEN];
	int rc = listing_format_time(t, ts, sizeof ts);
	if (rc < 0)
		return rc;
	if (!defer)
		return ftp_expect(ftp_cmd(c, "MFMT %s %s", ts, path), 2);
	if (c->pending >= FTP_PENDING_MAX && (rc = ftp_flush(c)) < 0)
		return rc;
	char *tag = strdup(path);
	if (!tag)
		return -ENOMEM;
	rc = ftp_send(c, "MFMT %s %s", ts, path);
	if (rc == 0)
		return ftp_defer(c, tag);
	free(tag);
	return rc;
}

/* "213 SHA-256 0-1233 <hex> <path>": the hex is the third word. */
int ftp_hash(struct ftpconn *c, const char *path, char *hex, size_t n)
{
	int rc = ftp_expect(ftp_cmd(c, "HASH %s", path), 2);
	if (rc < 0)
		return rc;
	const char *t = ftp_text(c);
	for (int w = 0; w < 2; w++) {
		t = strchr(t, ' ');
		if (!t)
			return -EPROTO;
		t++;
	}
	size_t len = strcspn(t, " \n");
	if (len == 0 || len >= n)
		return -EPROTO;
	for (size_t i = 0; i < len; i++)
		hex[i] = (char)((t[i] >= 'A' && t[i] <= 'F') ? t[i] - 'A' + 'a' : t[i]);
	hex[len] = '\0';
	return 0;
}

int ftp_stat(struct ftpconn *c, const char *path, struct listing_entry *e,
	     char *name, size_t namesz)
{
	if (!(c->feat & FEAT_MLSD))
		return -ENOTSUP;
	int rc = ftp_expect(ftp_cmd(c, "MLST %s", path), 2);
	if (rc < 0)
		return rc;
	/* RFC 3659 7.2: the fact line is the second line, one leading space. */
	const char *t = ftp_text(c);
	const char *l = strchr(t, '\n');
	if (!l)
		return -EPROTO;
	l++;
	size_t len = strcspn(l, "\n");
	return ftp_parse_mlsx(l, len, e, name, namesz) < 0 ? -EPROTO : 0;
}

int ftp_parse_mlsx(const char *line, size_t len, struct listing_entry *e,
		   char *name, size_t namesz)
{
	int rc = listing_parse_mlsx(line, len, e, name, namesz);
	if (rc < 0)
		return rc;
	/* RFC 3659 7.1: every fact is optional; the parser leaves 0 (an
	 * empty file, 1970) for a missing or malformed one, which must not
	 * be trusted. */
	if (!(e->facts & MLSX_SIZE))
		e->size = FTP_SIZE_UNKNOWN;
	if (!(e->facts & MLSX_MODIFY))
		e->mtime = FTP_MTIME_UNKNOWN;
	return rc;
}
