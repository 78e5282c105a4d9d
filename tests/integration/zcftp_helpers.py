"""zcftp_helpers - running the zcftp client against a zctest server.

The client binary is $ZCFTP, else client/zcftp next to $ZCFTPD's
server/ directory. Every run gets its own HOME (no ~/.netrc leaks in) and
a bounded timeout.
"""

import filecmp
import os
import shutil
import subprocess
import tempfile

import zctest as zt


def zcftp_path():
    p = os.environ.get("ZCFTP")
    if p:
        return p
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(zt.ZCFTPD))),
                        "client", "zcftp")


ZCFTP = zcftp_path()
_home = None


def home():
    """An empty HOME for the client (created once per process)."""
    global _home
    if _home is None:
        _home = tempfile.mkdtemp(prefix="zcftp-home-")
    return _home


def run(*args, env=None, timeout=None, check=None, stdin=subprocess.DEVNULL):
    """Run zcftp; returns CompletedProcess with text stdout/stderr.
    check: the expected exit code (asserted) or None."""
    e = dict(os.environ)
    e["HOME"] = home()
    e.pop("ZCFTP_PASSWORD", None)
    e.update(env or {})
    p = subprocess.run([ZCFTP] + list(args), env=e, stdin=stdin,
                       capture_output=True, timeout=timeout or zt.BIG_TIMEOUT)
    p.out = p.stdout.decode("utf-8", "replace")
    p.err = p.stderr.decode("utf-8", "replace")
    # Sanitizer builds (--enable-asan/--enable-ubsan): any report fails.
    for pat in zt.SANITIZER_PATTERNS:
        if pat in p.stderr:
            raise AssertionError("zcftp %s: sanitizer report:\n%s" % (" ".join(args), p.err))
    if check is not None and p.returncode != check:
        raise AssertionError("zcftp %s: exit %d, want %d\nstdout: %s\nstderr: %s"
                             % (" ".join(args), p.returncode, check, p.out, p.err))
    return p


def url(srv, user="u", path="/", password=None, host="127.0.0.1",
        scheme="ftp"):
    """scheme "ftps" (implicit) uses srv.implicit_port (ftps_helpers)."""
    pw = srv.users[user][0] if password is None else password
    h = "[%s]" % host if ":" in host else host
    port = srv.implicit_port if scheme == "ftps" else srv.port
    return "%s://%s:%s@%s:%d%s" % (scheme, user, pw, h, port, path)


def makedirs(path):
    """mkdir -p with mode 0777: server sessions may run as another user
    (virtual_account) and must be able to write there."""
    if os.path.isdir(path):
        return
    makedirs(os.path.dirname(path))
    os.mkdir(path)
    os.chmod(path, 0o777)


def write(path, data, mtime=None):
    makedirs(os.path.dirname(path))
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, 0o666)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


# Names that break naive clients: spaces, UTF-8, leading dashes, globs.
ODD_NAMES = ["with space.txt", "-dash.txt", "--double", "\u00e9t\u00e9 \u65e5\u672c.txt",
             "star*.txt", "semi;colon"]


def make_tree(root, seed=1, nfiles=30, big=0):
    """A nested tree with odd names; returns {relpath: bytes}."""
    import random
    rnd = random.Random(seed)
    files = {}
    for i in range(nfiles):
        d = ["", "a", "a/b c", "-d", "\u00fcml"][i % 5]
        rel = os.path.join(d, "f%03d.dat" % i) if d else "f%03d.dat" % i
        files[rel] = rnd.randbytes(rnd.randint(0, 20000))
    for n in ODD_NAMES:
        files[os.path.join("odd", n)] = n.encode() * 3
    if big:
        files["big.bin"] = rnd.randbytes(big)
    t = 1500000000
    for rel, data in files.items():
        write(os.path.join(root, rel), data, mtime=t + len(rel))
    makedirs(os.path.join(root, "empty dir"))
    # Directory mtimes in the past too, deepest first (setting a child's
    # does not touch its parent's).
    dirs = sorted((d for d, _, _ in os.walk(root) if d != root), reverse=True)
    for i, d in enumerate(dirs):
        os.utime(d, (t - 1000 * (i + 1), t - 1000 * (i + 1)))
    return files


def assert_same_tree(a, b, mtimes=True, dir_mtimes=False):
    """diff -r a b (content via filecmp, shallow=False), and mtimes (of
    the directories below the roots too with dir_mtimes)."""
    for dirpath, dirs, files in os.walk(a):
        rel = os.path.relpath(dirpath, a)
        other = os.path.join(b, rel)
        if dir_mtimes and rel != ".":
            ma, mb = int(os.stat(dirpath).st_mtime), int(os.stat(other).st_mtime)
            assert ma == mb, "directory %s: mtime %d != %d" % (rel, ma, mb)
        cmp = filecmp.dircmp(dirpath, other)
        assert not cmp.left_only and not cmp.right_only, \
            "%s: only in %s: %s; only in %s: %s" % (rel, a, cmp.left_only, b, cmp.right_only)
        for f in files:
            pa, pb = os.path.join(dirpath, f), os.path.join(other, f)
            assert filecmp.cmp(pa, pb, shallow=False), "%s differs" % os.path.join(rel, f)
            if mtimes:
                ma, mb = int(os.stat(pa).st_mtime), int(os.stat(pb).st_mtime)
                assert ma == mb, "%s: mtime %d != %d" % (os.path.join(rel, f), ma, mb)
    for dirpath, dirs, files in os.walk(b):
        rel = os.path.relpath(dirpath, b)
        assert os.path.isdir(os.path.join(a, rel)), "%s only in %s" % (rel, b)


def part_files(root):
    out = []
    for dirpath, dirs, files in os.walk(root):
        out += [os.path.join(dirpath, f) for f in files if f.startswith(".zcftp-part.")]
    return out


def cleanup():
    if _home:
        shutil.rmtree(_home, ignore_errors=True)
