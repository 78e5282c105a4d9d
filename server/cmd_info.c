/* cmd_info.c - FEAT OPTS SYST HELP NOOP STAT (RFC 959, RFC 2389, RFC 3659). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ftps.h"
#include "hash.h"
#include "listing.h"
#include "reply_codes.h"
#include "session.h"

static const struct { const char *name; unsigned bit; } mlst_facts[] = {
	{ "type", MLSX_TYPE }, { "size", MLSX_SIZE }, { "modify", MLSX_MODIFY },
	{ "perm", MLSX_PERM }, { "unique", MLSX_UNIQUE }, { "UNIX.mode", MLSX_UNIX_MODE },
};
#define N_FACTS (sizeof mlst_facts / sizeof mlst_facts[0])

/* "type*;size*;..." with the selected facts starred (RFC 3659 7.8). */
static void put_mlst_facts(struct zbuf *b, unsigned selected, int stars)
{
	for (size_t i = 0; i < N_FACTS; i++) {
		if (!stars && !(selected & mlst_facts[i].bit))
			continue;
		zbuf_printf(b, "%s%s;", mlst_facts[i].name,
			    stars && (selected & mlst_facts[i].bit) ? "*" : "");
	}
}

/* FEAT lists exactly what this server implements (RFC 2389 3.2). */
static void cmd_feat(struct session *s, const char *arg)
{
	struct zbuf b;
	zbuf_init(&b, 4096);
	zbuf_puts(&b, "211-Features:\r\n EPRT\r\n EPSV\r\n MDTM\r\n MFMT\r\n MLST ");
	put_mlst_facts(&b, s->mlst_facts, 1);
	zbuf_puts(&b, "\r\n PASV\r\n REST STREAM\r\n SIZE\r\n TVFS\r\n UTF8\r\n HASH ");
	for (int a = 0; a < HASH_ALGO_COUNT; a++)
		zbuf_printf(&b, "%s%s%s", a ? ";" : "", hash_algo_name((enum hash_algo)a),
			    (enum hash_algo)a == s->hash_algo ? "*" : "");
	if (ftps_ctx())	/* RFC 4217 6 */
		zbuf_printf(&b, "\r\n AUTH TLS\r\n PBSZ\r\n PROT%s", s->cfg->tls_ccc ? "\r\n CCC" : "");
	zbuf_puts(&b, "\r\n211 End\r\n");
	reply_raw(s, b.p, b.len);
	zbuf_free(&b);
}

static void opts_mlst(struct session *s, const char *list)
{
	unsigned sel = 0;
	char tmp[256];
	if (zc_strlcpy(tmp, list, sizeof tmp) < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Fact list too long.");
		return;
	}
	/* Unknown facts are ignored (RFC 3659 7.9). */
	for (char *save = NULL, *f = strtok_r(tmp, ";", &save); f; f = strtok_r(NULL, ";", &save)) {
		for (size_t i = 0; i < N_FACTS; i++)
			if (strcasecmp(f, mlst_facts[i].name) == 0)
				sel |= mlst_facts[i].bit;
	}
	s->mlst_facts = sel;
	struct zbuf b;
	zbuf_init(&b, 256);
	put_mlst_facts(&b, sel, 0);
	reply(s, FTP_R_OK, "MLST OPTS %s", zbuf_str(&b));
	zbuf_free(&b);
}

static void opts_hash(struct session *s, const char *name)
{
	enum hash_algo a;
	if (!*name) {
		reply(s, FTP_R_OK, "%s", hash_algo_name(s->hash_algo));
	} else if (hash_algo_by_name(name, &a) < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Unknown algorithm; see FEAT.");
	} else {
		s->hash_algo = a;
		reply(s, FTP_R_OK, "%s", hash_algo_name(a));
	}
}

static void cmd_opts(struct session *s, const char *arg)
{
	const char *sp = strchr(arg, ' ');
	size_t n = sp ? (size_t)(sp - arg) : strlen(arg);
	const char *val = sp ? sp + 1 : "";
	if (n == 4 && strncasecmp(arg, "UTF8", 4) == 0) {
		if (strcasecmp(val, "ON") == 0 || strcasecmp(val, "OFF") == 0 || !*val)
			reply(s, FTP_R_OK, "UTF8 mode is always on.");
		else
			reply(s, FTP_R_SYNTAX_ARG, "OPTS UTF8 takes ON or OFF.");
	} else if (n == 4 && strncasecmp(arg, "MLST", 4) == 0) {
		opts_mlst(s, val);
	} else if (n == 4 && strncasecmp(arg, "HASH", 4) == 0) {
		opts_hash(s, val);
	} else {
		reply(s, FTP_R_SYNTAX_ARG, "Option not understood.");
	}
}

static void cmd_syst(struct session *s, const char *arg)
{
	reply(s, FTP_R_SYSTEM_TYPE, "UNIX Type: L8");
}

static void cmd_noop(struct session *s, const char *arg)
{
	reply(s, FTP_R_OK, "NOOP ok.");
}

static void cmd_help(struct session *s, const char *arg)
{
	struct zbuf b;
	const struct command *c;
	zbuf_init(&b, 16384);
	zbuf_puts(&b, "214-The following commands are recognized:\r\n");
	for (unsigned i = 0; (c = command_at(i)) != NULL; i++)
		zbuf_printf(&b, " %-5s%s", c->verb, (i % 8 == 7) ? "\r\n" : "");
	zbuf_puts(&b, "\r\n214 Help OK.\r\n");
	reply_raw(s, b.p, b.len);
	zbuf_free(&b);
}

static void stat_server(struct session *s)
{
	reply(s, FTP_R_SYSTEM_STATUS, "zcftpd " PACKAGE_VERSION " status:\n"
	      "Connected to %s\nLogged in as %s\nTYPE: %s, STRUcture: File, MODE: Stream\n"
	      "Data connection: %s\nEnd of status",
	      s->peer_str, s->login == LOGIN_DONE ? s->user : "(not logged in)",
	      s->type_ascii ? "ASCII" : "BINARY",
	      s->pasv_armed ? "passive listener open" : s->port_set ? "active target set" : "none");
}

static void cmd_stat(struct session *s, const char *arg)
{
	if (!*arg) {
		stat_server(s);
		return;
	}
	if (s->login != LOGIN_DONE) {
		reply(s, FTP_R_NOT_LOGGED_IN, "Please login with USER and PASS.");
		return;
	}
	list_stat_path(s, arg);
}

const struct command cmd_info_table[] = {
	{ "FEAT", CMD_NOARG, cmd_feat, "FEAT" },
	{ "OPTS", CMD_ARG, cmd_opts, "OPTS <sp> UTF8|MLST|HASH [<sp> value]" },
	{ "SYST", CMD_NOARG, cmd_syst, "SYST" },
	{ "HELP", 0, cmd_help, "HELP [<sp> command]" },
	{ "NOOP", CMD_NOARG, cmd_noop, "NOOP" },
	{ "STAT", CMD_PATH, cmd_stat, "STAT [<sp> path]" },
	{ NULL, 0, NULL, NULL },
};
