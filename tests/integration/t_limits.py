#!/usr/bin/env python3
"""Limits: max_per_ip and max_clients refuse with 421; idle, login,
accept (data connection) and data (no progress) timeouts."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def refused_421(srv, source):
    r = srv.raw(source=(source, 0))
    rep = r.reply()
    assert rep.code == 421, (source, rep)
    assert r.wait_closed(5), "not closed after 421"
    r.close()


def test_max_per_ip():
    with zt.start_server(conf={"limits": {"max_per_ip": 2}}) as srv:
        a = srv.login()
        b = srv.raw()
        b.banner()
        refused_421(srv, "127.0.0.1")
        other = srv.raw(source=("127.0.0.2", 0))
        other.banner()
        other.expect("NOOP", (200,))
        a.expect("QUIT", (221,))
        a.wait_closed(5)
        # The slot frees once the session is gone.
        ok = zt.wait_for(lambda: accepted(srv, "127.0.0.1"), 5)
        assert ok, "slot not freed after QUIT"
        b.close()
        other.close()


def accepted(srv, source):
    r = srv.raw(source=(source, 0))
    try:
        return r.reply().code == 220
    finally:
        r.close()


def test_max_clients():
    with zt.start_server(conf={"limits": {"max_clients": 3, "max_per_ip": 10}}) as srv:
        conns = []
        for src in ("127.0.0.1", "127.0.0.2", "127.0.0.3"):
            c = srv.raw(source=(src, 0))
            c.banner()
            conns.append(c)
        refused_421(srv, "127.0.0.4")
        refused_421(srv, "127.0.0.1")
        conns[0].expect("QUIT", (221,))
        assert zt.wait_for(lambda: accepted(srv, "127.0.0.4"), 5), "slot not freed"
        for c in conns:
            c.close()


def expect_421_close(r, within):
    t0 = time.monotonic()
    rep = r.reply(within)
    assert rep.code == 421, rep
    assert r.wait_closed(5), "not closed after 421"
    return time.monotonic() - t0


def test_idle_timeout():
    with zt.start_server(conf={"limits": {"idle_timeout": 2}}) as srv:
        r = srv.login()
        r.expect("NOOP", (200,))
        dt = expect_421_close(r, 10)
        assert 1.0 <= dt <= 8, dt
        assert srv.wait_no_sessions(), srv.session_pids()


def test_login_timeout():
    with zt.start_server(conf={"limits": {"login_timeout": 2}}) as srv:
        r = srv.raw()
        r.banner()
        r.expect("USER anonymous", (331,))
        dt = expect_421_close(r, 10)
        assert dt <= 8, dt


def test_accept_timeout():
    with zt.start_server(conf={"limits": {"accept_timeout": 2}}) as srv:
        zt.make_file(srv.path("f.bin"), 1000, seed=1)
        r = srv.login()
        r.pasv()    # ... and never connect
        t0 = time.monotonic()
        rep = r.cmd("RETR f.bin", 15)
        if rep.code in (125, 150):
            rep = r.reply(15)
        dt = time.monotonic() - t0
        assert rep.code == 425, rep
        assert 1.0 <= dt <= 10, dt
        r.expect("NOOP", (200,))
        r.expect("TYPE I", (200,))
        assert len(r.retr("f.bin")) == 1000
        r.close()


def test_data_timeout():
    with zt.start_server(conf={"limits": {"data_timeout": 2}}) as srv:
        zt.make_file(srv.path("big.bin"), 64 * zt.MiB, seed=2)
        zt.make_file(srv.path("f.bin"), 1000, seed=1)
        r = srv.login()
        r.expect("TYPE I", (200,))
        get = r.open_data("pasv")
        r.expect("RETR big.bin", (125, 150))
        ds = get()
        ds.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        ds.recv(1000)    # then stall: the server can make no progress
        t0 = time.monotonic()
        rep = r.reply(20)
        dt = time.monotonic() - t0
        assert rep.code in (426, 451), rep
        assert dt <= 15, dt
        ds.close()
        r.expect("NOOP", (200,))
        assert len(r.retr("f.bin")) == 1000
        r.close()


if __name__ == "__main__":
    zt.main(globals())
