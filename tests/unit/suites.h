/* suites.h - every Check suite of the unit-test runner. One per module. */
#ifndef ZC_TEST_SUITES_H
#define ZC_TEST_SUITES_H
#include <check.h>
#include "suites_parsers.h"
#include "suites_config.h"
#include "suites_engine.h"
#include "suites_server.h"
#include "suites_vfs.h"
#include "suites_client.h"
#include "suites_tls.h"
#include "suites_pkg.h"

#define ZC_SUITES_CORE(X) X(buf_suite)
#define ZC_ALL_SUITES(X) ZC_SUITES_CORE(X) ZC_SUITES_PARSERS(X) \
	ZC_SUITES_CONFIG(X) ZC_SUITES_ENGINE(X) ZC_SUITES_SERVER(X) ZC_SUITES_VFS(X) \
	ZC_SUITES_CLIENT(X) ZC_SUITES_TLS(X) ZC_SUITES_PKG(X)

/* Each suite function is declared here through the same lists. */
#define ZC_DECLARE_SUITE(fn) Suite *fn(void);
ZC_ALL_SUITES(ZC_DECLARE_SUITE)

#endif
