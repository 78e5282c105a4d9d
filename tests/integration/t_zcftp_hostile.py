#!/usr/bin/env python3
"""zcftp against hostile or unusual trees and servers: a local symlinked
directory never takes a download out of DEST, passwords are never echoed,
a late reply is never matched to the next command, listings without
size/modify facts, remote names that look like our temp files, and
endless remote trees. The odd servers are small fakes in this file."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

USERS = {"u": "hostile-pw"}


def listdir_all(root):
    out = []
    for dirpath, dirs, files in os.walk(root):
        out += [os.path.relpath(os.path.join(dirpath, n), root) for n in dirs + files]
    return sorted(out)


def test_symlinked_dir_stays_inside():
    """dest/sub -> ../outside; the server has /sub/evil and /sub/newdir."""
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "t")
        zc.write(os.path.join(remote, "sub", "evil"), b"evil")
        zc.write(os.path.join(remote, "sub", "newdir", "deep"), b"deep")
        zc.write(os.path.join(remote, "a", "sub", "evil2"), b"evil2")
        zc.write(os.path.join(remote, "ok"), b"ok")
        base = tempfile.mkdtemp(dir=srv.tmp)
        local, outside = os.path.join(base, "dest"), os.path.join(base, "outside")
        os.mkdir(outside)
        os.makedirs(os.path.join(local, "a"))
        os.symlink("../outside", os.path.join(local, "sub"))
        os.symlink("../../outside", os.path.join(local, "a", "sub"))
        for extra in ([], ["--delete"], ["--checksum"]):
            p = zc.run("mirror", *extra, zc.url(srv, path="/t"), local, check=1)
            assert listdir_all(outside) == [], (extra, listdir_all(outside), p.err)
            assert "sub:" in p.err and "a/sub:" in p.err, p.err
            with open(os.path.join(local, "ok"), "rb") as f:
                assert f.read() == b"ok"
            assert os.path.islink(os.path.join(local, "sub"))


MTIME_2020 = 1577836800     # FakeFTP.MTIME


def test_late_reply_not_taken_for_next():
    """HASH of a answers after the timeout; the client must not take
    that late reply for b's HASH (b changed, same size and mtime)."""
    import hashlib
    x, y, z = b"X" * 100, b"Y" * 100, b"Z" * 100
    late = []

    def on_cmd(no, verb, arg):
        if verb == "HASH" and arg == "/t/a" and not late:
            late.append(no)
            return (1.6, "213 SHA-256 0-100 %s /t/a" % hashlib.sha256(x).hexdigest())
        return None

    with zc.FakeFTP(files={"/t/a": x, "/t/b": y}, on_cmd=on_cmd) as srv:
        local = tempfile.mkdtemp(prefix="zcftp-late-")
        try:
            zc.write(os.path.join(local, "a"), z, mtime=MTIME_2020)
            zc.write(os.path.join(local, "b"), x, mtime=MTIME_2020)
            p = zc.run("mirror", "--checksum", "--timeout", "1", "-P", "1",
                       "--retries", "0", srv.url("/t"), local)
            assert p.returncode in (0, 1), p.err
            with open(os.path.join(local, "b"), "rb") as f:
                assert f.read() == y, "b not updated:\n" + p.out + p.err
            assert late, "the fake server saw no HASH /t/a"
        finally:
            shutil.rmtree(local, ignore_errors=True)


def test_data_connection_refused():
    """EPSV names a port where nothing listens: a small file's download
    (connected without waiting) must fail fast and retry on a new control
    connection, not wait for a reply the server owes only after its own
    accept timeout."""
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = s.getsockname()[1]
    s.close()

    epsv = []

    def on_cmd(no, verb, arg):
        if verb == "EPSV":
            epsv.append(no)
            if len(epsv) > 1:
                return (0, "229 ok (|||%d|)" % dead)
        return None

    with zc.FakeFTP(files={"/t/a": b"A" * 5000, "/t/b": b"B" * 100}, on_cmd=on_cmd) as srv:
        local = tempfile.mkdtemp(prefix="zcftp-refused-")
        try:
            # The listing's EPSV works, the downloads' do not.
            p = zc.run("mirror", "-P", "1", "--retries", "1", "--timeout", "20",
                       srv.url("/t"), local, timeout=15)
            assert p.returncode == 1, p.err
            assert "a: get: Connection refused" in p.err, p.err
            assert len(set(epsv)) >= 3, "no reconnect after a refused data connection"
        finally:
            shutil.rmtree(local, ignore_errors=True)


def test_pipelining_falls_back():
    """A server that answers a RETR sent right behind its EPSV with 425
    (it wants the data connection first) gets one command at a time after
    the first 425, and the mirror completes."""
    files = {"/t/f%d" % i: os.urandom(100 + i) for i in range(6)}
    with zc.FakeFTP(files=files, no_pipelined_retr=True) as srv:
        local = tempfile.mkdtemp(prefix="zcftp-strict-")
        try:
            p = zc.run("mirror", "-P", "1", "--no-mtime", srv.url("/t"), local)
            assert p.returncode == 0, p.err
            for rel, data in files.items():
                with open(os.path.join(local, rel[3:]), "rb") as f:
                    assert f.read() == data, rel
            assert 1 <= srv.refused_retr <= 2, srv.refused_retr
        finally:
            shutil.rmtree(local, ignore_errors=True)


def no_size_facts(path, kind, data):
    return "type=dir;" if kind == "dir" else "type=file;"


