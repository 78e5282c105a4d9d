#!/usr/bin/env python3
"""50 concurrent sessions, each a login and a transfer (half download as
anonymous, half upload as a virtual user), all byte-identical; every
session process is reaped afterwards."""
import concurrent.futures
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

N = 50
SIZE = zt.MiB + 333
CONF = {"limits": {"max_clients": 100, "max_per_ip": 100}}


def download(srv, want):
    f = srv.ftp(timeout=zt.BIG_TIMEOUT)
    parts = []
    f.retrbinary("RETR shared.bin", parts.append, blocksize=256 * 1024)
    f.quit()
    return zt.sha256(b"".join(parts)) == want


def upload(srv, i, data):
    f = srv.ftp("w", "conc-pw", timeout=zt.BIG_TIMEOUT)
    f.storbinary("STOR up-%02d.bin" % i, io.BytesIO(data), blocksize=256 * 1024)
    f.quit()
    with open(os.path.join(srv.home("w"), "up-%02d.bin" % i), "rb") as fh:
        return fh.read() == data


def test_fifty_sessions():
    with zt.start_server(users={"w": "conc-pw"}, conf=CONF) as srv:
        want = zt.make_file(srv.path("shared.bin"), SIZE, seed=1)
        payloads = {i: os.urandom(SIZE // 4 + i) for i in range(N)}
        with concurrent.futures.ThreadPoolExecutor(N) as ex:
            futs = {}
            for i in range(N):
                if i % 2:
                    futs[ex.submit(upload, srv, i, payloads[i])] = i
                else:
                    futs[ex.submit(download, srv, want)] = i
            bad = []
            for fu in concurrent.futures.as_completed(futs, timeout=zt.BIG_TIMEOUT):
                i = futs[fu]
                try:
                    if not fu.result():
                        bad.append((i, "content differs"))
                except Exception as e:    # noqa: BLE001 - report all
                    bad.append((i, repr(e)))
        assert not bad, bad
        assert srv.wait_no_sessions(10), "sessions left: %s" % srv.session_pids()
        recs = srv.xferlog_lines()
        assert len(recs) == N, len(recs)
        assert all(r["status"] == "c" for r in recs), recs


if __name__ == "__main__":
    zt.main(globals())
