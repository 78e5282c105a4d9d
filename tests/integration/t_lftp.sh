#!/bin/sh
# lftp against zcftpd: get, put, ls, cls, mirror both ways, passive and
# active, with retries and timeouts bounded so nothing can hang.
. "${srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
zc_need lftp
zc_start --user w:lftp-pw

W=$ZC_HOME_w
L=$ZC_TMP/local
mkdir -p "$L" "$ZC_ROOT/tree/sub/deeper" "$L/srctree/x"
zc_mkfile "$ZC_ROOT/file.bin" 2000000
zc_mkfile "$ZC_ROOT/tree/a.bin" 1000
zc_mkfile "$ZC_ROOT/tree/sub/b.bin" 70000
zc_mkfile "$ZC_ROOT/tree/sub/deeper/c.bin" 0
zc_mkfile "$L/srctree/top.bin" 5000
zc_mkfile "$L/srctree/x/y.bin" 300000
chmod -R a+rX "$ZC_ROOT/tree"

SETTINGS="set net:max-retries 1; set net:timeout 10; set net:reconnect-interval-base 1;
set ftp:ssl-allow no; set cmd:fail-exit yes; set xfer:clobber on"

lf() {	# lf PASSIVE USER PASS COMMANDS
	timeout 120 lftp -c "$SETTINGS; set ftp:passive-mode $1;
		open -u '$2,$3' -p $ZC_PORT 127.0.0.1; $4" </dev/null
}

for pm in on off; do
	zc_check "get (passive $pm)" lf $pm anonymous x@y "get file.bin -o $L/get-$pm.bin"
	zc_check "get same ($pm)" zc_same "$ZC_ROOT/file.bin" "$L/get-$pm.bin"
	zc_check "put (passive $pm)" lf $pm w lftp-pw "put $L/get-$pm.bin -o put-$pm.bin"
	zc_check "put same ($pm)" zc_same "$ZC_ROOT/file.bin" "$W/put-$pm.bin"
	lf $pm anonymous x@y "ls" >"$L/ls-$pm" 2>&1
	zc_check "ls ($pm)" grep -q ' file\.bin$' "$L/ls-$pm"
	lf $pm anonymous x@y "cls -1 tree" >"$L/cls-$pm" 2>&1
	zc_check "cls ($pm)" grep -q 'a\.bin' "$L/cls-$pm"
done

zc_check "mirror download" lf on anonymous x@y "mirror tree $L/mirrored"
zc_check "mirror a" zc_same "$ZC_ROOT/tree/a.bin" "$L/mirrored/a.bin"
zc_check "mirror b" zc_same "$ZC_ROOT/tree/sub/b.bin" "$L/mirrored/sub/b.bin"
zc_check "mirror c" zc_same "$ZC_ROOT/tree/sub/deeper/c.bin" "$L/mirrored/sub/deeper/c.bin"
zc_check "mirror again (nothing to do)" lf on anonymous x@y "mirror tree $L/mirrored"
zc_check "mirror upload" lf on w lftp-pw "mirror -R $L/srctree up"
zc_check "uploaded top" zc_same "$L/srctree/top.bin" "$W/up/top.bin"
zc_check "uploaded y" zc_same "$L/srctree/x/y.bin" "$W/up/x/y.bin"
zc_check "rm and rmdir" lf on w lftp-pw "rm -r up"
zc_check "tree removed" test ! -e "$W/up"
zc_check "anonymous put refused" zc_fails lf on anonymous x@y "put $L/srctree/top.bin -o nope.bin"
zc_check "nothing stored" test ! -e "$ZC_ROOT/nope.bin"
# Resume: a partial local file is completed with REST.
head -c 500000 "$ZC_ROOT/file.bin" >"$L/cont.bin"
zc_check "get -c" lf on anonymous x@y "get -c file.bin -o $L/cont.bin"
zc_check "resumed same" zc_same "$ZC_ROOT/file.bin" "$L/cont.bin"

zc_finish
