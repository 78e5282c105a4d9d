/* Check suites owned by: client. */
#define ZC_SUITES_CLIENT(X) X(url_suite) X(netrc_suite) X(mirror_plan_suite) X(ftperr_suite)
