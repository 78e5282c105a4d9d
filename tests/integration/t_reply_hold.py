#!/usr/bin/env python3
"""A small clear-text download or listing sends its 150 together with the
226 (one TCP segment, one client wake-up per file), but never at the price
of a client that waits for the 150: before connecting (passive), before
reading the data (ftplib does), or with a full receive window."""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

# struct tcp_info (linux/tcp.h): tcpi_data_segs_in, in Linux since 4.6.
TCPI_DATA_SEGS_IN = 152


def data_segs_in(sock):
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    if len(info) < TCPI_DATA_SEGS_IN + 4:
        raise zt.Skip("tcp_info has no tcpi_data_segs_in")
    return struct.unpack_from("I", info, TCPI_DATA_SEGS_IN)[0]


def recv_all(s):
    s.settimeout(zt.TIMEOUT)
    out = []
    while True:
        b = s.recv(1 << 20)
        if not b:
            return b"".join(out)
        out.append(b)


def segments_for(r, line, datasock):
    """Send line, read its 1xx and final reply and the data; return the
    number of data segments the control connection received for them."""
    before = data_segs_in(r.sock)
    r.send(line + "\r\n")
    first = r.reply()
    assert first.code == 150, first
    data = recv_all(datasock)
    last = r.reply()
    assert last.code == 226, last
    return data_segs_in(r.sock) - before, data


def test_small_download_150_and_226_in_one_segment():
    with zt.start_server() as srv:
        small = os.urandom(4096)
        with open(srv.path("small"), "wb") as f:
            f.write(small)
        r = srv.login()
        r.expect("TYPE I", (200,))
        for _ in range(3):
            ds = socket.create_connection(("127.0.0.1", r.epsv()), zt.TIMEOUT)
            with ds:
                n, data = segments_for(r, "RETR small", ds)
            assert data == small
            assert n == 1, "150 and 226 came in %d segments" % n
        r.close()


def test_large_download_gets_its_150_first():
    """Above the hold limit the 150 leaves before the data, as always."""
    with zt.start_server() as srv:
        big = os.urandom(4 << 20)
        with open(srv.path("big"), "wb") as f:
            f.write(big)
        r = srv.login()
        r.expect("TYPE I", (200,))
        ds = socket.create_connection(("127.0.0.1", r.epsv()), zt.TIMEOUT)
        with ds:
            n, data = segments_for(r, "RETR big", ds)
        assert data == big
        assert n >= 2, "the 150 of a 4 MiB file was held back"
        r.close()


def test_small_listing_150_and_226_in_one_segment():
    with zt.start_server() as srv:
        for i in range(5):
            with open(srv.path("f%d" % i), "wb") as f:
                f.write(b"x")
        r = srv.login()
        ds = socket.create_connection(("127.0.0.1", r.epsv()), zt.TIMEOUT)
        with ds:
            n, data = segments_for(r, "MLSD", ds)
        assert data.count(b"\r\n") == 6, data	# f0..f4 and "."
        assert n == 1, "150 and 226 came in %d segments" % n
        r.close()


def test_client_connecting_only_after_150():
    """A client may send RETR and connect once it has seen the 150: the
    server must not hold the 150 while it waits for that connection."""
    with zt.start_server() as srv:
        with open(srv.path("f"), "wb") as f:
            f.write(b"abc" * 100)
        r = srv.login()
        r.expect("TYPE I", (200,))
        port = r.epsv()
        r.send("RETR f\r\n")
        first = r.reply(timeout=5)
        assert first.code == 150, first
        with socket.create_connection(("127.0.0.1", port), zt.TIMEOUT) as ds:
            assert recv_all(ds) == b"abc" * 100
        assert r.reply().code == 226
        r.close()


def test_client_reading_only_after_150_with_a_full_window():
    """ftplib reads the data only after the 150. With a tiny receive window
    and small segments (a small MSS keeps the server's send buffer small,
    as on a real network) the server's send has to wait; the 150 must go
    out before it does, or both sides would wait for each other until the
    data timeout."""
    with zt.start_server() as srv:
        body = os.urandom(200 << 10)	# under the hold limit
        with open(srv.path("f"), "wb") as f:
            f.write(body)
        r = srv.login()
        r.expect("TYPE I", (200,))
        port = r.epsv()
        ds = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ds.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        ds.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, 536)
        ds.settimeout(zt.TIMEOUT)
        ds.connect(("127.0.0.1", port))
        with ds:
            t0 = time.monotonic()
            r.send("RETR f\r\n")
            first = r.reply(timeout=5)
            assert first.code == 150, first
            assert time.monotonic() - t0 < 5
            assert recv_all(ds) == body
        assert r.reply().code == 226
        r.close()


def test_active_mode_still_works():
    with zt.start_server() as srv:
        with open(srv.path("f"), "wb") as f:
            f.write(b"port-mode\n")
        r = srv.login()
        r.expect("TYPE I", (200,))
        assert r.retr("f", mode="port") == b"port-mode\n"
        assert r.retr("f", mode="eprt") == b"port-mode\n"
        r.close()


if __name__ == "__main__":
    zt.main(globals())
