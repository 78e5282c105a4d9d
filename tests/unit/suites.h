/* suites.h - every Check suite of the unit-test runner. One per module. */
#ifndef ZC_TEST_SUITES_H
#define ZC_TEST_SUITES_H
#include <check.h>

Suite *buf_suite(void);

/* The runner adds these in order; keep in step with check_main.c. */
#define ZC_ALL_SUITES(X) \
	X(buf_suite)

#endif
