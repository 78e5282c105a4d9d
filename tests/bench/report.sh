# report.sh - turn $RES (server rep metric value) into the result tables
# (sourced by tests/bench/run.sh).  Per repetition it derives MiB/s and
# server CPU seconds per GiB, then takes the median over repetitions.

COLS="retr_mibs retr_cpu stor_mibs stor_cpu sessions sess_cpu small small_cpu"
TLS_COLS="tretr_mibs tretr_cpu tstor_mibs tstor_cpu tsmall tsmall_cpu"
declare -A MED

# derive: one line "server metric value" per repetition and derived metric.
derive() {
	awk -F'\t' -v nsess="$SESSIONS" -v nsmall="$SMALL" -v ntsmall="${TLS_SMALL:-0}" '
	{ v[$1 SUBSEP $2 SUBSEP $3] = $4; key[$1 SUBSEP $2] = 1 }
	function put(s, m, x) { if (x != "") print s, m, x }
	END {
		for (k in key) {
			split(k, p, SUBSEP); s = p[1]; r = p[2]
			for (i = 1; i <= 4; i++) {
				n = (i == 1) ? "retr" : (i == 2) ? "stor" : (i == 3) ? "tretr" : "tstor"
				rate = v[s, r, n ".rate"]; b = v[s, r, n ".bytes"]
				if (rate != "") put(s, n "_mibs", sprintf("%.1f", rate / 1048576))
				if (b > 0) put(s, n "_cpu", sprintf("%.3f", v[s, r, n ".cpu"] / (b / 1073741824)))
			}
			put(s, "sessions", v[s, r, "sessions.rate"])
			put(s, "small", v[s, r, "small.rate"])
			put(s, "small1", v[s, r, "small1.rate"])
			if (v[s, r, "small1.rate"] != "")
				put(s, "small1_cpu", sprintf("%.1f", v[s, r, "small1.cpu"] * 1e6 / nsmall))
			# CPU per operation: steadier than rates on a shared machine.
			if (v[s, r, "sessions.rate"] != "")
				put(s, "sess_cpu", sprintf("%.2f", v[s, r, "sessions.cpu"] * 1000 / nsess))
			if (v[s, r, "small.rate"] != "")
				put(s, "small_cpu", sprintf("%.1f", v[s, r, "small.cpu"] * 1e6 / nsmall))
			put(s, "tsmall", v[s, r, "tsmall.rate"])
			if (v[s, r, "tsmall.rate"] != "" && ntsmall > 0)
				put(s, "tsmall_cpu", sprintf("%.1f", v[s, r, "tsmall.cpu"] * 1e6 / ntsmall))
		}
	}' "$RES"
}

