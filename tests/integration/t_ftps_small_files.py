#!/usr/bin/env python3
"""200 small files (4 KiB) downloaded in one FTPS session over TLS 1.3,
a new data connection (with a resumed TLS session) for each: no Nagle /
delayed-ACK stall around the post-handshake records. FTP clients measured
about 40 ms per data connection against vsftpd under TLS 1.3; each RETR
here must take a few milliseconds (median well below 40 ms). Stock
ftplib: no TCP_NODELAY on the client, close_notify both ways."""
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
# The stall this guards against is ~40 ms (the delayed-ACK timer); half
# of it leaves room for a loaded 2-core CI machine. ZCTEST_SLOW scales it
# for sanitizer builds.
MEDIAN_LIMIT = 0.020 * zt.SLOW


def test_200_small_retr_tls13():
    with fh.start_tls_server(users={"u": PW}) as srv:
        home = srv.home("u")
        want = {}
        for i in range(N):
            want["s%03d" % i] = zt.make_file(os.path.join(home, "s%03d" % i), SIZE, seed=i)
        srv.give(home)
        f = fh.ftps(srv, "u", minv=ssl.TLSVersion.TLSv1_3)
        assert f.sock.version() == "TLSv1.3", f.sock.version()
        f.voidcmd("TYPE I")
        times = []
        for name, digest in sorted(want.items()):
            buf = io.BytesIO()
            t0 = time.perf_counter()
            f.retrbinary("RETR " + name, buf.write)
            times.append(time.perf_counter() - t0)
            assert zt.sha256(buf.getvalue()) == digest, name
        f.quit()
        med = fh.latency_report("RETR 4 KiB over TLS 1.3", times)
        fh.assert_tls_iopath(srv.xferlog_lines(), N)
        assert med < MEDIAN_LIMIT, "RETR median %.1f ms: stalls" % (med * 1e3)


if __name__ == "__main__":
    zt.main(globals())
