/*
 * config.h - the zcftpd configuration as one typed, read-only struct.
 *
 * conf/ is the only place that knows libconfuse: it declares the option
 * tables, parses a file into this struct, validates every value with a
 * "file:line: section: option: message" diagnostic, and prints the effective
 * configuration back in the file's own syntax (zcftpd -t). The rest of the
 * server reads the struct and never sees a cfg_t.
 *
 * Life cycle:  zc_config_load() (or zc_config_defaults())
 *              -> optional overrides with zc_config_set()
 *              -> zc_config_finalize(euid)  (resolves "auto" values)
 *              -> read-only use -> zc_config_free().
 * Until finalize, "auto" fields hold ZC_AUTO (booleans), 0 (ports) or NULL
 * (anon_root); after a successful finalize no field is "auto".
 */
#ifndef ZC_CONF_CONFIG_H
#define ZC_CONF_CONFIG_H

#include <stddef.h>
#include <stdio.h>

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
/* Default config file; SYSCONFDIR comes from Makefile.am's AM_CPPFLAGS. */
#define ZC_DEFAULT_CONFIG SYSCONFDIR "/zcftpd/zcftpd.conf"

#define ZC_MAX_LISTEN 16
/* Value of a boolean field that zc_config_finalize() has yet to resolve. */
#define ZC_AUTO (-1)
#define ZC_ROOT_RUN_DIR "/run/zcftpd"
/* A config file larger than this is refused (it is a typo, not a config). */
#define ZC_CONFIG_MAX_BYTES (1024 * 1024)

struct zc_config {
	/* listen */
	char *listen_addrs[ZC_MAX_LISTEN]; int n_listen;  /* numeric addresses; default "0.0.0.0" and "::" */
	int port;                    /* 0 = auto: 21 when euid == 0 else 2121 (finalize) */
	/* server */
	int foreground;              /* bool; ZC_AUTO = 1 when not root, 0 when root (finalize) */
	char *pidfile;               /* absolute path or NULL (none, the default) */
	char *banner;                /* 220 greeting text, no control characters; default "zcftpd ready" */
	/* anonymous */
	int anon_enable;             /* default 1 */
	char *anon_root;             /* NULL = auto: "/srv/ftp" as root, else getcwd() (finalize) */
	int anon_upload;             /* default 0 (read-only) */
	int anon_mkdir;              /* default 0 */
	char *anon_user;             /* system account for anonymous when root, default "ftp" */
	/* users */
	char *users_file;            /* virtual users "name:crypt-hash:home", absolute path or NULL */
	int users_writable;          /* default 1: virtual users may upload/delete/rename */
	int local_umask;             /* default 022; 0..0777 (written as an octal string in the file) */
	/* passive */
	int pasv_min_port, pasv_max_port;   /* 0,0 = kernel-chosen; else 1024..65535 and min <= max */
	char *pasv_address;          /* IPv4 advertised in 227 replies; NULL = control connection's local address */
	int port_enable;             /* allow PORT/EPRT (section "active"), default 1 */
	/* limits */
	int max_clients;             /* default 200 */
	int max_per_ip;              /* default 20 */
	int idle_timeout;            /* seconds, default 300 */
	int data_timeout;            /* seconds without progress on a data connection, default 120 */
	int login_timeout;           /* seconds to complete login, default 60 */
	int accept_timeout;          /* seconds to wait for a data connection, default 60 */
	int login_fail_delay_ms;     /* default 1000 */
	int max_login_failures;      /* disconnect after N, default 3 */
	/* transfer */
	int pipe_size;               /* splice pipe size in bytes, default 1048576; 4096..67108864 */
	int atomic_uploads;          /* default 0 */
	/* log */
	char *xferlog;               /* transfer log path; NULL = main log; "-" = stderr */
	int syslog;                  /* bool; ZC_AUTO = 0 when foreground else 1 (finalize) */
	char *syslog_facility;       /* default "ftp"; see zc_config_syslog_facility() */
	int log_level;               /* 0 error .. 3 debug, default 2 (info) */
	/* privilege separation (used when started as root) */
	int privsep;                 /* default 1 */
	char *privsep_user;          /* unprivileged account of the pre-login process, default "zcftpd" */
	char *run_dir;               /* runtime directory (empty jail, session slots); NULL = auto:
	                                "/run/zcftpd" as root, else none */
	/* system (local) users, root only */
	int local_enable;            /* default 1 */
	int check_shell;             /* refuse users whose shell is not in /etc/shells, default 1 */
	char *users_allow;           /* comma-separated names; NULL = everybody not denied */
	char *users_deny;            /* comma-separated names, default "root" */
	char *local_root;            /* root for local users; NULL = their home directory */
	char *virtual_account;       /* system account virtual users run as, default "ftp" */
	char *user_options;          /* per-user options file, NULL = none */
	int max_sessions_per_user;   /* 0 = unlimited */
	int max_login_pending;       /* connections not yet logged in, default 32 */
	/* files */
	char *files_deny;            /* comma-separated fnmatch patterns refused for any access */
	char *files_hide;            /* comma-separated patterns left out of listings */
	/* tls (FTPS, RFC 4217) */
	int tls_enable;              /* offer AUTH TLS (explicit FTPS), default 0 */
	int tls_implicit;            /* also listen for implicit FTPS, default 0 */
	int tls_implicit_port;       /* 0 = auto: 990 when euid == 0 else 9990 (finalize) */
	char *tls_cert;              /* PEM leaf + chain, absolute; required when TLS is on */
	char *tls_key;               /* PEM key, absolute; NULL = in tls_cert */
	char *tls_ciphers;           /* TLS 1.2 list (OpenSSL syntax); NULL = built-in AEAD list */
	char *tls_ciphersuites;      /* TLS 1.3 list; NULL = built-in */
	char *tls_min_version;       /* "1.2" (default) or "1.3" */
	int tls_ktls;                /* use kernel TLS when the kernel has it, default 1 */
	char *tls_require_login;     /* TLS before USER: "none" (default), "non-anonymous", "all";
	                                see zc_config_tls_require() */
	char *tls_require_data;      /* same values: PROT P required for data connections */
	int tls_require_reuse;       /* data connections must resume the control session, default 1 */
	int tls_ccc;                 /* allow CCC (clear control channel), default 0 */
	/* operator features */
	char *pasv_address_map;      /* "10.0.0.0/8=10.0.0.5, 0.0.0.0/0=203.0.113.7": PASV address per
	                                client network (first match), NULL = none */
	int proxy_protocol;          /* expect a PROXY protocol v2 header on the control port, default 0 */
	char *proxy_from;            /* comma-separated addresses/networks allowed to send it */
	int anon_rate_down, anon_rate_up;   /* bytes/s for anonymous users, 0 = unlimited */
	int user_rate_down, user_rate_up;   /* bytes/s for other users, 0 = unlimited */
	char *json_log;              /* JSON-lines transfer log path, NULL = none */
	char *source;                /* file the config came from, or NULL for built-in defaults */
};

