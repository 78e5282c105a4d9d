#!/usr/bin/env python3
"""zcftp against vsftpd, which has no MLSD: the LIST fallback. A tree is
mirrored down through LIST parsing (unix-style lines, "HH:MM" and
"  YYYY" dates), compared byte for byte with mtimes at the precision LIST
gives (the minute for recent files, the day for old ones); a re-run
transfers nothing; a change is picked up.

vsftpd is not installed as a package: the .deb is fetched with
`apt-get download` into a cache (or the benchmark's unpacked copy is
reused) and run from there as root, anonymous only, on a free loopback
port. SKIP (77) when not root or when vsftpd cannot be obtained or
started; once it is up, every check is real."""
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

CACHE = os.environ.get("ZCFTP_VSFTPD_CACHE", "/var/cache/zcftpd-tests")
KNOWN = ("/var/cache/zcftpd-bench/root/usr/sbin/vsftpd",
         os.path.join(CACHE, "root/usr/sbin/vsftpd"))
APT_TIMEOUT = 180


def runs(binary):
    """The binary exists and its shared libraries resolve."""
    if not os.access(binary, os.X_OK):
        return False
    try:
        p = subprocess.run(["ldd", binary], capture_output=True, timeout=zt.TIMEOUT)
    except (OSError, subprocess.TimeoutExpired):
        return True     # no ldd: let the start decide
    return b"not found" not in p.stdout


def fetch_vsftpd():
    """apt-get download + dpkg-deb -x into CACHE. Returns the binary."""
    debs = os.path.join(CACHE, "debs")
    os.makedirs(debs, exist_ok=True)
    if not glob.glob(os.path.join(debs, "vsftpd_*.deb")):
        p = subprocess.run(["apt-get", "download", "-q", "-o",
                            "APT::Sandbox::User=root", "vsftpd"], cwd=debs,
                           capture_output=True, timeout=APT_TIMEOUT)
        if p.returncode != 0:
            raise zt.Skip("apt-get download vsftpd failed: %s"
                          % p.stderr.decode(errors="replace").strip()[-200:])
    deb = sorted(glob.glob(os.path.join(debs, "vsftpd_*.deb")))[-1]
    subprocess.run(["dpkg-deb", "-x", deb, os.path.join(CACHE, "root")],
                   check=True, capture_output=True, timeout=APT_TIMEOUT)
    return os.path.join(CACHE, "root/usr/sbin/vsftpd")


def find_vsftpd():
    if os.geteuid() != 0:
        raise zt.Skip("vsftpd must run as root (listen, chroot, privilege drop)")
    for b in (shutil.which("vsftpd"),) + KNOWN:
        if b and runs(b):
            return b
    for tool in ("apt-get", "dpkg-deb"):
        if shutil.which(tool) is None:
            raise zt.Skip("vsftpd not found and no %s to fetch it" % tool)
    try:
        b = fetch_vsftpd()
    except (OSError, subprocess.SubprocessError) as e:
        raise zt.Skip("cannot obtain vsftpd: %s" % e)
    if not runs(b):
        raise zt.Skip("%s: shared libraries missing (ldd)" % b)
    return b


def anon_account():
    """vsftpd changes into the anonymous account's home before anon_root:
    an unprivileged system account whose home exists (nobody's,
    /nonexistent, does not)."""
    for name in ("ftp", "daemon", "bin", "sys", "nobody"):
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            continue
        if pw.pw_uid != 0 and os.path.isdir(pw.pw_dir):
            return name
    raise zt.Skip("no unprivileged account with an existing home for vsftpd")


