#!/usr/bin/env python3
"""Data connection modes: PASV, EPSV, PORT, EPRT on IPv4 (127.0.0.1) and
EPSV, EPRT on IPv6 (::1), both directions; active{enable=false}; the
passive port range and announced address."""
import os
import random
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

PAYLOAD = os.urandom(300000)


def roundtrip(srv, host, modes):
    r = srv.raw(host)
    r.login("anonymous", "modes@test")
    r.expect("TYPE I", (200,))
    for i, mode in enumerate(modes):
        # A fresh name each time: anonymous uploads may not overwrite.
        name = "up-%d-%s-%s.bin" % (i, mode, "v6" if ":" in host else "v4")
        r.stor(name, PAYLOAD, mode)
        assert open(srv.path(name), "rb").read() == PAYLOAD, (host, mode)
        assert r.retr(name, mode) == PAYLOAD, (host, mode, "RETR")
        listing = r.retr(None, mode, cmd="NLST")
        assert name.encode() in listing, (mode, listing)
        print("%s %s ok" % (host, mode))
    r.expect("QUIT", (221,))


def test_ipv4_all_modes():
    with zt.start_server(anon_upload=True) as srv:
        roundtrip(srv, "127.0.0.1", ["pasv", "epsv", "port", "eprt", "pasv"])


def test_ipv6_modes():
    with zt.start_server(anon_upload=True, ipv6=True) as srv:
        roundtrip(srv, "::1", ["epsv", "eprt", "epsv"])
        roundtrip(srv, "127.0.0.1", ["pasv", "eprt"])


def test_pasv_reply_address():
    with zt.start_server() as srv:
        r = srv.login()
        h, p = r.pasv()
        assert h == "127.0.0.1", h
        assert 1024 <= p <= 65535, p
        r.close()


def test_ftplib_ipv6_and_active():
    with zt.start_server(ipv6=True) as srv:
        zt.make_file(srv.path("f.bin"), 123456, seed=5)
        want = open(srv.path("f.bin"), "rb").read()
        for host, pasv in (("::1", True), ("::1", False), ("127.0.0.1", False)):
            f = srv.ftp(host=host)
            f.set_pasv(pasv)
            parts = []
            f.retrbinary("RETR f.bin", parts.append)
            assert b"".join(parts) == want, (host, pasv)
            f.quit()


def test_active_disabled():
    with zt.start_server(conf={"active": {"enable": False}}) as srv:
        zt.make_file(srv.path("f.bin"), 1000, seed=6)
        r = srv.login()
        ls = socket.create_server(("127.0.0.1", 0))
        port = ls.getsockname()[1]
        rep = r.cmd("PORT 127,0,0,1,%d,%d" % (port >> 8, port & 255))
        assert 500 <= rep.code <= 599, rep
        rep = r.cmd("EPRT |1|127.0.0.1|%d|" % port)
        assert 500 <= rep.code <= 599, rep
        ls.close()
        r.expect("TYPE I", (200,))
        assert len(r.retr("f.bin", "pasv")) == 1000
        r.close()


def free_range(n):
    # Below the kernel's ephemeral range and above zctest's control
    # ports, so no other test's socket takes it.
    for base in random.SystemRandom().sample(range(20000, 32000, 3), 200):
        socks = []
        try:
            for p in range(base, base + n):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                socks.append(s)
                s.bind(("127.0.0.1", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise AssertionError("no free port range")


def test_passive_port_range():
    base = free_range(3)
    with zt.start_server(conf={"passive": {"min_port": base, "max_port": base + 2}}) as srv:
        zt.make_file(srv.path("f.bin"), 2000, seed=7)
        r = srv.login()
        r.expect("TYPE I", (200,))
        for i in range(6):
            mode = "pasv" if i % 2 else "epsv"
            get = r.open_data(mode)
            ds = get()
            port = ds.getpeername()[1]
            assert base <= port <= base + 2, (port, base)
            r.expect("RETR f.bin", (125, 150))
            while ds.recv(65536):
                pass
            ds.close()
            zt.check_code(r.reply(), (226,), "RETR end")
        r.close()


def test_passive_address_announced():
    with zt.start_server(conf={"passive": {"address": "127.0.0.3"}}) as srv:
        r = srv.login()
        h, _ = r.pasv()
        assert h == "127.0.0.3", h
        r.expect("NOOP", (200,))
        r.close()


if __name__ == "__main__":
    zt.main(globals())
