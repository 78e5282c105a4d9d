/* check_main.c - the single Check runner registered with automake. */
#include "config.h"
#include <stdlib.h>
#include "suites.h"

int main(void)
{
	SRunner *sr = srunner_create(NULL);
#define ADD(fn) srunner_add_suite(sr, fn());
	ZC_ALL_SUITES(ADD)
#undef ADD
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
