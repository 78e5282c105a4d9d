#!/usr/bin/env python3
"""zcftp against hostile or unusual trees and servers: a local symlinked
directory never takes a download out of DEST, passwords are never echoed,
a late reply is never matched to the next command, listings without
size/modify facts, remote names that look like our temp files, and
endless remote trees. The odd servers are small fakes in this file."""
import os
import socket
import sys
import tempfile
import threading

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


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
