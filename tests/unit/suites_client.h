/* Check suites owned by: client. */
#define ZC_SUITES_CLIENT(X)
