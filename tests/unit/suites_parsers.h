/* Check suites owned by: parsers. List each as X(name_suite). */
#define ZC_SUITES_PARSERS(X)
