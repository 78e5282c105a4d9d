/* Check suites owned by: parsers. List each as X(name_suite). */
#define ZC_SUITES_PARSERS(X) X(reply_suite) X(command_suite) X(address_suite) \
	X(listing_suite) X(vpath_suite) X(hash_suite)
