/* netrc.c - ~/.netrc parsing and the credential chain (see netrc.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "buf.h"
#include "compat.h"
#include "netrc.h"
#include "sys.h"

/* A tokenizer over the netrc text; tokens are copied into tok. */
struct ntok {
	const char *p, *end;
	char tok[URL_FIELD_MAX];
};

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',';
}

/* Next token into t->tok. Returns 1, 0 at the end, -E2BIG if too long. */
static int next_token(struct ntok *t)
{
	while (t->p < t->end && is_blank(*t->p))
		t->p++;
	if (t->p >= t->end)
		return 0;
	int quoted = *t->p == '"';
	size_t o = 0;
	if (quoted)
		t->p++;
	while (t->p < t->end) {
		char c = *t->p;
		if (quoted ? c == '"' : is_blank(c))
			break;
		if (c == '\\' && t->p + 1 < t->end)
			c = *++t->p;
		if (o + 1 >= sizeof t->tok)
			return -E2BIG;
		t->tok[o++] = c;
		t->p++;
	}
	if (quoted && t->p < t->end)
		t->p++;
	t->tok[o] = '\0';
	return 1;
}

/* macdef bodies run to the next empty line. */
static void skip_macdef(struct ntok *t)
{
	while (t->p < t->end) {
		const char *nl = memchr(t->p, '\n', (size_t)(t->end - t->p));
		if (!nl) {
			t->p = t->end;
			return;
		}
		t->p = nl + 1;
		if (t->p < t->end && (*t->p == '\n' || *t->p == '\r'))
			return;
	}
}

/* Value of a keyword that needs one; copies it into dst. */
static int take_value(struct ntok *t, char *dst, size_t n, int *has)
{
	if (next_token(t) != 1)
		return -EINVAL;
	zc_strlcpy(dst, t->tok, n);
	*has = 1;
	return 0;
}

enum { E_NONE, E_MATCH, E_OTHER, E_DEFAULT };

static int entry_ok(const struct netrc_cred *c, const char *user)
{
	return !user || !c->has_login || strcmp(c->login, user) == 0;
}

int netrc_parse(const char *text, size_t len, const char *host,
		const char *user, struct netrc_cred *out)
{
	struct ntok t = { .p = text, .end = text + len };
	struct netrc_cred cur, def;
	int state = E_NONE, have_def = 0, rc, found = 0;
	memset(&cur, 0, sizeof cur);
	memset(&def, 0, sizeof def);
	while (!found && (rc = next_token(&t)) == 1) {
		if (strcmp(t.tok, "machine") == 0 || strcmp(t.tok, "default") == 0) {
			if (state == E_MATCH && entry_ok(&cur, user))
				found = 1;
			else if (state == E_DEFAULT && entry_ok(&cur, user) && !have_def) {
				def = cur;
				have_def = 1;
			}
			if (found)
				break;
			memset(&cur, 0, sizeof cur);
			state = E_DEFAULT;
			if (t.tok[0] == 'm') {
				if (next_token(&t) != 1)
					goto bad;
				state = strcasecmp(t.tok, host) == 0 ? E_MATCH : E_OTHER;
			}
		} else if (strcmp(t.tok, "login") == 0) {
			if (take_value(&t, cur.login, sizeof cur.login, &cur.has_login) < 0)
				goto bad;
		} else if (strcmp(t.tok, "password") == 0 || strcmp(t.tok, "passwd") == 0) {
			if (take_value(&t, cur.password, sizeof cur.password, &cur.has_password) < 0)
				goto bad;
		} else if (strcmp(t.tok, "account") == 0) {
			if (next_token(&t) != 1)
				goto bad;
		} else if (strcmp(t.tok, "macdef") == 0) {
			if (next_token(&t) != 1)
				goto bad;
			skip_macdef(&t);
		}
	}
	if (rc < 0)
		goto bad;
	if (!found && state == E_MATCH && entry_ok(&cur, user))
		found = 1;
	if (!found && state == E_DEFAULT && entry_ok(&cur, user) && !have_def) {
		def = cur;
		have_def = 1;
	}
	if (found)
		*out = cur;
	else if (have_def)
		*out = def;
	explicit_bzero(&cur, sizeof cur);
	explicit_bzero(&def, sizeof def);
	explicit_bzero(t.tok, sizeof t.tok);
	return found || have_def ? 0 : -ENOENT;
bad:
	explicit_bzero(&cur, sizeof cur);
	explicit_bzero(&def, sizeof def);
	explicit_bzero(t.tok, sizeof t.tok);
	memset(out, 0, sizeof *out);
	return -EINVAL;
}

