#!/bin/sh
# curl against zcftpd: download, upload, LIST/NLST, active mode (-P),
# --ftp-pasv with and without EPSV, resume (-C -) both ways, IPv6 URLs.
. "${srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
zc_need curl
zc_start --ipv6 --user w:curl-pw

W=$ZC_HOME_w
L=$ZC_TMP/local
mkdir -p "$L"
zc_mkfile "$ZC_ROOT/file.bin" 3000000
zc_mkfile "$ZC_ROOT/empty.bin" 0
zc_mkfile "$L/up.bin" 2500000
U=ftp://127.0.0.1:$ZC_PORT
UW=ftp://w:curl-pw@127.0.0.1:$ZC_PORT
C="curl -sS --max-time 60 --connect-timeout 10"

zc_check "download (EPSV)" $C -o "$L/d1" "$U/file.bin"
zc_check "download same" zc_same "$ZC_ROOT/file.bin" "$L/d1"
zc_check "download (PASV)" $C --ftp-pasv --disable-epsv -o "$L/d2" "$U/file.bin"
zc_check "download PASV same" zc_same "$ZC_ROOT/file.bin" "$L/d2"
zc_check "download active EPRT" $C -P 127.0.0.1 -o "$L/d3" "$U/file.bin"
zc_check "active EPRT same" zc_same "$ZC_ROOT/file.bin" "$L/d3"
zc_check "download active PORT" $C -P - --disable-eprt -o "$L/d4" "$U/file.bin"
zc_check "active PORT same" zc_same "$ZC_ROOT/file.bin" "$L/d4"
zc_check "download empty file" $C -o "$L/d5" "$U/empty.bin"
zc_check "empty same" zc_same "$ZC_ROOT/empty.bin" "$L/d5"

$C "$U/" >"$L/list" 2>&1
zc_check "LIST shows file.bin" grep -q ' file\.bin$' "$L/list"
$C -l "$U/" >"$L/nlst" 2>&1
zc_check "NLST shows file.bin" grep -qx 'file\.bin' "$L/nlst"

# Resume a download from a partial local copy.
head -c 1000000 "$ZC_ROOT/file.bin" >"$L/partial"
zc_check "resume download" $C -C - -o "$L/partial" "$U/file.bin"
zc_check "resumed download same" zc_same "$ZC_ROOT/file.bin" "$L/partial"

zc_check "upload" $C -T "$L/up.bin" "$UW/up.bin"
zc_check "upload same" zc_same "$L/up.bin" "$W/up.bin"
zc_check "upload active" $C -P 127.0.0.1 -T "$L/up.bin" "$UW/up2.bin"
zc_check "upload active same" zc_same "$L/up.bin" "$W/up2.bin"
zc_check "upload into new dirs" $C --ftp-create-dirs -T "$L/up.bin" "$UW/a/b/up3.bin"
zc_check "nested upload same" zc_same "$L/up.bin" "$W/a/b/up3.bin"
# Resume an upload: the server has the first 700000 bytes.
head -c 700000 "$L/up.bin" >"$W/part.bin"
zc_give "$W/part.bin"
zc_check "resume upload" $C -C - -T "$L/up.bin" "$UW/part.bin"
zc_check "resumed upload same" zc_same "$L/up.bin" "$W/part.bin"

zc_check "anonymous upload refused" zc_fails $C -T "$L/up.bin" "$U/nope.bin"
zc_check "nothing stored" test ! -e "$ZC_ROOT/nope.bin"
zc_check "missing file fails" zc_fails $C -o "$L/x" "$U/nosuch"

zc_check "IPv6 download" $C -g -o "$L/d6" "ftp://[::1]:$ZC_PORT/file.bin"
zc_check "IPv6 same" zc_same "$ZC_ROOT/file.bin" "$L/d6"
zc_check "IPv6 active" $C -g -P ::1 -o "$L/d7" "ftp://[::1]:$ZC_PORT/file.bin"
zc_check "IPv6 active same" zc_same "$ZC_ROOT/file.bin" "$L/d7"
zc_check "IPv6 upload" $C -g -T "$L/up.bin" "ftp://w:curl-pw@[::1]:$ZC_PORT/up6.bin"
zc_check "IPv6 upload same" zc_same "$L/up.bin" "$W/up6.bin"

zc_finish
