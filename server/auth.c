/* auth.c - anonymous and virtual-user authentication (see auth.h). */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "auth.h"
#include "buf.h"
#include "compat.h"
#include "log.h"

int auth_is_anonymous_name(const char *name)
{
	return strcmp(name, "anonymous") == 0 || strcmp(name, "ftp") == 0;
}

/* Split "name:hash:home" in place. Returns 0 or -EINVAL. */
static int split_user_line(char *line, char **name, char **hash, char **home)
{
	line[strcspn(line, "\r\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return -EINVAL;
	char *c1 = strchr(line, ':');
	char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || c2[1] != '/')
		return -EINVAL;
	*c1 = *c2 = '\0';
	*name = line;
	*hash = c1 + 1;
	*home = c2 + 1;
	return 0;
}

/* Constant-time check of pass against a crypt hash. */
static int verify_hash(const char *pass, const char *hash)
{
	static struct crypt_data cd;	/* ~32 KiB: not on the stack */
	memset(&cd, 0, sizeof cd);
	const char *out = crypt_rn(pass, hash, &cd, sizeof cd);
	int ok = out && out[0] != '*' && strlen(out) == strlen(hash)
		&& CRYPTO_memcmp(out, hash, strlen(hash)) == 0;
	explicit_bzero(&cd, sizeof cd);
	return ok;
}

/* A user we don't know still costs one crypt with a real setting (the
 * first hash of the file), so unknown and known names take equal time. */
static int lookup_virtual(FILE *f, const char *name, const char *pass, struct auth_user *out)
{
	char line[AUTH_LINE_MAX];
	char dummy[256] = "";
	int found = 0, ok = 0;
	while (!found && fgets(line, sizeof line, f)) {
		char *n, *h, *home;
		if (split_user_line(line, &n, &h, &home) < 0)
			continue;
		if (!dummy[0])
			zc_strlcpy(dummy, h, sizeof dummy);
		if (strcmp(n, name) != 0)
			continue;
		found = 1;
		ok = verify_hash(pass, h);
		if (ok && zc_strlcpy(out->root, home, sizeof out->root) < 0)
			ok = 0;
	}
	if (!found && dummy[0])
		(void)verify_hash(pass, dummy);
	explicit_bzero(line, sizeof line);
	return ok ? 0 : -EACCES;
}

int auth_check(const struct zc_config *cfg, const char *name, const char *pass,
	       struct auth_user *out)
{
	memset(out, 0, sizeof *out);
	if (auth_is_anonymous_name(name)) {
		if (!cfg->anon_enable)
			return -EACCES;
		out->anonymous = 1;
		out->writable = cfg->anon_upload;
		out->can_mkdir = cfg->anon_mkdir;
		return zc_strlcpy(out->root, cfg->anon_root, sizeof out->root) < 0 ? -ENAMETOOLONG : 0;
	}
	if (!cfg->users_file)
		return -EACCES;
	FILE *f = fopen(cfg->users_file, "re");
	if (!f) {
		int err = -errno;
		log_err_errno("cannot read users file %s", cfg->users_file);
		return err;
	}
	int rc = lookup_virtual(f, name, pass, out);
	fclose(f);
	out->writable = cfg->users_writable;
	return rc;
}

int auth_hash_password(const char *pass, const char *prefix, char *out, size_t outsz)
{
	char setting[CRYPT_GENSALT_OUTPUT_SIZE];
	if (!crypt_gensalt_rn(prefix, 0, NULL, 0, setting, sizeof setting))
		return errno ? -errno : -EINVAL;
	struct crypt_data *cd = calloc(1, sizeof *cd);
	if (!cd)
		return -ENOMEM;
	const char *h = crypt_rn(pass, setting, cd, sizeof *cd);
	int rc = (!h || h[0] == '*') ? -EINVAL : zc_strlcpy(out, h, outsz);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return rc;
}
