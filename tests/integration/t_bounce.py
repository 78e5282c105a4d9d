#!/usr/bin/env python3
"""FTP bounce (RFC 2577 section 3): PORT/EPRT naming another host than
the client (127.0.0.2) or a privileged port (< 1024) is refused with a 5xx
reply, and the server never connects there."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def trap(host="127.0.0.2"):
    """A listener that records any connection the server makes."""
    s = socket.create_server((host, 0))
    s.settimeout(0.5)
    return s


def connected(s):
    try:
        c, _ = s.accept()
        c.close()
        return True
    except socket.timeout:
        return False


def refused(r, line):
    rep = r.cmd(line)
    assert 500 <= rep.code <= 599, (line, rep)
    return rep


def test_port_foreign_host():
    with zt.start_server(ipv6=True) as srv:
        zt.make_file(srv.path("f.bin"), 100000, seed=1)
        r = srv.login()
        r.expect("TYPE I", (200,))
        t = trap()
        p = t.getsockname()[1]
        refused(r, "PORT 127,0,0,2,%d,%d" % (p >> 8, p & 255))
        rep = r.cmd("RETR f.bin")
        assert rep.code >= 400, ("RETR after refused PORT", rep)
        refused(r, "EPRT |1|127.0.0.2|%d|" % p)
        rep = r.cmd("LIST")
        assert rep.code >= 400, ("LIST after refused EPRT", rep)
        # A foreign host written in other spellings.
        for line in ("PORT 127,000,000,002,%d,%d" % (p >> 8, p & 255),
                     "EPRT |1|127.0.0.02|%d|" % p,
                     "EPRT |2|::ffff:127.0.0.2|%d|" % p):
            rep = r.cmd(line)
            if rep.code < 400:
                rr = r.cmd("NLST")
                if rr.code < 400:
                    r.reply(zt.TIMEOUT)
            else:
                assert 500 <= rep.code <= 599, (line, rep)
        time.sleep(0.5)
        assert not connected(t), "server connected to 127.0.0.2"
        t.close()
        r.expect("NOOP", (200,))
        r.close()


def test_port_privileged():
    with zt.start_server(ipv6=True) as srv:
        r = srv.login()
        for port in (21, 25, 1, 1023):
            refused(r, "PORT 127,0,0,1,%d,%d" % (port >> 8, port & 255))
            refused(r, "EPRT |1|127.0.0.1|%d|" % port)
        refused(r, "PORT 127,0,0,1,0,0")
        r.close()
        r6 = srv.login(host="::1")
        refused(r6, "EPRT |2|::1|25|")
        refused(r6, "EPRT |1|127.0.0.1|%d|" % 40000)   # other family = other host
        r6.close()


def test_malformed_port():
    with zt.start_server() as srv:
        r = srv.login()
        for line in ("PORT", "PORT 127,0,0,1,1", "PORT 127,0,0,1,300,1",
                     "PORT 256,0,0,1,10,10", "PORT a,b,c,d,e,f",
                     "PORT 127,0,0,1,10,10,10", "EPRT", "EPRT |1|127.0.0.1|",
                     "EPRT |1|127.0.0.1|70000|", "EPRT |3|127.0.0.1|4000|",
                     "EPRT |1|not-an-ip|4000|", "EPRT 1|127.0.0.1|4000|"):
            rep = r.cmd(line)
            assert rep.code in (500, 501, 504, 522), (line, rep)
        r.expect("NOOP", (200,))
        r.close()


def test_ipv6_bounce_to_other_address():
    with zt.start_server(ipv6=True) as srv:
        r = srv.login(host="::1")
        t = trap("127.0.0.1")
        p = t.getsockname()[1]
        refused(r, "EPRT |1|127.0.0.1|%d|" % p)
        assert not connected(t)
        t.close()
        r.close()


if __name__ == "__main__":
    zt.main(globals())
