# lib.sh - helpers for tests/bench/run.sh (sourced; uses its variables).
# Setup (user, data, client), cgroup CPU accounting, server start/stop,
# measurements.  Server configurations live in servers.sh, the report in
# report.sh.

CGROOT=/sys/fs/cgroup/cpuacct
BUSER=zcbench
HOST=127.0.0.1
ACTIVE=""	# servers that work in the section being run
ACTIVE_PLAIN="" ACTIVE_TLS=""
TLS=""		# "" in the plain section, the TLS version in the TLS section
declare -A PID PORT PASV_LO PASV_HI
i=0
for s in zcftpd vsftpd proftpd pureftpd; do
	PORT[$s]=$((12121 + i))
	# Passive ranges below the ephemeral range (32768-60999) and disjoint,
	# so a TIME_WAIT left by one server never collides with another.
	PASV_LO[$s]=$((20000 + i * 3000))
	PASV_HI[$s]=$((20000 + i * 3000 + 2999))
	i=$((i + 1))
done
unset i

. "$HERE/servers.sh"
. "$HERE/report.sh"

log() { echo "bench: $*" >&2; }
die() { echo "bench: error: $*" >&2; exit 1; }

build_client() {
	if [ -n "${LEANFTP:-}" ]; then
		[ -x "$LEANFTP" ] || die "LEANFTP=$LEANFTP is not executable"
		return 0
	fi
	LEANFTP=$RUN/leanftp
	cc -O2 -std=gnu11 -Wall -Wextra -o "$LEANFTP" "$HERE/leanftp.c" \
		"$HERE/leanftp_tls.c" -lssl -lcrypto || die "cannot build leanftp"
}

# One throw-away self-signed certificate per run, the same for every
# server (RSA 2048: every peer loads it; its cost is per handshake only).
make_cert() {
	CERT=$RUN/bench.crt KEY=$RUN/bench.key
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=zcbench" \
		-keyout "$KEY" -out "$CERT" 2>/dev/null || die "openssl req failed"
	chmod 600 "$KEY"
}

# The one benchmark user: a system account whose password is random per run
# (never a fixed, guessable one), stored as one SHA-512-crypt hash that every
# server checks: /etc/shadow (vsftpd via PAM, Pure-FTPd via -l unix), an
# AuthUserFile (ProFTPD) and a virtual-users file (zcftpd).
make_user() {
	if ! id "$BUSER" >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir "$DATA" \
			--shell /bin/sh "$BUSER" || die "useradd $BUSER failed"
	fi
	usermod --home "$DATA" "$BUSER" >/dev/null 2>&1 || true
	BPASS=$(openssl rand -hex 12)
	BHASH=$(openssl passwd -6 "$BPASS")
	echo "$BUSER:$BHASH" | chpasswd -e || die "chpasswd failed"
	BUID=$(id -u "$BUSER")
	BGID=$(id -g "$BUSER")
	export LEANFTP_PASS=$BPASS
}

