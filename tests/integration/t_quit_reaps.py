#!/usr/bin/env python3
"""Session processes end and are reaped (no zombies, no strays) after
QUIT, after an abrupt close, mid-transfer, and after many sequential
sessions."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def test_quit():
    with zt.start_server() as srv:
        r = srv.login()
        assert len(srv.session_pids()) >= 1, "no session process seen"
        rep = r.expect("QUIT", (221,))
        assert r.wait_closed(5), "not closed after 221"
        assert srv.wait_no_sessions(), "left after QUIT: %s" % srv.session_pids()


def test_abrupt_close():
    with zt.start_server() as srv:
        r = srv.login()
        r.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                          b"\x01\x00\x00\x00\x00\x00\x00\x00")
        r.close()
        assert srv.wait_no_sessions(), "left after RST: %s" % srv.session_pids()
        r = srv.raw()
        r.banner()
        r.close()    # before login, FIN
        assert srv.wait_no_sessions(), "left after FIN: %s" % srv.session_pids()


def test_close_mid_transfer():
    with zt.start_server() as srv:
        zt.make_file(srv.path("big.bin"), 64 * zt.MiB, seed=1)
        r = srv.login()
        r.expect("TYPE I", (200,))
        get = r.open_data("pasv")
        r.expect("RETR big.bin", (150, 125))
        ds = get()
        ds.recv(65536)
        r.close()       # control gone, data still open and unread
        ds.close()
        assert srv.wait_no_sessions(10), "left mid-transfer: %s" % srv.session_pids()


def test_many_sequential():
    with zt.start_server() as srv:
        open(srv.path("s.txt"), "w").write("s\n")
        for i in range(40):
            f = srv.ftp()
            f.nlst()
            if i % 2:
                f.quit()
            else:
                f.close()
        assert srv.wait_no_sessions(10), "left: %s" % srv.session_pids()


if __name__ == "__main__":
    zt.main(globals())
