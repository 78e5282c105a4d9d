# lib.sh - shared setup for shell integration tests (sourced).
#
# zc_start [--anon-upload] [--ipv6] [--user NAME:PASS]...
#   starts $ZCFTPD through zctest.py on a free loopback port with a temp
#   root and sets ZC_PORT ZC_PID ZC_TMP ZC_ROOT ZC_LOG ZC_XFERLOG
#   ZC_HOME_<user>; an EXIT trap stops it by PID and removes the temp dir.
# zc_need PROG      exit 77 (SKIP) when an optional client is missing
# zc_check DESC CMD...  run CMD, count a failure (with DESC) if it fails
# zc_same FILE1 FILE2   byte-identical check (sha256)
# zc_fails CMD...       succeeds when CMD fails
# zc_give PATH          chown PATH to the account virtual users run as
# zc_finish         print the summary and exit 0/1

: "${srcdir:=$(dirname "$0")/../..}"
ZCTEST_PY="$srcdir/tests/integration/zctest.py"
PYTHON3=${PYTHON3:-python3}
: "${ZCFTPD:=$PWD/server/zcftpd}"
export ZCFTPD
zc_failed=0
zc_passed=0
zc_state=

zc_need() {
	command -v "$1" >/dev/null 2>&1 || { echo "SKIP: $1 not installed"; exit 77; }
}

zc_stop() {
	[ -n "$zc_state" ] || return 0
	"$PYTHON3" "$ZCTEST_PY" stop "$zc_state" || zc_failed=$((zc_failed + 1))
	rm -rf "$zc_state"
	zc_state=
}

zc_start() {
	zc_state=$(mktemp -d "${TMPDIR:-/tmp}/zcftpd-sh-XXXXXX") || exit 1
	trap 'zc_stop' EXIT
	trap 'exit 1' INT TERM
	"$PYTHON3" "$ZCTEST_PY" start "$zc_state" "$@" || {
		echo "FAIL: server did not start"; exit 1; }
	. "$zc_state/env"
}

zc_check() {
	zc_desc=$1
	shift
	if "$@"; then
		zc_passed=$((zc_passed + 1))
		echo "PASS: $zc_desc"
	else
		zc_failed=$((zc_failed + 1))
		echo "FAIL: $zc_desc (command: $*)"
	fi
}

zc_give() {	# zc_give PATH: hand PATH to the virtual users' account (as root)
	[ -z "${ZC_OWNER:-}" ] || chown -R "$ZC_OWNER" "$1"
}

zc_fails() {	# zc_fails CMD...: true when CMD fails (CMD may be a function)
	! "$@"
}

zc_same() {
	[ -f "$1" ] && [ -f "$2" ] || { echo "missing $1 or $2"; return 1; }
	a=$(sha256sum <"$1") b=$(sha256sum <"$2")
	[ "$a" = "$b" ] || { echo "content differs: $1 $2"; return 1; }
}

zc_mkfile() {	# zc_mkfile PATH SIZE_BYTES
	head -c "$2" /dev/urandom >"$1" && chmod 644 "$1"
}

zc_finish() {
	if [ "$zc_failed" -ne 0 ] && [ -f "${ZC_LOG:-}" ]; then
		echo "---- server log ----"
		tail -n 100 "$ZC_LOG"
	fi
	zc_stop
	trap - EXIT
	if [ "$zc_failed" -ne 0 ]; then
		echo "$zc_passed passed, $zc_failed failed"
		exit 1
	fi
	echo "$zc_passed passed, 0 failed"
	exit 0
}
