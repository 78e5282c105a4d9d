/* Check suites owned by: tls. */
#define ZC_SUITES_TLS(X) X(tls_suite) X(tls_xfer_suite)
