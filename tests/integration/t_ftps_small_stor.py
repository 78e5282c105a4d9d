#!/usr/bin/env python3
"""200 small files (4 KiB) uploaded in one FTPS session over TLS 1.3, a
new data connection (with a resumed TLS session) for each, with stock
ftplib: it does not set TCP_NODELAY, so after the 4 KiB record its
close_notify (SSL unwrap) waits for the server's ACK. A server that
delays that ACK (Linux delayed ACK, ~40 ms) stalls every upload: the
same ~40 ms clients measured against vsftpd. Each STOR must take a few
milliseconds (median well below 40 ms)."""
import io
import os
import ssl
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

N = 200
SIZE = 4096
PW = "small-tls-pw"
# See t_ftps_small_files.py.
MEDIAN_LIMIT = 0.020 * zt.SLOW


def test_200_small_stor_tls13():
    with fh.start_tls_server(users={"u": PW}) as srv:
        f = fh.ftps(srv, "u", minv=ssl.TLSVersion.TLSv1_3)
        assert f.sock.version() == "TLSv1.3", f.sock.version()
        f.voidcmd("TYPE I")
        payload = os.urandom(SIZE)
        times = []
        for i in range(N):
            t0 = time.perf_counter()
            f.storbinary("STOR u%03d" % i, io.BytesIO(payload))
            times.append(time.perf_counter() - t0)
        f.quit()
        for i in range(N):
            with open(os.path.join(srv.home("u"), "u%03d" % i), "rb") as fp:
                assert fp.read() == payload, i
        med = fh.latency_report("STOR 4 KiB over TLS 1.3", times)
        fh.assert_tls_iopath(srv.xferlog_lines(), N)
        assert med < MEDIAN_LIMIT, "STOR median %.1f ms: stalls" % (med * 1e3)


if __name__ == "__main__":
    zt.main(globals())
