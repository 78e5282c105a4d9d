"""zctest - harness for zcftpd integration tests.

Starts the real server binary ($ZCFTPD) on a free loopback port with a
generated libconfuse config and a temporary root, and stops it by PID.
Every wait is bounded. Each test script calls main(globals()), which runs
its test_* functions in order; exit 0 pass, 1 fail, 77 skip (only when an
optional client program is missing).

Also usable from shell tests (see lib.sh):
    python3 zctest.py start STATEDIR [--anon-upload] [--user NAME:PASS] [--ipv6]
    python3 zctest.py stop STATEDIR
"""

import contextlib
import ftplib
import hashlib
import os
import pwd
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings

# Seconds; ZCTEST_SLOW multiplies every timeout (sanitizer builds).
SLOW = float(os.environ.get("ZCTEST_SLOW", "1"))
TIMEOUT = 10 * SLOW
BIG_TIMEOUT = 120 * SLOW
MiB = 1 << 20

ZCFTPD = os.environ.get("ZCFTPD") or os.path.abspath("server/zcftpd")

SANITIZER_PATTERNS = (b"AddressSanitizer", b"LeakSanitizer",
              b"UndefinedBehaviorSanitizer", b"runtime error:")


class Skip(Exception):
    """Raised when an optional client program is missing."""


class ServerError(Exception):
    pass


class ProtocolError(Exception):
    pass


# ---------------------------------------------------------------- config

def _conf_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, (list, tuple)):
        return "{" + ", ".join(_conf_value(x) for x in v) + "}"
    s = str(v).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + s + '"'


def render_config(sections):
    """sections: {name: {option: value}} -> libconfuse text."""
    out = []
    for name, opts in sections.items():
        if opts is None:
            continue
        out.append(name + " {")
        for k, v in opts.items():
            if v is not None:
                out.append("\t%s = %s" % (k, _conf_value(v)))
        out.append("}")
    return "\n".join(out) + "\n"


_rng = random.SystemRandom()


def free_port(hosts=("127.0.0.1",)):
    """A TCP port free on every host in hosts, drawn at random from
    10000-19999: below the kernel's ephemeral range, so neither the
    TIME_WAIT sockets that loopback runs pile up there nor other tests'
    data connections take it. Racy by nature: the caller retries the
    server start on EADDRINUSE."""
    for _ in range(200):
        port = _rng.randrange(10000, 20000)
        ok = True
        for h in hosts:
            fam = socket.AF_INET6 if ":" in h else socket.AF_INET
            t = socket.socket(fam, socket.SOCK_STREAM)
            # SO_REUSEADDR as the server binds.
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                t.bind((h, port))
            except OSError:
                ok = False
            finally:
                t.close()
            if not ok:
                break
        if ok:
            return port
    raise ServerError("no free port")


# ---------------------------------------------------------------- users

HASH_SOURCE = None


def hash_password(password):
    """crypt(3) hash of password: `zcftpd --hash-password` if it works,
    else Python's crypt module, else `openssl passwd -6`."""
    global HASH_SOURCE
    try:
        p = subprocess.run([ZCFTPD, "--hash-password"],
                   input=(password + "\n").encode(),
                   capture_output=True, timeout=TIMEOUT)
        h = p.stdout.decode(errors="replace").strip().splitlines()
        if p.returncode == 0 and h and h[-1].startswith("$"):
            HASH_SOURCE = "zcftpd"
            return h[-1]
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import crypt
        HASH_SOURCE = "python-crypt"
        return crypt.crypt(password, crypt.mksalt(crypt.METHOD_SHA512))
    except ImportError:
        p = subprocess.run(["openssl", "passwd", "-6", "-stdin"],
                   input=password.encode(), capture_output=True,
                   timeout=TIMEOUT, check=True)
        HASH_SOURCE = "openssl"
        return p.stdout.decode().strip()


_DEFAULTS = None


