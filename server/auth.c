/* auth.c - anonymous and virtual-user authentication (see auth.h). */
#include "config.h"

#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "accounts.h"
#include "auth.h"
#include "buf.h"
#include "compat.h"
#include "log.h"
#include "sha512crypt.h"

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

/* Constant-time check of pass against a crypt hash. sha512-crypt goes
 * through our OpenSSL-based implementation (sha512crypt.h explains why),
 * every other method through libcrypt. */
int auth_verify_hash(const char *pass, const char *hash)
{
	static struct crypt_data cd;	/* ~32 KiB: not on the stack */
	char fast[SHA512CRYPT_MAX];
	const char *out = NULL;
	int used_cd = 0;
	if (strncmp(hash, "$6$", 3) == 0 && sha512crypt(pass, hash, fast, sizeof fast) == 0) {
		out = fast;
	} else {
		memset(&cd, 0, sizeof cd);
		out = crypt_rn(pass, hash, &cd, sizeof cd);
		used_cd = 1;
	}
	int ok = out && out[0] != '*' && strlen(out) == strlen(hash)
		&& CRYPTO_memcmp(out, hash, strlen(hash)) == 0;
	/* Wiping an untouched 32 KiB would only fault its pages in. */
	if (used_cd)
		explicit_bzero(&cd, sizeof cd);
	explicit_bzero(fast, sizeof fast);
	return ok;
}

enum lookup { FOUND_OK, FOUND_BAD, NOT_FOUND };

/* Look name up in the virtual-users file. dummy receives the file's first
 * hash so the caller can spend the same crypt work on unknown names. */
static enum lookup lookup_virtual(FILE *f, const char *name, const char *pass,
				  struct auth_user *out, char *dummy, size_t dummysz)
{
	char line[AUTH_LINE_MAX];
	enum lookup res = NOT_FOUND;
	while (res == NOT_FOUND && fgets(line, sizeof line, f)) {
		char *n, *h, *home;
		if (split_user_line(line, &n, &h, &home) < 0)
			continue;
		if (!dummy[0])
			zc_strlcpy(dummy, h, dummysz);
		if (strcmp(n, name) != 0)
			continue;
		res = auth_verify_hash(pass, h) ? FOUND_OK : FOUND_BAD;
		if (res == FOUND_OK && zc_strlcpy(out->root, home, sizeof out->root) < 0)
			res = FOUND_BAD;
	}
	explicit_bzero(line, sizeof line);
	return res;
}

static int check_anonymous(const struct zc_config *cfg, struct auth_user *out)
{
	if (!cfg->anon_enable)
		return -EACCES;
	out->kind = AUTH_ANONYMOUS;
	out->anonymous = 1;
	out->writable = cfg->anon_upload;
	out->can_mkdir = cfg->anon_mkdir;
	zc_strlcpy(out->account, cfg->anon_user, sizeof out->account);
	return zc_strlcpy(out->root, cfg->anon_root, sizeof out->root) < 0 ? -ENAMETOOLONG : 0;
}

static enum lookup check_virtual(const struct zc_config *cfg, const char *name,
				 const char *pass, struct auth_user *out, char *dummy, size_t dsz)
{
	if (!cfg->users_file)
		return NOT_FOUND;
	FILE *f = fopen(cfg->users_file, "re");
	if (!f) {
		log_err_errno("cannot read users file %s", cfg->users_file);
		return NOT_FOUND;
	}
	enum lookup res = lookup_virtual(f, name, pass, out, dummy, dsz);
	fclose(f);
	out->kind = AUTH_VIRTUAL;
	out->writable = cfg->users_writable;
	zc_strlcpy(out->account, cfg->virtual_account, sizeof out->account);
	return res;
}

int auth_check(const struct zc_config *cfg, const char *name, const char *pass,
	       struct auth_user *out)
{
	char dummy[256] = "";
	memset(out, 0, sizeof *out);
	int rc = auth_is_anonymous_name(name) ? check_anonymous(cfg, out) : -EACCES;
	if (!out->anonymous) {
		enum lookup res = check_virtual(cfg, name, pass, out, dummy, sizeof dummy);
		if (res == NOT_FOUND && geteuid() == 0 && cfg->local_enable)
			return local_user_check(cfg, name, pass, out);
		/* An unknown name costs one crypt, like a known one. */
		if (res == NOT_FOUND && dummy[0])
			(void)auth_verify_hash(pass, dummy);
		rc = res == FOUND_OK ? 0 : -EACCES;
	}
	if (rc == 0 && auth_apply_user_options(cfg, name, out) < 0)
		rc = -EACCES;
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