class Vsftpd:
    """vsftpd on 127.0.0.1:port serving root to anonymous (read-only),
    with a wu-ftpd format xferlog."""

    def __init__(self, binary):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="zcftp-vsftpd-")
        os.chmod(self.tmp, 0o755)   # vsftpd's "nobody" reads below it
        self.root = os.path.join(self.tmp, "root")
        self.empty = os.path.join(self.tmp, "empty")
        self.xferlog = os.path.join(self.tmp, "xferlog")
        self.log = os.path.join(self.tmp, "vsftpd.out")
        for d in (self.root, self.empty):
            os.mkdir(d, 0o755)
        self.proc = None
        self.port = None

    def config(self):
        return "\n".join([
            "listen=YES", "listen_ipv6=NO", "listen_address=127.0.0.1",
            "listen_port=%d" % self.port, "background=NO",
            "anonymous_enable=YES", "local_enable=NO", "write_enable=NO",
            "no_anon_password=YES", "anon_root=" + self.root,
            "ftp_username=" + anon_account(), "nopriv_user=nobody",
            "secure_chroot_dir=" + self.empty,
            "seccomp_sandbox=NO", "isolate=NO", "isolate_network=NO",
            "pasv_enable=YES", "port_enable=NO", "tcp_wrappers=NO",
            "ssl_enable=NO", "dirmessage_enable=NO", "use_localtime=NO",
            "xferlog_enable=YES", "xferlog_std_format=YES",
            "xferlog_file=" + self.xferlog, "max_per_ip=0", "max_clients=0",
            ""])

    def banner_ok(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), 1) as s:
                s.settimeout(2)
                return s.recv(64).startswith(b"220")
        except OSError:
            return False

    def start(self):
        for _attempt in range(3):
            self.port = zt.free_port()
            conf = os.path.join(self.tmp, "vsftpd.conf")
            with open(conf, "w") as f:
                f.write(self.config())
            with open(self.log, "ab") as out:
                self.proc = subprocess.Popen([self.binary, conf], stdin=subprocess.DEVNULL,
                                             stdout=out, stderr=subprocess.STDOUT)
            if zt.wait_for(lambda: self.proc.poll() is not None or self.banner_ok(),
                           zt.TIMEOUT) and self.proc.poll() is None:
                return self
            self.stop()
        with open(self.log, "rb") as f:
            why = f.read().decode(errors="replace").strip()[-300:]
        raise zt.Skip("vsftpd did not start: %s" % (why or "no 220 banner"))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()   # by PID; its sessions end with it
            try:
                self.proc.wait(zt.TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(zt.TIMEOUT)
        self.proc = None

    def xfers(self):
        try:
            with open(self.xferlog) as f:
                return [l for l in f if l.strip()]
        except OSError:
            return []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def make_tree(root):
    """Files with recent whole-minute mtimes (LIST shows "Mon DD HH:MM":
    exact), two old ones (LIST shows the year: the day is all there is).
    Returns {rel: (mtime, precision)}."""
    files = zc.make_tree(root, seed=21, nfiles=30, big=2 * zt.MiB)
    recent = (int(time.time()) // 60 - 24 * 60) * 60    # yesterday, :00 s
    out = {}
    for i, rel in enumerate(sorted(files)):
        p = os.path.join(root, rel)
        t = recent - 60 * i if i % 10 else 1400000000 + 86400 * i
        os.utime(p, (t, t))
        out[rel] = (t, 60 if i % 10 else 86400)
    for d, _dirs, fs in os.walk(root):
        os.chmod(d, 0o755)
        for f in fs:
            os.chmod(os.path.join(d, f), 0o644)
    return out


def check_mtimes(local, want):
    for rel, (t, prec) in want.items():
        got = int(os.stat(os.path.join(local, rel)).st_mtime)
        if prec == 60:
            assert got == t, "%s: mtime %d, LIST said %d" % (rel, got, t)
        else:
            assert got == t - t % 86400, "%s: mtime %d, want the day %d" % (rel, got, t)


def test_list_fallback_mirror():
    binary = find_vsftpd()
    with Vsftpd(binary) as v:
        tree = os.path.join(v.root, "tree")
        want = make_tree(tree)
        local = os.path.join(v.tmp, "local")
        u = "ftp://127.0.0.1:%d/tree" % v.port
        p = zc.run("mirror", "-v", u, local, check=0)
        zc.assert_same_tree(tree, local, mtimes=False)
        assert not zc.part_files(local)
        check_mtimes(local, want)
        n = len(v.xfers())
        assert n == len(want), "vsftpd logged %d transfers for %d files" % (n, len(want))
        # Nothing changed: nothing moves, in both parallel settings.
        for par in ("1", "4"):
            p = zc.run("mirror", "-P", par, u, local, check=0)
            assert len(v.xfers()) == n, v.xfers()[n:]
            assert p.out.startswith("0 files"), p.out
        # A changed file (size and a new whole-minute time) and a new one.
        t = (int(time.time()) // 60 - 5) * 60
        zc.write(os.path.join(tree, "a", "f001.dat"), b"changed", mtime=t)
        zc.write(os.path.join(tree, "odd", "new file"), b"new", mtime=t)
        for path in ("a/f001.dat", "odd/new file"):
            os.chmod(os.path.join(tree, path), 0o644)
        zc.run("mirror", "-q", u, local, check=0)
        got = sorted(l.split()[8] for l in v.xfers()[n:])
        assert got == ["/tree/a/f001.dat", "/tree/odd/new_file"], got
        zc.assert_same_tree(tree, local, mtimes=False)
        assert int(os.stat(os.path.join(local, "odd", "new file")).st_mtime) == t
        # Single files through SIZE/MDTM (no MLST either).
        got = os.path.join(v.tmp, "one")
        zc.run("get", u + "/a/f001.dat", got, check=0)
        assert open(got, "rb").read() == b"changed"
        assert int(os.stat(got).st_mtime) == t
        p = zc.run("ls", u + "/odd", check=0)
        assert "new file" in p.out and "-dash.txt" in p.out, p.out


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
