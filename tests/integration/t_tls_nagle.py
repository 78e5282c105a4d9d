#!/usr/bin/env python3
"""Clients that do not set TCP_NODELAY (lftp/GnuTLS) write a TLS
ChangeCipherSpec and Finished separately; unless the server acknowledges at
once, Nagle holds the Finished for the server's delayed ACK: ~40 ms per
data connection. The server sets TCP_QUICKACK before each wait. This is a
regression check with a generous bound, not a benchmark."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

N = 10


def lftp_get(srv, names, out):
    cmds = ("set ssl:verify-certificate no; set ftp:ssl-force true; "
            "set ftp:ssl-protect-data true; set net:max-retries 1; set net:timeout 10; "
            "mget -O %s %s; quit" % (out, " ".join(names)))
    t0 = time.monotonic()
    subprocess.run(["lftp", "-u", "anonymous,x", "-e", cmds, "127.0.0.1:%d" % srv.port],
                   check=True, timeout=120, capture_output=True)
    return time.monotonic() - t0


def test_lftp_small_files_over_tls():
    zt.need_program("lftp")
    with fh.start_tls_server() as srv:
        names = ["f%02d" % i for i in range(N)]
        for n in names:
            with open(srv.path(n), "wb") as f:
                f.write(os.urandom(4096))
        first, out = os.path.join(srv.tmp, "first"), os.path.join(srv.tmp, "out")
        os.mkdir(first)
        os.mkdir(out)
        one = lftp_get(srv, names[:1], first)
        many = lftp_get(srv, names, out)
        per_file = (many - one) / (N - 1)
        print("lftp over TLS: %.1f ms per extra 4 KiB file" % (per_file * 1000))
        for n in names:
            with open(srv.path(n), "rb") as a, open(os.path.join(out, n), "rb") as b:
                assert a.read() == b.read(), n
        assert per_file < 0.020, "per-file %.1f ms: delayed-ACK stall is back" % (per_file * 1000)


if __name__ == "__main__":
    zt.main(globals())
