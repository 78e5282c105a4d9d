#!/bin/sh
# check-ktls.sh - host side of the kTLS proof: build the tree into
# build-ktls/ under the repository root (the only directory the VM can
# write back to), boot the kTLS VM and run tests/ktls/run-ktls-tests.sh in
# it with the given extra commands. For CI and `make check`-style use:
#
#   tests/ktls/check-ktls.sh [COMMAND ...]
#
# The VM runner is $KTLS_VM_RUNNER, else ../shared/ktls-vm/run-in-ktls-vm.sh
# next to the repository. Exit 77 (skip) with the reason when the VM
# cannot run here (not x86_64, no runner, no qemu and no root to install
# it, the VM failing to boot); otherwise the tests' own status.
set -u

skip() { echo "SKIP: $*" >&2; exit 77; }

top=$(cd "$(dirname "$0")/../.." && pwd -P) || exit 99
runner=${KTLS_VM_RUNNER:-$top/../shared/ktls-vm/run-in-ktls-vm.sh}

[ "$(uname -m)" = x86_64 ] || skip "the kTLS VM needs an x86_64 host"
[ -x "$runner" ] || skip "no kTLS VM runner at $runner (set KTLS_VM_RUNNER)"
command -v qemu-system-x86_64 >/dev/null 2>&1 || [ "$(id -u)" -eq 0 ] ||
	skip "qemu-system-x86_64 is not installed and we are not root to install it"

cd "$top" || exit 99
build=${ZC_KTLS_BUILD:-build-ktls}
if [ ! -f "$build/Makefile" ]; then
	mkdir -p "$build" && (cd "$build" && ../configure -q) || exit 99
fi
make -C "$build" -s -j"$(nproc)" tests/unit/check_protocol >/dev/null || exit 99
# The server, for extra commands that test it; the TLS suites do not need it.
make -C "$build" -s -j"$(nproc)" all >/dev/null 2>&1 ||
	echo "check-ktls: warning: 'make all' failed in $build" >&2

"$runner" --timeout "${KTLS_VM_TIMEOUT:-900}" -- tests/ktls/run-ktls-tests.sh "$@"
rc=$?
case $rc in
125) skip "the kTLS VM could not boot on this host (runner exit 125)" ;;
124) echo "FAIL: the kTLS VM run timed out" >&2; exit 1 ;;
esac
exit $rc
