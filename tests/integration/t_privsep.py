#!/usr/bin/env python3
"""Privilege separation and system users (run as root; skipped otherwise).

Creates real system accounts with known passwords, then checks from /proc
what each session process really is: the pre-login process unprivileged in
the empty jail, the logged-in process with exactly the user's ids and no
capabilities, and that the kernel, not just path checks, keeps users out of
each other's files."""
import atexit
import ftplib
import os
import pwd
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

TAG = "zct%d" % (os.getpid() % 100000)
USERS = {"alice": "alice-pw-1", "bob": "bob-pw-2", "locked": "locked-pw-3",
         "noshell": "noshell-pw-4"}
created = []


def uname(short):
    return "%s%s" % (TAG, short[:3])


def need_root():
    if os.geteuid() != 0:
        raise zt.Skip("needs root to create system users and start privsep")
    for tool in ("useradd", "userdel", "chpasswd", "usermod"):
        if shutil.which(tool) is None:
            raise zt.Skip("%s not installed" % tool)


def make_user(short, home, shell="/bin/bash"):
    name = uname(short)
    subprocess.run(["useradd", "-M", "-d", home, "-s", shell, name], check=True)
    created.append(name)
    subprocess.run(["chpasswd"], input="%s:%s\n" % (name, USERS[short]),
                   text=True, check=True)
    os.makedirs(home, exist_ok=True)
    pw = pwd.getpwnam(name)
    os.chown(home, pw.pw_uid, pw.pw_gid)
    os.chmod(home, 0o700)
    return pw


@atexit.register
def remove_users():
    for name in created:
        subprocess.run(["userdel", name], stderr=subprocess.DEVNULL)


ACCOUNTS = {}


def accounts():
    """Create the test accounts once per run, homes under one 0755 base."""
    if ACCOUNTS:
        return ACCOUNTS
    base = zt.tempfile.mkdtemp(prefix="zcftpd-privsep-")
    os.chmod(base, 0o755)
    atexit.register(shutil.rmtree, base, True)
    ACCOUNTS["base"] = base
    for short in USERS:
        shell = "/usr/sbin/nologin" if short == "noshell" else "/bin/bash"
        ACCOUNTS[short] = make_user(short, os.path.join(base, short), shell)
    subprocess.run(["usermod", "-L", uname("locked")], check=True)
    ACCOUNTS["priv"] = make_user_plain(TAG + "prv")
    return ACCOUNTS


def clean_homes(base):
    for short in USERS:
        home = os.path.join(base, short)
        for name in os.listdir(home):
            p = os.path.join(home, name)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.unlink(p)


class Env:
    """A server with four real accounts whose homes share one parent."""

    def __init__(self, conf=None):
        need_root()
        acc = accounts()
        self.base = acc["base"]
        clean_homes(self.base)
        self.pw = {k: acc[k] for k in USERS}
        self.srv = zt.Server(conf=conf or {})
        self.srv._set("server", "privsep_user", acc["priv"])
        self.srv._set("server", "privsep", True)
        self.srv._set("users", "local_enable", True)
        for sec, opts in (conf or {}).items():
            for k, v in opts.items():
                self.srv._set(sec, k, v)
        self.srv.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.srv.__exit__(*exc)

    def ftp(self, short, password=None):
        f = ftplib.FTP()
        f.connect("127.0.0.1", self.srv.port, timeout=zt.TIMEOUT)
        f.login(uname(short), password or USERS[short])
        return f


def make_user_plain(name):
    subprocess.run(["useradd", "-r", "-M", "-d", "/nonexistent", "-s",
                    "/usr/sbin/nologin", name], check=True)
    created.append(name)
    return name


def status(pid):
    out = {}
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            k, _, v = line.partition(":")
            out[k] = v.split()
    return out


def procs(srv):
    """(pid, status) of every process under the master."""
    res = []
    for pid in zt.descendants(srv.pid):
        try:
            res.append((pid, status(pid)))
        except FileNotFoundError:
            pass
    return res


