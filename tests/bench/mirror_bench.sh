#!/bin/bash
# mirror_bench.sh - client benchmark (issue 5): zcftp mirror against
# lftp mirror (--parallel=1 and 4) and rclone sync, all against the same
# zcftpd on loopback, in one run.
#
# Usage: tests/bench/mirror_bench.sh [--build DIR] [--small N] [--big N]
#            [--big-mib M] [--clients "zcftp lftp1 lftp4 rclone"] [--reps R]
#            [--quick]
# DIR is a build directory holding server/zcftpd and client/zcftp
# (default: the current directory). Clients that are not installed are
# skipped. The tree (N files of 1-16 KiB in nested folders plus N big
# files of M MiB) is generated from a fixed seed.
# Phases: full download with the page cache dropped first (R runs into
# fresh directories, default 3: median, then min-max), the same with the
# server's files in the page cache ("full-hot", R runs too), no-change
# re-run (median of 3), incremental (10 small and 1 big file changed on the server;
# "want" = their sizes), full upload, and the big files alone into an
# empty directory, the page cache dropped first (client CPU per GiB; in a
# VM, copying into pages the guest has not used yet costs up to 3x more,
# and the dropped cache gives every client pages it has used). Reported:
# wall seconds, client CPU seconds (user+sys) and bytes the server moved
# (its xferlog). First row: a cold `cat` of the whole tree on the server's
# side, the disk's floor for the cold full download.
# A client's copies are deleted after its runs, and the next client waits
# until a minute has passed: ext4 (without a journal) skips inodes freed
# less than a minute ago when it allocates, which would slow down the
# file creation of whoever runs right after a delete.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(pwd) SMALL=5000 BIG=20 BIG_MIB=32 REPS=3
CLIENTS="zcftp lftp1 lftp4 rclone"
while [ $# -gt 0 ]; do
	case $1 in
	--build) BUILD=$2; shift ;;
	--small) SMALL=$2; shift ;;
	--big) BIG=$2; shift ;;
	--big-mib) BIG_MIB=$2; shift ;;
	--clients) CLIENTS=$2; shift ;;
	--reps) REPS=$2; shift ;;
	--quick) SMALL=1000 BIG=4 BIG_MIB=16 ;;
	*) sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
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

# Change 10 small files and 1 big one (new content, same names); prints
# the bytes an ideal client moves for them.
change() {
	python3 - "$TREE" "$1" <<'EOF'
import os, random, sys
root, k = sys.argv[1], int(sys.argv[2])
r = random.Random(100 + k)
files = sorted(os.path.join(dp, f) for dp, _, fs in os.walk(root) for f in fs)
small = [f for f in files if f.endswith(".dat")]
big = [f for f in files if f.endswith(".bin")]
total = 0
for f in r.sample(small, 10) + big[:1]:
    size = os.path.getsize(f)
    with open(f, "r+b") as h:
        h.write(r.randbytes(min(size, 4096)))
    os.utime(f, None)
    total += size
print(total)
EOF
}

xfer_bytes() { awk '{s += $8} END {printf "%.0f\n", s}' "$ZC_XFERLOG" 2>/dev/null || echo 0; }

# One client run: prints "wall cpu bytes" (bash's time keyword counts the
# CPU of the function's children, i.e. the client). The earlier runs'
# written data is synced first: writeback of gigabytes still dirty would
# throttle whoever runs next.
measure() {
	local before after
	sync
	before=$(xfer_bytes)
	TIMEFORMAT="%R %U %S"
	local rc=0
	{ time "$@" >/dev/null 2>"$STATE/err"; } 2>"$STATE/time" || rc=$?
	after=$(xfer_bytes)
	[ "$rc" -eq 0 ] || echo "FAILED (exit $rc): $*: $(tail -n 3 "$STATE/err")" >&2
	tail -n 1 "$STATE/time" |
		awk -v b=$((after - before)) '{printf "%s %.2f %.0f\n", $1, $2 + $3, b}'
}

url=ftp://u:$PW@127.0.0.1:$ZC_PORT
lftp_cmd() {	# parallel "mirror arguments"
	lftp -u "u,$PW" -p "$ZC_PORT" -e "set ftp:use-mlsd on; set cmd:fail-exit yes; mirror --parallel=$1 $2; quit" 127.0.0.1
}
rclone_remote() { echo ":ftp,host=127.0.0.1,port=$ZC_PORT,user=u,pass=$(rclone obscure "$PW"):"; }

run_client() {	# client direction(down|up|big) dst
	local c=$1 dir=$2 dst=$3
	case $c:$dir in
	zcftp:down) "$ZCFTP" mirror -q "$url/tree" "$dst" ;;
	zcftp:big) "$ZCFTP" mirror -q -i '*.bin' "$url/tree" "$dst" ;;
	zcftp:up) "$ZCFTP" mirror -q "$LOCAL/$c" "$url/up_$c" ;;
	lftp*:down) lftp_cmd "${c#lftp}" "/tree $dst" ;;
	lftp*:big) lftp_cmd "${c#lftp}" "-I *.bin /tree $dst" ;;
	lftp*:up) lftp_cmd "${c#lftp}" "-R $LOCAL/$c /up_$c" ;;
	rclone:down) rclone sync "$(rclone_remote)/tree" "$dst" --transfers 4 ;;
	rclone:big) rclone sync "$(rclone_remote)/tree" "$dst" --transfers 4 --include '*.bin' ;;
	rclone:up) rclone sync "$LOCAL/$c" "$(rclone_remote)/up_$c" --transfers 4 ;;
	esac
}

