/* Check suites owned by: server. */
#define ZC_SUITES_SERVER(X) X(privsep_parts_suite) X(sha512crypt_suite) X(netparse_suite) X(session_wipe_suite)
