#!/bin/bash
# ktls_vm.sh - zcftpd's FTPS RETR server CPU with kernel TLS (SSL_sendfile,
# "ktls-sendfile") against the user-space path ("tls-copy", tls { ktls =
# false }), in ONE boot of the kTLS VM (../shared/ktls-vm), TLS 1.3 and 1.2,
# with tests/bench/leanftp as the (user-space TLS) client.
#
# Host side (as root, from anywhere; builds into BUILD under the repository
# root, the only directory the VM writes back to):
#   tests/bench/ktls_vm.sh [--mib N] [--reps N] [--build DIR] [--timeout S]
# Inside the VM (what the host side runs there):
#   tests/bench/ktls_vm.sh --inside BUILD MIB REPS
#
# Two zcftpd instances run side by side, one with kTLS and one without,
# each in its own cgroup (cgroup v2 cpu.stat: the whole process tree), and
# are measured alternately, repetition by repetition.  Under qemu TCG the
# crypto runs at a few MB/s: the figures are emulator figures, good for the
# ratio between the two paths only.  The path of every transfer is read
# from the JSON transfer log, and /proc/net/tls_stat must show kTLS
# sockets (TlsTxSw) for the kTLS instance.  To tell the crypto from the
# rest, it also measures a clear-text RETR (sendfile) and prints
# `openssl speed` for AES-256-GCM in the same guest.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd -P)
RUNNER=${KTLS_VM_RUNNER:-$TOP/../shared/ktls-vm/run-in-ktls-vm.sh}

log() { echo "ktls_vm: $*" >&2; }
die() { echo "ktls_vm: error: $*" >&2; exit 1; }

