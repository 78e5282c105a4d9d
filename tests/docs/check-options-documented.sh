#!/bin/sh
# check-options-documented.sh - every option of the configuration schema
# (conf/config_schema*.c) must be documented in zcftpd.conf(5) and present
# in the commented sample conf/zcftpd.conf, and neither may describe an
# option the schema does not have. Exit 0 pass, 1 fail (automake TESTS).
set -u
top=${srcdir:-$(dirname "$0")/../..}
schema_files=$(ls "$top"/conf/config_schema*.c 2>/dev/null)
man5=$top/docs/zcftpd.conf.5
sample=$top/conf/zcftpd.conf
tmp=${TMPDIR:-/tmp}/zcdocs.$$
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp" || exit 1

for f in $schema_files "$man5" "$sample"; do
	[ -r "$f" ] || { echo "FAIL: cannot read $f"; exit 1; }
done

# Schema rows look like: { "section", "name", ZC_T_..., ... },
sed -n 's/^[[:space:]]*{[[:space:]]*"\([a-z0-9_]*\)",[[:space:]]*"\([a-z0-9_]*\)",.*/\1.\2/p' \
	$schema_files | sort -u >"$tmp/schema"

# The man page: options are ".TP" (or ".TQ") + ".B name" under ".SS section" inside
# the ".SH OPTIONS" part.
awk '
/^\.SH/ { inopt = ($2 == "OPTIONS"); next }
!inopt { next }
/^\.SS/ { sec = $2; gsub(/"/, "", sec); prev = ""; next }
(prev == ".TP" || prev == ".TQ") && /^\.BR? / { name = $2; gsub(/"/, "", name); print sec "." name }
{ prev = $0 }
' "$man5" | sort -u >"$tmp/man"

# The sample: "name = value" inside "section {", or "# name = value" (one
# value, nothing after it: not prose such as "# auto = 21 when ...") for
# options left at an automatic value.
awk '
/^[[:space:]]*[a-z_]+[[:space:]]*\{/ { sec = $1; sub(/\{.*/, "", sec); next }
/^[[:space:]]*\}/ { sec = ""; next }
sec == "" { next }
/^[[:space:]]*[a-z0-9_]+[[:space:]]*=/ || /^[[:space:]]*#[[:space:]]*[a-z0-9_]+[[:space:]]+=[[:space:]]+[^[:space:]]+[[:space:]]*$/ {
	line = $0; sub(/^[[:space:]]*#?[[:space:]]*/, "", line); sub(/[[:space:]]*=.*/, "", line)
	print sec "." line
}
' "$sample" | sort -u >"$tmp/sample"

n=$(wc -l <"$tmp/schema")
if [ "$n" -lt 10 ]; then
	echo "FAIL: only $n options parsed from the schema: has its format changed?"
	exit 1
fi
rc=0
report() {	# $1 list file, $2 message
	if [ -s "$1" ]; then
		while read -r opt; do echo "FAIL: $opt: $2"; done <"$1"
		rc=1
	fi
}
comm -23 "$tmp/schema" "$tmp/man" >"$tmp/a"; report "$tmp/a" "not documented in docs/zcftpd.conf.5"
comm -23 "$tmp/schema" "$tmp/sample" >"$tmp/b"; report "$tmp/b" "missing from conf/zcftpd.conf"
comm -13 "$tmp/schema" "$tmp/man" >"$tmp/c"; report "$tmp/c" "documented in docs/zcftpd.conf.5 but not in the schema"
comm -13 "$tmp/schema" "$tmp/sample" >"$tmp/d"; report "$tmp/d" "in conf/zcftpd.conf but not in the schema"
[ $rc -eq 0 ] && echo "PASS: $n options documented in zcftpd.conf(5) and the sample"
exit $rc
