/* check_ftperr.c - zcftp's error classes: connection-limit refusals,
 * what is worth a retry, and the human text of a reply error. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "suites.h"
#include "client/ftpconn.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const struct {
	int rc, code;
	const char *msg;
	int refusal;
} limit_cases[] = {
	{ -EREMOTEIO, 421, "421 Too many connections from your address.", 1 },
	{ -EREMOTEIO, 421, "421 Service not available", 1 },
	{ -EACCES, 530, "530 Sorry, the maximum number of clients (2) from your host", 1 },
	{ -EACCES, 530, "530 Too many users, try later", 1 },
	{ -EACCES, 530, "530 TOO MANY connections", 1 },
	{ -EACCES, 530, "530 Login incorrect.", 0 },
	{ -EREMOTEIO, 550, "550 too many files", 0 },
	{ -EREMOTEIO, 500, "500 Unknown command", 0 },
	{ -ECONNRESET, 421, "421 stale reply of an earlier command", 0 },
	{ -ETIMEDOUT, 530, "530 too many", 0 },
};

START_TEST(limit_refusal)
{
	struct ftpconn c;
	memset(&c, 0, sizeof c);
	c.code = limit_cases[_i].code;
	snprintf(c.msg, sizeof c.msg, "%s", limit_cases[_i].msg);
	ck_assert_int_eq(ftp_limit_refusal(&c, limit_cases[_i].rc), limit_cases[_i].refusal);
}
END_TEST

static const struct {
	int rc, code, transient;
} transient_cases[] = {
	{ -EUSERS, 0, 1 },
	{ -EREMOTEIO, 421, 1 },
	{ -EREMOTEIO, 450, 1 },
	{ -EREMOTEIO, 550, 0 },
	{ -EREMOTEIO, 530, 0 },
	{ -ECONNRESET, 0, 1 },
	{ -ENOTCONN, 0, 1 },
	{ -EACCES, 530, 0 },
	{ -ENOSPC, 0, 0 },
	{ -ENAMETOOLONG, 0, 0 },
};

START_TEST(transient)
{
	struct ftpconn c;
	memset(&c, 0, sizeof c);
	c.code = transient_cases[_i].code;
	ck_assert_int_eq(ftp_transient(&c, transient_cases[_i].rc),
			 transient_cases[_i].transient);
}
END_TEST

START_TEST(strerror_of_refusal)
{
	struct ftpconn c;
	char buf[FTP_MSG_MAX + 64];
	memset(&c, 0, sizeof c);
	c.code = 421;
	snprintf(c.msg, sizeof c.msg, "421 Too many connections");
	ck_assert_str_eq(ftp_strerror(&c, -EUSERS, buf, sizeof buf),
			 "server said: 421 Too many connections");
	ck_assert_str_eq(ftp_strerror(&c, -ECONNABORTED, buf, sizeof buf),
			 "connection closed by the server");
}
END_TEST

Suite *ftperr_suite(void)
{
	Suite *s = suite_create("ftperr");
	TCase *tc = tcase_create("core");
	tcase_add_loop_test(tc, limit_refusal, 0, NELEM(limit_cases));
	tcase_add_loop_test(tc, transient, 0, NELEM(transient_cases));
	tcase_add_test(tc, strerror_of_refusal);
	suite_add_tcase(s, tc);
	return s;
}
