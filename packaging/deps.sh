#!/bin/sh
# Install what building and testing zcftpd needs: apt on Debian/Ubuntu,
# dnf on Fedora/RHEL. As root, or as a user with sudo.
set -eu
# Installing packages needs root: re-run through sudo when we are not.
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "deps.sh: run as root (or install sudo)" >&2; exit 1; }
	exec sudo "$0" "$@"
fi
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
