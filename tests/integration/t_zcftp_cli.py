#!/usr/bin/env python3
"""zcftp commands and their promises: --dry-run changes nothing and never
prints the password; ls/get/put/rm/mkdir/mv; credentials from ~/.netrc
and $ZCFTP_PASSWORD; exit codes 0/1/2; TLS URLs against a server
without TLS fail clearly."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

SECRET = "Sup3r-S3cret-pw"
USERS = {"u": SECRET}


def no_secret(p):
    assert SECRET not in p.out and SECRET not in p.err, \
        "password printed:\n%s\n%s" % (p.out, p.err)


def test_dry_run():
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "d")
        zc.make_tree(remote, seed=9, nfiles=10)
        local = os.path.join(srv.tmp, "l")
        p = zc.run("mirror", "--dry-run", "--delete", zc.url(srv, path="/d"), local, check=0)
        no_secret(p)
        assert "ftp://u@127.0.0.1:%d/d" % srv.port in p.out, p.out
        assert "get      a/b c/f002.dat" in p.out, p.out
        assert not os.path.exists(local), "dry-run created the destination"
        assert srv.xferlog_lines() == []
        # Upload direction: nothing created remotely.
        p = zc.run("mirror", "-n", remote, zc.url(srv, path="/new"), check=0)
        no_secret(p)
        assert "mkdir    a" in p.out and "put      f000.dat" in p.out, p.out
        assert not os.path.exists(os.path.join(srv.home("u"), "new"))
        # With something to delete: listed, not done.
        zc.run("mirror", "-q", zc.url(srv, path="/d"), local, check=0)
        zc.write(os.path.join(local, "extra"), b"x")
        p = zc.run("mirror", "-n", "--delete", zc.url(srv, path="/d"), local, check=0)
        assert "delete   extra" in p.out, p.out
        assert os.path.exists(os.path.join(local, "extra"))


def test_simple_commands():
    with zt.start_server(users=USERS) as srv:
        h = srv.home("u")
        zc.write(os.path.join(h, "dir", "-f one"), b"1" * 1000, mtime=1500000000)
        p = zc.run("ls", zc.url(srv, path="/dir"), check=0)
        assert "-f one" in p.out and " 1000 " in p.out, p.out
        no_secret(p)
        p = zc.run("ls", zc.url(srv, path="/dir/-f one"), check=0)
        assert p.out.count("\n") == 1 and "-f one" in p.out, p.out
        out = os.path.join(srv.tmp, "got")
        zc.run("get", "-q", zc.url(srv, path="/dir/-f%20one"), out, check=0)
        assert open(out, "rb").read() == b"1" * 1000
        assert int(os.stat(out).st_mtime) == 1500000000
        zc.write(os.path.join(srv.tmp, "up.txt"), b"up" * 50, mtime=1400000000)
        zc.run("mkdir", zc.url(srv, path="/new"), zc.url(srv, path="/new/sub"), check=0)
        zc.run("put", "-q", os.path.join(srv.tmp, "up.txt"), zc.url(srv, path="/new/sub/"), check=0)
        dst = os.path.join(h, "new", "sub", "up.txt")
        assert open(dst, "rb").read() == b"up" * 50
        assert int(os.stat(dst).st_mtime) == 1400000000, "MFMT not applied"
        zc.run("mv", zc.url(srv, path="/new/sub/up.txt"), "renamed.txt", check=0)
        assert os.path.exists(os.path.join(h, "new", "sub", "renamed.txt"))
        zc.run("rm", zc.url(srv, path="/new/sub/renamed.txt"), zc.url(srv, path="/new/sub"), check=0)
        assert not os.path.exists(os.path.join(h, "new", "sub"))
        # A missing file: exit 1, and the reason.
        p = zc.run("get", zc.url(srv, path="/nope"), out + "2", check=1)
        assert "550" in p.err, p.err
        assert not os.path.exists(out + "2")
        no_secret(p)


def test_credentials():
    with zt.start_server(users=USERS) as srv:
        zc.write(os.path.join(srv.home("u"), "f"), b"data")
        plain = "ftp://u@127.0.0.1:%d/f" % srv.port
        # No password anywhere, no terminal: exit 2, a hint, no prompt.
        p = zc.run("ls", plain, check=2)
        assert "no password" in p.err, p.err
        p = zc.run("ls", plain, env={"ZCFTP_PASSWORD": SECRET}, check=0)
        assert " f" in p.out
        netrc = os.path.join(zc.home(), ".netrc")
        with open(netrc, "w") as f:
            f.write("machine 127.0.0.1 login u password %s\n" % SECRET)
        os.chmod(netrc, 0o600)
        try:
            zc.run("ls", "ftp://127.0.0.1:%d/f" % srv.port, check=0)
            # A netrc others can read is refused.
            os.chmod(netrc, 0o644)
            p = zc.run("ls", plain, check=2)
            assert "chmod 600" in p.err, p.err
        finally:
            os.unlink(netrc)


def test_errors_exit_2():
    with zt.start_server(users=USERS) as srv:
        p = zc.run("ls", zc.url(srv, password="wrong-" + SECRET), check=2)
        assert "login failed" in p.err, p.err
        assert "wrong-" not in p.err + p.out
        p = zc.run("mirror", zc.url(srv, password="wrong-" + SECRET, path="/"),
                   os.path.join(srv.tmp, "x"), check=2)
        assert "wrong-" not in p.err + p.out
        # This server has no TLS: implicit TLS meets a plaintext banner,
        # AUTH TLS is refused. Neither falls back to plaintext.
        for scheme, why in (("ftps", "TLS handshake"), ("ftpes", "refused AUTH TLS")):
            p = zc.run("ls", "-k", "%s://u:%s@127.0.0.1:%d/" % (scheme, SECRET, srv.port),
                       check=2)
            assert why in p.err, p.err
            no_secret(p)
        port = zt.free_port()
        p = zc.run("ls", "ftp://u:%s@127.0.0.1:%d/" % (SECRET, port), check=2)
        assert "cannot connect" in p.err, p.err
        no_secret(p)
        zc.run("ls", "ftp://u:%s@127.0.0.1:%d/%%0d%%0aDELE%%20x" % (SECRET, srv.port), check=2)
        zc.run("mirror", "/tmp", "/tmp", check=2)
        zc.run("bogus", check=2)
        zc.run("mirror", "--parallel", "0", "a", "ftp://h/", check=2)


def test_ls_write_error():
    """A listing that cannot reach stdout (here a full disk) exits 1 and
    says so; it used to exit 0 with nothing written."""
    with zt.start_server(users=USERS) as srv:
        zc.write(os.path.join(srv.home("u"), "f"), b"x")
        with open("/dev/full", "wb") as full:
            p = subprocess.run([zc.ZCFTP, "ls", zc.url(srv)], stdin=subprocess.DEVNULL,
                               stdout=full, stderr=subprocess.PIPE,
                               env=dict(os.environ, HOME=zc.home()), timeout=zt.BIG_TIMEOUT)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode == 1 and "cannot write the listing" in err, (p.returncode, err)
        assert SECRET not in err, err


def test_dry_run_write_error():
    """A dry run's plan that cannot reach stdout exits 1 and says so,
    like ls (it used to exit 0 with nothing written)."""
    with zt.start_server(users=USERS) as srv:
        zc.write(os.path.join(srv.home("u"), "f"), b"x")
        dst = os.path.join(srv.tmp, "dst")
        with open("/dev/full", "wb") as full:
            p = subprocess.run([zc.ZCFTP, "mirror", "--dry-run", zc.url(srv), dst],
                               stdin=subprocess.DEVNULL, stdout=full, stderr=subprocess.PIPE,
                               env=dict(os.environ, HOME=zc.home()), timeout=zt.BIG_TIMEOUT)
        err = p.stderr.decode("utf-8", "replace")
        assert p.returncode == 1 and "cannot write the plan" in err, (p.returncode, err)
        assert SECRET not in err, err
        assert not os.path.exists(dst), "a dry run created the destination"


def test_usage_errors_hide_password():
    """A URL where the command or an option should be is never echoed
    with its password (no server needed: these fail before connecting)."""
    u = "ftp://bob:%s@127.0.0.1:1/" % SECRET
    for args in ([u, "./x"], ["ftp:/bob:%s@h/" % SECRET, "x"], ["bob:%s@h" % SECRET],
                 ["--bogus=" + u, "ls"], ["ls", "--bogus=" + u],
                 ["-X" + u], ["ls", "--bogus" + u]):
        p = zc.run(*args, check=2)
        no_secret(p)
        assert "unknown" in p.err, (args, p.err)
    p = zc.run(u, "./x", check=2)
    assert "ftp://bob@127.0.0.1:1/" in p.err, p.err


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