def wait_procs(srv, pred, what):
    found = []

    def look():
        found[:] = [p for p in procs(srv) if pred(p[1])]
        return bool(found)
    assert zt.wait_for(look, 5), "no process: %s; have %r" % (
        what, [(p, s["Uid"]) for p, s in procs(srv)])
    return found


def test_prelogin_process_is_jailed():
    with Env() as env:
        r = env.srv.raw()
        r.banner()
        workers = wait_procs(env.srv, lambda s: s["Uid"][0] != "0", "pre-login worker")
        pid, st = workers[0]
        assert set(st["Uid"]) == {st["Uid"][0]} and st["Uid"][0] != "0", st["Uid"]
        assert st["CapEff"] == ["0000000000000000"], st["CapEff"]
        assert st["NoNewPrivs"] == ["1"], st["NoNewPrivs"]
        root = os.readlink("/proc/%d/root" % pid)
        assert root.endswith("/empty"), root
        assert os.listdir(root) == [], os.listdir(root)
        r.close()


def test_logged_in_identity_and_files():
    with Env() as env:
        pw = env.pw["alice"]
        f = env.ftp("alice")
        mine = wait_procs(env.srv, lambda s: s["Uid"][0] == str(pw.pw_uid), "alice's session")
        pid, st = mine[0]
        assert st["Uid"] == [str(pw.pw_uid)] * 4, st["Uid"]
        assert st["Gid"] == [str(pw.pw_gid)] * 4, st["Gid"]
        groups = sorted(os.getgrouplist(pw.pw_name, pw.pw_gid))
        assert sorted(int(g) for g in st["Groups"]) == groups, (st["Groups"], groups)
        for cap in ("CapEff", "CapPrm", "CapInh", "CapAmb"):
            assert st[cap] == ["0000000000000000"], (cap, st[cap])
        assert st["NoNewPrivs"] == ["1"]
        assert os.readlink("/proc/%d/root" % pid).endswith("/empty")
        # No root process is left for this session: only the master.
        roots = [p for p, s in procs(env.srv) if s["Uid"][0] == "0"]
        assert roots == [], roots
        import io
        f.storbinary("STOR made.txt", io.BytesIO(b"hello"))
        f.mkd("newdir")
        path = os.path.join(env.base, "alice", "made.txt")
        s = os.stat(path)
        assert (s.st_uid, s.st_gid) == (pw.pw_uid, pw.pw_gid), (s.st_uid, s.st_gid)
        assert s.st_mode & 0o777 == 0o644, oct(s.st_mode)
        d = os.stat(os.path.join(env.base, "alice", "newdir"))
        assert d.st_mode & 0o777 == 0o755 and d.st_uid == pw.pw_uid, oct(d.st_mode)
        f.quit()


def test_user_umask_from_options_file():
    need_root()
    opts = zt.tempfile.NamedTemporaryFile("w", delete=False, suffix=".opts")
    opts.write("%s umask=077\n" % uname("alice"))
    opts.close()
    try:
        with Env(conf={"users": {"options_file": opts.name}}) as env:
            import io
            f = env.ftp("alice")
            f.storbinary("STOR private.txt", io.BytesIO(b"x"))
            s = os.stat(os.path.join(env.base, "alice", "private.txt"))
            assert s.st_mode & 0o777 == 0o600, oct(s.st_mode)
            f.quit()
    finally:
        os.unlink(opts.name)


