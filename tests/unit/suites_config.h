/* Check suites owned by: config. List each as X(name_suite). */
#define ZC_SUITES_CONFIG(X) X(config_suite)
