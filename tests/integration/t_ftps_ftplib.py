#!/usr/bin/env python3
"""Python ftplib.FTP_TLS against zcftpd (RFC 4217): AUTH TLS, PBSZ/PROT P,
RETR and STOR byte-identical with clean TLS shutdowns (ftplib unwraps
each data connection: close_notify both ways), MLSD under PROT P, REST,
ABOR during a large TLS download (426 then 226, session usable after),
TLS 1.2 (session ids) as well as TLS 1.3 (tickets) data-session reuse,
and the implicit-TLS port with PROT P implied."""
import contextlib
import io
import os
import socket
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

PW = "ftplib-tls-pw"
BIG = 64 * zt.MiB


def get(f, name, rest=None):
    buf = io.BytesIO()
    f.retrbinary("RETR " + name, buf.write, blocksize=zt.MiB, rest=rest)
    return buf.getvalue()


def put(f, name, data):
    return f.storbinary("STOR " + name, io.BytesIO(data), blocksize=256 * 1024)


def test_retr_stor_round_trip():
    with fh.start_tls_server(users={"u": PW}) as srv:
        files = {"empty": 0, "one": 1, "page": 4096, "mib": zt.MiB + 17}
        for name, size in files.items():
            zt.make_file(os.path.join(srv.home("u"), name), size, seed=size)
        srv.give(srv.home("u"))
        f = fh.ftps(srv, "u")
        for name in files:
            want = open(os.path.join(srv.home("u"), name), "rb").read()
            got = get(f, name)
            assert got == want, "RETR %s: %d bytes, want %d" % (name, len(got), len(want))
            data = os.urandom(len(want))
            assert put(f, "up-" + name, data).startswith("226")
            with open(os.path.join(srv.home("u"), "up-" + name), "rb") as fp:
                assert fp.read() == data, "STOR %s differs" % name
        assert f.sock.version() == "TLSv1.3", f.sock.version()
        f.quit()
        fh.assert_tls_iopath(srv.xferlog_lines(), 2 * len(files))


def test_mlsd_and_list_under_prot_p():
    with fh.start_tls_server() as srv:
        names = ["a.txt", "b b.bin", "c"]
        for i, n in enumerate(names):
            zt.make_file(srv.path(n), 100 * i + 3)
        os.mkdir(srv.path("sub"))
        f = fh.ftps(srv)
        facts = dict(f.mlsd("/", ["type", "size"]))
        assert set(facts) >= set(names) | {"sub"}, facts
        assert facts["b b.bin"]["size"] == "103", facts["b b.bin"]
        assert facts["sub"]["type"] == "dir", facts["sub"]
        assert sorted(f.nlst()) == sorted(names + ["sub"])
        lines = []
        f.retrlines("LIST", lines.append)
        assert any(l.endswith(" b b.bin") for l in lines), lines
        f.quit()


def test_rest_retr():
    with fh.start_tls_server() as srv:
        zt.make_file(srv.path("r.bin"), 3 * zt.MiB + 5, seed=3)
        want = open(srv.path("r.bin"), "rb").read()
        f = fh.ftps(srv)
        for off in (0, 1, 65536, 3 * zt.MiB + 4, 3 * zt.MiB + 5):
            got = get(f, "r.bin", rest=off)
            assert got == want[off:], "REST %d: %d bytes" % (off, len(got))
        f.quit()


def drain_tls(conn, timeout=30):
    """Read an aborted TLS data connection until it closes: EOF or a TLS
    error; False if it stays open."""
    conn.settimeout(timeout)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not conn.recv(zt.MiB):
                return True
    except socket.timeout:
        return False
    except (ssl.SSLError, OSError):
        return True
    return False


def test_abor_during_tls_retr():
    with fh.start_tls_server() as srv:
        zt.make_file(srv.path("big.bin"), BIG, seed=4)
        zt.make_file(srv.path("small.bin"), 5000, seed=5)
        f = fh.ftps(srv)
        f.voidcmd("TYPE I")
        conn = f.transfercmd("RETR big.bin")
        assert conn.recv(65536), "no data before ABOR"
        resp = f.abort()
        codes = [resp[:3]]
        if resp[:3] == "426":
            codes.append(f.getresp()[:3])
        assert codes == ["426", "226"], codes
        assert drain_tls(conn), "data connection not closed after ABOR"
        conn.close()
        f.voidcmd("NOOP")
        assert get(f, "small.bin") == open(srv.path("small.bin"), "rb").read()
        f.quit()
        recs = srv.xferlog_lines()
        assert recs[0]["status"] == "i" and recs[0]["size"] < BIG, recs[0]
        assert recs[1]["status"] == "c", recs[1]
        fh.assert_tls_iopath(recs, 2)


def test_tls12_session_id_reuse():
    """TLS 1.2 resumes with session ids rather than tickets."""
    with fh.start_tls_server(users={"u": PW}) as srv:
        f = fh.ftps(srv, "u", maxv=ssl.TLSVersion.TLSv1_2)
        assert f.sock.version() == "TLSv1.2", f.sock.version()
        data = os.urandom(300000)
        put(f, "t12", data)
        assert get(f, "t12") == data
        assert f.nlst() == ["t12"]
        f.quit()
        fh.assert_tls_iopath(srv.xferlog_lines(), 2)


def test_implicit_port():
    with fh.start_tls_server(users={"u": PW}, implicit=True) as srv:
        f = fh.implicit_ftp(srv, "u")
        assert f.welcome.startswith("220"), f.welcome
        data = os.urandom(zt.MiB)
        put(f, "imp.bin", data)
        assert get(f, "imp.bin") == data
        assert f.nlst() == ["imp.bin"]
        # PROT P is implied; asking for it again is harmless.
        assert f.voidcmd("PBSZ 0").startswith("200")
        assert f.voidcmd("PROT P").startswith("200")
        f.quit()
        fh.assert_tls_iopath(srv.xferlog_lines(), 2)
        # The explicit port still speaks clear text first.
        r = srv.raw()
        r.banner()
        r.expect("AUTH TLS", (234,))
        r.close()
        # The implicit port says nothing in clear text, and a clear-text
        # client gets no FTP service there.
        with zt.Raw(srv.implicit_port, timeout=2) as r:
            try:
                line = r.readline(1)
            except socket.timeout:
                line = None
            assert line is None or not line.startswith("220"), line
            with contextlib.suppress(OSError):
                r.send("USER anonymous\r\nPASS x@y\r\nPWD\r\n")
            assert r.wait_closed(10 * zt.SLOW), "clear-text client not dropped"
            assert b"230" not in r.buf and b"257" not in r.buf, r.buf


if __name__ == "__main__":
    zt.main(globals())