def test_get_without_size_fact():
    """MLST without size (or modify): get must RETR the whole file, and
    not date it 1970."""
    data = os.urandom(70000)
    with zc.FakeFTP(files={"/f.bin": data}, facts=no_size_facts) as srv:
        local = tempfile.mkdtemp(prefix="zcftp-nosize-")
        try:
            out = os.path.join(local, "f.bin")
            zc.run("get", "-q", srv.url("/f.bin"), out, check=0)
            with open(out, "rb") as f:
                assert f.read() == data
            assert os.stat(out).st_mtime > 1000000000
        finally:
            shutil.rmtree(local, ignore_errors=True)


def test_mirror_without_facts():
    """MLSD without size and/or modify: one full download, no 1970
    mtimes, and a re-run downloads nothing."""
    files = {"/t/a": b"A" * 3000, "/t/d/b": b"B" * 10, "/t/e": b""}
    for name, facts in (("neither", no_size_facts),
                        ("no size", lambda p, k, d: "type=%s;modify=20200101000000;"
                         % ("dir" if k == "dir" else "file")),
                        ("no modify", lambda p, k, d: "type=dir;" if k == "dir"
                         else "type=file;size=%d;" % len(d))):
        with zc.FakeFTP(files=files, facts=facts) as srv:
            local = tempfile.mkdtemp(prefix="zcftp-nofacts-")
            try:
                zc.run("mirror", "-q", srv.url("/t"), local, check=0)
                for rel, data in files.items():
                    pth = os.path.join(local, rel[3:])
                    with open(pth, "rb") as f:
                        assert f.read() == data, (name, rel)
                    assert os.stat(pth).st_mtime > 1000000000, (name, rel)
                retr = [ln for _, ln in srv.log if ln.startswith("RETR")]
                assert len(retr) == 3, (name, retr)
                zc.run("mirror", "-q", srv.url("/t"), local, check=0)
                again = [ln for _, ln in srv.log if ln.startswith("RETR")]
                assert again == retr, (name, again)
            finally:
                shutil.rmtree(local, ignore_errors=True)


def test_remote_part_names_skipped():
    """A remote ".zcftp-part.a" would be a's temp file: never fetched."""
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "p")
        zc.write(os.path.join(remote, "a"), b"real a" * 1000)
        zc.write(os.path.join(remote, ".zcftp-part.a"), b"impostor")
        zc.write(os.path.join(remote, "d", ".zcftp-part.x"), b"impostor")
        local = os.path.join(tempfile.mkdtemp(dir=srv.tmp), "l")
        for _ in range(2):
            p = zc.run("mirror", zc.url(srv, path="/p"), local, check=1)
            assert ".zcftp-part.a" in p.err and "d/.zcftp-part.x" in p.err, p.err
            assert listdir_all(local) == ["a", "d"], listdir_all(local)
            with open(os.path.join(local, "a"), "rb") as f:
                assert f.read() == b"real a" * 1000


def test_endless_remote_tree():
    """Every directory holds a directory "d": the scan stops at the depth
    limit with a failure, and --delete then deletes nothing."""
    def listing(path):
        return [("d", "type=dir;modify=20200101000000;"),
                ("f", "type=file;size=1;modify=20200101000000;")]
    with zc.FakeFTP(files={"/f": b"x"}, listing=listing) as srv:
        srv.files.update({"/d" * n + "/f": b"x" for n in range(1, 300)})
        local = tempfile.mkdtemp(prefix="zcftp-deep-")
        try:
            zc.write(os.path.join(local, "keep"), b"mine")
            p = zc.run("mirror", "-q", "--delete", srv.url("/"), local,
                       check=1, timeout=60)
            assert "deeper than 256" in p.err, p.err[-2000:]
            assert os.path.exists(os.path.join(local, "keep"))
            mlsd = [ln for _, ln in srv.log if ln.startswith("MLSD")]
            assert len(mlsd) == 257, len(mlsd)
        finally:
            shutil.rmtree(local, ignore_errors=True)


def test_control_bytes_escaped():
    """Names and replies from the server never put control bytes on the
    terminal: ls, the plan, verbose progress, the failure list."""
    good, bad = "ok\x1b[2Jname", "gone\x07\x1b]0;pwned"
    files = {"/t/" + good: b"data"}

    def listing(path):
        return [(good, "type=file;size=4;modify=20200101000000;"),
                (bad, "type=file;size=4;modify=20200101000000;")]

    def on_cmd(no, verb, arg):
        if verb == "RETR" and "gone" in arg:
            return (0, "550 \x1b[31mno such\x08file")
        return None

    with zc.FakeFTP(files=files, listing=listing, on_cmd=on_cmd) as srv:
        local = tempfile.mkdtemp(prefix="zcftp-ctl-")
        try:
            runs = [zc.run("ls", srv.url("/t/"), check=0),
                    zc.run("mirror", "--dry-run", srv.url("/t"), local, check=0),
                    zc.run("mirror", "-v", "--retries", "0", srv.url("/t"), local, check=1)]
            for p in runs:
                for ch in "\x1b\x07\x08":
                    assert ch not in p.out + p.err, repr(p.out + p.err)
            assert "ok\\x1b[2Jname" in runs[0].out, repr(runs[0].out)
            assert "gone\\x07\\x1b]0;pwned" in runs[1].out, repr(runs[1].out)
            assert "gone\\x07" in runs[2].err and "no such" in runs[2].err, repr(runs[2].err)
            with open(os.path.join(local, good), "rb") as f:
                assert f.read() == b"data"
        finally:
            shutil.rmtree(local, ignore_errors=True)


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
