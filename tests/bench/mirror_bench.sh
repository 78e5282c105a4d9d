#!/bin/bash
# mirror_bench.sh - client benchmark (issue 5): zcftp mirror against
# lftp mirror (--parallel=1 and 4) and rclone sync, all against the same
# zcftpd on loopback, in one run.
#
# Usage: tests/bench/mirror_bench.sh [--build DIR] [--small N] [--big N]
#            [--big-mib M] [--clients "zcftp lftp1 lftp4 rclone"] [--quick]
# DIR is a build directory holding server/zcftpd and client/zcftp
# (default: the current directory). Clients that are not installed are
# skipped. The tree (N files of 1-16 KiB in nested folders plus N big
# files of M MiB) is generated from a fixed seed.
# Phases: full download, no-change re-run, incremental (10 small and 1
# big file changed on the server), full upload. Reported: wall seconds,
# client CPU seconds (user+sys) and bytes the server moved (xferlog).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(pwd) SMALL=5000 BIG=20 BIG_MIB=32
CLIENTS="zcftp lftp1 lftp4 rclone"
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--small) SMALL=$2; shift ;;
	--big) BIG=$2; shift ;;
	--big-mib) BIG_MIB=$2; shift ;;
	--clients) CLIENTS=$2; shift ;;
	--quick) SMALL=1000 BIG=4 BIG_MIB=16 ;;
	*) sed -n '4,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
	esac
	shift
done
BUILD=$(cd "$BUILD" && pwd)
export ZCFTPD=${ZCFTPD:-$BUILD/server/zcftpd}
ZCFTP=${ZCFTP:-$BUILD/client/zcftp}
ZCTEST=$HERE/../integration/zctest.py
PW=bench-pw
STATE=$(mktemp -d /tmp/zcftp-bench.XXXXXX)
trap 'python3 "$ZCTEST" stop "$STATE" >/dev/null 2>&1 || true; rm -rf "$STATE"' EXIT

python3 "$ZCTEST" start "$STATE" --user "u:$PW"
. "$STATE/env"
TREE=$ZC_HOME_u/tree
LOCAL=$STATE/local

# The tree, from a fixed seed (the same bytes on every run).
python3 - "$TREE" "$SMALL" "$BIG" "$BIG_MIB" <<'EOF'
import os, random, sys
root, small, big, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
r = random.Random(5)
for i in range(small):
    d = os.path.join(root, "d%02d" % (i % 25), "s%02d" % (i // 25 % 8))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d.dat" % i), "wb") as f:
        f.write(r.randbytes(r.randint(1024, 16384)))
for i in range(big):
    with open(os.path.join(root, "big%02d.bin" % i), "wb") as f:
        for _ in range(mib):
            f.write(r.randbytes(1 << 20))
for dp, dn, fn in os.walk(root):
    os.chmod(dp, 0o777)
EOF

# Change 10 small files and 1 big one (new content, same names).
change() {
	python3 - "$TREE" "$1" <<'EOF'
import os, random, sys
root, k = sys.argv[1], int(sys.argv[2])
r = random.Random(100 + k)
files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(root) for f in fs)
small = [f for f in files if f.endswith(".dat")]
big = [f for f in files if f.endswith(".bin")]
for f in r.sample(small, 10) + big[:1]:
    size = os.path.getsize(f)
    with open(f, "r+b") as h:
        h.write(r.randbytes(min(size, 4096)))
    os.utime(f, None)
EOF
}

xfer_bytes() { awk '{s += $8} END {print s + 0}' "$ZC_XFERLOG" 2>/dev/null || echo 0; }

# One client run: prints "wall cpu bytes" (bash's time keyword counts the
# CPU of the function's children, i.e. the client).
measure() {
	local before after
	before=$(xfer_bytes)
	TIMEFORMAT="%R %U %S"
	{ time "$@" >/dev/null 2>"$STATE/err" || echo "FAILED: $*" >&2; } 2>"$STATE/time"
	after=$(xfer_bytes)
	awk -v b=$((after - before)) '{printf "%s %.2f %d\n", $1, $2 + $3, b}' "$STATE/time"
}

url=ftp://u:$PW@127.0.0.1:$ZC_PORT
run_client() {	# client direction(down|up) dst
	local c=$1 dir=$2 dst=$3
	case $c in
	zcftp)
		if [ "$dir" = down ]; then "$ZCFTP" mirror -q "$url/tree" "$dst"
		else "$ZCFTP" mirror -q "$LOCAL/$c" "$url/up_$c"; fi ;;
	lftp1|lftp4)
		local par=${c#lftp}
		if [ "$dir" = down ]; then
			lftp -u "u,$PW" -p "$ZC_PORT" -e "set ftp:use-mlsd on; mirror --parallel=$par /tree $dst; quit" 127.0.0.1
		else
			lftp -u "u,$PW" -p "$ZC_PORT" -e "set ftp:use-mlsd on; mirror -R --parallel=$par $LOCAL/$c /up_$c; quit" 127.0.0.1
		fi ;;
	rclone)
		local r=":ftp,host=127.0.0.1,port=$ZC_PORT,user=u,pass=$(rclone obscure "$PW"):"
		if [ "$dir" = down ]; then rclone sync "$r/tree" "$dst" --transfers 4
		else rclone sync "$LOCAL/$c" "$r/up_$c" --transfers 4; fi ;;
	esac
}

have() {
	case $1 in
	zcftp) [ -x "$ZCFTP" ] ;;
	lftp*) command -v lftp >/dev/null ;;
	rclone) command -v rclone >/dev/null ;;
	esac
}

printf "%-8s %-11s %8s %8s %14s\n" client phase wall_s cpu_s bytes_moved
k=0
for c in $CLIENTS; do
	have "$c" || { echo "$c: not installed, skipped"; continue; }
	k=$((k + 1))
	sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
	for phase in full nochange incremental; do
		[ "$phase" = incremental ] && change "$k"
		read -r w cpu b < <(measure run_client "$c" down "$LOCAL/$c")
		printf "%-8s %-11s %8s %8s %14s\n" "$c" "$phase" "$w" "$cpu" "$b"
	done
	read -r w cpu b < <(measure run_client "$c" up "$LOCAL/$c")
	printf "%-8s %-11s %8s %8s %14s\n" "$c" upload "$w" "$cpu" "$b"
done