def test_users_cannot_reach_each_other_or_shadow():
    with Env(conf={"users": {"local_root": ""}}) as env:
        secret = os.path.join(env.base, "bob", "secret.txt")
        with open(secret, "w") as fh:
            fh.write("bob's secret\n")
        os.chown(secret, env.pw["bob"].pw_uid, env.pw["bob"].pw_gid)
        os.chmod(secret, 0o600)
        # A symlink in alice's home straight at bob's file and at shadow.
        ahome = os.path.join(env.base, "alice")
        os.symlink(secret, os.path.join(ahome, "to-bob"))
        os.symlink("/etc/shadow", os.path.join(ahome, "to-shadow"))
        os.symlink("../bob/secret.txt", os.path.join(ahome, "rel-bob"))
        f = env.ftp("alice")
        for path in ("../bob/secret.txt", "/../bob/secret.txt", "to-bob", "rel-bob",
                     "/etc/shadow", "../../../../etc/shadow", "to-shadow"):
            try:
                data = []
                f.retrbinary("RETR " + path, data.append)
                raise AssertionError("RETR %s succeeded: %r" % (path, b"".join(data)[:40]))
            except ftplib.error_perm as e:
                assert str(e).startswith("550"), (path, e)
        f.quit()


def test_kernel_enforces_other_users_permissions():
    """With a shared root, bob's 0700 home is visible by name but the
    kernel refuses alice: the session really runs as alice."""
    need_root()
    with Env() as env:
        env.srv.stop()
        env.srv._set("users", "local_root", env.base)
        env.srv.start()
        secret = os.path.join(env.base, "bob", "secret.txt")
        with open(secret, "w") as fh:
            fh.write("bob's secret\n")
        os.chown(secret, env.pw["bob"].pw_uid, env.pw["bob"].pw_gid)
        f = env.ftp("alice")
        try:
            f.retrbinary("RETR /bob/secret.txt", lambda b: None)
            raise AssertionError("alice read bob's file")
        except ftplib.error_perm as e:
            assert "Permission denied" in str(e), e
        try:
            f.cwd("/bob")
            raise AssertionError("alice entered bob's home")
        except ftplib.error_perm as e:
            assert str(e).startswith("550"), e
        f.quit()


def login_reply(srv, user, password):
    r = srv.raw()
    r.banner()
    r.expect("USER " + user, (331,))
    t0 = time.monotonic()
    rep = r.cmd("PASS " + password)
    dt = time.monotonic() - t0
    r.close()
    return rep, dt


def test_refusals_look_the_same():
    """Locked account (right password), wrong password, unknown user, a
    shell not in /etc/shells, and root: one reply, comparable timing."""
    with Env(conf={"limits": {"login_fail_delay_ms": 0, "max_login_failures": 10}}) as env:
        cases = {
            "locked": (uname("locked"), USERS["locked"]),
            "wrong": (uname("alice"), "not-the-password"),
            "unknown": (TAG + "nobody", "whatever"),
            "noshell": (uname("noshell"), USERS["noshell"]),
            "root": ("root", "root"),
        }
        times = {}
        for what, (u, p) in cases.items():
            samples = []
            for _ in range(3):
                rep, dt = login_reply(env.srv, u, p)
                assert rep.code == 530 and rep.text == "530 Login incorrect.", (what, rep)
                samples.append(dt)
            times[what] = sorted(samples)[1]
        print("median refusal times (ms):",
              {k: round(v * 1000, 1) for k, v in times.items()})
        fast, slow = min(times.values()), max(times.values())
        # Each case costs one crypt; allow scheduling noise, not a missing crypt.
        assert slow < fast * 3 + 0.02, times
        ok = env.ftp("alice")
        ok.quit()


def test_failures_disconnect():
    with Env(conf={"limits": {"login_fail_delay_ms": 50, "max_login_failures": 2}}) as env:
        r = env.srv.raw()
        r.banner()
        for i in range(2):
            r.expect("USER " + uname("alice"), (331,))
            r.expect("PASS wrong%d" % i, (530,))
        assert r.wait_closed(5), "still open after max_login_failures"
        r.close()


