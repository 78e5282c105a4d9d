#!/usr/bin/env python3
"""zcftp mirror --parallel N against a server that allows fewer
connections per IP: the connections refused with 421 at connect (or a
"too many" 530 at login) fail no file; the run goes on with the ones it
has, says so once, and exits 0."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

USERS = {"u": "limits-pw"}
NOTE = "continuing with fewer connections"


def limited_server():
    return zt.start_server(users=USERS, conf={"limits": {"max_per_ip": 2}})


def check_note(p, refused):
    """The note once if the server refused a connection, else never:
    workers join only when the work outlasts a login, so on a fast run
    the client may never reach the per-IP limit (seen in a distcheck)."""
    print("server refused a connection:", refused)
    assert p.err.count(NOTE) == (1 if refused else 0), \
        "refused=%s, want the note %s:\n%s" % (refused, "once" if refused else "never", p.err)
    assert "failed" not in p.err, p.err


def zcftpd_refused(srv):
    return b"max_per_ip (2) reached" in srv.log_bytes()


def test_download_parallel_4_max_per_ip_2():
    with limited_server() as srv:
        remote = os.path.join(srv.home("u"), "t")
        # Enough work that every worker joins (one per 25 directories).
        zc.make_tree(remote, seed=11, nfiles=300, big=2 * zt.MiB)
        local = os.path.join(srv.tmp, "l")
        p = zc.run("mirror", "-v", "-P", "4", zc.url(srv, path="/t"), local)
        assert p.returncode == 0, "exit %d\n%s" % (p.returncode, p.err[-3000:])
        check_note(p, zcftpd_refused(srv))
        zc.assert_same_tree(remote, local)
        assert not zc.part_files(local)
        # Nothing moved twice: every file exactly once in the xferlog.
        assert len(srv.xferlog_lines()) == 300 + len(zc.ODD_NAMES) + 1
        # Quiet: no note, still exit 0.
        shutil.rmtree(local)
        p = zc.run("mirror", "-q", "-P", "4", zc.url(srv, path="/t"), local, check=0)
        assert NOTE not in p.err, p.err
        zc.assert_same_tree(remote, local)


def test_upload_parallel_4_max_per_ip_2():
    with limited_server() as srv:
        local = os.path.join(srv.tmp, "src")
        zc.make_tree(local, seed=12, nfiles=300)
        p = zc.run("mirror", "-P", "4", local, zc.url(srv, path="/up"))
        assert p.returncode == 0, "exit %d\n%s" % (p.returncode, p.err[-3000:])
        check_note(p, zcftpd_refused(srv))
        zc.assert_same_tree(local, os.path.join(srv.home("u"), "up"))


def test_refused_at_login():
    """A server that says "530 too many" to USER on its 3rd and later
    connections (proftpd's MaxClientsPerHost answers at login)."""
    files = {"/t/d%d/f%03d" % (i % 7, i): os.urandom(i * 37) for i in range(200)}

    def on_cmd(no, verb, arg):
        if verb == "USER" and no >= 3:
            return (0, "530 Sorry, too many connections from your host")
        return None

    with zc.FakeFTP(files=files, on_cmd=on_cmd) as srv:
        local = tempfile.mkdtemp(prefix="zcftp-limit-")
        try:
            p = zc.run("mirror", "-P", "6", "--no-mtime", srv.url("/t"), local)
            assert p.returncode == 0, "exit %d\n%s" % (p.returncode, p.err[-3000:])
            users = [no for no, ln in srv.log if ln.startswith("USER")]
            check_note(p, any(no >= 3 for no in users))
            for rel, data in files.items():
                with open(os.path.join(local, rel[3:]), "rb") as f:
                    assert f.read() == data, rel
            # Each refused worker tried once, not once per file.
            assert len(users) <= 6, users
        finally:
            shutil.rmtree(local, ignore_errors=True)


def test_only_connection_refused_is_fatal():
    """With no connection at all, the run stops with exit 2."""
    with zt.start_server(users=USERS, conf={"limits": {"max_per_ip": 1}}) as srv:
        remote = os.path.join(srv.home("u"), "t")
        zc.write(os.path.join(remote, "a"), b"a")
        with srv.raw() as hog:
            hog.banner()
            p = zc.run("mirror", "-P", "4", zc.url(srv, path="/t"),
                       os.path.join(srv.tmp, "l"), check=2)
            assert "421" in p.err, p.err
            assert USERS["u"] not in p.err + p.out


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