have() {
	case $1 in
	zcftp) [ -x "$ZCFTP" ] ;;
	lftp*) command -v lftp >/dev/null ;;
	rclone) command -v rclone >/dev/null ;;
	esac
}

# The median of three runs (by wall time).
measure3() {
	{ measure "$@"; measure "$@"; measure "$@"; } | sort -n | sed -n 2p
}

row() { printf "%-8s %-11s %8s %8s %14s %14s\n" "$@"; }

echo "machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)," \
	"kernel $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "tree: $SMALL files of 1-16 KiB + $BIG files of $BIG_MIB MiB; server zcftpd on 127.0.0.1"
row client phase wall_s cpu_s bytes_moved want
DELETED=0	# when the last client's copies were deleted (epoch seconds)

# See the header: no measured run within a minute of a big delete.
settle() {
	local left=$((DELETED + 61 - $(date +%s)))
	[ "$left" -le 0 ] || sleep "$left"
}

# R cold full downloads into fresh directories (the first one is
# $LOCAL/$c, kept for the later phases): "median-wall cpu bytes min max".
full_cold() {
	local c=$1 i d
	for i in $(seq "$REPS"); do
		d=$LOCAL/$c.r$i
		[ "$i" -gt 1 ] || d=$LOCAL/$c
		cold_cache
		measure run_client "$c" down "$d"
	done | median_row
}

# Lines "wall cpu bytes" -> "median-wall cpu bytes min max".
median_row() {
	sort -n | awk '{w[NR] = $1; l[NR] = $0} END {
		m = int((NR + 1) / 2); print l[m], w[1], w[NR] }'
}

# R full downloads with the server's files in the page cache (the cold
# runs just read them), into fresh directories: the client's own speed,
# without the server's disk reads that bound the cold runs.
# Before each: prefault (below), since these runs drop no cache.
full_hot() {
	local c=$1 i
	for i in $(seq "$REPS"); do
		prefault
		measure run_client "$c" down "$LOCAL/$c-hot.$i"
	done | median_row
}

# The server's files out of the page cache, the client's memory prefaulted.
cold_cache() {
	sync
	echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
	prefault
}

# Write and delete as much as a download writes: this VM hands freed memory
# back to its host, and copying into pages that must come back first costs
# 2-3x more (the first hot runs here took 0.71 s and 1.00 s of CPU without
# this, against 0.59 s cold). Freshly freed pages are reused at once.
prefault() {
	mkdir -p "$LOCAL"
	dd if=/dev/zero of="$LOCAL/prefault.bin" bs=1M count=800 status=none
	rm -f "$LOCAL/prefault.bin"
}

# The disk's share of a cold full download: reading every file of the
# tree on the server's side, cache dropped first (R runs). No client can
# download the tree cold faster than the server can read it.
disk_floor() {
	local i
	for i in $(seq "$REPS"); do
		cold_cache
		measure sh -c 'cd "$1" && find . -type f -print0 | xargs -0 cat' sh "$TREE"
	done | median_row
}
read -r w cpu b lo hi < <(disk_floor)
row "cat-tree" full "$w" "$cpu" - "($lo-$hi)"

k=0
for c in $CLIENTS; do
	have "$c" || { echo "$c: not installed, skipped"; continue; }
	k=$((k + 1))
	settle
	read -r w cpu b lo hi < <(full_cold "$c")
	row "$c" full "$w" "$cpu" "$b" "($lo-$hi)"
	read -r w cpu b lo hi < <(full_hot "$c")
	row "$c" full-hot "$w" "$cpu" "$b" "($lo-$hi)"
	read -r w cpu b < <(measure3 run_client "$c" down "$LOCAL/$c")
	row "$c" nochange "$w" "$cpu" "$b" 0
	want=$(change "$k")
	read -r w cpu b < <(measure run_client "$c" down "$LOCAL/$c")
	row "$c" incremental "$w" "$cpu" "$b" "$want"
	read -r w cpu b < <(measure run_client "$c" up "$LOCAL/$c")
	row "$c" upload "$w" "$cpu" "$b" -
	cold_cache
	read -r w cpu b < <(measure run_client "$c" big "$LOCAL/$c-big")
	row "$c" big "$w" "$cpu" "$b" \
		"$(awk -v c="$cpu" -v b="$b" 'BEGIN {printf "%.2fs/GiB", b ? c / (b / 1073741824) : 0}')"
	rm -rf "$LOCAL/$c" "$LOCAL/$c".r* "$LOCAL/$c"-hot.* "$LOCAL/$c-big"
	sync
	DELETED=$(date +%s)
done
