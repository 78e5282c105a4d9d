#!/bin/sh
# run.sh - build the fuzz targets with libFuzzer + ASan + UBSan and run
# each on its corpus, one at a time.
#
#   tests/fuzz/run.sh [-t SECONDS] [TARGET...]
#
# SECONDS per target (default 60; env FUZZ_TIME too). TARGET is a name
# such as "reply" (default: all). Needs clang with libFuzzer (Debian:
# libclang-rt-14-dev). config.h comes from ZC_BUILDDIR (a configured build
# directory) or, when unset, from a configure run in the work directory.
# New interesting inputs go to FUZZ_WORK/new/<target> (default a temp
# directory), never into the checked-in seed corpus; crashes are written as
# FUZZ_WORK/crash-* and the script exits 1. Minimize a crasher with
#   FUZZ_WORK/fuzz_<target> -minimize_crash=1 -runs=10000 crash-...
# and add it to tests/fuzz/corpus/<target>/ so `make check` replays it.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${FUZZ_TIME:-60}
if [ "${1:-}" = "-t" ]; then
	secs=$2
	shift 2
fi
CC=${CC_FUZZ:-clang}
work=${FUZZ_WORK:-$(mktemp -d "${TMPDIR:-/tmp}/zcfuzz.XXXXXX")}
mkdir -p "$work"

if [ -z "${ZC_BUILDDIR:-}" ]; then
	ZC_BUILDDIR=$work/build
	if [ ! -f "$ZC_BUILDDIR/config.h" ]; then
		mkdir -p "$ZC_BUILDDIR"
		(cd "$ZC_BUILDDIR" && "$top/configure" -q >/dev/null)
	fi
fi

# Sources each target needs besides its fuzz_<target>.c.
srcs() {
	p=$top/protocol
	case $1 in
	command) echo "$p/command.c" ;;
	reply) echo "$p/reply.c $p/buf.c" ;;
	address) echo "$p/address.c $p/buf.c" ;;
	listing|listrt) echo "$p/listing.c $p/listing_parse.c $p/buf.c" ;;
	args) echo "$p/hash.c $p/vpath.c $p/command.c $p/buf.c" ;;
	url) echo "$top/client/url.c $p/buf.c" ;;
	netrc) echo "$top/client/netrc.c $top/client/url.c $p/buf.c $p/sys.c" ;;
	proxyv2) echo "$p/proxyv2.c $p/cidr.c $p/buf.c" ;;
	ftpmlsx)
		# ftp_parse_mlsx lives among the client's command functions.
		c=$top/client
		echo "$c/ftpcmds.c $c/ftpconn.c $c/ftptls.c $c/ftperr.c $c/url.c"
		echo "$c/ftpdata.c $c/ftpxfer.c $p/*.c -lpthread"
		;;
	*) return 1 ;;
	esac
}

targets=${*:-"command reply address listing args url netrc proxyv2 ftpmlsx listrt"}
status=0
for t in $targets; do
	src=$(srcs "$t") || { echo "run.sh: unknown target $t" >&2; exit 2; }
	bin=$work/fuzz_$t
	# shellcheck disable=SC2086
	$CC -g -O1 -fno-omit-frame-pointer \
		-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-I"$ZC_BUILDDIR" -I"$top" -I"$top/protocol" -I"$top/client" \
		-o "$bin" "$top/tests/fuzz/fuzz_$t.c" "$top/tests/fuzz/fuzz_util.c" \
		$src -lssl -lcrypto
	mkdir -p "$work/new/$t"
	echo "== $t: ${secs}s"
	rm -f "$work/fuzz-0.log"
	# -jobs=1 runs one worker process whose output goes to fuzz-0.log.
	if ! (cd "$work" && "$bin" -max_total_time="$secs" -jobs=1 -workers=1 \
		-timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
		"$work/new/$t" "$top/tests/fuzz/corpus/$t" >/dev/null 2>&1); then
		status=1
	fi
	grep -E 'ERROR|SUMMARY|runtime error|^stat::(number|new|peak)' \
		"$work/fuzz-0.log" 2>/dev/null || true
	mv -f "$work/fuzz-0.log" "$work/$t.log" 2>/dev/null || true
	# A finding leaves an artifact file.
	if ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* >/dev/null 2>&1; then
		echo "run.sh: findings in $work" >&2
		status=1
	fi
done
echo "run.sh: work directory $work"
exit $status