def test_max_sessions_per_user():
    need_root()
    opts = zt.tempfile.NamedTemporaryFile("w", delete=False, suffix=".opts")
    opts.write("%s max_sessions=1\n" % uname("alice"))
    opts.close()
    try:
        with Env(conf={"users": {"options_file": opts.name}}) as env:
            first = env.ftp("alice")
            try:
                env.ftp("alice")
                raise AssertionError("second session allowed")
            except ftplib.error_perm as e:
                # Refused like a wrong password (docs/SECURITY.md).
                assert str(e) == "530 Login incorrect.", e
            first.quit()
            # The slot is freed when the first session ends.
            assert zt.wait_for(lambda: _try_login(env), 5), "slot not freed"
    finally:
        os.unlink(opts.name)


def _try_login(env):
    try:
        env.ftp("alice").quit()
        return True
    except ftplib.error_perm:
        return False


def test_flood_and_slowloris_do_not_lock_out():
    with Env(conf={"limits": {"max_login_pending": 8, "max_per_ip": 100,
                              "max_clients": 200}}) as env:
        idle = []
        # Slowloris: connections from other addresses that never finish a line.
        for i in range(20):
            r = env.srv.raw(source=("127.0.0.%d" % (2 + i % 5), 0))
            r.send(b"US")
            idle.append(r)
        time.sleep(1.3)	# they are now "pending for a while"
        # A flood of new connections keeps arriving while we log in.
        flood = [env.srv.raw(source=("127.0.0.9", 0)) for _ in range(10)]
        t0 = time.monotonic()
        f = env.ftp("alice")
        assert f.pwd() == "/"
        f.quit()
        print("good client logged in after %.0f ms despite %d idle + %d flood"
              % ((time.monotonic() - t0) * 1000, len(idle), len(flood)))
        for r in idle + flood:
            r.close()


def test_real_clients_with_a_system_user():
    with Env() as env:
        home = os.path.join(env.base, "alice")
        data = os.urandom(300000)
        with open(os.path.join(home, "pub.bin"), "wb") as fh:
            fh.write(data)
        os.chown(os.path.join(home, "pub.bin"), env.pw["alice"].pw_uid, -1)
        url = "ftp://%s:%s@127.0.0.1:%d/pub.bin" % (uname("alice"), USERS["alice"], env.srv.port)
        if shutil.which("curl"):
            out = subprocess.run(["curl", "-sS", "--max-time", "30", url],
                                 capture_output=True, check=True).stdout
            assert out == data, "curl download differs"
        if shutil.which("lftp"):
            dst = os.path.join(env.srv.tmp, "lftp.bin")
            subprocess.run(["lftp", "-u", "%s,%s" % (uname("alice"), USERS["alice"]),
                            "-e", "set net:max-retries 1; set net:timeout 10; "
                            "get pub.bin -o %s; quit" % dst,
                            "127.0.0.1:%d" % env.srv.port],
                           check=True, timeout=60, capture_output=True)
            with open(dst, "rb") as fh:
                assert fh.read() == data, "lftp download differs"


def test_deny_and_hide_patterns():
    with Env(conf={"files": {"deny": ".htaccess, *.secret", "hide": ".*"}}) as env:
        import io
        home = os.path.join(env.base, "alice")
        for name in (".profile", "x.secret", "plain.txt"):
            with open(os.path.join(home, name), "w") as fh:
                fh.write(name)
        f = env.ftp("alice")
        for path in (".htaccess", "sub/.htaccess"):
            try:
                f.storbinary("STOR " + path, io.BytesIO(b"deny from all"))
                raise AssertionError("upload of %s allowed" % path)
            except ftplib.error_perm as e:
                assert str(e).startswith("550"), e
        try:
            f.retrbinary("RETR x.secret", lambda b: None)
            raise AssertionError("denied file readable")
        except ftplib.error_perm:
            pass
        names = f.nlst()
        assert "plain.txt" in names and ".profile" not in names and "x.secret" not in names, names
        got = []
        f.retrbinary("RETR .profile", got.append)	# hidden, not denied
        assert b"".join(got) == b".profile"
        f.quit()


if __name__ == "__main__":
    zt.main(globals())
