#!/usr/bin/env python3
"""lftp (GnuTLS) over explicit FTPS with ftp:ssl-force and
ftp:ssl-protect-data: get, put, ls, get -c (REST), mirror both ways,
byte-identical, passive and active. GnuTLS checks for close_notify, so
every data connection must end with a clean TLS shutdown: no
"gnutls_record_recv: The TLS connection was non-properly terminated"
(or any other fatal error) in lftp's output. One run verifies the
certificate chain against the test root CA."""
import contextlib
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

PW = "lftp-tls-pw"
BAD = ("non-properly terminated", "Fatal error", "gnutls_", "Certificate verification",
       "WARNING")
SETTINGS = ("set ftp:ssl-force true; set ftp:ssl-protect-data true; "
            "set ftp:ssl-protect-list true; set net:max-retries 1; "
            "set net:timeout 10; set net:reconnect-interval-base 1; "
            "set cmd:fail-exit yes; set xfer:clobber on; ")


def lftp(srv, user, pw, commands, passive=True, verify=False):
    tls = ("set ssl:verify-certificate yes; set ssl:ca-file %s; " % srv.ca
           if verify else "set ssl:verify-certificate no; ")
    # The debug log shows TLS warnings lftp does not print otherwise.
    dbg = os.path.join(srv.tmp, "lftp-debug.log")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(dbg)
    script = ("debug -o %s 5; " % dbg + SETTINGS + tls
              + "set ftp:passive-mode %s; " % ("on" if passive else "off")
              + "open -u '%s,%s' -p %d 127.0.0.1; " % (user, pw, srv.port) + commands)
    p = subprocess.run(["lftp", "-c", script], stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=120 * zt.SLOW)
    out = (p.stdout + p.stderr).decode(errors="replace")
    with open(dbg, encoding="utf-8", errors="replace") as f:
        out += "".join(l for l in f if "NOT trusted" not in l)
    bad = [l for l in out.splitlines() if any(b in l for b in BAD)]
    assert not bad, "lftp %r complained: %s" % (commands, "\n".join(bad))
    assert p.returncode == 0, "lftp %r: exit %d\n%s" % (commands, p.returncode, out)
    return p.stdout.decode(errors="replace")


def same(a, b):
    assert zt.sha256_file(a) == zt.sha256_file(b), "%s differs from %s" % (b, a)


def tree(srv, local):
    os.makedirs(srv.path("tree", "sub", "deeper"))
    zt.make_file(srv.path("tree", "a.bin"), 1000, seed=1)
    zt.make_file(srv.path("tree", "sub", "b.bin"), 700000, seed=2)
    zt.make_file(srv.path("tree", "sub", "deeper", "c.bin"), 0)
    os.makedirs(os.path.join(local, "src", "x"))
    zt.make_file(os.path.join(local, "src", "top.bin"), 5000, seed=3)
    zt.make_file(os.path.join(local, "src", "x", "y.bin"), 300000, seed=4)


def test_get_put_ls():
    fh.need("lftp", "openssl")
    with fh.start_tls_server(users={"u": PW}) as srv:
        local = os.path.join(srv.tmp, "local")
        os.mkdir(local)
        zt.make_file(srv.path("file.bin"), 3 * zt.MiB + 3, seed=5)
        zt.make_file(srv.path("empty.bin"), 0)
        for passive in (True, False):
            tag = "pasv" if passive else "port"
            got = os.path.join(local, "get-" + tag)
            lftp(srv, "anonymous", "x@y.z", "get file.bin -o %s" % got, passive)
            same(srv.path("file.bin"), got)
            lftp(srv, "anonymous", "x@y.z", "get empty.bin -o %s.0" % got, passive)
            same(srv.path("empty.bin"), got + ".0")
            lftp(srv, "u", PW, "put %s -o put-%s" % (got, tag), passive)
            same(got, os.path.join(srv.home("u"), "put-" + tag))
            out = lftp(srv, "anonymous", "x@y.z", "ls", passive)
            assert any(l.endswith(" file.bin") for l in out.splitlines()), out
            out = lftp(srv, "anonymous", "x@y.z", "cls -1", passive)
            assert out.split() == ["empty.bin", "file.bin"], out
        # Resume: REST under TLS.
        part = os.path.join(local, "cont")
        with open(srv.path("file.bin"), "rb") as f, open(part, "wb") as out:
            out.write(f.read(1234567))
        lftp(srv, "anonymous", "x@y.z", "get -c file.bin -o %s" % part)
        same(srv.path("file.bin"), part)
        recs = srv.xferlog_lines()
        paths = fh.assert_tls_iopath(recs, 3 * 2 + 1)
        print("xferlog I/O paths:", sorted(set(paths)))


def test_mirror_both_ways():
    fh.need("lftp", "openssl")
    with fh.start_tls_server(users={"u": PW}) as srv:
        local = os.path.join(srv.tmp, "local")
        tree(srv, local)
        dst = os.path.join(local, "mirrored")
        lftp(srv, "anonymous", "x@y.z", "mirror tree %s" % dst)
        for rel in ("a.bin", "sub/b.bin", "sub/deeper/c.bin"):
            same(srv.path("tree", rel), os.path.join(dst, rel))
        lftp(srv, "anonymous", "x@y.z", "mirror tree %s" % dst)   # nothing to do
        lftp(srv, "u", PW, "mirror -R %s/src up" % local)
        for rel in ("top.bin", "x/y.bin"):
            same(os.path.join(local, "src", rel), os.path.join(srv.home("u"), "up", rel))
        # lftp makes the empty c.bin without a RETR.
        fh.assert_tls_iopath(srv.xferlog_lines(), 4)


def test_verified_chain():
    """ssl:verify-certificate yes with only the root CA: the server must
    send the intermediate too (cert_file holds the chain)."""
    fh.need("lftp", "openssl")
    with fh.start_tls_server() as srv:
        zt.make_file(srv.path("v.bin"), 100000, seed=6)
        got = os.path.join(srv.tmp, "v")
        lftp(srv, "anonymous", "x@y.z", "get v.bin -o %s" % got, verify=True)
        same(srv.path("v.bin"), got)


if __name__ == "__main__":
    zt.main(globals())
