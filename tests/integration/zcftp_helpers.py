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


class FakeFTP:
    """A small fake FTP server on 127.0.0.1 for behaviour zcftpd never
    shows (late replies, missing MLSD facts, hostile names, endless
    trees). One thread per control connection; EPSV data connections.

    files: {"/path": bytes}; dirs: a set of "/path" (parents of files are
    added). Hooks, all optional:
      facts(path, kind, data) -> the MLSD/MLST fact string for an entry;
      listing(path) -> [(name, facts)] overriding the tree for MLSD;
      on_cmd(conn_no, verb, arg) -> None, or (delay_seconds, reply_line);
        a reply_line of None drops the control connection instead.
    STOR stores into .files. Use as a context manager; .port, .log
    (every (conn_no, line) seen)."""

    MTIME = "20200101000000"

    def __init__(self, files=None, dirs=(), facts=None, listing=None, on_cmd=None,
                 no_pipelined_retr=False):
        import socket
        import threading
        self.files = dict(files or {})
        # A server that cannot take RETR before the client connected:
        # 425 when no data connection is pending yet (a pipelined RETR).
        self.no_pipelined_retr = no_pipelined_retr
        self.refused_retr = 0
        self.dirs = set(dirs) | {"/"}
        for p in self.files:
            while p != "/":
                p = os.path.dirname(p)
                self.dirs.add(p)
        self.facts = facts or self.default_facts
        self.listing = listing
        self.on_cmd = on_cmd
        self.log = []
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.nconn = 0
        self.stopping = False
        self.threads = []
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()

    def default_facts(self, path, kind, data):
        if kind == "dir":
            return "type=dir;modify=%s;" % self.MTIME
        return "type=file;size=%d;modify=%s;" % (len(data), self.MTIME)

    def url(self, path="/"):
        return "ftp://u:fake-pw@127.0.0.1:%d%s" % (self.port, path)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stopping = True
        self.sock.close()
        for t in self.threads:
            t.join(2)

    def _accept(self):
        import threading
        import socket
        while not self.stopping:
            try:
                s, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            s.settimeout(None)
            self.nconn += 1
            t = threading.Thread(target=self._serve, args=(s, self.nconn), daemon=True)
            self.threads.append(t)
            t.start()

    def _entries(self, path):
        if self.listing:
            return self.listing(path)
        parent = path.rstrip("/") or "/"
        pre = parent.rstrip("/") + "/"
        out = []
        for d in sorted(self.dirs):
            if d != "/" and os.path.dirname(d) == parent:
                out.append((os.path.basename(d), self.facts(d, "dir", None)))
        for f, data in sorted(self.files.items()):
            if f.startswith(pre) and "/" not in f[len(pre):]:
                out.append((os.path.basename(f), self.facts(f, "file", data)))
        return out

    @staticmethod
    def _accept_data(lsock):
        """The one data connection of a passive listener, or None."""
        import socket
        lsock.settimeout(5)
        try:
            return lsock.accept()[0]
        except socket.timeout:
            return None
        finally:
            lsock.close()

    def _data(self, c, lsock, payload):
        d = self._accept_data(lsock)
        if d is None:
            return False
        d.sendall(payload)
        d.close()
        return True

    def _receive(self, lsock):
        d = self._accept_data(lsock)
        if d is None:
            return None
        chunks = []
        while True:
            b = d.recv(65536)
            if not b:
                break
            chunks.append(b)
        d.close()
        return b"".join(chunks)

    def _serve(self, c, no):
        import hashlib
        import select
        import socket
        import time
        stale = []
        f = c.makefile("rb")
        lsock = None
        rest = 0
        try:
            c.sendall(b"220 fake\r\n")
            for raw in f:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                verb, _, arg = line.partition(" ")
                verb = verb.upper()
                with self.lock:
                    self.log.append((no, line))
                hook = self.on_cmd(no, verb, arg) if self.on_cmd else None
                if hook:
                    time.sleep(hook[0])
                    if hook[1] is None:
                        break
                    c.sendall(hook[1].encode() + b"\r\n")
                    continue
                if verb == "USER":
                    c.sendall(b"331 pw\r\n")
                elif verb == "PASS":
                    c.sendall(b"230 ok\r\n")
                elif verb == "FEAT":
                    c.sendall(b"211-Features:\r\n MLST type*;size*;modify*;\r\n"
                              b" HASH SHA-256*\r\n EPSV\r\n REST STREAM\r\n SIZE\r\n"
                              b" MDTM\r\n MFMT\r\n211 End\r\n")
                elif verb in ("TYPE", "OPTS", "MFMT", "NOOP"):
                    c.sendall(b"200 ok\r\n")
                elif verb == "EPSV":
                    lsock = socket.socket()
                    lsock.bind(("127.0.0.1", 0))
                    lsock.listen(1)
                    c.sendall(b"229 ok (|||%d|)\r\n" % lsock.getsockname()[1])
                elif verb == "REST":
                    rest = int(arg)
                    c.sendall(b"350 ok\r\n")
                elif verb == "MLSD" and lsock:
                    ents = self._entries(arg)
                    c.sendall(b"150 here\r\n")
                    body = "".join("%s %s\r\n" % (fa, n) for n, fa in ents)
                    self._data(c, lsock, body.encode())
                    lsock = None
                    c.sendall(b"226 done\r\n")
                elif verb == "MLST" and (arg in self.files or arg in self.dirs):
                    fa = self.facts(arg, "file", self.files[arg]) if arg in self.files \
                        else self.facts(arg, "dir", None)
                    c.sendall(("250-x\r\n %s %s\r\n250 End\r\n" % (fa, arg)).encode())
                elif verb == "RETR" and lsock and self.no_pipelined_retr and \
                        not select.select([lsock], [], [], 0)[0]:
                    stale.append(lsock)     # the client still connects to it
                    lsock = None
                    self.refused_retr += 1
                    c.sendall(b"425 no data connection yet\r\n")
                elif verb == "RETR" and lsock and arg in self.files:
                    c.sendall(b"150 here\r\n")
                    self._data(c, lsock, self.files[arg][rest:])
                    lsock, rest = None, 0
                    c.sendall(b"226 done\r\n")
                elif verb == "STOR" and lsock:
                    c.sendall(b"150 send\r\n")
                    data = self._receive(lsock)
                    lsock = None
                    if data is None:
                        c.sendall(b"425 no data connection\r\n")
                        continue
                    with self.lock:
                        self.files[arg] = data
                    c.sendall(b"226 stored\r\n")
                elif verb == "MKD":
                    with self.lock:
                        self.dirs.add(arg.rstrip("/") or "/")
                    c.sendall(('257 "%s" created\r\n' % arg).encode())
                elif verb == "HASH" and arg in self.files:
                    h = hashlib.sha256(self.files[arg]).hexdigest()
                    c.sendall(("213 SHA-256 0-%d %s %s\r\n"
                               % (len(self.files[arg]), h, arg)).encode())
                elif verb == "SIZE" and arg in self.files:
                    c.sendall(b"213 %d\r\n" % len(self.files[arg]))
                elif verb == "MDTM" and arg in self.files:
                    c.sendall(("213 %s\r\n" % self.MTIME).encode())
                elif verb == "QUIT":
                    c.sendall(b"221 bye\r\n")
                    break
                else:
                    if lsock:
                        lsock.close()
                        lsock = None
                    c.sendall(b"550 no\r\n")
        except OSError:
            pass
        finally:
            for ls in stale:
                ls.close()
            c.close()
