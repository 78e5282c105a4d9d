#!/usr/bin/env python3
"""Hostile control input: an over-long line, NUL bytes, Telnet IAC
sequences, invalid UTF-8, a 10 MB line without a newline, bare CR/LF
floods. The server answers with an error or closes, never crashes; other
sessions keep working; no session process is left behind."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def survives(srv, bystander):
    """The server and an unrelated logged-in session still work."""
    assert srv.alive(), "server died"
    bystander.expect("NOOP", (200,))
    assert bystander.retr("f.bin") == open(srv.path("f.bin"), "rb").read()
    with srv.raw() as fresh:
        fresh.banner()


def error_or_close(r, line, codes=(500, 501, 502, 503, 530, 550, 553)):
    """Send line; the reply must be an error code in codes or a close.
    Returns 'closed' or the Reply."""
    try:
        r.send(line)
        rep = r.reply()
    except (zt.ProtocolError, BrokenPipeError, ConnectionResetError):
        return "closed"
    assert rep.code in codes or rep.code == 421, (line[:60], rep)
    return rep


def with_bystander(fn):
    with zt.start_server(users={"u": "garbage-pw"}) as srv:
        zt.make_file(srv.path("f.bin"), 50000, seed=1)
        by = srv.login()
        by.expect("TYPE I", (200,))
        fn(srv)
        survives(srv, by)
        by.expect("QUIT", (221,))
        assert srv.wait_no_sessions(), "leaked sessions %s" % srv.session_pids()


def replies_until_noop(r, limit=50):
    """Send NOOP and collect replies up to its 200 (or a close)."""
    r.send(b"NOOP\r\n")
    codes = []
    for _ in range(limit):
        try:
            rep = r.reply()
        except zt.ProtocolError:
            codes.append("closed")
            break
        codes.append(rep.code)
        if rep.code == 200:
            break
    return codes


def test_overlong_line():
    def fn(srv):
        r = srv.raw()
        r.banner()
        res = error_or_close(r, b"USER " + b"A" * 5000 + b"\r\n")
        print("over-long line ->", res)
        r.close()
        # The tail of a truncated line must never run as a command: put
        # "MKD evilN" right where a 4 KiB limit would cut.
        r = srv.login("u")
        for n in range(4085, 4100):
            r.send(b"NOOP " + b"A" * (n - 5) + b"MKD evil%d\r\n" % n)
        codes = replies_until_noop(r)
        print("replies:", codes)
        assert 257 not in codes, codes
        assert not [x for x in os.listdir(srv.home("u")) if x.startswith("evil")]
        r.close()
        r = srv.login()
        res = error_or_close(r, b"CWD " + b"x/" * 3000 + b"\r\n",
                             (500, 501, 550, 553))
        r.close()
    with_bystander(fn)


def test_nul_bytes():
    def fn(srv):
        r = srv.raw()
        r.banner()
        res = error_or_close(r, b"US\x00ER anonymous\r\n")
        if res != "closed":
            res = error_or_close(r, b"USER anon\x00ymous\r\n", (331, 500, 501, 530))
        r.close()
        r = srv.login()
        for line in (b"CWD a\x00b\r\n", b"RETR f.bin\x00../../etc/passwd\r\n",
                     b"SIZE \x00\r\n", b"\x00\x00\x00\r\n"):
            res = error_or_close(r, line, (500, 501, 550, 553))
            if res == "closed":
                break
        r.close()
    with_bystander(fn)


def test_telnet_iac():
    def fn(srv):
        r = srv.login()
        # IAC WILL ECHO, IAC IP, IAC DO x, then a command: the IAC
        # sequences are stripped (RFC 854), the command runs.
        r.send(b"\xff\xfb\x01\xff\xf4NO\xff\xfd\x03OP\r\n")
        rep = r.reply()
        assert rep.code in (200, 500), rep
        r.expect("NOOP", (200,))
        # A lone IAC at the end, IAC IAC (a literal 0xff), a bare IAC SB
        # with no SE: bounded, no hang.
        for line in (b"NOOP\xff\r\n", b"SIZE \xff\xffx\r\n", b"\xff\xfa\x18" + b"x" * 6000 + b"\r\n"):
            r.send(line)
        r.send(b"NOOP\r\n")
        deadline = time.monotonic() + zt.TIMEOUT
        seen200 = False
        while time.monotonic() < deadline:
            try:
                rep = r.reply(2)
            except (socket.timeout, zt.ProtocolError):
                break
            if rep.code == 200:
                seen200 = True
        assert seen200 or r.eof, "no answer after IAC garbage"
        r.close()
    with_bystander(fn)


def test_invalid_utf8():
    def fn(srv):
        r = srv.login("u")
        for line in (b"CWD \xc3\x28\r\n", b"MKD \xff\xfe\xfd\r\n",
                     b"RETR \xed\xa0\x80\r\n", b"\xc0\xafNOOP\r\n"):
            rep = error_or_close(r, line, (257, 500, 501, 550, 553))
            if rep == "closed":
                break
        r.close()
    with_bystander(fn)


def test_huge_line_no_newline():
    def fn(srv):
        r = srv.raw()
        r.banner()
        chunk = b"A" * 65536
        sent = 0
        r.sock.settimeout(zt.TIMEOUT)
        try:
            while sent < 10 * zt.MiB:
                r.sock.sendall(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass
        print("sent %d bytes before the server stopped reading" % sent)
        # The server replied 500 (line too long) and/or closed.
        try:
            rep = r.reply()
            assert rep.code in (500, 421), rep
        except zt.ProtocolError:
            pass    # closed without a reply

        r.close()
    with_bystander(fn)


def test_empty_lines_flood():
    def fn(srv):
        r = srv.raw()
        r.banner()
        r.send(b"\r\n" * 2000 + b"\n" * 2000 + b"\r" * 2000 + b"NOOP\r\n")
        # Bounded: read whatever replies come for a while; no crash.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not r.eof:
            try:
                r.readline(1)
            except socket.timeout:
                break
        r.close()
    with_bystander(fn)


def test_abrupt_disconnects():
    def fn(srv):
        for payload in (b"", b"USER", b"USER anonymous\r\nPASS", b"RETR"):
            s = socket.create_connection(("127.0.0.1", srv.port), zt.TIMEOUT)
            s.sendall(payload)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                         b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.close()
    with_bystander(fn)


if __name__ == "__main__":
    zt.main(globals())
