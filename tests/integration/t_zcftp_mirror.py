#!/usr/bin/env python3
"""zcftp mirror against the real zcftpd: down and up, mtimes kept, a re-run
moves nothing, an incremental run moves exactly the changes, --delete,
excludes, --checksum, odd names (spaces, UTF-8, leading dashes)."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

USERS = {"u": "mirror-pw"}


def new_lines(srv, before):
    return srv.xferlog_lines()[before:]


def test_download_then_rerun():
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "tree")
        zc.make_tree(remote, seed=1, nfiles=40, big=3 * zt.MiB)
        local = os.path.join(srv.tmp, "local")
        zc.run("mirror", "-q", zc.url(srv, path="/tree"), local, check=0)
        zc.assert_same_tree(remote, local, dir_mtimes=True)
        assert not zc.part_files(local)
        n = len(srv.xferlog_lines())
        assert n == 40 + len(zc.ODD_NAMES) + 1, "xferlog has %d lines" % n
        # Nothing changed: nothing is transferred.
        p = zc.run("mirror", zc.url(srv, path="/tree"), local, check=0)
        assert len(srv.xferlog_lines()) == n, new_lines(srv, n)
        assert p.out.startswith("0 files"), p.out


def test_upload_then_rerun():
    with zt.start_server(users=USERS) as srv:
        local = os.path.join(srv.tmp, "src")
        zc.make_tree(local, seed=2, nfiles=30)
        # The remote directory does not exist yet (two levels).
        zc.run("mirror", "-q", local, zc.url(srv, path="/up/load"), check=0)
        zc.assert_same_tree(local, os.path.join(srv.home("u"), "up", "load"),
                            dir_mtimes=True)
        n = len(srv.xferlog_lines())
        zc.run("mirror", "-q", local, zc.url(srv, path="/up/load/"), check=0)
        assert len(srv.xferlog_lines()) == n, new_lines(srv, n)


def test_incremental_and_delete():
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "t")
        zc.make_tree(remote, seed=3, nfiles=20)
        local = os.path.join(srv.tmp, "l")
        zc.run("mirror", "-q", zc.url(srv, path="/t"), local, check=0)
        n = len(srv.xferlog_lines())
        # change the size of one, the mtime only of another, add one, remove one
        zc.write(os.path.join(remote, "a", "f006.dat"), b"new content", mtime=1600000000)
        os.utime(os.path.join(remote, "f000.dat"), (1600000001, 1600000001))
        zc.write(os.path.join(remote, "-d", "added file"), b"x" * 1000)
        os.unlink(os.path.join(remote, "a", "f011.dat"))
        zc.run("mirror", "-q", zc.url(srv, path="/t"), local, check=0)
        got = sorted(r["filename"] for r in new_lines(srv, n))
        # xferlog writes spaces as '_' (wu-ftpd format)
        want = sorted("/t/" + p for p in ("a/f006.dat", "f000.dat", "-d/added_file"))
        assert got == want, got
        # Without --delete the removed file stays; with it, it goes.
        assert os.path.exists(os.path.join(local, "a", "f011.dat"))
        n = len(srv.xferlog_lines())
        zc.run("mirror", "-q", "--delete", zc.url(srv, path="/t"), local, check=0)
        assert not os.path.exists(os.path.join(local, "a", "f011.dat"))
        assert len(srv.xferlog_lines()) == n
        zc.assert_same_tree(remote, local, dir_mtimes=True)
        # Upload direction: --delete removes remote files and directories.
        shutil.rmtree(os.path.join(local, "odd"))
        zc.run("mirror", "-q", "--delete", local, zc.url(srv, path="/t"), check=0)
        assert not os.path.exists(os.path.join(remote, "odd"))
        zc.assert_same_tree(local, remote)


def test_upload_many_dirs():
    """Directory mtimes go out as pipelined MFMTs: more directories than
    the server queues commands (16) must not get the client dropped."""
    with zt.start_server(users=USERS) as srv:
        local = os.path.join(srv.tmp, "src")
        for i in range(60):
            zc.write(os.path.join(local, "d%02d" % i, "f"), b"%d" % i, mtime=1500000000 + i)
            os.utime(os.path.join(local, "d%02d" % i), (1400000000 + i, 1400000000 + i))
        p = zc.run("mirror", "-q", local, zc.url(srv, path="/many"), check=0)
        assert not p.err, p.err
        zc.assert_same_tree(local, os.path.join(srv.home("u"), "many"), dir_mtimes=True)
        assert b"abuse" not in srv.log_bytes()


def test_excludes():
    with zt.start_server(users=USERS) as srv:
        local = os.path.join(srv.tmp, "src")
        zc.make_tree(local, seed=4, nfiles=10)
        zc.write(os.path.join(local, "x.tmp"), b"tmp")
        zc.write(os.path.join(local, "cache", "c1"), b"c")
        dst = os.path.join(srv.home("u"), "d")
        zc.write(os.path.join(dst, "keep.tmp"), b"remote only, excluded")
        zc.run("mirror", "-q", "--delete", "--exclude", "*.tmp", "-x", "cache",
               local, zc.url(srv, path="/d"), check=0)
        assert not os.path.exists(os.path.join(dst, "x.tmp"))
        assert not os.path.exists(os.path.join(dst, "cache"))
        # An excluded file on the destination is not deleted either.
        assert os.path.exists(os.path.join(dst, "keep.tmp"))
        assert os.path.exists(os.path.join(dst, "f000.dat"))
        assert os.path.exists(os.path.join(dst, "a", "b c", "f002.dat"))
        # --include alone: only those files.
        only = os.path.join(srv.tmp, "only")
        zc.run("mirror", "-q", "--include", "*.txt", zc.url(srv, path="/d"), only, check=0)
        got = sorted(os.path.relpath(os.path.join(d, f), only)
                     for d, _, fs in os.walk(only) for f in fs)
        assert got == sorted(os.path.join("odd", n) for n in zc.ODD_NAMES
                             if n.endswith(".txt")), got


def test_checksum_same_size_same_mtime():
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "c")
        zc.write(os.path.join(remote, "f"), b"AAAA", mtime=1500000000)
        local = os.path.join(srv.tmp, "l")
        zc.run("mirror", "-q", zc.url(srv, path="/c"), local, check=0)
        zc.write(os.path.join(remote, "f"), b"BBBB", mtime=1500000000)
        n = len(srv.xferlog_lines())
        zc.run("mirror", "-q", zc.url(srv, path="/c"), local, check=0)
        assert open(os.path.join(local, "f"), "rb").read() == b"AAAA"
        zc.run("mirror", "-q", "--checksum", zc.url(srv, path="/c"), local, check=0)
        assert open(os.path.join(local, "f"), "rb").read() == b"BBBB"
        assert len(srv.xferlog_lines()) == n + 1
        # Same content, different mtime: --checksum fixes the mtime only.
        os.utime(os.path.join(local, "f"), (1400000000, 1400000000))
        zc.run("mirror", "-q", "--checksum", zc.url(srv, path="/c"), local, check=0)
        assert int(os.stat(os.path.join(local, "f")).st_mtime) == 1500000000
        assert len(srv.xferlog_lines()) == n + 1


def test_parallel_counts():
    """--parallel 1 and 6 give the same tree."""
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "p")
        zc.make_tree(remote, seed=5, nfiles=60)
        for par in ("1", "6"):
            local = os.path.join(srv.tmp, "l" + par)
            zc.run("mirror", "-q", "-P", par, zc.url(srv, path="/p"), local, check=0)
            zc.assert_same_tree(remote, local)


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