def server_defaults():
    """{section: {option: value-text}} as `zcftpd -t` prints the built-in
    defaults: which options this server version knows."""
    global _DEFAULTS
    if _DEFAULTS is not None:
        return _DEFAULTS
    _DEFAULTS = {}
    with tempfile.NamedTemporaryFile("w", suffix=".conf") as f:
        f.write("listen {\n\tport = 2999\n}\n")
        f.flush()
        try:
            p = subprocess.run([ZCFTPD, "-t", "-c", f.name],
                               capture_output=True, timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            return _DEFAULTS
    sec = None
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        m = re.match(r"^(\w+) \{$", line)
        if m:
            sec = _DEFAULTS.setdefault(m.group(1), {})
            continue
        m = re.match(r'^\s+(\w+) = "?([^"#]*?)"?\s*(#.*)?$', line)
        if m and sec is not None:
            sec[m.group(1)] = m.group(2)
    return _DEFAULTS


# ---------------------------------------------------------------- files

def make_file(path, size, seed=None):
    """Write size pseudo-random bytes to path; return the sha256 hex."""
    rnd = random.Random(seed) if seed is not None else None
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left > 0:
            n = min(left, MiB)
            chunk = rnd.randbytes(n) if rnd else os.urandom(n)
            f.write(chunk)
            h.update(chunk)
            left -= n
    os.chmod(path, 0o644)
    return h.hexdigest()


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(MiB), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- /proc

def _proc_table():
    """{pid: (ppid, state, starttime)} for every process."""
    table = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rindex(")") + 2:].split()
        table[int(d)] = (int(rest[1]), rest[0], rest[19])
    return table


def descendants(pid):
    """PIDs of every descendant of pid (zombies included)."""
    table = _proc_table()
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for c, (pp, _st, _t) in table.items():
            if pp == p:
                out.append(c)
                todo.append(c)
    return sorted(out)


