/*
 * cmd.h - the zcftp subcommands (one file per family, registered in the
 * table of main.c) and the one-connection session they share.
 * Every command returns the process exit code: 0 done, 1 some operation
 * failed, 2 usage, connection or login failure.
 */
#ifndef ZC_CLIENT_CMD_H
#define ZC_CLIENT_CMD_H

#include "ftpconn.h"
#include "mirror.h"
#include "url.h"

enum { ZC_EXIT_OK = 0, ZC_EXIT_FAILED = 1, ZC_EXIT_FATAL = 2 };

/* Positional arguments after the subcommand; options already parsed. */
typedef int (*cmd_fn)(int argc, char **argv, const struct mirror_opts *o);

int cmd_ls(int argc, char **argv, const struct mirror_opts *o);
int cmd_get(int argc, char **argv, const struct mirror_opts *o);
int cmd_put(int argc, char **argv, const struct mirror_opts *o);
int cmd_rm(int argc, char **argv, const struct mirror_opts *o);
int cmd_mkdir(int argc, char **argv, const struct mirror_opts *o);
int cmd_mv(int argc, char **argv, const struct mirror_opts *o);
int cmd_mirror(int argc, char **argv, const struct mirror_opts *o);

/* One logged-in control connection for the simple commands. */
struct zc_session {
	struct zc_url url;
	struct ftpconn c;
};

/*
 * Parse url_arg, resolve credentials, connect and log in. Prints a
 * password-free message on failure. Returns 0 or ZC_EXIT_FATAL.
 */
int session_open(struct zc_session *s, const char *url_arg, const struct mirror_opts *o);
/*
 * For ftps:// and ftpes:// URLs: the TLS client context from --cacert /
 * --insecure into *ctx (NULL for ftp://). Prints the reason on failure.
 * Returns 0 or -EINVAL.
 */
int client_tls_ctx(const struct zc_url *u, const struct mirror_opts *o, SSL_CTX **ctx);
/* The exit-2 message for a failed connect of c (never a password). */
void client_report_connect(const struct ftpconn *c, int rc);
/* QUIT, close, wipe the password. */
void session_close(struct zc_session *s);
/* Print "zcftp: <path>: <what>: <reason>" for rc from an ftp_* call. */
void session_error(const struct zc_session *s, const char *path, const char *what, int rc);

#endif
