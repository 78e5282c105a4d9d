/* main.c - zcftpd command line: options, configuration, start-up. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "buf.h"
#include "compat.h"
#include "conf/config.h"
#include "log.h"
#include "master.h"
#include "sockact.h"
#include "sys.h"
#include "vfs.h"

/* Command-line overrides, re-applied on every SIGHUP reload. */
static struct {
	const char *config;	/* -c; NULL: the default file if it exists */
	int foreground;
	const char *port;
	const char *root;
	const char *pidfile;
	const char *listen[ZC_MAX_LISTEN];
	int n_listen;
} O;

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: zcftpd [options]\n"
		"  -f, --foreground       stay in the foreground, log to stderr\n"
		"  -c, --config FILE      configuration file (default " ZC_DEFAULT_CONFIG ")\n"
		"  -t, --test-config      check the configuration, print effective values, exit\n"
		"  -p, --port N           control port (default 2121, or 21 as root)\n"
		"  -l, --listen ADDR      listen address (repeatable; default 0.0.0.0 and ::)\n"
		"  -r, --root DIR         anonymous root (default: current dir, or /srv/ftp as root)\n"
		"      --pidfile FILE     write the master's PID to FILE\n"
		"      --hash-password    read a password on stdin, print a crypt hash, exit\n"
		"  -h, --help             this help\n"
		"  -V, --version          print the version\n"
		"Exit status: 0 ok, 1 runtime error, 2 usage or configuration error.\n");
}

static int set_override(struct zc_config *c, const char *key, const char *val,
			char *err, size_t errsz)
{
	return val ? zc_config_set(c, key, val, err, errsz) : 0;
}

static int apply_listen(struct zc_config *c)
{
	if (O.n_listen == 0)
		return 0;
	for (int i = 0; i < c->n_listen; i++) {
		free(c->listen_addrs[i]);
		c->listen_addrs[i] = NULL;
	}
	c->n_listen = 0;
	for (int i = 0; i < O.n_listen; i++) {
		c->listen_addrs[i] = strdup(O.listen[i]);
		if (!c->listen_addrs[i])
			return -ENOMEM;
		c->n_listen++;
	}
	return 0;
}

/* The whole configuration pipeline: file (or defaults), overrides, auto values. */
static int load_all(struct zc_config *c, char *err, size_t errsz)
{
	const char *path = O.config;
	if (!path && access(ZC_DEFAULT_CONFIG, F_OK) == 0)
		path = ZC_DEFAULT_CONFIG;
	int rc = zc_config_load(c, path, err, errsz);
	if (rc < 0)
		return rc;
	if ((rc = set_override(c, "listen.port", O.port, err, errsz)) < 0
	    || (rc = set_override(c, "anonymous.root", O.root, err, errsz)) < 0
	    || (rc = set_override(c, "server.pidfile", O.pidfile, err, errsz)) < 0
	    || (rc = set_override(c, "server.foreground", O.foreground ? "true" : NULL, err, errsz)) < 0
	    || (rc = apply_listen(c)) < 0
	    || (rc = zc_config_finalize(c, (int)geteuid(), err, errsz)) < 0) {
		if (rc == -ENOMEM)
			snprintf(err, errsz, "out of memory");
		zc_config_free(c);
		return rc;
	}
	return 0;
}

/* -t and --hash-password print what a script may save to a file: one
 * that was not written (full disk) must not exit 0. */
static int flush_stdout(void)
{
	int werr = sys_stdout_written();
	if (werr < 0)
		fprintf(stderr, "zcftpd: cannot write standard output: %s\n", strerror(-werr));
	return werr < 0 ? 1 : 0;
}