# Fill MED[server,metric] with the median of the repetitions.
medians() {
	local s m med
	while read -r s m med; do
		MED[$s,$m]=$med
	done < <(derive | sort -k1,1 -k2,2 -k3,3g | awk '
		{ k = $1 " " $2; n[k]++; v[k, n[k]] = $3 }
		END { for (k in n) { c = n[k]
			m = (c % 2) ? v[k, (c + 1) / 2] : (v[k, c / 2] + v[k, c / 2 + 1]) / 2
			print k, m } }')
}

# cell S M: "value" or "value (ratio x)" against zcftpd (ratio = S / zcftpd).
cell() {
	local v=${MED[$1,$2]:-} z=${MED[zcftpd,$2]:-}
	[ -n "$v" ] || { echo "n/a"; return; }
	if [ "$1" != zcftpd ] && [ -n "$z" ]; then
		awk -v v="$v" -v z="$z" 'BEGIN { if (z > 0) printf "%s (%.2fx)", v, v / z; else print v }'
	else
		echo "$v"
	fi
}

# Targets from the project issue, judged on the medians.
targets() {
	local best_stor best_sess best_small
	[ -n "${MED[zcftpd,retr_cpu]:-}" ] || { echo "- targets: zcftpd not measured"; return; }
	best_stor=$(best min stor_cpu) best_sess=$(best max sessions) best_small=$(best max small)
	verdict "RETR CPU/GiB <= vsftpd's" "${MED[zcftpd,retr_cpu]}" "<=" "${MED[vsftpd,retr_cpu]:-}"
	verdict "STOR CPU/GiB <= 0.6 x best peer" "${MED[zcftpd,stor_cpu]}" "<=" \
		"$(scale "$best_stor" 0.6)"
	verdict "sessions/s >= 1.5 x best peer" "${MED[zcftpd,sessions]:-}" ">=" "$(scale "$best_sess" 1.5)"
	verdict "small files/s >= 1.5 x best peer" "${MED[zcftpd,small]:-}" ">=" "$(scale "$best_small" 1.5)"
}

# FTPS targets (issue 4, user-space TLS path): server CPU at most 0.7 s/GiB
# both ways, throughput at least the best peer's.
tls_targets() {
	[ -n "${MED[zcftpd,tretr_cpu]:-}" ] || { echo "- TLS targets: zcftpd not measured"; return; }
	verdict "TLS RETR CPU/GiB <= 0.7" "${MED[zcftpd,tretr_cpu]}" "<=" 0.7
	verdict "TLS STOR CPU/GiB <= 0.7" "${MED[zcftpd,tstor_cpu]:-}" "<=" 0.7
	verdict "TLS RETR MiB/s >= best peer" "${MED[zcftpd,tretr_mibs]:-}" ">=" "$(best max tretr_mibs)"
	verdict "TLS STOR MiB/s >= best peer" "${MED[zcftpd,tstor_mibs]:-}" ">=" "$(best max tstor_mibs)"
}

best() {
	local s out=""
	for s in vsftpd proftpd pureftpd; do
		echo "${MED[$s,$2]:-}"
	done | awk -v f="$1" 'NF { if (b == "" || (f == "min" ? $1 < b : $1 > b)) b = $1 } END { print b }'
}

scale() { [ -n "$1" ] && awk -v a="$1" -v k="$2" 'BEGIN { printf "%.3f", a * k }'; }

verdict() {
	local ok
	if [ -z "$2" ] || [ -z "$4" ]; then
		echo "- $1: not measured"
		return
	fi
	ok=$(awk -v a="$2" -v b="$4" -v op="$3" 'BEGIN { print ((op == "<=") ? a <= b : a >= b) ? "PASS" : "FAIL" }')
	echo "- $1: zcftpd $2, limit $4: **$ok**"
}

machine() {
	echo "- machine: $(nproc) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)," \
		"$(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
	echo "- system: $(. /etc/os-release && echo "$PRETTY_NAME"), kernel $(uname -r)," \
		"data on $(df --output=fstype "$DATA" | tail -n1)"
	echo "- date: $RUN_DATE"
	echo "- command: \`$CMDLINE\`"
	echo "- servers: $("$ZCFTPD" -V 2>/dev/null | head -n1 || echo "zcftpd n/a")," \
		"peers from Debian: $(peer_versions)"
}

peer_versions() {
	local d
	for d in "$CACHE"/debs/*.deb; do
		dpkg-deb -W --showformat='${Package} ${Version}\n' "$d"
	done | paste -sd, | sed 's/,/, /g'
}

# table COLS ACTIVE HEADER: one markdown table of medians.
table() {
	local cols=$1 active=$2 s c line
	echo "$3"
	echo "|---$(for c in $cols; do printf '|---:'; done)|"
	for s in zcftpd vsftpd proftpd pureftpd; do
		case " $active " in *" $s "*) ;; *) continue ;; esac
		line="| $s"
		for c in $cols; do
			line="$line | $(cell "$s" "$c")"
		done
		echo "$line |"
	done
}

plain_report() {
	table "$COLS" "$ACTIVE" "| server | RETR MiB/s | RETR CPU s/GiB | STOR MiB/s | STOR CPU s/GiB | sessions/s | CPU ms/session | small files/s | CPU µs/file |"
	echo
	echo "Median of $REPS repetitions; (N x) = server / zcftpd. Higher is better"
	echo "except CPU columns (server CPU of the whole process tree, cgroup cpuacct,"
	echo "per GiB, per session, per small file: lower is better)."
	echo "sessions: $SESSIONS logins (USER PASS PWD QUIT), $CONC concurrent;"
	echo "small files: $SMALL x 4 KiB RETR in one session; RETR/STOR: $BIG_MIB MiB."
	echo
	targets
	echo
	[ -z "${PIN_SMALL:-}" ] || pinned_report
}

# --pin-small: the same small-file loop with every process on CPU 0.
pinned_report() {
	echo "Small files again with the server's processes and the client pinned to"
	echo "CPU 0 (--pin-small): no cross-CPU wake-ups, so the rate shows each"
	echo "server's own per-file cost. Supplementary: the target is judged above."
	echo
	table "small1 small1_cpu" "$ACTIVE" "| server | small files/s, 1 CPU | CPU µs/file |"
	echo
	echo "- (supplementary)$(verdict " small files/s on 1 CPU >= 1.5 x best peer" \
		"${MED[zcftpd,small1]:-}" ">=" "$(scale "$(best max small1)" 1.5)" | sed 's/^-//')"
	echo
}

tls_report() {
	echo "FTPS (explicit, PROT P, TLS ${TLS_VERSION:-1.3}, AES-256-GCM, data connections resuming"
	echo "the control session where the server lets them):"
	echo
	table "$TLS_COLS" "$ACTIVE_TLS" "| server | TLS RETR MiB/s | TLS RETR CPU s/GiB | TLS STOR MiB/s | TLS STOR CPU s/GiB | TLS small files/s | CPU µs/file |"
	echo
	echo "Median of $REPS repetitions, $BIG_MIB MiB each way, ${TLS_SMALL:-0} x 4 KiB in one"
	echo "session (each on its own TLS data connection); same columns as above."
	echo
	tls_targets
	echo
}

report() {
	medians
	{
		[ -z "$ACTIVE" ] || plain_report
		[ -z "${ACTIVE_TLS:-}" ] || tls_report
		machine
	} >"$RUN/results.md"
	cat "$RUN/results.md"
	[ -z "$MD" ] || cp "$RUN/results.md" "$MD"
	log "raw results: $RES"
}
