/*
 * main.c - zcftp: options, the subcommand table, exit codes (zcftp(1)).
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

struct subcommand {
	const char *name;
	cmd_fn run;
	const char *usage;
};

static const struct subcommand subcommands[] = {
	{ "ls", cmd_ls, "ls URL" },
	{ "get", cmd_get, "get URL [LOCAL]" },
	{ "put", cmd_put, "put LOCAL URL" },
	{ "rm", cmd_rm, "rm URL..." },
	{ "mkdir", cmd_mkdir, "mkdir URL..." },
	{ "mv", cmd_mv, "mv URL NEWPATH" },
	{ "mirror", cmd_mirror, "mirror [options] SOURCE DEST" },
};

#define NSUB (sizeof subcommands / sizeof subcommands[0])

enum { OPT_NO_MTIME = 256, OPT_RETRIES, OPT_TIMEOUT, OPT_NO_PIPELINE, OPT_LIMIT_RATE,
       OPT_CACERT };

static const struct option long_opts[] = {
	{ "delete", no_argument, NULL, 'd' },
	{ "parallel", required_argument, NULL, 'P' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "include", required_argument, NULL, 'i' },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "checksum", no_argument, NULL, 'c' },
	{ "continue", no_argument, NULL, 'C' },
	{ "follow-symlinks", no_argument, NULL, 'L' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "no-mtime", no_argument, NULL, OPT_NO_MTIME },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "no-pipeline", no_argument, NULL, OPT_NO_PIPELINE },
	{ "limit-rate", required_argument, NULL, OPT_LIMIT_RATE },
	{ "insecure", no_argument, NULL, 'k' },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: zcftp COMMAND [options] ARGS\ncommands:\n");
	for (size_t i = 0; i < NSUB; i++)
		fprintf(f, "  zcftp %s\n", subcommands[i].usage);
	fprintf(f, "options: -d --delete, -P --parallel N, -x --exclude GLOB, -i --include GLOB,\n"
		"  -n --dry-run, -c --checksum, -C --continue, -L --follow-symlinks,\n"
		"  --no-mtime, -v --verbose, -q --quiet, --retries N, --timeout SECONDS,\n"
		"  --no-pipeline, --limit-rate BYTES[K|M|G], -k --insecure, --cacert FILE\nURL: ftp://[user[:password]@]host[:port]/path (ftps://, ftpes://)\n"
		"exit: 0 done, 1 some files failed, 2 usage, connection or login failure\n");
}

static int parse_int(const char *s, int min, int max, int *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* "100", "64K", "10M", "1G" (powers of 1024). */
static int parse_rate(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	int shift = 0;
	if (*end == 'K' || *end == 'k')
		shift = 10;
	else if (*end == 'M' || *end == 'm')
		shift = 20;
	else if (*end == 'G' || *end == 'g')
		shift = 30;
	if (end == s || s[0] == '-' || (shift && end[1]) || (!shift && *end) ||
	    v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

/* One option into *o. Returns 0, 1 (help/version printed), -1 (bad). */
static int take_opt(int c, const char *arg, struct mirror_opts *o)
{
	int secs;
	switch (c) {
	case 'd': o->delete = 1; return 0;
	case 'n': o->dry_run = 1; return 0;
	case 'c': o->checksum = 1; return 0;
	case 'C': o->cont = 1; return 0;
	case 'L': o->follow_symlinks = 1; return 0;
	case 'v': o->verbose = 1; return 0;
	case 'q': o->quiet = 1; return 0;
	case OPT_NO_MTIME: o->no_mtime = 1; return 0;
	case OPT_NO_PIPELINE: o->no_pipeline = 1; return 0;
	case 'k': o->insecure = 1; return 0;
	case OPT_CACERT: o->cacert = arg; return 0;
	case 'x': return mfilter_add(&o->filter, arg, 0) < 0 ? -1 : 0;
	case 'i': return mfilter_add(&o->filter, arg, 1) < 0 ? -1 : 0;
	case 'P': return parse_int(arg, 1, MIRROR_PARALLEL_MAX, &o->parallel);
	case OPT_LIMIT_RATE: return parse_rate(arg, &o->rate_limit);
	case OPT_RETRIES: return parse_int(arg, 0, 100, &o->retries);
	case OPT_TIMEOUT:
		if (parse_int(arg, 1, INT_MAX / 1000, &secs) < 0)
			return -1;
		o->timeout_ms = secs * 1000;
		return 0;
	case 'h': usage(stdout); return 1;
	case 'V': printf("zcftp %s\n", PACKAGE_VERSION); return 1;
	default: return -1;
	}
}

int cmd_mirror(int argc, char **argv, const struct mirror_opts *o)
{
	if (argc != 2) {
		fprintf(stderr, "usage: zcftp mirror [options] SOURCE DEST\n");
		return ZC_EXIT_FATAL;
	}
	return mirror_run(argv[0], argv[1], o);
}

#define SHORT_OPTS "dP:x:i:ncCLvqkhV"

/* An unknown option or one missing its value: name it without a value
 * (which could hold a URL and its password). Returns -1. */
static int bad_opt(const char *word)
{
	if (strncmp(word, "--", 2) != 0 && optopt > ' ' && optopt < 0x7f) {
		fprintf(stderr, "zcftp: unknown option or missing value: -%c\n", optopt);
		return -1;
	}
	size_t n = strcspn(word, "=@:");
	fprintf(stderr, "zcftp: unknown option or missing value: %.*s\n",
		(int)(n > 64 ? 64 : n), word);
	return -1;
}

/* Parse options of argv[0..argc) (argv[0] is skipped, as a program name);
 * `head` stops at the first non-option. 0, 1 (help shown) or -1. */
static int parse_opts(int argc, char **argv, int head, struct mirror_opts *o)
{
	int c, rc = 0;
	optind = 0;	/* glibc: full re-initialisation for this vector */
	opterr = 0;	/* getopt would echo "--opt=ftp://u:PASSWORD@..." */
	while (rc == 0 && (c = getopt_long(argc, argv, head ? "+" SHORT_OPTS : SHORT_OPTS,
					   long_opts, NULL)) != -1)
		rc = c == '?' ? bad_opt(argv[optind - 1]) : take_opt(c, optarg, o);
	return rc;
}

static const struct subcommand *find_sub(const char *name)
{
	for (size_t i = 0; i < NSUB; i++)
		if (strcmp(name, subcommands[i].name) == 0)
			return &subcommands[i];
	return NULL;
}

/* Name an unknown command without ever echoing a password: a URL is
 * shown through url_format(), anything else that might hold one not at
 * all. */
static void report_unknown(const char *arg)
{
	struct zc_url u;
	char shown[URL_PATH_MAX + 3 * URL_FIELD_MAX];
	if (url_parse(arg, &u) == 0) {
		url_format(&u, shown, sizeof shown);
		url_wipe(&u);
		fprintf(stderr, "zcftp: unknown command '%s' (the command goes before the URL)\n",
			shown);
	} else if (strchr(arg, '@') || strstr(arg, "://")) {
		fprintf(stderr, "zcftp: unknown command (a URL?); the command goes first\n");
	} else {
		fprintf(stderr, "zcftp: unknown command '%s'\n", arg);
	}
}

/* zcftp [options] COMMAND [options] ARGS: options go before or after the
 * command name; "--" ends them (for local names starting with '-'). */
int main(int argc, char **argv)
{
	struct mirror_opts o = { .parallel = 4, .retries = MIRROR_RETRIES_DEFAULT,
				 .timeout_ms = FTP_TIMEOUT_MS_DEFAULT };
	/* The engine's sendfile/splice cannot pass MSG_NOSIGNAL (transfer.h). */
	signal(SIGPIPE, SIG_IGN);
	int rc = parse_opts(argc, argv, 1, &o);
	int at = optind;
	const struct subcommand *sub = rc == 0 && at < argc ? find_sub(argv[at]) : NULL;
	if (rc == 0 && !sub) {
		if (at < argc)
			report_unknown(argv[at]);
		usage(stderr);
		rc = -1;
	}
	if (rc == 0)
		rc = parse_opts(argc - at, argv + at, 0, &o);
	if (rc < 0 && sub)
		fprintf(stderr, "usage: zcftp %s\n", sub->usage);
	if (rc == 0)
		rc = sub->run(argc - at - optind, argv + at + optind, &o);
	else
		rc = rc > 0 ? ZC_EXIT_OK : ZC_EXIT_FATAL;
	mfilter_free(&o.filter);
	return rc;
}
