#!/bin/sh
# Install what building and testing zcftpd needs: apt on Debian/Ubuntu,
# dnf on Fedora/RHEL. Run as root (or through sudo).
set -eu
if command -v apt-get >/dev/null 2>&1; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends \
		build-essential autoconf automake libtool pkg-config \
		libssl-dev libcrypt-dev libconfuse-dev check \
		curl lftp python3 openssl ca-certificates procps
elif command -v dnf >/dev/null 2>&1; then
	dnf install -y gcc make autoconf automake libtool pkgconf-pkg-config \
		openssl-devel libxcrypt-devel libconfuse-devel check-devel \
		curl lftp python3 openssl procps-ng
else
	echo "deps.sh: no apt-get or dnf found; install OpenSSL, libcrypt, libconfuse and Check development packages by hand" >&2
	exit 1
fi
