#!/bin/sh
# run-ktls-tests.sh - prove the engine's kernel-TLS paths. Runs INSIDE the
# kTLS VM (a kernel with the "tls" ULP), from the repository root, against
# a tree built in build-ktls/ (or $ZC_KTLS_BUILD, relative to the root):
#
#   ../shared/ktls-vm/run-in-ktls-vm.sh --timeout 900 -- \
#       tests/ktls/run-ktls-tests.sh [COMMAND ...]
#
# (tests/ktls/check-ktls.sh does the build and the VM boot from the host.)
#
# Phases run the TLS Check suites with ZC_EXPECT_KTLS=1, so every transfer
# asserts its path (ktls-sendfile for TLS 1.2 and 1.3, ktls-splice for a
# TLS 1.2 receive, tls-copy for a TLS 1.3 receive: OpenSSL 3.0 sets up kTLS
# receive for TLS 1.2 only), and this script asserts the kernel's own
# /proc/net/tls_stat counters moved (TlsTxSw/TlsRxSw: sockets that got a
# software kTLS context; the test clients stay in user space, so the
# deltas are the engine's). Each extra COMMAND (one argument each, run
# with sh -c, e.g. the server's FTPS integration tests) must exit 0; its
# counter deltas are printed, and ZC_KTLS_VM=1 is exported for it.
# Exit: 0 all passed, 1 a phase failed, 77 no kTLS here, 99 not built.
set -u

BUILD=${ZC_KTLS_BUILD:-build-ktls}
CHECK=$BUILD/tests/unit/check_protocol
ULP=/proc/sys/net/ipv4/tcp_available_ulp
STAT=/proc/net/tls_stat
MAX_SIZE=${ZC_TLS_MAX_SIZE:-2097152}	# TLS runs at ~4 MB/s under TCG
LOG=${TMPDIR:-/tmp}/ktls-phase.$$.log
failed=0

have_tls_ulp() { grep -qw tls "$ULP" 2>/dev/null; }

if ! have_tls_ulp; then
	modprobe tls 2>/dev/null
	have_tls_ulp || { echo "SKIP: this kernel offers no tls ULP ($ULP:" \
		"$(cat "$ULP" 2>/dev/null)); run me inside the kTLS VM" >&2; exit 77; }
fi
if [ ! -x "$CHECK" ]; then
	echo "ERROR: $CHECK is not built (configure and make in $BUILD first)" >&2
	exit 99
fi

counter() { awk -v k="$1" '$1 == k { print $2 }' "$STAT"; }

# run_counted NAME CMD...: runs CMD, sets rc, dtx, drx, shows the output.
run_counted() {
	name=$1
	shift
	tx0=$(counter TlsTxSw) rx0=$(counter TlsRxSw)
	"$@" >"$LOG" 2>&1
	rc=$?
	dtx=$(($(counter TlsTxSw) - tx0)) drx=$(($(counter TlsRxSw) - rx0))
	sed 's/^/    /' "$LOG"
	echo "  $name: exit $rc, TlsTxSw +$dtx, TlsRxSw +$drx"
}

check() {	# check DESCRIPTION TEST-EXPRESSION...
	what=$1
	shift
	if [ "$@" ]; then
		echo "  ok: $what"
	else
		echo "  FAIL: $what"
		failed=1
	fi
}

# phase ONLY MIN_TX RX_RULE PATH: one direction and version of the sizes tests.
phase() {
	echo "phase $1 (transfers up to $MAX_SIZE bytes)"
	run_counted "$1" env CK_RUN_SUITE=tls_xfer CK_RUN_CASE=transfers \
		ZC_EXPECT_KTLS=1 ZC_TLS_ONLY="$1" ZC_TLS_MAX_SIZE="$MAX_SIZE" "$CHECK"
	check "$1: Check suite passed (paths asserted per transfer)" "$rc" -eq 0
	check "$1: TlsTxSw moved (+$dtx)" "$dtx" -ge "$2"
	case $3 in
	rx) check "$1: TlsRxSw moved (+$drx)" "$drx" -ge 1 ;;
	no-rx) check "$1: TlsRxSw did not move (+$drx): no kTLS RX for 1.3" "$drx" -eq 0 ;;
	esac
	n=$(grep -c "via $4" "$LOG")
	check "$1: $n transfers reported $4" "$n" -ge 3
}

echo "kernel $(uname -r), ULPs: $(cat "$ULP"), $(openssl version 2>/dev/null)"
phase send-1.2 1 rx ktls-sendfile
phase send-1.3 1 no-rx ktls-sendfile
phase recv-1.2 1 rx ktls-splice
phase recv-1.3 1 no-rx tls-copy

echo "phase core (handshakes, reuse, probe with ZC_EXPECT_KTLS=1)"
run_counted core env CK_RUN_SUITE=tls ZC_EXPECT_KTLS=1 "$CHECK"
check "core: Check suite passed" "$rc" -eq 0

echo "phase stops (ABOR and timeout on kTLS sockets)"
run_counted stops env CK_RUN_SUITE=tls_xfer CK_RUN_CASE=stops "$CHECK"
check "stops: Check suite passed" "$rc" -eq 0

export ZC_KTLS_VM=1
for cmd in "$@"; do
	echo "command: $cmd"
	run_counted "$cmd" sh -c "$cmd"
	check "command passed: $cmd" "$rc" -eq 0
done

rm -f "$LOG"
if [ "$failed" -ne 0 ]; then
	echo "run-ktls-tests: FAILED"
	exit 1
fi
echo "run-ktls-tests: all kTLS checks passed"
exit 0
