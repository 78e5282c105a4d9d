#!/bin/sh
# The whole test suite, as CI runs it: a warnings-as-errors build with
# `make check` and `make distcheck`, then the same suite under
# AddressSanitizer and UndefinedBehaviorSanitizer. Build trees go to
# build-ci/ (override with BUILD_ROOT).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
root=${BUILD_ROOT:-$top/build-ci}
jobs=$(nproc 2>/dev/null || echo 2)
cd "$top"
[ -x configure ] || ./autogen.sh

run_suite() {
	name=$1; shift
	echo "=== $name: configure $*"
	rm -rf "$root/$name" && mkdir -p "$root/$name" && cd "$root/$name"
	"$top/configure" -q "$@"
	make -j"$jobs"
	if ! make -j"$jobs" check; then
		find . -name '*.log' -path '*tests*' -exec grep -l -E '^(FAIL|ERROR)' {} + 2>/dev/null |
			while read -r f; do echo "--- $f"; tail -n 60 "${f%.log}.log"; done
		echo "=== $name: FAILED"
		exit 1
	fi
	cd "$top"
}

run_suite werror --enable-werror
run_suite sanitizers --enable-werror --enable-asan --enable-ubsan
# Kernel TLS is proven inside a VM whose kernel has the tls module (the
# CI kernel has none): the engine's kTLS suites and the server's FTPS path.
echo "=== kTLS (in ../shared/ktls-vm)"
set +e
ZC_KTLS_BUILD=build-ci-ktls tests/ktls/check-ktls.sh "python3 tests/ktls/ftps_ktls.py"
rc=$?
set -e
case $rc in
0) echo "=== kTLS: passed" ;;
77) echo "=== kTLS: SKIPPED (the VM cannot run here; see the message above)" ;;
*) echo "=== kTLS: FAILED"; exit 1 ;;
esac
echo "=== distcheck"
cd "$root/werror" && make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >distcheck.log 2>&1 ||
	{ tail -n 80 distcheck.log; echo "=== distcheck: FAILED"; exit 1; }
# The Debian/RPM packages: build, lintian, install, use, purge (root only;
# skips with the reason where a packaging tool is missing). The package's
# own `make check` is skipped: the same tree's suite ran above.
echo "=== packages"
cd "$top"
set +e
DEB_BUILD_OPTIONS=nocheck packaging/test-package.sh
rc=$?
set -e
case $rc in
0) echo "=== packages: passed" ;;
77) echo "=== packages: SKIPPED (see the message above)" ;;
*) echo "=== packages: FAILED"; exit 1 ;;
esac
echo "=== all test suites passed"
