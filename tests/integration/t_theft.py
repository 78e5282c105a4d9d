#!/usr/bin/env python3
"""Passive connection theft (RFC 2577 section 5 / 'FTP PASV port
stealing'): a connection to the PASV/EPSV port from another address
(127.0.0.2) is dropped without data, and the real client's transfer
still succeeds."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def thief_result(s, timeout=zt.TIMEOUT):
    """Bytes the thief received before its connection ended; None if it
    was still open after timeout."""
    s.settimeout(timeout)
    got = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            c = s.recv(65536)
            if not c:
                return got
            got += c
    except ConnectionResetError:
        return got
    except socket.timeout:
        return None
    return None


def steal(srv, mode, direction):
    want = open(srv.path("f.bin"), "rb").read()
    r = srv.login()
    r.expect("TYPE I", (200,))
    if mode == "pasv":
        h, p = r.pasv()
    else:
        h, p = "127.0.0.1", r.epsv()
    thief = socket.create_connection((h, p), zt.TIMEOUT,
                                     source_address=("127.0.0.2", 0))
    time.sleep(0.2)    # the thief is first in the accept queue
    real = socket.create_connection((h, p), zt.TIMEOUT)
    if direction == "retr":
        zt.check_code(r.cmd("RETR f.bin"), (125, 150), "RETR")
        real.settimeout(zt.TIMEOUT)
        got = b""
        while True:
            c = real.recv(65536)
            if not c:
                break
            got += c
        real.close()
        zt.check_code(r.reply(), (226,), "RETR end")
        assert got == want, "real client got %d bytes" % len(got)
    else:
        zt.check_code(r.cmd("STOR up.bin"), (125, 150), "STOR")
        real.sendall(want)
        real.close()
        zt.check_code(r.reply(), (226,), "STOR end")
        assert open(srv.path("up.bin"), "rb").read() == want
    stolen = thief_result(thief)
    thief.close()
    assert stolen is not None, "thief connection left open"
    assert stolen == b"", "thief got %d bytes" % len(stolen)
    r.expect("NOOP", (200,))
    r.close()


def test_pasv_theft_retr():
    with zt.start_server() as srv:
        zt.make_file(srv.path("f.bin"), 2 * zt.MiB, seed=1)
        steal(srv, "pasv", "retr")


def test_epsv_theft_retr():
    with zt.start_server() as srv:
        zt.make_file(srv.path("f.bin"), 2 * zt.MiB, seed=2)
        steal(srv, "epsv", "retr")


def test_pasv_theft_stor():
    with zt.start_server(anon_upload=True) as srv:
        zt.make_file(srv.path("f.bin"), 2 * zt.MiB, seed=3)
        steal(srv, "pasv", "stor")


if __name__ == "__main__":
    zt.main(globals())
