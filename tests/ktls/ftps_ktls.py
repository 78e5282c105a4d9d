#!/usr/bin/env python3
"""The server's FTPS data path with kernel TLS, run inside the kTLS VM
(tests/ktls/check-ktls.sh "python3 tests/ktls/ftps_ktls.py"): RETR must
log ktls-sendfile under TLS 1.2 and 1.3, STOR ktls-splice under TLS 1.2
(OpenSSL 3.0 sets up kTLS receive for TLS 1.2 only, so a TLS 1.3 STOR
logs tls-copy), and /proc/net/tls_stat must show the kernel did the work.
Exits 77 where the kernel has no TLS (the host)."""
import io
import os
import ssl
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "integration"))
os.environ.setdefault("ZCFTPD", os.path.join(os.getcwd(),
                      os.environ.get("ZC_KTLS_BUILD", "build-ktls"), "server", "zcftpd"))
import zctest as zt  # noqa: E402
import ftps_helpers as fh  # noqa: E402

SIZE = 2 << 20	# TLS in the emulated VM runs at a few MB/s


def tls_stat():
    try:
        with open("/proc/net/tls_stat") as f:
            return {k: int(v) for k, v in (line.split() for line in f)}
    except OSError:
        return None


def test_ktls_paths():
    if tls_stat() is None:
        raise zt.Skip("no /proc/net/tls_stat: this kernel has no TLS (run inside the kTLS VM)")
    with fh.start_tls_server(users={"u": "u-pw"}) as srv:
        data = os.urandom(SIZE)
        with open(os.path.join(srv.home("u"), "f.bin"), "wb") as f:
            f.write(data)
        srv.give(os.path.join(srv.home("u"), "f.bin"), "user")
        before = tls_stat()
        for ver in (ssl.TLSVersion.TLSv1_2, ssl.TLSVersion.TLSv1_3):
            c = fh.ftps(srv, "u", maxv=ver, minv=ver)
            got = []
            c.retrbinary("RETR f.bin", got.append)
            assert b"".join(got) == data, "RETR differs under %s" % ver
            c.storbinary("STOR up-%s.bin" % ver.name, io.BytesIO(data))
            c.quit()
            with open(os.path.join(srv.home("u"), "up-%s.bin" % ver.name), "rb") as f:
                assert f.read() == data, "STOR differs under %s" % ver
        after = tls_stat()
        paths = [r["iopath"] for r in srv.xferlog_lines()]
        print("io paths:", paths)
        print("tls_stat deltas:", {k: after[k] - before.get(k, 0) for k in after
                                   if after[k] != before.get(k, 0)})
        assert paths == ["ktls-sendfile", "ktls-splice", "ktls-sendfile", "tls-copy"], paths
        assert after["TlsTxSw"] - before["TlsTxSw"] >= 2, "no kTLS transmit contexts"
        assert after["TlsRxSw"] - before["TlsRxSw"] >= 1, "no kTLS receive context"


if __name__ == "__main__":
    zt.main(globals())
