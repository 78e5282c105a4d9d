#!/usr/bin/env python3
"""Operator features: JSON transfer log, bandwidth limits that keep the
zero-copy paths, passive address per client network (NAT), PROXY
protocol v2 on the control connection."""
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

MiB = 1 << 20
USERS = {"u": "u-pw"}


def test_json_transfer_log():
    with zt.start_server(users=USERS) as srv:
        jpath = os.path.join(srv.tmp, "xfer.json")
        srv.stop()
        srv._set("log", "json", jpath)
        srv.start()
        data = os.urandom(300000)
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        r.stor("up \"x\".bin", data)
        assert r.retr("up \"x\".bin") == data
        r.close()
        assert zt.wait_for(lambda: os.path.exists(jpath) and
                           len(open(jpath).read().splitlines()) >= 2, 5)
        recs = [json.loads(line) for line in open(jpath)]
        up, down = recs[-2], recs[-1]
        assert up["direction"] == "upload" and down["direction"] == "download", recs
        assert up["io_path"] == "splice" and down["io_path"] == "sendfile", recs
        assert up["bytes"] == down["bytes"] == len(data)
        assert up["path"] == "/up \"x\".bin" and up["user"] == "u" and up["tls"] is None
        assert up["complete"] is True and up["error"] is None
        assert up["session"] == down["session"] and up["session"]
        assert isinstance(up["duration_ms"], int)


def test_rate_limit_keeps_zero_copy():
    rate = 2 * MiB
    with zt.start_server(users=USERS, conf={"limits": {"user_rate_down": rate,
                                                       "user_rate_up": rate}}) as srv:
        data = os.urandom(3 * MiB)
        with open(os.path.join(srv.home("u"), "big.bin"), "wb") as f:
            f.write(data)
        srv.give(os.path.join(srv.home("u"), "big.bin"), "user")
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        t0 = time.monotonic()
        assert r.retr("big.bin") == data
        down = time.monotonic() - t0
        t0 = time.monotonic()
        r.stor("back.bin", data)
        up = time.monotonic() - t0
        r.close()
        print("3 MiB at 2 MiB/s: download %.2fs upload %.2fs" % (down, up))
        # 3 MiB at 2 MiB/s needs ~1.5 s; allow the first burst.
        assert down > 1.0 and up > 1.0, (down, up)
        paths = [l["iopath"] for l in srv.xferlog_lines()]
        assert paths[-2:] == ["sendfile", "splice"], paths


def test_passive_address_per_network():
    amap = "127.0.0.2/32=192.0.2.22, 127.0.0.0/8=192.0.2.8"
    with zt.start_server(conf={"passive": {"address_map": amap}}) as srv:
        for src, want in (("127.0.0.1", "192,0,2,8,"), ("127.0.0.2", "192,0,2,22,")):
            r = srv.raw(source=(src, 0))
            r.login()
            rep = r.expect("PASV", (227,))
            assert want in rep.text, (src, rep)
            r.close()


def proxy_header(src, sport, dst="127.0.0.1", dport=21):
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    addrs = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!HH", sport, dport)
    return sig + bytes([0x21, 0x11]) + struct.pack("!H", len(addrs)) + addrs


def closed_without_banner(sock):
    """EOF or a reset (we sent bytes it never read), never a 220."""
    sock.settimeout(zt.TIMEOUT)
    try:
        got = sock.recv(100)
    except ConnectionResetError:
        got = b""
    sock.close()
    return got == b""


class ProxiedServer(zt.Server):
    """The readiness probe must speak PROXY v2 too, like the balancer."""

    def _wait_banner(self):
        deadline = time.monotonic() + zt.TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with socket.create_connection(("127.0.0.1", self.port), 1) as s:
                    s.sendall(proxy_header("127.0.0.1", 1))
                    s.settimeout(2)
                    if s.recv(3) == b"220":
                        return True
            except OSError:
                time.sleep(0.05)
        return False


def test_proxy_protocol_v2():
    conf = {"listen": {"proxy_protocol": True, "proxy_from": "127.0.0.1"}}
    srv = ProxiedServer(users=USERS, conf=conf)
    srv.start()
    with srv:
        with open(os.path.join(srv.home("u"), "f.txt"), "wb") as f:
            f.write(b"proxied\n")
        # The balancer (127.0.0.1) says the client is 127.0.0.3.
        s = socket.create_connection(("127.0.0.1", srv.port), zt.TIMEOUT)
        s.sendall(proxy_header("127.0.0.3", 40000))
        f = s.makefile("rb")
        assert f.readline().startswith(b"220"), "no banner after PROXY header"
        def cmd(line):
            s.sendall(line.encode() + b"\r\n")
            return f.readline().decode()
        assert cmd("USER u").startswith("331")
        assert cmd("PASS u-pw").startswith("230")
        rep = cmd("EPSV")
        port = int(rep.split("|||")[1].split("|")[0])
        # The data connection comes from the real client's address...
        d = socket.create_connection(("127.0.0.1", port), zt.TIMEOUT, source_address=("127.0.0.3", 0))
        assert cmd("RETR f.txt").startswith("150")
        assert d.recv(100) == b"proxied\n"
        d.close()
        assert f.readline().startswith(b"226")
        s.close()
        recs = srv.xferlog_lines()
        assert any("127.0.0.3" in l.values() for l in recs), recs
        # A connection from an address not in proxy_from is refused...
        bad = socket.create_connection(("127.0.0.1", srv.port), zt.TIMEOUT,
                                       source_address=("127.0.0.2", 0))
        bad.sendall(proxy_header("198.51.100.1", 1))
        assert closed_without_banner(bad), "untrusted proxy got a banner"
        # ... and so is a trusted one that sends no header.
        raw = socket.create_connection(("127.0.0.1", srv.port), zt.TIMEOUT)
        raw.sendall(b"USER u\r\n" + b"x" * 20)
        assert closed_without_banner(raw), "headerless connection got a banner"


if __name__ == "__main__":
    zt.main(globals())
