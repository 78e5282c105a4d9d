/* Check suites owned by: tls. */
#define ZC_SUITES_TLS(X)
