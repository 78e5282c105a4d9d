#!/bin/sh
# test-package.sh - build the Debian packages from a clean copy of the
# tree, check them with lintian, install them on this machine, run the
# installed server (no running systemd needed: it is started directly, in
# the foreground, on a free loopback port), log in as anonymous and as a
# real user, stop it by PID, purge, and check that nothing of the
# package's own is left while the shared "ftp" account and /srv/ftp are.
# Also builds the RPMs with rpmbuild -bb from `make dist`'s tarball.
#
# Run as root on Debian 12. Exit 0 pass, 1 fail, 77 skip (a tool is
# missing: the message says which).
#
#   packaging/test-package.sh [--build-only] [--no-rpm]
#   ZC_PKG_SOURCE=worktree   package the working tree (tracked + untracked
#                            files) instead of the last commit (HEAD)
#   DEB_BUILD_OPTIONS=nocheck  skip make check inside the package build
#   ZC_PKG_KEEP=1            keep the work directory (/tmp/zcpkg.*)
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
build_only=0
do_rpm=1
for a in "$@"; do
	case $a in
	--build-only) build_only=1 ;;
	--no-rpm) do_rpm=0 ;;
	*) echo "usage: $0 [--build-only] [--no-rpm]" >&2; exit 2 ;;
	esac
done

SERVER_WAIT_S=10	# bound on the server's start-up and stop
FAILS=0
work=$(mktemp -d /tmp/zcpkg.XXXXXX) || exit 1
log=$work/log
mkdir -p "$log"
server_pid=
installed=0
testuser=zcpkgt$$
created_srv_ftp=0
had_ftp_user=0
had_zcftpd_user=0

say() { printf '%s\n' "== $*"; }
ok() { printf '%s\n' "ok: $*"; }
fail() { printf '%s\n' "FAIL: $*"; FAILS=$((FAILS + 1)); }
skip() { printf '%s\n' "SKIP: $*"; exit 77; }
now_ms() { date +%s%3N; }
elapsed() { echo "$(( $(now_ms) - $1 )) ms"; }

