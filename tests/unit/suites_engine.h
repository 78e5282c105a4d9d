/* Check suites owned by: engine. List each as X(name_suite). */
#define ZC_SUITES_ENGINE(X) X(net_suite) X(transfer_suite) X(transfer_err_suite)