static int hash_password(void)
{
	char line[1024];
	char out[512];
	if (!fgets(line, sizeof line, stdin)) {
		fprintf(stderr, "zcftpd: no password on standard input\n");
		return 2;
	}
	line[strcspn(line, "\r\n")] = '\0';
	int rc = auth_hash_password(line, NULL, out, sizeof out);
	explicit_bzero(line, sizeof line);
	if (rc < 0) {
		fprintf(stderr, "zcftpd: cannot hash password: %s\n", strerror(-rc));
		return 1;
	}
	printf("%s\n", out);
	return flush_stdout();
}

enum { OPT_HASH = 256, OPT_PIDFILE };

static const struct option long_opts[] = {
	{ "foreground", no_argument, NULL, 'f' },
	{ "config", required_argument, NULL, 'c' },
	{ "test-config", no_argument, NULL, 't' },
	{ "port", required_argument, NULL, 'p' },
	{ "listen", required_argument, NULL, 'l' },
	{ "root", required_argument, NULL, 'r' },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "hash-password", no_argument, NULL, OPT_HASH },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, int *test_only)
{
	int c;
	while ((c = getopt_long(argc, argv, "fc:tp:l:r:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f': O.foreground = 1; break;
		case 'c': O.config = optarg; break;
		case 't': *test_only = 1; break;
		case 'p': O.port = optarg; break;
		case 'r': O.root = optarg; break;
		case OPT_PIDFILE: O.pidfile = optarg; break;
		case 'l':
			if (O.n_listen == ZC_MAX_LISTEN) {
				fprintf(stderr, "zcftpd: at most %d -l options\n", ZC_MAX_LISTEN);
				return 2;
			}
			O.listen[O.n_listen++] = optarg;
			break;
		case OPT_HASH: return hash_password();
		case 'h': usage(stdout); return 0;
		case 'V': printf("zcftpd %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "zcftpd: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	return -1;
}

static int daemonize(void)
{
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0)
		_exit(0);
	if (setsid() < 0)
		return -errno;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (dup2(fd, STDIN_FILENO) < 0 || dup2(fd, STDOUT_FILENO) < 0 || dup2(fd, STDERR_FILENO) < 0)
		return -errno;
	if (fd > STDERR_FILENO)
		close(fd);
	return chdir("/") < 0 ? -errno : 0;
}

static int write_pidfile(const char *path)
{
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%d\n", (int)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -errno;
	ssize_t w = write(fd, buf, (size_t)n);
	int err = w == n ? 0 : -errno;
	if (close(fd) < 0 && !err)
		err = -errno;
	return err;
}

int main(int argc, char **argv)
{
	int test_only = 0;
	int rc = parse_args(argc, argv, &test_only);
	if (rc >= 0)
		return rc;
	struct zc_config cfg;
	char err[512];
	if (load_all(&cfg, err, sizeof err) < 0) {
		fprintf(stderr, "zcftpd: %s\n", err);
		return 2;
	}
	if (test_only) {
		zc_config_print(&cfg, stdout);
		zc_config_free(&cfg);
		return flush_stdout();
	}
	int inetd = sockact_inetd();
	/* Under inetd stderr is the client's socket: log to syslog then. */
	if (log_setup("zcftpd", cfg.syslog || inetd, cfg.syslog_facility, cfg.log_level) < 0 && !inetd)
		fprintf(stderr, "zcftpd: unknown syslog facility, logging to stderr\n");
	if (vfs_supported() < 0)
		fatal("this kernel lacks openat2(2) (Linux 5.6+), which zcftpd needs to confine paths");
	if (geteuid() == 0 && !cfg.privsep)
		log_warn("running as root without privilege separation: unauthenticated clients talk to a root process (sessions still drop to their user at login)");
	if (inetd)
		return master_run_inetd(&cfg);
	if (!cfg.foreground && (rc = daemonize()) < 0)
		fatal("cannot daemonize: %s", strerror(-rc));
	if (cfg.pidfile && (rc = write_pidfile(cfg.pidfile)) < 0)
		fatal("cannot write pidfile %s: %s", cfg.pidfile, strerror(-rc));
	return master_run(&cfg, load_all);
}