cleanup() {
	if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
		kill -TERM "$server_pid" 2>/dev/null
		sleep 1
		kill -KILL "$server_pid" 2>/dev/null
	fi
	[ "$installed" = 1 ] && dpkg --purge zcftpd zcftp >/dev/null 2>&1
	if id "$testuser" >/dev/null 2>&1; then
		userdel -r "$testuser" >/dev/null 2>&1
	fi
	# Restore the machine: what the package deliberately leaves behind
	# (the shared ftp account and /srv/ftp) goes if this test made it.
	if [ "$had_ftp_user" = 0 ] && id ftp >/dev/null 2>&1; then
		deluser --system --quiet ftp >/dev/null 2>&1
		getent group ftp >/dev/null && delgroup --quiet ftp >/dev/null 2>&1
	fi
	[ "$created_srv_ftp" = 1 ] && rm -rf /srv/ftp
	if [ "${ZC_PKG_KEEP:-0}" = 1 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- preconditions ----
[ "$(id -u)" = 0 ] || skip "needs root (installs packages)"
for t in dpkg-buildpackage dh git curl python3; do
	command -v "$t" >/dev/null 2>&1 || skip "$t missing (apt-get install debhelper devscripts git curl python3)"
done
if dpkg -s zcftpd >/dev/null 2>&1; then
	skip "zcftpd is already installed here; this test would remove it"
fi
if dpkg -l 'ftp-server' 2>/dev/null | grep -q '^ii'; then
	skip "another ftp-server package is installed"
fi

# ---- a clean copy of the tree ----
say "source: ${ZC_PKG_SOURCE:-HEAD}"
src=$work/src/zcftpd-0.1.0
mkdir -p "$src"
if [ "${ZC_PKG_SOURCE:-HEAD}" = worktree ]; then
	(cd "$top" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		tar --null -T - -cf -) | tar -xf - -C "$src" || { fail "copy of the work tree"; exit 1; }
else
	git -C "$top" archive --format=tar HEAD | tar -xf - -C "$src" || { fail "git archive"; exit 1; }
fi
# make dist (for the RPM) needs a tree that was never configured in place.
cp -a "$src" "$work/distsrc"
cp -r "$src/packaging/debian" "$src/debian"

# ---- build ----
say "dpkg-buildpackage -us -uc -b (DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-})"
t0=$(now_ms)
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$log/build.log" 2>&1; then
	ok "packages built in $(elapsed "$t0")"
else
	tail -n 60 "$log/build.log"
	fail "dpkg-buildpackage (log: $log/build.log)"
	ZC_PKG_KEEP=1
	exit 1
fi
debs=$(ls "$work"/src/*.deb)
for d in $debs; do
	echo "   $(basename "$d") $(stat -c %s "$d") bytes"
done
grep -E '^(# TOTAL|# PASS|# SKIP|# FAIL|# ERROR)' "$log/build.log" | tr '\n' ' ' | sed 's/^/   make check: /'
echo

# ---- lintian ----
if command -v lintian >/dev/null 2>&1; then
	t0=$(now_ms)
	lintian --fail-on error --display-info $debs >"$log/lintian.log" 2>&1
	lrc=$?
	e=$(grep -c '^E: ' "$log/lintian.log")
	w=$(grep -c '^W: ' "$log/lintian.log")
	i=$(grep -c '^I: ' "$log/lintian.log")
	echo "   lintian: $e errors, $w warnings, $i info ($(elapsed "$t0"))"
	grep -E '^[EW]: ' "$log/lintian.log" | sed 's/^/   /'
	[ "$lrc" = 0 ] && [ "$e" = 0 ] && ok "lintian: no errors" || fail "lintian errors"
else
	echo "SKIP: lintian missing (apt-get install lintian)"
fi

# ---- RPM from make dist's tarball ----
rpm_build() {
	command -v rpmbuild >/dev/null 2>&1 || { echo "SKIP: rpmbuild missing (apt-get install rpm)"; return 0; }
	say "rpmbuild -bb from make dist"
	t0=$(now_ms)
	b=$work/distbuild
	mkdir -p "$b" "$work/rpm/SOURCES"
	if ! (cd "$work/distsrc" && ./autogen.sh && cd "$b" && "$work/distsrc/configure" -q &&
		make -j"$(nproc)" dist) \
		>"$log/dist.log" 2>&1; then
		tail -n 30 "$log/dist.log"; fail "make dist"; return 0
	fi
	cp "$b"/zcftpd-*.tar.gz "$work/distsrc/packaging/zcftpd.sysusers" "$work/rpm/SOURCES/"
	# Debian's rpm has no systemd macros: load stand-ins, skip BuildRequires.
	load=
	[ -n "$(rpm --eval '%{?_unitdir}')" ] || load="--load=$work/distsrc/packaging/rpm/macros.compat"
	nocheck=
	case "${DEB_BUILD_OPTIONS:-}" in *nocheck*) nocheck="--without check" ;; esac
	# shellcheck disable=SC2086
	if rpmbuild --define "_topdir $work/rpm" $load --nodeps $nocheck \
		-bb "$work/distsrc/packaging/rpm/zcftpd.spec" >"$log/rpm.log" 2>&1; then
		ok "rpmbuild -bb in $(elapsed "$t0")"
	else
		tail -n 40 "$log/rpm.log"; fail "rpmbuild -bb"; return 0
	fi
	for r in "$work"/rpm/RPMS/*/*.rpm; do
		echo "   $(basename "$r") $(stat -c %s "$r") bytes"
	done
	r=$(ls "$work"/rpm/RPMS/*/zcftpd-0*.rpm)
	rpm -qpc "$r" | grep -qx /etc/zcftpd/zcftpd.conf && ok "rpm: zcftpd.conf is %config" ||
		fail "rpm: zcftpd.conf not %config"
	rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILENAMES}\n]' "$r" | grep -q '^cn /etc/zcftpd/zcftpd.conf' &&
		ok "rpm: zcftpd.conf is noreplace" || fail "rpm: zcftpd.conf not noreplace"
	rpm -qp --scripts "$r" | grep -q 'try-restart zcftpd.service' &&
		ok "rpm: restart on upgrade" || fail "rpm: no restart scriptlet"
}
[ "$do_rpm" = 1 ] && rpm_build
if [ "$build_only" = 1 ]; then
	ZC_PKG_KEEP=1
	echo "packages: $work/src/*.deb $work/rpm/RPMS/*/*.rpm"
	[ "$FAILS" = 0 ] && exit 0
	exit 1
fi

# ---- state before installing ----
id ftp >/dev/null 2>&1 && had_ftp_user=1
id zcftpd >/dev/null 2>&1 && had_zcftpd_user=1
if [ ! -e /srv/ftp ]; then
	# Stand for a site that already has files: the package must not touch them.
	mkdir -p /srv/ftp/pub && created_srv_ftp=1
	echo "pre-existing content $$" >/srv/ftp/pub/welcome.txt
	chmod -R a+rX /srv/ftp
fi
srv_before=$(find /srv/ftp -printf '%p %U %G %m %s\n' | sort | md5sum)

# ---- install ----
say "install"
t0=$(now_ms)
installed=1
if DEBIAN_FRONTEND=noninteractive apt-get install -y -q $debs >"$log/install.log" 2>&1; then
	ok "installed in $(elapsed "$t0")"
else
	tail -n 30 "$log/install.log"; fail "apt-get install"; exit 1
fi
dpkg -L zcftpd zcftp | sort -u >"$work/files"
id zcftpd >/dev/null 2>&1 && ok "account zcftpd exists" || fail "account zcftpd missing"
id ftp >/dev/null 2>&1 && ok "account ftp exists" || fail "account ftp missing"
dpkg-query -W -f='${Conffiles}\n' zcftpd | grep -q ' /etc/zcftpd/zcftpd.conf ' &&
	ok "/etc/zcftpd/zcftpd.conf is a conffile" || fail "zcftpd.conf is not a conffile"
dpkg-query -W -f='${Provides} ${Conflicts}\n' zcftpd | grep -q 'ftp-server.*ftp-server' &&
	ok "Provides/Conflicts ftp-server" || fail "ftp-server relations"
/usr/sbin/zcftpd -t >"$log/effective.conf" 2>&1 && ok "zcftpd -t accepts the packaged configuration" ||
	fail "zcftpd -t: $(cat "$log/effective.conf")"
for m in zcftpd.8 zcftpd.conf.5 zcftp.1; do
	man -w "${m%.*}" >/dev/null 2>&1 || [ -e "/usr/share/man/man${m##*.}/$m.gz" ] ||
		fail "man page $m not installed"
done

# ---- systemd units ----
unitdir=$(dirname "$(grep '/zcftpd.service$' "$work/files")")
if command -v systemd-analyze >/dev/null 2>&1; then
	if (cd / && systemd-analyze verify "$unitdir/zcftpd.service" "$unitdir/zcftpd.socket" \
		"$unitdir/zcftpd-inetd.socket") >"$log/verify.log" 2>&1 && [ ! -s "$log/verify.log" ]; then
		ok "systemd-analyze verify: 3 units clean"
	else
		cat "$log/verify.log"; fail "systemd-analyze verify"
	fi
	systemd-analyze security --offline=yes "$unitdir/zcftpd.service" 2>/dev/null |
		tail -n 1 | sed 's/^/   /'
else
	echo "SKIP: systemd-analyze missing (apt-get install systemd): units not verified"
fi

# ---- run the installed server ----
port=$(python3 -c '
import socket, random
for _ in range(200):
    p = random.randint(20000, 30000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); print(p); break
    except OSError: pass
    finally: s.close()')
say "start /usr/sbin/zcftpd -f on 127.0.0.1:$port"
t0=$(now_ms)
/usr/sbin/zcftpd -f -p "$port" -l 127.0.0.1 >"$log/server.log" 2>&1 &
server_pid=$!
i=0
while ! grep -q ' ready' "$log/server.log" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt $((SERVER_WAIT_S * 20)) ] || ! kill -0 "$server_pid" 2>/dev/null; then
		cat "$log/server.log"; fail "server did not start"; exit 1
	fi
	sleep 0.05
done
ok "server ready in $(elapsed "$t0") (pid $server_pid)"

echo "hello from $$" >"$work/payload.txt"
# Transfers the xferlog must show: user upload and download, and the
# anonymous download where this test made /srv/ftp with its welcome file
# (it leaves one that existed before alone: vsftpd's, for one).
xfers=2
# Anonymous: the pre-existing content is served read-only.
if [ -f /srv/ftp/pub/welcome.txt ]; then
	xfers=3
	t0=$(now_ms)
	if curl -sS --max-time 20 "ftp://127.0.0.1:$port/pub/welcome.txt" -o "$work/w.txt" &&
		cmp -s "$work/w.txt" /srv/ftp/pub/welcome.txt; then
		ok "anonymous download ($(elapsed "$t0"))"
	else
		fail "anonymous download"
	fi
	curl -sS --max-time 20 -T "$work/payload.txt" "ftp://127.0.0.1:$port/pub/x.txt" 2>/dev/null &&
		fail "anonymous upload accepted" || ok "anonymous upload refused"
fi
t0=$(now_ms)
curl -sS --max-time 20 "ftp://127.0.0.1:$port/" >/dev/null && ok "anonymous listing ($(elapsed "$t0"))" ||
	fail "anonymous listing"

# A real (local) user: password from shadow, home directory as the root.
useradd -m -s /bin/sh "$testuser" && echo "$testuser:Pkg-test-$$-pw" | chpasswd ||
	{ fail "cannot create test user"; exit 1; }
grep -qx /bin/sh /etc/shells || fail "/bin/sh not in /etc/shells"
t0=$(now_ms)
if curl -sS --max-time 20 -u "$testuser:Pkg-test-$$-pw" -T "$work/payload.txt" \
	"ftp://127.0.0.1:$port/up.txt" && cmp -s "$work/payload.txt" "/home/$testuser/up.txt" &&
	[ "$(stat -c %U "/home/$testuser/up.txt")" = "$testuser" ]; then
	ok "user upload, owned by $testuser ($(elapsed "$t0"))"
else
	fail "user upload"
fi
t0=$(now_ms)
curl -sS --max-time 20 -u "$testuser:Pkg-test-$$-pw" "ftp://127.0.0.1:$port/up.txt" -o "$work/down.txt" &&
	cmp -s "$work/payload.txt" "$work/down.txt" && ok "user download ($(elapsed "$t0"))" ||
	fail "user download"
curl -sS --max-time 20 -u "$testuser:wrong" "ftp://127.0.0.1:$port/" >/dev/null 2>&1 &&
	fail "wrong password accepted" || ok "wrong password refused"
if command -v zcftp >/dev/null 2>&1; then
	t0=$(now_ms)
	zcftp ls "ftp://$testuser:Pkg-test-$$-pw@127.0.0.1:$port/" 2>&1 | grep -q up.txt &&
		ok "zcftp ls as $testuser ($(elapsed "$t0"))" || fail "zcftp ls"
fi
n=$(wc -l </var/log/zcftpd/xferlog 2>/dev/null || echo 0)
[ "$n" -ge "$xfers" ] && ok "xferlog: $n lines in /var/log/zcftpd/xferlog" ||
	fail "xferlog has $n lines, want $xfers"
grep -q "Pkg-test-$$-pw" "$log/server.log" /var/log/zcftpd/xferlog && fail "password in a log"

# ---- stop by PID ----
t0=$(now_ms)
kill -TERM "$server_pid"
i=0
while kill -0 "$server_pid" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt $((SERVER_WAIT_S * 20)) ] && { fail "server ignores SIGTERM"; break; }
	sleep 0.05
done
wait "$server_pid" 2>/dev/null
ok "server stopped by SIGTERM in $(elapsed "$t0")"
server_pid=

# ---- purge ----
say "purge"
t0=$(now_ms)
if DEBIAN_FRONTEND=noninteractive apt-get purge -y -q zcftpd zcftp >"$log/purge.log" 2>&1; then
	ok "purged in $(elapsed "$t0")"
	installed=0
else
	tail -n 30 "$log/purge.log"; fail "apt-get purge"
fi
left=0
while read -r f; do
	case $f in
	/etc/zcftpd*|/var/log/zcftpd*|/usr/share/doc/zcftp*|*zcftpd*|*zcftp*)
		[ -e "$f" ] && { echo "   left: $f"; left=$((left + 1)); } ;;
	*)	[ -e "$f" ] && [ ! -d "$f" ] && { echo "   left: $f"; left=$((left + 1)); } ;;
	esac
done <"$work/files"
[ "$left" = 0 ] && ok "none of the $(wc -l <"$work/files") dpkg -L paths left" || fail "$left packaged paths left"
for p in /etc/zcftpd /var/log/zcftpd /run/zcftpd; do
	[ -e "$p" ] && fail "$p left after purge"
done
find /etc/systemd -name 'zcftpd*' 2>/dev/null | grep -q . && fail "unit symlinks left in /etc/systemd"
if [ "$had_zcftpd_user" = 1 ]; then
	id zcftpd >/dev/null 2>&1 && ok "pre-existing zcftpd account kept" || fail "pre-existing zcftpd account removed"
else
	id zcftpd >/dev/null 2>&1 && fail "zcftpd account left after purge" || ok "zcftpd account removed"
fi
id ftp >/dev/null 2>&1 && ok "shared ftp account kept" || fail "ftp account removed"
[ "$(find /srv/ftp -printf '%p %U %G %m %s\n' | sort | md5sum)" = "$srv_before" ] &&
	ok "/srv/ftp untouched" || fail "/srv/ftp changed"

echo
if [ "$FAILS" = 0 ]; then echo "PASS: test-package"; exit 0; fi
echo "FAIL: test-package ($FAILS failures; logs in $work/log)"
ZC_PKG_KEEP=1
exit 1