def wait_for(pred, timeout=TIMEOUT, step=0.05):
    """Poll pred() until it is true or timeout; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(step)


# ---------------------------------------------------------------- replies

class Reply:
    def __init__(self, code, lines):
        self.code = code
        self.lines = lines

    @property
    def text(self):
        return "\n".join(self.lines)

    @property
    def last(self):
        return self.lines[-1]

    def __repr__(self):
        return "Reply(%d, %r)" % (self.code, self.lines)


class Raw:
    """A raw control connection: exact bytes out, parsed replies in."""

    def __init__(self, port, host="127.0.0.1", timeout=TIMEOUT, source=None):
        self.host = host
        self.port = port
        self.timeout = timeout
        self.sock = socket.create_connection((host, port), timeout,
                             source_address=source)
        self.buf = b""
        self.eof = False

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data):
        if isinstance(data, str):
            data = data.encode()
        self.sock.sendall(data)

    def _fill(self, timeout):
        self.sock.settimeout(timeout)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
        self.buf += chunk

    def readline(self, timeout=None):
        """Next line without CRLF; None on EOF; socket.timeout if none."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while b"\n" not in self.buf:
            if self.eof:
                return None
            left = deadline - time.monotonic()
            if left <= 0:
                raise socket.timeout("no line within %.1fs" % timeout)
            self._fill(left)
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")

    def reply(self, timeout=None):
        """Read one RFC 959 reply (section 4.2: multi-line form
        'ddd-' ... 'ddd '). Raises ProtocolError on EOF or junk."""
        first = self.readline(timeout)
        if first is None:
            raise ProtocolError("connection closed, no reply")
        m = re.match(r"^(\d{3})([ -]|$)", first)
        if not m:
            raise ProtocolError("bad reply line %r" % first)
        lines = [first]
        if m.group(2) == "-":
            end = m.group(1) + " "
            for _ in range(100000):
                line = self.readline(timeout)
                if line is None:
                    raise ProtocolError("EOF in multi-line reply %r" % lines)
                lines.append(line)
                if line.startswith(end) or line == m.group(1):
                    break
        return Reply(int(m.group(1)), lines)

    def cmd(self, line, timeout=None):
        self.send(line + "\r\n")
        return self.reply(timeout)

    def expect(self, line, codes, timeout=None):
        """Send line; assert the reply code is in codes (ints, or a
        single leading digit string like '5'); return the Reply."""
        r = self.cmd(line, timeout)
        check_code(r, codes, line)
        return r

    def banner(self):
        r = self.reply()
        check_code(r, (220,), "banner")
        return r

    def login(self, user="anonymous", password="test@example.com"):
        self.banner()
        r = self.cmd("USER " + user)
        if r.code == 331:
            r = self.cmd("PASS " + password)
        check_code(r, (230,), "login " + user)
        return r

    def wait_closed(self, timeout=None):
        """True if the server closes the connection within timeout
        (remaining replies are read and dropped)."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while not self.eof:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            try:
                self._fill(left)
            except socket.timeout:
                return False
            except OSError:
                self.eof = True
        return True

    # ---- data connections (RFC 959 PASV/PORT, RFC 2428 EPSV/EPRT)

    def pasv(self):
        r = self.expect("PASV", (227,))
        m = re.search(r"(\d+),(\d+),(\d+),(\d+),(\d+),(\d+)", r.text)
        if not m:
            raise ProtocolError("bad 227: %r" % r.text)
        n = [int(x) for x in m.groups()]
        return "%d.%d.%d.%d" % tuple(n[:4]), n[4] * 256 + n[5]

    def epsv(self):
        r = self.expect("EPSV", (229,))
        m = re.search(r"\((.)\1\1(\d+)\1\)", r.text)
        if not m:
            raise ProtocolError("bad 229: %r" % r.text)
        return int(m.group(2))

    def open_data(self, mode="pasv"):
        """Prepare a data connection. Returns a callable that, after the
        transfer command got its 1xx reply, yields the connected socket."""
        if mode == "pasv":
            h, p = self.pasv()
            s = socket.create_connection((h, p), self.timeout)
            return lambda: s
        if mode == "epsv":
            p = self.epsv()
            s = socket.create_connection((self.host, p), self.timeout)
            return lambda: s
        fam = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        ls = socket.socket(fam, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((self.host, 0))
        ls.listen(1)
        ls.settimeout(self.timeout)
        port = ls.getsockname()[1]
        if mode == "port":
            h = self.host.replace(".", ",")
            self.expect("PORT %s,%d,%d" % (h, port >> 8, port & 255), (200,))
        else:
            af = 2 if fam == socket.AF_INET6 else 1
            self.expect("EPRT |%d|%s|%d|" % (af, self.host, port), (200,))

        def accept():
            try:
                return ls.accept()[0]
            finally:
                ls.close()
        return accept

    def retr(self, path, mode="pasv", cmd="RETR"):
        """Download path; returns the bytes. Asserts 1xx then 226/250."""
        get = self.open_data(mode)
        check_code(self.cmd("%s %s" % (cmd, path) if path else cmd),
               (125, 150), cmd)
        ds = get()
        ds.settimeout(BIG_TIMEOUT)
        chunks = []
        with ds:
            while True:
                c = ds.recv(MiB)
                if not c:
                    break
                chunks.append(c)
        check_code(self.reply(BIG_TIMEOUT), (226, 250), cmd + " end")
        return b"".join(chunks)

    def stor(self, path, data, mode="pasv", cmd="STOR"):
        get = self.open_data(mode)
        r1 = self.cmd("%s %s" % (cmd, path) if path else cmd)
        check_code(r1, (125, 150), cmd)
        ds = get()
        ds.settimeout(BIG_TIMEOUT)
        with ds:
            ds.sendall(data)
            ds.shutdown(socket.SHUT_WR)
        r2 = self.reply(BIG_TIMEOUT)
        check_code(r2, (226, 250), cmd + " end")
        return r1, r2


def check_code(r, codes, what=""):
    ok = any((isinstance(c, str) and str(r.code).startswith(c)) or r.code == c
         for c in codes)
    if not ok:
        raise AssertionError("%s: expected %s, got %r" % (what, codes, r))


# ---------------------------------------------------------------- server

_live_servers = []


class Server:
    """One zcftpd process with its own port, config and temp dir.

    conf: {section: {option: value}} merged over the defaults below.
    users: {name: password} or {name: (password, home)}; homes default
    to TMP/home/NAME and are created.
    """

    def __init__(self, config_extra="", users=None, root=None,
             anon_upload=False, anon_mkdir=False, conf=None, ipv6=False,
             writable=True):
        self.tmp = tempfile.mkdtemp(prefix="zcftpd-integ-")
        os.chmod(self.tmp, 0o755)  # privilege-dropped sessions read it
        self.root = root or os.path.join(self.tmp, "root")
        os.makedirs(self.root, mode=0o755, exist_ok=True)
        self.conf_path = os.path.join(self.tmp, "zcftpd.conf")
        self.log_path = os.path.join(self.tmp, "server.log")
        self.xferlog_path = os.path.join(self.tmp, "xferlog")
        self.users_path = os.path.join(self.tmp, "users")
        self.hosts = ["127.0.0.1"] + (["::1"] if ipv6 else [])
        self.users = {}
        self.config_extra = config_extra
        self.proc = None
        self.port = None
        self.pid = None
        self.failed = False
        self.sections = {
            "listen": {"address": self.hosts, "port": 0},
            "anonymous": {"enable": True, "root": self.root,
                      "upload": anon_upload, "mkdir": anon_mkdir},
            "users": None,
            "passive": {"min_port": 0, "max_port": 0, "address": ""},
            "active": {"enable": True},
            "limits": {"max_clients": 200, "max_per_ip": 20,
                   "idle_timeout": 300, "data_timeout": 120,
                   "login_timeout": 60, "accept_timeout": 60,
                   "login_fail_delay_ms": 100,
                   "max_login_failures": 3},
            "transfer": {"pipe_size": MiB, "atomic_uploads": False},
            "log": {"xferlog": self.xferlog_path, "syslog": False,
                "level": 2},
        }
        if users:
            self._write_users(users, writable)
        if os.geteuid() == 0:
            self._root_accounts()
        for sec, opts in (conf or {}).items():
            if opts is None:
                self.sections[sec] = None
            else:
                self.sections.setdefault(sec, {})
                if self.sections[sec] is None:
                    self.sections[sec] = {}
                self.sections[sec].update(opts)

    def _root_accounts(self):
        """Started as root, the server drops to system accounts (privsep,
        anonymous, virtual users). Their defaults ("zcftpd", "ftp") need
        not exist on a test machine: use nobody then. Each server also
        gets its own run_dir so parallel tests share no session slots."""
        known = server_defaults()
        for sec, opt in (("anonymous", "user"), ("server", "privsep_user"),
                         ("users", "virtual_account")):
            if opt not in known.get(sec, {}):
                continue
            try:
                pwd.getpwnam(known[sec][opt])
            except KeyError:
                self._set(sec, opt, "nobody")
        if "run_dir" in known.get("server", {}):
            run = os.path.join(self.tmp, "run")
            os.mkdir(run, 0o755)
            self._set("server", "run_dir", run)

    def _set(self, sec, opt, value):
        if self.sections.get(sec) is None:
            self.sections[sec] = {}
        self.sections[sec][opt] = value

    def _write_users(self, users, writable):
        lines = []
        for name, spec in users.items():
            pw, home = spec if isinstance(spec, tuple) else (spec, None)
            home = home or os.path.join(self.tmp, "home", name)
            os.makedirs(home, mode=0o755, exist_ok=True)
            self.users[name] = (pw, home)
            lines.append("%s:%s:%s\n" % (name, hash_password(pw), home))
        with open(self.users_path, "w") as f:
            f.writelines(lines)
        self.sections["users"] = {"file": self.users_path,
                      "writable": writable, "umask": "022"}

    def home(self, user):
        return self.users[user][1]

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    # ---- lifecycle

    def owner(self, kind="virtual"):
        """(uid, gid) the server's sessions of kind ("virtual" or
        "anonymous") run as when it is started as root, else None."""
        if os.geteuid() != 0:
            return None
        sec, opt, default = (("users", "virtual_account", "ftp") if kind == "virtual"
                             else ("anonymous", "user", "ftp"))
        name = (self.sections.get(sec) or {}).get(opt) or \
            server_defaults().get(sec, {}).get(opt, default)
        try:
            pw = pwd.getpwnam(name)
        except KeyError:
            return None
        return pw.pw_uid, pw.pw_gid

    def give(self, path, kind="virtual"):
        """Hand path (recursively) to the account sessions of kind run as,
        as an administrator would for an upload area or a user's files."""
        ids = self.owner(kind)
        if ids is None:
            return
        for d, _dirs, files in os.walk(path):
            os.chown(d, *ids)
            for f in files:
                os.chown(os.path.join(d, f), *ids)
        if not os.path.isdir(path):
            os.chown(path, *ids)

    def start(self):
        # Users own their homes; anonymous owns the root only when it may
        # write there.
        for _pw, home in self.users.values():
            self.give(home)
        anon = self.sections.get("anonymous") or {}
        if anon.get("upload") or anon.get("mkdir"):
            self.give(self.root, "anonymous")
        for attempt in range(5):
            self.port = free_port(self.hosts)
            self.sections["listen"]["port"] = self.port
            with open(self.conf_path, "w") as f:
                f.write(render_config(self.sections))
                f.write(self.config_extra)
            with open(self.log_path, "ab") as log:
                log.write(b"=== start attempt %d port %d\n" % (attempt, self.port))
                log.flush()
                self.proc = subprocess.Popen(
                    [ZCFTPD, "-f", "-c", self.conf_path],
                    stdin=subprocess.DEVNULL, stdout=log,
                    stderr=subprocess.STDOUT, cwd=self.tmp)
            self.pid = self.proc.pid
            _live_servers.append(self)
            if self._wait_banner():
                # The probe session must be gone before a test
                # counts sessions or per-IP slots.
                wait_for(lambda: not self.session_pids(), 5 * SLOW)
                return self
            if self.proc.poll() is None:
                self._kill()
                raise ServerError("no 220 banner within %ds" % TIMEOUT)
            if b"in use" not in self.log_bytes():
                raise ServerError("server exited with %s before the banner"
                          % self.proc.returncode)
        raise ServerError("could not bind a port after 5 attempts")

    def _wait_banner(self):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                r = Raw(self.port, timeout=max(0.1, deadline - time.monotonic()))
            except OSError:
                time.sleep(0.05)
                continue
            try:
                b = r.reply()
                if b.code != 220:
                    raise ServerError("banner is %r" % b)
                with contextlib.suppress(Exception):
                    r.cmd("QUIT")
                return True
            except (OSError, ProtocolError):
                time.sleep(0.05)
            finally:
                r.close()
        return False

    def _kill(self):
        with contextlib.suppress(OSError):
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)

    def stop(self):
        """Stop by PID: SIGTERM, then SIGKILL after 5 s. Raises
        ServerError if the server had died, needed SIGKILL, or its log
        shows a sanitizer report."""
        if self.proc is None:
            return
        problems = []
        kids = self._kid_ids()
        if self.proc.poll() is not None:
            problems.append("server died during the test (status %s)"
                    % self.proc.returncode)
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5 * SLOW)
            except subprocess.TimeoutExpired:
                problems.append("server ignored SIGTERM for 5 s")
                self._kill()
        self._reap_orphans(kids)
        if self in _live_servers:
            _live_servers.remove(self)
        self.proc = None
        log = self.log_bytes()
        for pat in SANITIZER_PATTERNS:
            if pat in log:
                problems.append("sanitizer report in server log")
                break
        if problems:
            self.failed = True
            raise ServerError("; ".join(problems))

    def _kid_ids(self):
        table = _proc_table()
        return {p: table[p][2] for p in descendants(self.pid) if p in table}

    @staticmethod
    def _reap_orphans(kids):
        """Kill our own server's leftover session processes (by PID,
        checked against their start time so a reused PID is spared)."""
        table = _proc_table()
        for pid, start in kids.items():
            if pid in table and table[pid][2] == start:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)

    def cleanup(self):
        if os.environ.get("ZCTEST_KEEP"):
            print("kept", self.tmp)
            return
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, etype, exc, tb):
        try:
            self.stop()
        except ServerError:
            if etype is None:
                self.dump_log()
                raise
        finally:
            if etype is not None or self.failed:
                self.dump_log()
            self.cleanup()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    # ---- introspection

    def log_bytes(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()
        except OSError:
            return b""

    def dump_log(self, limit=200):
        lines = self.log_bytes().decode("utf-8", "replace").splitlines()
        print("---- server log (%s, last %d lines) ----" % (self.log_path, limit))
        for line in lines[-limit:]:
            print("   | " + line)
        print("---- config ----")
        with contextlib.suppress(OSError):
            with open(self.conf_path) as f:
                print(f.read())

    def session_pids(self):
        """Descendants of the server process (sessions and their helpers;
        zombies count, so a missing waitpid shows)."""
        if self.pid is None:
            return []
        return descendants(self.pid)

    def wait_no_sessions(self, timeout=5):
        return wait_for(lambda: not self.session_pids(), timeout * SLOW)

    def xferlog_lines(self):
        """Parsed xferlog records: dicts with the wu-ftpd fields plus
        'iopath' (zcftpd's extra last field)."""
        try:
            with open(self.xferlog_path, encoding="utf-8", errors="replace") as f:
                raw = [l.rstrip("\n") for l in f if l.strip()]
        except OSError:
            return []
        return [parse_xferlog(l) for l in raw]

    # ---- clients

    def ftp(self, user="anonymous", password="test@example.com",
        host="127.0.0.1", login=True, timeout=TIMEOUT):
        f = ftplib.FTP()
        f.connect(host, self.port, timeout=timeout)
        if login:
            f.login(user, password)
        return f

    def raw(self, host="127.0.0.1", source=None, timeout=TIMEOUT):
        return Raw(self.port, host=host, timeout=timeout, source=source)

    def login(self, user="anonymous", password=None, host="127.0.0.1"):
        """A logged-in Raw connection (password defaults to the user's)."""
        if password is None:
            password = self.users[user][0] if user in self.users else "t@x.org"
        r = self.raw(host)
        r.login(user, password)
        return r


XFERLOG_FIELDS = ("transfer_type", "special_action", "direction",
          "access_mode", "username", "service", "auth_method",
          "auth_user", "status", "iopath")


def parse_xferlog(line):
    t = line.split()
    if len(t) < 5 + 3 + 1 + len(XFERLOG_FIELDS):
        raise AssertionError("short xferlog line %r" % line)
    rec = {"line": line, "date": " ".join(t[:5]), "seconds": t[5],
           "host": t[6], "size": int(t[7]),
           "filename": " ".join(t[8:-len(XFERLOG_FIELDS)])}
    rec.update(zip(XFERLOG_FIELDS, t[-len(XFERLOG_FIELDS):]))
    time.strptime(rec["date"], "%a %b %d %H:%M:%S %Y")
    return rec


def start_server(config_extra="", users=None, root=None, anon_upload=False,
         **kw):
    """Create and start a Server; use as a context manager."""
    srv = Server(config_extra=config_extra, users=users, root=root,
             anon_upload=anon_upload, **kw)
    try:
        srv.start()
    except Exception:
        srv.dump_log()
        with contextlib.suppress(Exception):
            srv.stop()
        srv.cleanup()
        raise
    return srv


# ---------------------------------------------------------------- runner

def need_program(name):
    if shutil.which(name) is None:
        raise Skip("%s not installed" % name)


def main(ns):
    """Run every test_* function of the calling module, in order."""
    only = sys.argv[1:]
    tests = [(n, f) for n, f in ns.items()
         if n.startswith("test_") and callable(f) and (not only or n in only)]
    passed = failed = skipped = 0
    t_all = time.monotonic()
    for name, fn in tests:
        t0 = time.monotonic()
        print("== %s" % name, flush=True)
        try:
            fn()
        except Skip as e:
            skipped += 1
            print("SKIP %s: %s" % (name, e), flush=True)
            continue
        except Exception:
            failed += 1
            traceback.print_exc(file=sys.stdout)
            print("FAIL %s (%.2fs)" % (name, time.monotonic() - t0), flush=True)
            continue
        finally:
            for srv in list(_live_servers):
                with contextlib.suppress(Exception):
                    srv.stop()
        passed += 1
        print("PASS %s (%.2fs)" % (name, time.monotonic() - t0), flush=True)
    print("%d passed, %d failed, %d skipped (%.1fs)"
          % (passed, failed, skipped, time.monotonic() - t_all))
    if failed:
        sys.exit(1)
    if skipped and not passed:
        sys.exit(77)
    sys.exit(0)


# ---------------------------------------------------------------- CLI for lib.sh

def _cli():
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=("start", "stop", "hash"))
    ap.add_argument("state")
    ap.add_argument("--anon-upload", action="store_true")
    ap.add_argument("--ipv6", action="store_true")
    ap.add_argument("--user", action="append", default=[])
    a = ap.parse_args()
    if a.action == "hash":
        print(hash_password(a.state))
        return 0
    envf = os.path.join(a.state, "env")
    if a.action == "start":
        users = dict(u.split(":", 1) for u in a.user)
        srv = start_server(users=users or None, anon_upload=a.anon_upload,
                   ipv6=a.ipv6)
        kids = srv._kid_ids()
        with open(envf, "w") as f:
            for k, v in (("ZC_PORT", srv.port), ("ZC_PID", srv.pid),
                     ("ZC_TMP", srv.tmp), ("ZC_ROOT", srv.root),
                     ("ZC_LOG", srv.log_path),
                     ("ZC_XFERLOG", srv.xferlog_path),
                     ("ZC_START", _proc_table()[srv.pid][2]),
                     ("ZC_OWNER", "%d:%d" % srv.owner() if srv.owner() else "")):
                f.write("%s='%s'\n" % (k, v))
            for u in srv.users:
                f.write("ZC_HOME_%s='%s'\n" % (u, srv.home(u)))
        del kids
        os._exit(0)  # leave the server running; `stop` ends it
    # stop: the server is not our child any more; signal it by PID after
    # checking it is still the process we started (start time).
    env = {}
    with open(envf) as f:
        for line in f:
            k, v = line.rstrip("\n").split("=", 1)
            env[k] = v.strip("'")
    pid = int(env["ZC_PID"])
    rc = 0
    table = _proc_table()
    if pid not in table or table[pid][2] != env["ZC_START"] or table[pid][1] == "Z":
        print("zctest: server %d had died" % pid)
        rc = 1
    else:
        kids = {p: table[p][2] for p in descendants(pid) if p in table}
        os.kill(pid, signal.SIGTERM)
        if not wait_for(lambda: pid not in _proc_table()
                or _proc_table()[pid][1] == "Z", 5 * SLOW):
            print("zctest: server ignored SIGTERM, killing")
            os.kill(pid, signal.SIGKILL)
            rc = 1
        Server._reap_orphans(kids)
    with open(env["ZC_LOG"], "rb") as f:
        log = f.read()
    if any(p in log for p in SANITIZER_PATTERNS):
        print("zctest: sanitizer report in server log")
        rc = 1
    if rc or os.environ.get("ZCTEST_VERBOSE"):
        print("---- server log ----")
        print(log.decode("utf-8", "replace")[-20000:])
    if not os.environ.get("ZCTEST_KEEP"):
        shutil.rmtree(env["ZC_TMP"], ignore_errors=True)
    return rc


if __name__ == "__main__":
    sys.exit(_cli())
