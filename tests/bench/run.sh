#!/bin/bash
# run.sh - benchmark zcftpd against vsftpd, ProFTPD and Pure-FTPd in ONE run.
#
# Every server listens on its own loopback port, serves the same data
# directory as the same system user with the same SHA-512-crypt hash, and
# runs inside its own cgroup-v1 cpuacct group so the CPU of its whole process
# tree (master, monitors, session workers) is counted.  Servers are
# interleaved repetition by repetition and the median is reported.  Two
# sections, each with its own server instances: plain (RETR, STOR,
# sessions, small files) and TLS (RETR and STOR under PROT P, explicit
# FTPS required, TLS 1.3 with AES-256-GCM unless --tls-version 1.2).
#
# Usage (as root, Debian 12):
#   tests/bench/run.sh [--zcftpd PATH] [--reps N] [--sessions N] [--conc N]
#                      [--small N] [--big-mib N] [--servers "zcftpd vsftpd ..."]
#                      [--no-tls | --tls-only] [--tls-version 1.3|1.2] [--tls-small N]
#                      [--md FILE] [--quick] [--pin-small]
#   tests/bench/run.sh --report RUNDIR [--md FILE]   (re-print a saved run)
# Environment: ZCBENCH_WORK (data + temp, default /var/tmp/zcftpd-bench),
# ZCBENCH_CACHE (peer .debs, default /var/cache/zcftpd-bench), LEANFTP
# (prebuilt client; else built from leanftp.c with cc).
# --pin-small adds one more small-file run per repetition with the server's
# processes and the client on CPU 0: it shows the servers' own per-file
# cost without the cross-CPU wake-ups that dominate it in a VM (a separate
# table, not the issue's verdict).
# Only loopback is used; every server is stopped by PID in the EXIT trap.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CMDLINE="$0 $*"
RUN_DATE=$(date -u "+%Y-%m-%d %H:%M UTC")
. "$HERE/lib.sh"

REPS=3 SESSIONS=2000 CONC=16 SMALL=2000 BIG_MIB=1024 TLS_SMALL=500
SERVERS="zcftpd vsftpd proftpd pureftpd"
SECTIONS="plain tls" TLS_VERSION=1.3
ZCFTPD=${ZCFTPD:-}
MD=""
PIN_SMALL=""
REPORT_ONLY=""
WORK=${ZCBENCH_WORK:-/var/tmp/zcftpd-bench}
CACHE=${ZCBENCH_CACHE:-/var/cache/zcftpd-bench}
STEP_TIMEOUT=300	# seconds for any one client run

usage() { sed -n '4,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--zcftpd) ZCFTPD=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--sessions) SESSIONS=$2; shift ;;
	--conc) CONC=$2; shift ;;
	--small) SMALL=$2; shift ;;
	--tls-small) TLS_SMALL=$2; shift ;;
	--big-mib) BIG_MIB=$2; shift ;;
	--servers) SERVERS=$2; shift ;;
	--md) MD=$2; shift ;;
	--no-tls) SECTIONS=plain ;;
	--tls-only|--tls) SECTIONS=tls ;;
	--tls-version) TLS_VERSION=$2; shift ;;
	--report) REPORT_ONLY=$2; shift ;;
	--pin-small) PIN_SMALL=1 ;;
	--quick) REPS=1 SESSIONS=400 SMALL=500 BIG_MIB=256 TLS_SMALL=100 ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown option $1" >&2; usage ;;
	esac
	shift
done

if [ -n "$REPORT_ONLY" ]; then
	RUN=$(cd "$REPORT_ONLY" && pwd) RES=$RUN/results.tsv
	. "$RUN/params"
	report
	exit 0
fi

[ "$(id -u)" = 0 ] || die "run as root (creates a user, cgroups, binds servers that setuid)"
[ -d "$CGROOT" ] || die "$CGROOT missing: need cgroup v1 cpuacct"

DATA=$WORK/data
RUN=$(mktemp -d "$WORK/run.XXXXXX" 2>/dev/null || { mkdir -p "$WORK"; mktemp -d "$WORK/run.XXXXXX"; })
chmod 755 "$RUN"
RES=$RUN/results.tsv
: >"$RES"
trap cleanup EXIT
trap 'exit 130' INT TERM

PEERROOT=$("$HERE/peers.sh" "$CACHE" | tail -n1)
build_client
make_user
make_data
make_cert

for sec in $SECTIONS; do
	run_section "$sec"
done
ACTIVE=$ACTIVE_PLAIN
[ -n "$ACTIVE$ACTIVE_TLS" ] || die "no server works"
save_params
report
