#!/bin/bash
# peers.sh - fetch the peer FTP servers for the benchmark without installing
# them: vsftpd, ProFTPD and Pure-FTPd conflict as installed packages (each
# ships the "ftp-server" virtual package and an init script), so we
# `apt-get download` the .debs into a cache and unpack them with
# `dpkg-deb -x`.  Only their shared-library dependencies are installed with
# apt (libraries, never a server package).  Nothing of theirs is committed.
#
# Usage: tests/bench/peers.sh [CACHE_DIR]
# Prints the unpacked root (CACHE_DIR/root) on the last line of stdout.
# Needs root for apt-get install; the .deb download itself works as any user.
set -euo pipefail

CACHE=${1:-${ZCBENCH_CACHE:-/var/cache/zcftpd-bench}}
# proftpd-mod-crypto: ProFTPD's mod_tls.so (a DSO in Debian 12), for FTPS.
DEBS="vsftpd proftpd-core proftpd-mod-crypto pure-ftpd"
# Shared libraries the three binaries need that a minimal Debian 12 lacks.
LIBS="libwrap0 libhiredis0.14 libmemcached11 libmemcachedutil2 libpcre2-posix3
      libsodium23 libcap2 libpam0g libidn2-0 libacl1"
BINS="usr/sbin/vsftpd usr/sbin/proftpd usr/sbin/pure-ftpd"

log() { echo "peers: $*" >&2; }

fetch() {
	local pkg have
	mkdir -p "$CACHE/debs"
	for pkg in $DEBS; do
		have=$(ls "$CACHE/debs/${pkg}_"*.deb 2>/dev/null | head -n1 || true)
		[ -n "$have" ] && continue
		log "downloading $pkg"
		# _apt cannot write into a root-owned cache; run the download there.
		(cd "$CACHE/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >&2) ||
			{ log "apt-get download $pkg failed (run apt-get update?)"; exit 1; }
	done
}

unpack() {
	local deb stamp="$CACHE/root/.unpacked"
	if [ -f "$stamp" ] && [ -z "$(find "$CACHE/debs" -newer "$stamp" -name '*.deb')" ]; then
		return 0
	fi
	rm -rf "$CACHE/root"
	mkdir -p "$CACHE/root"
	for deb in "$CACHE"/debs/*.deb; do
		dpkg-deb -x "$deb" "$CACHE/root"
	done
	touch "$stamp"
}

missing_libs() {
	local b
	for b in $BINS; do
		ldd "$CACHE/root/$b" 2>/dev/null | awk '/not found/ { print $1 }'
	done | sort -u
}

ensure_libs() {
	local missing
	missing=$(missing_libs)
	[ -z "$missing" ] && return 0
	log "missing libraries: $(echo $missing); installing library packages"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		$LIBS >&2 || { log "apt-get install of libraries failed"; exit 1; }
	missing=$(missing_libs)
	[ -z "$missing" ] || { log "still missing: $missing"; exit 1; }
}

fetch
unpack
ensure_libs
echo "$CACHE/root"
