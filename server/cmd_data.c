/* cmd_data.c - PASV EPSV PORT EPRT: preparing the data connection
 * (RFC 959 4.1.2, RFC 2428). */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "address.h"
#include "cidr.h"
#include "datachan.h"
#include "log.h"
#include "net.h"
#include "reply_codes.h"
#include "session.h"
#include "sys.h"

static int refuse_after_epsv_all(struct session *s, const char *verb)
{
	if (!s->epsv_all)
		return 0;
	/* RFC 2428 section 4: after EPSV ALL, other data-setup commands are refused. */
	reply(s, FTP_R_BAD_SEQUENCE, "%s not allowed after EPSV ALL.", verb);
	return 1;
}

/* IPv4 address for the 227 reply: the configured one, else our side of the
 * control connection (an IPv4-mapped IPv6 one is unwrapped). */
static int pasv_v4_addr(struct session *s, struct sockaddr_in *out)
{
	char mapped[64];
	memset(out, 0, sizeof *out);
	out->sin_family = AF_INET;
	if (cidr_map_lookup(s->cfg->pasv_address_map, (struct sockaddr *)&s->peer,
			    mapped, sizeof mapped) == 1)
		return inet_pton(AF_INET, mapped, &out->sin_addr) == 1 ? 0 : -EINVAL;
	if (s->cfg->pasv_address && s->cfg->pasv_address[0])
		return inet_pton(AF_INET, s->cfg->pasv_address, &out->sin_addr) == 1 ? 0 : -EINVAL;
	if (s->local.ss_family == AF_INET) {
		*out = *(struct sockaddr_in *)&s->local;
		return 0;
	}
	const struct sockaddr_in6 *l6 = (const struct sockaddr_in6 *)&s->local;
	if (IN6_IS_ADDR_V4MAPPED(&l6->sin6_addr)) {
		memcpy(&out->sin_addr, &l6->sin6_addr.s6_addr[12], 4);
		return 0;
	}
	return -EAFNOSUPPORT;
}

static int open_passive(struct session *s, uint16_t *port)
{
	return data_arm_passive(s, port);
}

static void cmd_pasv(struct session *s, const char *arg)
{
	struct sockaddr_in a;
	uint16_t port;
	if (refuse_after_epsv_all(s, "PASV"))
		return;
	if (pasv_v4_addr(s, &a) < 0) {
		reply(s, FTP_R_CANT_OPEN_DATA, "PASV is IPv4 only; use EPSV.");
		return;
	}
	if (open_passive(s, &port) < 0) {
		reply(s, FTP_R_CANT_OPEN_DATA, "Can't open passive connection.");
		return;
	}
	a.sin_port = htons(port);
	struct zbuf b;
	zbuf_init(&b, 64);
	addr_format_port(&a, &b);
	reply(s, FTP_R_PASV, "Entering Passive Mode (%s).", zbuf_str(&b));
	zbuf_free(&b);
}

static void cmd_epsv(struct session *s, const char *arg)
{
	int proto;
	int rc = addr_parse_epsv_arg(arg, &proto);
	int fam = s->local.ss_family == AF_INET6 ? 2 : 1;
	if (rc == -EAFNOSUPPORT || (rc == 0 && proto > 0 && proto != fam)) {
		reply(s, FTP_R_PROT_NOT_SUPPORTED, "Network protocol not supported, use (%d)", fam);
		return;
	}
	if (rc < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad EPSV argument.");
		return;
	}
	if (proto == EPSV_ALL) {
		s->epsv_all = 1;
		reply(s, FTP_R_OK, "EPSV ALL ok.");
		return;
	}
	uint16_t port;
	if (open_passive(s, &port) < 0) {
		reply(s, FTP_R_CANT_OPEN_DATA, "Can't open passive connection.");
		return;
	}
	reply(s, FTP_R_EPSV, "Entering Extended Passive Mode (|||%u|)", port);
}

/* RFC 2577 section 3: never connect to a third host (FTP bounce) or to a
 * privileged port of the client's host. */
static int port_target_allowed(struct session *s, const struct sockaddr *sa)
{
	if (!addr_same_host(sa, (struct sockaddr *)&s->peer))
		return 0;
	return addr_port(sa) >= 1024;
}

static void set_port_target(struct session *s, const struct sockaddr *sa, socklen_t len)
{
	if (!s->cfg->port_enable) {
		reply(s, FTP_R_NOT_IMPL_PARAM, "Active mode is disabled; use PASV or EPSV.");
		return;
	}
	if (!port_target_allowed(s, sa)) {
		char who[64];
		if (addr_to_string(sa, who, sizeof who) < 0)
			zc_strlcpy(who, "?", sizeof who);
		log_warn("refused active data target %s port %u", who, addr_port(sa));
		reply(s, FTP_R_NOT_IMPL_PARAM, "Illegal data address: only your own host, port 1024 or above.");
		return;
	}
	data_reset(s);
	memcpy(&s->port_addr, sa, len);
	s->port_len = len;
	s->port_set = 1;
	reply(s, FTP_R_OK, "Command okay.");
}

static void cmd_port(struct session *s, const char *arg)
{
	struct sockaddr_in a;
	if (refuse_after_epsv_all(s, "PORT"))
		return;
	if (addr_parse_port(arg, &a) < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad PORT argument.");
		return;
	}
	if (s->peer.ss_family == AF_INET6) {
		/* An IPv4 target on an IPv6 control connection: compare as mapped. */
		struct sockaddr_in6 m = { .sin6_family = AF_INET6, .sin6_port = a.sin_port };
		m.sin6_addr.s6_addr[10] = m.sin6_addr.s6_addr[11] = 0xff;
		memcpy(&m.sin6_addr.s6_addr[12], &a.sin_addr, 4);
		set_port_target(s, (struct sockaddr *)&m, sizeof m);
		return;
	}
	set_port_target(s, (struct sockaddr *)&a, sizeof a);
}

static void cmd_eprt(struct session *s, const char *arg)
{
	struct sockaddr_storage ss;
	socklen_t len;
	if (refuse_after_epsv_all(s, "EPRT"))
		return;
	int rc = addr_parse_eprt(arg, &ss, &len);
	if (rc == -EAFNOSUPPORT) {
		reply(s, FTP_R_PROT_NOT_SUPPORTED, "Network protocol not supported, use (1,2)");
		return;
	}
	if (rc < 0) {
		reply(s, FTP_R_SYNTAX_ARG, "Bad EPRT argument.");
		return;
	}
	set_port_target(s, (struct sockaddr *)&ss, len);
}

const struct command cmd_data_table[] = {
	{ "PASV", CMD_LOGIN | CMD_NOARG, cmd_pasv, "PASV" },
	{ "EPSV", CMD_LOGIN, cmd_epsv, "EPSV [<sp> 1|2|ALL]" },
	{ "PORT", CMD_LOGIN | CMD_ARG, cmd_port, "PORT <sp> h1,h2,h3,h4,p1,p2" },
	{ "EPRT", CMD_LOGIN | CMD_ARG, cmd_eprt, "EPRT <sp> |proto|addr|port|" },
	{ "LPRT", 0, NULL, "LPRT (obsolete, use EPRT)" },
	{ "LPSV", 0, NULL, "LPSV (obsolete, use EPSV)" },
	{ "SMNT", 0, NULL, "SMNT (not supported)" },
	{ NULL, 0, NULL, NULL },
};