# Same data for everyone: a BIG_MIB file, SMALL 4 KiB files, an 8 MiB file
# for the sha256 check.  Kept between runs (creating 1 GiB takes seconds).
make_data() {
	local want=$((BIG_MIB * 1048576)) n
	BIG=big-${BIG_MIB}m.bin
	mkdir -p "$DATA/small"
	if [ "$(stat -c %s "$DATA/$BIG" 2>/dev/null || echo 0)" != "$want" ]; then
		log "creating $DATA/$BIG"
		head -c "$want" /dev/urandom >"$DATA/$BIG"
	fi
	[ -s "$DATA/check.bin" ] || head -c 8388608 /dev/urandom >"$DATA/check.bin"
	n=$(find "$DATA/small" -name 'f*' -size 4k | wc -l)
	if [ "$n" -lt "$SMALL" ]; then
		log "creating $SMALL files of 4 KiB"
		(cd "$DATA/small" && head -c $((SMALL * 4096)) /dev/urandom |
			split -b 4096 -a 5 -d - f)
	fi
	rm -f "$DATA"/up-*.bin
	chown -R "$BUSER:" "$DATA"
	chmod 755 "$DATA" "$DATA/small"
	# Write back whatever was just created: its write-back would otherwise
	# run during the first STOR and be charged to nobody but slow everyone.
	sync
	CHECK_SUM=$(sha256sum <"$DATA/check.bin" | cut -d' ' -f1)
	# "RETR cached": pull everything into the page cache before measuring.
	cat "$DATA/$BIG" "$DATA/check.bin" >/dev/null
	cat "$DATA"/small/* >/dev/null
}

cg_dir() { echo "$CGROOT/zcbench-$1"; }
cg_usage() { cat "$(cg_dir "$1")/cpuacct.usage"; }

# start_server NAME: write the config, start the server in the foreground
# inside its cgroup (the subshell joins the cgroup BEFORE exec, so every
# process it forks is counted), wait until the port listens.
start_server() {
	local s=$1 cg t
	cg=$(cg_dir "$s")
	mkdir -p "$cg"
	config_"$s" || return 1
	(
		echo "$BASHPID" >"$cg/cgroup.procs"
		exec "${CMD[@]}"
	) >"$RUN/$s.log" 2>&1 </dev/null &
	PID[$s]=$!
	for t in $(seq 1 100); do
		if ss -Hltn "sport = :${PORT[$s]}" | grep -q LISTEN; then
			log "$s: pid ${PID[$s]} on $HOST:${PORT[$s]}"
			return 0
		fi
		kill -0 "${PID[$s]}" 2>/dev/null || break
		sleep 0.1
	done
	log "$s: did not start listening: $(tail -n3 "$RUN/$s.log" | tr '\n' ' ')"
	return 1
}

# Stop by PID: TERM the master, then whatever is left in its cgroup (its own
# session processes, by PID), then remove the cgroup.
stop_server() {
	local s=$1 cg p t
	cg=$(cg_dir "$s")
	if [ -n "${PID[$s]:-}" ]; then
		kill -TERM "${PID[$s]}" 2>/dev/null || true
		for t in $(seq 1 50); do
			kill -0 "${PID[$s]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "${PID[$s]}" 2>/dev/null || true
		wait "${PID[$s]}" 2>/dev/null || true
		PID[$s]=""
	fi
	[ -d "$cg" ] || return 0
	for p in $(cat "$cg/cgroup.procs" 2>/dev/null); do
		kill -KILL "$p" 2>/dev/null || true
	done
	for t in $(seq 1 20); do
		rmdir "$cg" 2>/dev/null && return 0
		sleep 0.1
	done
	log "cannot remove $cg"
}

cleanup() {
	local s
	for s in zcftpd vsftpd proftpd pureftpd; do
		stop_server "$s"
	done
	rm -f "$DATA"/up-*.bin "$DATA/prefault.bin"
	# The hash files are readable by root only, but need not outlive the run.
	rm -f "$RUN/leanftp" "$RUN/check.out" "$RUN/zcftpd.users" "$RUN/proftpd.passwd" \
		"$RUN/bench.key"
}

# lean S MODE ARGS...: run the client against server S, bounded in time.
lean() {
	local s=$1
	shift
	LEANFTP_TIMEOUT=30 LEANFTP_TLS=$TLS timeout "$STEP_TIMEOUT" \
		${LEAN_PIN:-} "$LEANFTP" "$HOST" "${PORT[$s]}" "$BUSER" "$@"
}

# pin_server S MASK: set the CPU affinity of every process of server S
# (those forked later inherit it from the master).
pin_server() {
	local p
	for p in $(cat "$(cg_dir "$1")/cgroup.procs"); do
		taskset -a -p "$2" "$p" >/dev/null 2>&1 || true
	done
}

# The small-file loop once more with server and client on CPU 0.
measure_pinned() {
	local s=$1 rep=$2
	pin_server "$s" 1
	LEAN_PIN="taskset 1" measure "$s" "$rep" small1 smallfiles "$SMALL" small
	pin_server "$s" "$(printf '%x' $(( (1 << $(nproc)) - 1 )))"
}

# A server counts only if a download and an upload are byte-exact (and,
# under TLS, the data connection ran the pinned version and cipher and
# resumed the control session, or the server is logged as not resuming).
verify_server() {
	local s=$1 sum out
	rm -f "$RUN/check.out" "$DATA/up-check.bin"
	out=$(lean "$s" retr check.bin "$RUN/check.out") || return 1
	[ -z "$TLS" ] || verify_tls "$s" "$out" || return 1
	sum=$(sha256sum <"$RUN/check.out" | cut -d' ' -f1)
	[ "$sum" = "$CHECK_SUM" ] || { log "$s: RETR checksum mismatch"; return 1; }
	lean "$s" stor "$DATA/check.bin" up-check.bin >/dev/null || return 1
	sum=$(sha256sum <"$DATA/up-check.bin" | cut -d' ' -f1)
	rm -f "$DATA/up-check.bin" "$RUN/check.out"
	[ "$sum" = "$CHECK_SUM" ] || { log "$s: STOR checksum mismatch"; return 1; }
	[ -z "$TLS" ] || return 0
	lean "$s" smallfiles 3 small >/dev/null || return 1
	lean "$s" sessions 2 2 >/dev/null || return 1
}

verify_tls() {
	local s=$1 tls res
	tls=$(field tls "$2") res=$(field resumed "$2")
	log "$s: data connection $tls, resumed=$res"
	case $tls in
	TLSv1.3/TLS_AES_256_GCM_SHA384 | TLSv1.2/*AES256-GCM*) ;;
	*) log "$s: unexpected TLS version/cipher '$tls'"; return 1 ;;
	esac
	[ "$res" = 1 ] || log "$s: WARNING: data connection did not resume the session"
}

# What report needs to re-print a run later (run.sh --report RUNDIR).
save_params() {
	declare -p REPS SESSIONS CONC SMALL TLS_SMALL BIG_MIB ACTIVE ACTIVE_TLS TLS_VERSION SECTIONS PIN_SMALL \
		CMDLINE RUN_DATE ZCFTPD DATA CACHE >"$RUN/params"
}

# field KEY LINE: the value of key=value in a leanftp result line.
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }

record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$RES"; }

# measure S REP NAME MODE ARGS...: one client run; records rate and server
# CPU seconds (cpuacct.usage is in ns).  A failed run records nothing.
measure() {
	local s=$1 rep=$2 name=$3 out c0 c1
	shift 3
	c0=$(cg_usage "$s")
	if ! out=$(lean "$s" "$@"); then
		log "$s: $name failed in rep $rep"
		return 0
	fi
	c1=$(cg_usage "$s")
	record "$s" "$rep" "$name.rate" "$(field rate "$out")"
	record "$s" "$rep" "$name.cpu" "$(awk -v a="$c0" -v b="$c1" 'BEGIN { printf "%.4f", (b - a) / 1e9 }')"
	record "$s" "$rep" "$name.bytes" "$(field bytes "$out")"
}

# prefault: write and delete BIG_MIB + 64 MiB right before a timed STOR.
# This VM hands free memory back to its host (virtio-balloon free page
# reporting, a few seconds after it is freed); writing into pages that
# must first come back from the host cost 0.73-0.77 s of CPU per GiB
# instead of 0.17 s (dd into ext4, measured here), and how long a server's
# STOR followed the previous delete decided which it got.  Freshly freed
# pages are reused at once, so every STOR starts from the same state.
# No effect on bare metal.
prefault() {
	dd if=/dev/zero of="$DATA/prefault.bin" bs=1M count=$((BIG_MIB + 64)) status=none ||
		log "prefault write failed"
	rm -f "$DATA/prefault.bin"
}

warm_up() {
	local s=$1
	log "warm-up: $s"
	lean "$s" retr "$BIG" >/dev/null || log "$s: warm-up RETR failed"
	lean "$s" stor "$DATA/$BIG" up-big.bin >/dev/null || log "$s: warm-up STOR failed"
	rm -f "$DATA/up-big.bin"
	sync
}

measure_all() {
	local s=$1 rep=$2
	measure "$s" "$rep" retr retr "$BIG"
	rm -f "$DATA/up-big.bin"
	sync
	prefault
	measure "$s" "$rep" stor stor "$DATA/$BIG" up-big.bin
	[ "$(stat -c %s "$DATA/up-big.bin" 2>/dev/null)" = $((BIG_MIB * 1048576)) ] ||
		log "$s: STOR left a file of the wrong size in rep $rep"
	# Delete before write-back so the next server starts from a clean disk.
	rm -f "$DATA/up-big.bin"
	sync
	measure "$s" "$rep" sessions sessions "$SESSIONS" "$CONC"
	measure "$s" "$rep" small smallfiles "$SMALL" small
	[ -z "$PIN_SMALL" ] || measure_pinned "$s" "$rep"
}

# The TLS section: RETR and STOR of the big file under PROT P.
measure_tls() {
	local s=$1 rep=$2
	measure "$s" "$rep" tretr retr "$BIG"
	rm -f "$DATA/up-big.bin"
	sync
	prefault
	measure "$s" "$rep" tstor stor "$DATA/$BIG" up-big.bin
	[ "$(stat -c %s "$DATA/up-big.bin" 2>/dev/null)" = $((BIG_MIB * 1048576)) ] ||
		log "$s: TLS STOR left a file of the wrong size in rep $rep"
	rm -f "$DATA/up-big.bin"
	sync
	# Per-file cost of a TLS data connection (handshake, resumption,
	# close_notify); a delayed-ACK stall would show as ~25 files/s.
	measure "$s" "$rep" tsmall smallfiles "$TLS_SMALL" small
}

# run_section plain|tls: start every server configured for the section,
# keep those that pass verify_server, warm up, measure REPS interleaved
# repetitions, stop them all.  Sets ACTIVE (plain) or ACTIVE_TLS.
run_section() {
	local sec=$1 s rep
	ACTIVE=""
	TLS=""
	[ "$sec" = plain ] || TLS=$TLS_VERSION
	log "section $sec${TLS:+ (TLS $TLS)}"
	for s in $SERVERS; do
		if [ "$s" = zcftpd ] && [ -z "$ZCFTPD" ]; then
			log "zcftpd: no binary given (--zcftpd PATH); column left empty"
			continue
		fi
		if start_server "$s" && verify_server "$s"; then
			ACTIVE="$ACTIVE $s"
		else
			log "$s: not working${TLS:+ with TLS}, skipped (log: $RUN/$s.log)"
			stop_server "$s"
		fi
	done
	[ -n "$ACTIVE" ] || { log "section $sec: no server works"; return 0; }
	# One untimed round first: the first large write of a run touches
	# page-cache pages (and, in a VM, guest memory) that later rounds
	# reuse, and would make whichever server goes first look slow.
	for s in $ACTIVE; do
		warm_up "$s"
	done
	for rep in $(seq 1 "$REPS"); do
		for s in $ACTIVE; do
			log "$sec rep $rep/$REPS: $s"
			if [ "$sec" = plain ]; then
				measure_all "$s" "$rep"
			else
				measure_tls "$s" "$rep"
			fi
		done
	done
	for s in $ACTIVE; do
		stop_server "$s"
	done
	if [ "$sec" = plain ]; then
		ACTIVE_PLAIN=$ACTIVE
	else
		ACTIVE_TLS=$ACTIVE
	fi
}
