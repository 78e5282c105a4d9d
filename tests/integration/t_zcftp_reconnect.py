#!/usr/bin/env python3
"""A mirror whose connection drops and is re-established: what went wrong
on the old connection still counts. Deferred MFMTs that were refused, or
whose reply never came because the connection dropped, make the run exit
1 and are listed by path, although every file was transferred."""
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

T = 1500000000


def upload(on_cmd):
    """Upload a, b, c (in that order, one connection) to the fake server
    with the given hook; returns (CompletedProcess, server)."""
    local = tempfile.mkdtemp(prefix="zcftp-reconnect-")
    try:
        for name in "abc":
            zc.write(os.path.join(local, name), name.encode() * 1000, mtime=T)
        with zc.FakeFTP(on_cmd=on_cmd) as srv:
            p = zc.run("mirror", "-P", "1", local, srv.url("/t"))
            for name in "abc":
                assert srv.files.get("/t/" + name) == name.encode() * 1000, \
                    "%s not uploaded:\n%s" % (name, p.err)
            return p, srv
    finally:
        shutil.rmtree(local, ignore_errors=True)


def test_refused_mfmt_survives_reconnect():
    """MFMT of a is refused (its reply is read with b's EPSV), then the
    connection drops on STOR b; b is retried on a new connection."""
    dropped = []

    def on_cmd(no, verb, arg):
        if verb == "MFMT" and arg.endswith(" /t/a"):
            return (0, "550 cannot set the time")
        if verb == "STOR" and arg == "/t/b" and not dropped:
            dropped.append(no)
            return (0, None)
        return None

    p, srv = upload(on_cmd)
    assert dropped, "the fake server never dropped the connection"
    assert srv.nconn >= 2, "no reconnect"
    assert p.returncode == 1, "exit %d, want 1\n%s" % (p.returncode, p.err)
    assert "a: mtime: server said: 550 cannot set the time" in p.err, p.err
    assert "b:" not in p.err and "c:" not in p.err, p.err


def test_unanswered_mfmt_counts():
    """The connection drops right after MFMT a was sent, before its reply:
    a's mtime is not confirmed, so the run cannot report success."""
    dropped = []

    def on_cmd(no, verb, arg):
        if verb == "MFMT" and arg.endswith(" /t/a") and not dropped:
            dropped.append(no)
            return (0, None)
        return None

    p, srv = upload(on_cmd)
    assert dropped, "the fake server saw no MFMT /t/a"
    assert p.returncode == 1, "exit %d, want 1\n%s" % (p.returncode, p.err)
    assert "a: mtime: no reply" in p.err, p.err


def test_mfmt_ok_exit_0():
    """The same upload without trouble: exit 0, one connection."""
    p, srv = upload(None)
    assert p.returncode == 0, p.err
    mfmt = [ln for _, ln in srv.log if ln.startswith("MFMT")]
    assert len(mfmt) == 3 and all(ln.startswith("MFMT 20170714024000 /t/")
                                  for ln in mfmt), mfmt


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
