/* cmd_tls.c - AUTH PBSZ PROT CCC (RFC 2228, RFC 4217). */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "ftps.h"
#include "log.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"
#include "tls.h"

static int tls_active(const struct session *s)
{
	return s->ctl_ssl != NULL || s->tls_proxied;
}

/* Whatever the client sent after AUTH in clear text arrived before the
 * handshake and must not be run as if it came under TLS (the STARTTLS
 * command-injection flaw, CVE-2011-0411 and its kin). The AUTH line itself
 * stays at the head of the queue; dispatch pops it. */
static void forget_cleartext_input(struct session *s)
{
	s->q_count = 1;
	cmd_reader_init(&s->rd);
}

static void cmd_auth(struct session *s, const char *arg)
{
	int tls = !strcasecmp(arg, "TLS") || !strcasecmp(arg, "TLS-C");
	int ssl = !strcasecmp(arg, "SSL") || !strcasecmp(arg, "TLS-P");
	if (!ftps_ctx()) {
		reply(s, FTP_R_NOT_IMPL, "TLS is not configured on this server.");
		return;
	}
	if (tls_active(s)) {
		reply(s, FTP_R_BAD_SEQUENCE, "TLS is already active.");
		return;
	}
	if (s->login == LOGIN_DONE) {
		/* The login already happened in clear text; under privilege
		 * separation this process could not check a new one anyway. */
		reply(s, FTP_R_BAD_SEQUENCE, "AUTH must come before login.");
		return;
	}
	if (!tls && !ssl) {
		reply(s, FTP_R_NOT_IMPL_PARAM, "Unsupported security mechanism; use AUTH TLS.");
		return;
	}
	reply(s, FTP_R_AUTH_OK, "AUTH %s successful.", tls ? "TLS" : "SSL");
	forget_cleartext_input(s);
	if (ftps_start_control(s) < 0) {
		s->quit = 1;
		s->ctl_eof = 1;	/* nothing more can be said in clear text */
		return;
	}
	/* RFC 4217 4: a successful AUTH resets the login state. AUTH SSL
	 * traditionally implies protected data as well. */
	s->login = LOGIN_NONE;
	if (ssl)
		s->pbsz_done = s->prot_private = 1;
}

static void cmd_pbsz(struct session *s, const char *arg)
{
	if (!tls_active(s)) {
		reply(s, FTP_R_BAD_SEQUENCE, "PBSZ needs AUTH TLS first.");
		return;
	}
	/* RFC 4217 8: the buffer size is meaningless for TLS; 0 is the answer. */
	if (strspn(arg, "0123456789") != strlen(arg)) {
		reply(s, FTP_R_SYNTAX_ARG, "PBSZ takes a number.");
		return;
	}
	s->pbsz_done = 1;
	reply(s, FTP_R_OK, "PBSZ=0");
}

static void cmd_prot(struct session *s, const char *arg)
{
	char p = (char)(arg[1] ? 0 : arg[0] & ~0x20);
	if (!s->pbsz_done) {
		reply(s, FTP_R_BAD_SEQUENCE, "PROT needs PBSZ first.");
		return;
	}
	if (p == 'P') {
		s->prot_private = 1;
		reply(s, FTP_R_OK, "Protection level set to Private.");
	} else if (p == 'C' && s->login == LOGIN_DONE && ftps_data_required(s)) {
		reply(s, FTP_R_POLICY_DENIED, "Data connections must be encrypted (PROT P).");
	} else if (p == 'C') {
		s->prot_private = 0;
		reply(s, FTP_R_OK, "Protection level set to Clear.");
	} else if (p == 'S' || p == 'E') {
		reply(s, FTP_R_PROT_LEVEL_NOT_SUPPORTED, "PROT %c is not supported.", p);
	} else {
		reply(s, FTP_R_NOT_IMPL_PARAM, "Unknown protection level.");
	}
}

static void cmd_ccc(struct session *s, const char *arg)
{
	if (!tls_active(s)) {
		reply(s, FTP_R_BAD_SEQUENCE, "CCC needs AUTH TLS first.");
		return;
	}
	if (!s->cfg->tls_ccc || s->tls_proxied) {
		reply(s, FTP_R_POLICY_DENIED, "CCC is not allowed here.");
		return;
	}
	reply(s, FTP_R_OK, "Control connection continues in clear text.");
	/* RFC 4217 12.3: close the TLS layer with close_notify both ways. */
	(void)tls_shutdown(s->ctl_ssl, TLS_SHUTDOWN_TIMEOUT_MS);
	tls_free(s->ctl_ssl);
	s->ctl_ssl = NULL;
	if (sys_set_nonblock(s->ctl_fd, 0) < 0)
		log_warn("CCC: cannot restore blocking mode");
}

const struct command cmd_tls_table[] = {
	{ "AUTH", CMD_ARG, cmd_auth, "AUTH <sp> TLS" },
	{ "PBSZ", CMD_ARG, cmd_pbsz, "PBSZ <sp> 0" },
	{ "PROT", CMD_ARG, cmd_prot, "PROT <sp> C|P" },
	{ "CCC", CMD_NOARG, cmd_ccc, "CCC" },
	{ NULL, 0, NULL, NULL },
};