static int read_small_file(int fd, struct zbuf *b)
{
	char chunk[4096];
	for (;;) {
		ssize_t n = sys_read(fd, chunk, sizeof chunk);
		if (n < 0)
			return (int)n;
		if (n == 0)
			return 0;
		if (zbuf_append(b, chunk, (size_t)n) < 0) {
			explicit_bzero(chunk, sizeof chunk);
			return -EFBIG;
		}
		explicit_bzero(chunk, sizeof chunk);
	}
}

int netrc_lookup(const char *path, const char *host, const char *user,
		 struct netrc_cred *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	struct stat st;
	struct zbuf b;
	zbuf_init(&b, NETRC_FILE_MAX);
	int rc = fstat(fd, &st) < 0 ? -errno : read_small_file(fd, &b);
	sys_close(fd);
	if (rc == 0)
		rc = netrc_parse(b.p ? b.p : "", b.len, host, user, out);
	if (rc == 0 && out->has_password && (st.st_mode & 077)) {
		fprintf(stderr, "zcftp: %s holds a password but others can read it; "
			"ignored (chmod 600 it)\n", path);
		explicit_bzero(out, sizeof *out);
		rc = -EPERM;
	}
	if (b.p)
		explicit_bzero(b.p, b.cap);
	zbuf_free(&b);
	return rc;
}

int creds_prompt(const char *prompt, char *buf, size_t n)
{
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -ENOTTY;
	struct termios old, quiet;
	int have_tc = tcgetattr(fd, &old) == 0;
	if (have_tc) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		(void)tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	int rc = sys_write_all(fd, prompt, strlen(prompt));
	size_t o = 0;
	while (rc == 0) {
		char c;
		ssize_t r = sys_read(fd, &c, 1);
		if (r <= 0 || c == '\n' || c == '\r') {
			rc = r < 0 ? (int)r : 0;
			break;
		}
		if (o + 1 >= n) {
			rc = -E2BIG;
			break;
		}
		buf[o++] = c;
	}
	buf[o < n ? o : 0] = '\0';
	if (have_tc)
		(void)tcsetattr(fd, TCSAFLUSH, &old);
	(void)sys_write_all(fd, "\n", 1);
	sys_close(fd);
	return rc;
}

static void from_netrc(struct zc_url *u)
{
	const char *home = getenv("HOME");
	char path[URL_PATH_MAX];
	struct netrc_cred c;
	if (!home || snprintf(path, sizeof path, "%s/.netrc", home) >= (int)sizeof path)
		return;
	if (netrc_lookup(path, u->host, u->has_user ? u->user : NULL, &c) < 0)
		return;
	if (!u->has_user && c.has_login) {
		zc_strlcpy(u->user, c.login, sizeof u->user);
		u->has_user = 1;
	}
	if (!u->has_pass && c.has_password && u->has_user) {
		zc_strlcpy(u->pass, c.password, sizeof u->pass);
		u->has_pass = 1;
	}
	explicit_bzero(&c, sizeof c);
}

int creds_resolve(struct zc_url *u, int interactive)
{
	if (u->has_user && u->has_pass)
		return 0;
	from_netrc(u);
	const char *env = getenv(NETRC_ENV_PASSWORD);
	if (!u->has_pass && u->has_user && env) {
		zc_strlcpy(u->pass, env, sizeof u->pass);
		u->has_pass = 1;
	}
	if (!u->has_pass && u->has_user && interactive && isatty(STDIN_FILENO)) {
		char prompt[2 * URL_FIELD_MAX + 32];
		snprintf(prompt, sizeof prompt, "Password for %s@%s: ", u->user, u->host);
		if (creds_prompt(prompt, u->pass, sizeof u->pass) == 0)
			u->has_pass = 1;
	}
	if (!u->has_pass && u->has_user && (strcmp(u->user, NETRC_ANON_USER) == 0 ||
					     strcmp(u->user, "ftp") == 0)) {
		zc_strlcpy(u->pass, NETRC_ANON_PASS, sizeof u->pass);
		u->has_pass = 1;
	}
	if (!u->has_user) {
		zc_strlcpy(u->user, NETRC_ANON_USER, sizeof u->user);
		zc_strlcpy(u->pass, NETRC_ANON_PASS, sizeof u->pass);
		u->has_user = u->has_pass = 1;
	}
	return u->has_pass ? 0 : -EACCES;
}
