/* Check suites owned by: pkg (systemd notification and socket activation). */
#define ZC_SUITES_PKG(X) X(sdnotify_suite) X(sockact_suite)
