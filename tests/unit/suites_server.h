/* Check suites owned by: server. List each as X(name_suite). */
#define ZC_SUITES_SERVER(X)