host_main() {
	local mib=32 reps=3 build=build-bench2-ktls timeout=1200
	while [ $# -gt 0 ]; do
		case $1 in
		--mib) mib=$2; shift ;;
		--reps) reps=$2; shift ;;
		--build) build=$2; shift ;;
		--timeout) timeout=$2; shift ;;
		*) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
		esac
		shift
	done
	[ -x "$RUNNER" ] || die "no kTLS VM runner at $RUNNER (set KTLS_VM_RUNNER)"
	cd "$TOP"
	case $build in /*) die "--build must be relative to $TOP (the VM's share)" ;; esac
	mkdir -p "$build"
	[ -f "$build/Makefile" ] || (cd "$build" && "$TOP/configure" -q) || die "configure failed"
	make -C "$build" -s -j2 server/zcftpd tests/bench/leanftp >/dev/null || die "build failed"
	"$RUNNER" --timeout "$timeout" -- tests/bench/ktls_vm.sh --inside "$build" "$mib" "$reps"
}

# ---- inside the VM ----

PORT_K=12141 PORT_U=12142 BUSER=zcbench

setup() {
	W=$(mktemp -d /tmp/ktls-bench.XXXXXX)
	mkdir -p "$W/data"
	head -c $((MIB << 20)) /dev/urandom >"$W/data/big.bin"
	id "$BUSER" >/dev/null 2>&1 || useradd --system --no-create-home "$BUSER"
	id zcftpd >/dev/null 2>&1 || useradd --system --no-create-home zcftpd
	chown -R "$BUSER:" "$W/data"
	chmod 755 "$W" "$W/data"
	export LEANFTP_PASS
	LEANFTP_PASS=$(openssl rand -hex 12)
	echo "$BUSER:$(openssl passwd -6 "$LEANFTP_PASS"):$W/data" >"$W/users"
	chmod 600 "$W/users"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=zcbench \
		-keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
	mountpoint -q /sys/fs/cgroup || mount -t cgroup2 none /sys/fs/cgroup
}

# start NAME PORT KTLS: one zcftpd in cgroup NAME.
start() {
	local n=$1 port=$2 k=$3 t
	mkdir -p "$W/$n-run" "/sys/fs/cgroup/$n"
	cat >"$W/$n.conf" <<-EOF
	listen { address = {"127.0.0.1"} port = $port }
	server { foreground = true privsep = true privsep_user = "zcftpd" run_dir = "$W/$n-run" }
	anonymous { enable = false }
	users { file = "$W/users" local_enable = false virtual_account = "$BUSER" }
	passive { min_port = $((port * 2)) max_port = $((port * 2 + 99)) }
	log { xferlog = "" json = "$W/$n.json" syslog = false level = 2 }
	tls { enable = true cert_file = "$W/cert.pem" key_file = "$W/key.pem" ktls = $k }
	EOF
	(echo "$BASHPID" >"/sys/fs/cgroup/$n/cgroup.procs"
	 exec "$BUILD/server/zcftpd" -f -c "$W/$n.conf") >"$W/$n.log" 2>&1 &
	eval "PID_$n=$!"
	for t in $(seq 1 300); do
		ss -Hltn "sport = :$port" | grep -q LISTEN && return 0
		sleep 0.2
	done
	cat "$W/$n.log" >&2
	die "$n did not start"
}

# usage_us NAME: "total user system" CPU microseconds of cgroup NAME.
usage_us() {
	awk '{ v[$1] = $2 } END { print v["usage_usec"], v["user_usec"], v["system_usec"] }' \
		"/sys/fs/cgroup/$1/cpu.stat"
}
tls_stat() { awk -v k="$1" '$1 == k { print $2 }' /proc/net/tls_stat; }

# measure NAME PORT VERSION REP: one RETR (VERSION "-": clear text);
# appends "name version cpu_s bytes/s user_s system_s" to $W/res.
measure() {
	local n=$1 port=$2 v=$3 c0 c1 out
	c0=$(usage_us "$n")
	out=$(LEANFTP_TLS=${v#-} LEANFTP_TIMEOUT=300 "$BUILD/tests/bench/leanftp" \
		127.0.0.1 "$port" "$BUSER" retr big.bin) || die "$n TLS $v RETR failed"
	sleep 0.5	# the session processes exit and are charged
	c1=$(usage_us "$n")
	echo "$n $v $(echo "$out" | tr ' ' '\n' | sed -n 's/^rate=//p') $c0 $c1" |
		awk '{ printf "%s %s %.3f %s %.3f %.3f\n", $1, $2, ($7 - $4) / 1e6, $3,
			($8 - $5) / 1e6, ($9 - $6) / 1e6 }' >>"$W/res"
	log "rep $4: $n TLS $v: $out"
}

inside_main() {
	BUILD=$1 MIB=$2 REPS=$3
	modprobe tls 2>/dev/null || true
	grep -qw tls /proc/sys/net/ipv4/tcp_available_ulp || die "no tls ULP: run me in the kTLS VM"
	setup
	start ktls "$PORT_K" true
	start ucopy "$PORT_U" false
	local tx0 rep v
	tx0=$(tls_stat TlsTxSw)
	for rep in $(seq 1 "$REPS"); do
		for v in 1.3 1.2; do
			measure ktls "$PORT_K" "$v" "$rep"
			measure ucopy "$PORT_U" "$v" "$rep"
		done
		measure ktls "$PORT_K" - "$rep"
	done
	kill -TERM "$PID_ktls" "$PID_ucopy"
	wait || true
	summary "$tx0"
}

summary() {
	echo "kernel $(uname -r), $(openssl version), $MIB MiB RETR, $REPS reps, TlsTxSw +$(($(tls_stat TlsTxSw) - $1))"
	echo "paths (JSON log): kTLS instance: $(grep -o '"io_path":"[a-z-]*"' "$W/ktls.json" | sort | uniq -c | tr -s ' ' | paste -sd,)," \
		"user-space instance: $(grep -o '"io_path":"[a-z-]*"' "$W/ucopy.json" | sort | uniq -c | tr -s ' ' | paste -sd,)"
	echo "| TLS | path | server CPU s/GiB | user | system | MiB/s |"
	echo "|---|---|---:|---:|---:|---:|"
	for v in 1.3 1.2 -; do
		for n in ktls ucopy; do
			row "$n" "$v"
		done
	done
	echo "(medians of $REPS; clear text = sendfile(2), no TLS)"
	echo "openssl speed -evp aes-256-gcm, 16 KiB blocks, in this guest:"
	openssl speed -evp aes-256-gcm -bytes 16384 -seconds 3 2>/dev/null | tail -n1 |
		awk '{ kb = $NF; sub(/k$/, "", kb); if (kb > 0)
			printf "  %s kB/s = %.1f s/GiB of one CPU\n", $NF, 1048576 / kb }'
	echo "raw (instance version cpu_s bytes/s user_s system_s):"
	sed 's/^/  /' "$W/res"
	cp "$W/res" "$BUILD/ktls_vm.res"	# back on the host (shared directory)
}

# row NAME VERSION: the medians of one instance and version.
row() {
	awk -v n="$1" -v v="$2" -v mib="$MIB" '$1 == n && $2 == v {
		k++; g = mib / 1024; c[k] = $3 / g; r[k] = $4 / 1048576
		u[k] = $5 / g; s[k] = $6 / g }
		function med(a, k,   i, j, t) {
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
		END {
			if (!k)
				exit
			path = (n == "ktls") ? "ktls-sendfile" : "tls-copy"
			if (v == "-") { v = "none"; path = "sendfile" }
			printf "| %s | %s | %.2f | %.2f | %.2f | %.1f |\n", v, path,
				med(c, k), med(u, k), med(s, k), med(r, k)
		}' "$W/res"
}

if [ "${1:-}" = --inside ]; then
	shift
	inside_main "$@"
else
	host_main "$@"
fi
