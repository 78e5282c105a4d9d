#!/usr/bin/env python3
"""The session's passive listener is reused by every PASV/EPSV; a data
connection made for an earlier, unused PASV must never carry a later
transfer (it is discarded when PASV/EPSV is armed again)."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

DATA = b"payload-for-the-right-connection\n" * 100


def recv_all(s):
    s.settimeout(zt.TIMEOUT)
    chunks = []
    while True:
        b = s.recv(65536)
        if not b:
            return b"".join(chunks)
        chunks.append(b)


def test_stale_connection_is_not_used():
    with zt.start_server() as srv:
        with open(srv.path("f.txt"), "wb") as f:
            f.write(DATA)
        r = srv.login()
        r.expect("TYPE I", (200,))
        p1 = r.epsv()
        stale = socket.create_connection(("127.0.0.1", p1), zt.TIMEOUT)
        p2 = r.epsv()		# armed again without a transfer in between
        assert p1 == p2, (p1, p2)
        fresh = socket.create_connection(("127.0.0.1", p2), zt.TIMEOUT)
        r.expect("RETR f.txt", (150,))
        assert recv_all(fresh) == DATA, "data not on the connection made for this EPSV"
        rep = r.reply()
        assert rep.code == 226, rep
        assert recv_all(stale) == b"", "stale connection got data"
        fresh.close()
        stale.close()
        # Several transfers in a row on the same listener.
        for _ in range(3):
            got = r.retr("f.txt", mode="epsv")
            assert got == DATA
        r.close()


def test_connection_for_a_refused_command_is_not_reused():
    """ftplib connects before sending RETR; when RETR is refused (550),
    that connection must not carry the next transfer."""
    with zt.start_server() as srv:
        with open(srv.path("f.txt"), "wb") as f:
            f.write(DATA)
        r = srv.login()
        r.expect("TYPE I", (200,))
        for _ in range(3):
            p = r.epsv()
            early = socket.create_connection(("127.0.0.1", p), zt.TIMEOUT)
            r.expect("RETR no-such-file", (550,))
            early.close()
        assert r.retr("f.txt", mode="epsv") == DATA
        r.close()


def test_pasv_and_epsv_share_the_port():
    with zt.start_server() as srv:
        r = srv.login()
        _, p1 = r.pasv()
        p2 = r.epsv()
        assert p1 == p2, (p1, p2)
        r.close()


if __name__ == "__main__":
    zt.main(globals())
