#!/usr/bin/env python3
"""ABOR (RFC 959 section 4.1.3) during RETR and STOR, plain and with the
Telnet IP/Synch sequence, with no transfer in progress, and a client that
drops the data connection: the session answers 426/226 (or 225/226) and
keeps working; the aborted transfer is logged incomplete."""
import os
import shutil
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

BIG = 64 * zt.MiB
IAC, IP, DM = b"\xff", b"\xf4", b"\xf2"


def read_abort_replies(r):
    """After ABOR: 426 then 226, or a single 226/225. Returns the codes."""
    first = r.reply(30)
    codes = [first.code]
    if first.code == 426:
        second = r.reply(30)
        codes.append(second.code)
        assert second.code in (225, 226), codes
    else:
        assert first.code in (225, 226), codes
    return codes


def drain(ds, timeout=30):
    """Read the data socket until EOF; True if it closes in time."""
    ds.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not ds.recv(zt.MiB):
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False
    return False


def still_works(r, srv, home=None):
    r.expect("NOOP", (200,))
    r.expect("TYPE I", (200,))
    want = open(srv.path("small.bin"), "rb").read()
    assert r.retr("small.bin" if home is None else "/small.bin") == want


def setup(srv):
    zt.make_file(srv.path("big.bin"), BIG, seed=1)
    zt.make_file(srv.path("small.bin"), 5000, seed=2)


def abort_retr(srv, abor_bytes, oob):
    r = srv.login()
    r.expect("TYPE I", (200,))
    get = r.open_data("pasv")
    r.expect("RETR big.bin", (125, 150))
    ds = get()
    got = ds.recv(65536)
    assert got, "no data before ABOR"
    if oob:
        # RFC 959 4.1.3: IAC IP, then IAC DM as TCP urgent data (Synch).
        r.sock.sendall(IAC + IP + IAC)
        r.sock.send(DM, socket.MSG_OOB)
        r.sock.sendall(abor_bytes)
    else:
        r.send(abor_bytes)
    codes = read_abort_replies(r)
    assert drain(ds), "data connection not closed after ABOR"
    ds.close()
    print("ABOR replies", codes)
    still_works(r, srv)
    r.expect("QUIT", (221,))
    recs = srv.xferlog_lines()
    assert recs and recs[0]["status"] == "i", recs
    assert recs[0]["size"] < BIG, recs[0]


def test_abor_plain_during_retr():
    with zt.start_server() as srv:
        setup(srv)
        abort_retr(srv, b"ABOR\r\n", oob=False)


def test_abor_synch_during_retr():
    with zt.start_server() as srv:
        setup(srv)
        abort_retr(srv, b"ABOR\r\n", oob=True)


def test_ftplib_abort():
    with zt.start_server() as srv:
        setup(srv)
        f = srv.ftp()
        f.voidcmd("TYPE I")
        conn = f.transfercmd("RETR big.bin")
        conn.recv(65536)
        resp = f.abort()
        if resp[:3] == "426":
            resp = f.getresp()
        assert resp[:3] in ("225", "226"), resp
        conn.close()
        f.voidcmd("NOOP")
        f.quit()


def test_abor_idle():
    with zt.start_server() as srv:
        setup(srv)
        r = srv.login()
        r.expect("ABOR", (225, 226))
        still_works(r, srv)


def test_abor_during_stor():
    with zt.start_server(users={"u": "abor-pw"}) as srv:
        setup(srv)
        shutil.copy(srv.path("small.bin"), srv.home("u"))
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        get = r.open_data("pasv")
        r.expect("STOR part.bin", (125, 150))
        ds = get()
        ds.sendall(os.urandom(zt.MiB))
        r.send("ABOR\r\n")
        read_abort_replies(r)
        ds.close()
        still_works(r, srv)
        r.stor("after.bin", b"fine")
        assert open(os.path.join(srv.home("u"), "after.bin"), "rb").read() == b"fine"
        r.close()


def test_client_drops_data_connection():
    with zt.start_server() as srv:
        setup(srv)
        r = srv.login()
        r.expect("TYPE I", (200,))
        get = r.open_data("epsv")
        r.expect("RETR big.bin", (125, 150))
        ds = get()
        ds.recv(65536)
        ds.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        ds.close()    # RST
        rep = r.reply(30)
        assert rep.code in (426, 451), rep
        still_works(r, srv)
        recs = srv.xferlog_lines()
        assert recs[0]["status"] == "i", recs
        r.close()


if __name__ == "__main__":
    zt.main(globals())