/*
 * All functions that take err/errsz write ONE human-readable line (no
 * trailing newline) into err on failure, e.g.
 *   "/etc/zcftpd/zcftpd.conf:12: limits: max_per_ip: must be between 1 and 10000"
 * err may be NULL when errsz is 0. They return 0, -EINVAL (bad value or
 * syntax), -ENOMEM, or the -errno of opening/reading the file.
 */

/* Fill c with the compiled-in defaults (no file). c need not be initialised
 * and is overwritten. Returns 0 or -ENOMEM (then c holds nothing). */
int zc_config_defaults(struct zc_config *c);
/* Defaults, then the settings of the file at path (NULL = defaults only).
 * c is overwritten; on error it holds nothing (zc_config_free is a no-op). */
int zc_config_load(struct zc_config *c, const char *path, char *err, size_t errsz);
/* Set one option from text, as a command-line override would:
 * key is "section.option" (e.g. "listen.port", "passive.min_port"), value is
 * the text as written in the file without quotes. Validated like the file;
 * an empty value sets an optional path back to "none". On error c is
 * unchanged. Call before zc_config_finalize(). */
int zc_config_set(struct zc_config *c, const char *key, const char *value,
		  char *err, size_t errsz);
/* Resolve automatic values (port, anon_root, foreground, syslog) for euid
 * and check the rules that span several options (passive port range).
 * Same error contract; the message names c->source when there is one. */
int zc_config_finalize(struct zc_config *c, int euid, char *err, size_t errsz);
/* Print the effective configuration, in the config file's own syntax, to f.
 * Values still "auto" or "none" are printed as comments, so the output loads
 * back to the same struct (zcftpd -t). */
void zc_config_print(const struct zc_config *c, FILE *f);
/* 1 if every option of a and b is equal (source is ignored), else 0.
 * Lets a SIGHUP reload tell whether e.g. the listeners changed. */
int zc_config_equal(const struct zc_config *a, const struct zc_config *b);
/* Map a syslog facility name ("ftp", "daemon", "local0".."local7", ...) to
 * its LOG_* value, or -EINVAL. */
int zc_config_syslog_facility(const char *name);
/* tls.require_login / tls.require_data values. */
enum zc_tls_require {
	ZC_TLS_REQUIRE_NONE = 0,	/* "none": TLS optional */
	ZC_TLS_REQUIRE_NON_ANON = 1,	/* "non-anonymous": all but anonymous */
	ZC_TLS_REQUIRE_ALL = 2,		/* "all": everybody */
};
/* Map "none"/"non-anonymous"/"all" to enum zc_tls_require, or -EINVAL. */
int zc_config_tls_require(const char *name);
/* Free strings owned by c and zero it. Safe on a zeroed or freed struct. */
void zc_config_free(struct zc_config *c);

#endif
