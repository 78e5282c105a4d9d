#!/usr/bin/env python3
"""curl over FTPS (RFC 4217): explicit (--ssl-reqd, AUTH then PROT P) and
implicit (ftps://): byte-identical downloads and uploads of 0 B, 1 B,
1 MiB and 50 MiB, LIST and NLST, resume both ways (-C -), and the
transfer log shows that every transfer went through a TLS path."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

SIZES = (("zero", 0), ("one", 1), ("mib", zt.MiB), ("big", 50 * zt.MiB))
PW = "curl-tls-pw"


def curl(*args, ok=True):
    cmd = ["curl", "-sS", "--max-time", "90", "--connect-timeout", "10"] + list(args)
    p = subprocess.run(cmd, capture_output=True, timeout=120 * zt.SLOW)
    if ok and p.returncode != 0:
        raise AssertionError("curl %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                     p.stderr.decode(errors="replace")))
    return p


def setup(srv):
    local = os.path.join(srv.tmp, "local")
    os.mkdir(local)
    sums = {}
    for name, size in SIZES:
        sums[name] = zt.make_file(srv.path(name + ".bin"), size, seed=size)
        zt.make_file(os.path.join(local, "up-" + name), size, seed=size + 7)
    return local, sums


def round_trip(srv, base, extra, local, sums, tag):
    """Every size down and up through base (an ftp:// or ftps:// URL)."""
    anon = base % ""
    user = base % ("u:%s@" % PW)
    for name, _size in SIZES:
        out = os.path.join(local, "%s-down-%s" % (tag, name))
        curl(*extra, "-o", out, "%s/%s.bin" % (anon, name))
        assert zt.sha256_file(out) == sums[name], "%s download %s differs" % (tag, name)
        src = os.path.join(local, "up-" + name)
        curl(*extra, "-T", src, "%s/%s-%s" % (user, tag, name))
        dst = os.path.join(srv.home("u"), "%s-%s" % (tag, name))
        assert zt.sha256_file(dst) == zt.sha256_file(src), \
            "%s upload %s differs" % (tag, name)
    return 2 * len(SIZES)


def listings(base, extra):
    anon = base % ""
    lst = curl(*extra, anon + "/").stdout.decode()
    assert any(l.endswith(" mib.bin") for l in lst.splitlines()), lst
    nlst = curl(*extra, "-l", anon + "/").stdout.decode().split()
    assert sorted(nlst) == sorted(n + ".bin" for n, _ in SIZES), nlst


def resume(srv, base, extra, local, sums, tag):
    """-C - both ways from a partial copy (REST + RETR, SIZE + APPE)."""
    part = os.path.join(local, tag + "-partial")
    with open(srv.path("mib.bin"), "rb") as f, open(part, "wb") as out:
        out.write(f.read(300000))
    curl(*extra, "-C", "-", "-o", part, "%s/mib.bin" % (base % ""))
    assert zt.sha256_file(part) == sums["mib"], tag + " resumed download differs"
    src = os.path.join(local, "up-mib")
    dst = os.path.join(srv.home("u"), tag + "-resumed")
    with open(src, "rb") as f, open(dst, "wb") as out:
        out.write(f.read(444444))
    srv.give(dst)
    curl(*extra, "-C", "-", "-T", src, "%s/%s-resumed" % (base % ("u:%s@" % PW), tag))
    assert zt.sha256_file(dst) == zt.sha256_file(src), tag + " resumed upload differs"
    return 2


def check_log(srv, n):
    recs = zt.wait_for(lambda: len(srv.xferlog_lines()) >= n and srv.xferlog_lines())
    paths = fh.assert_tls_iopath(recs, n)
    assert all(r["status"] == "c" for r in recs), recs
    print("xferlog I/O paths:", sorted(set(paths)))


def test_explicit_ssl_reqd():
    fh.need("curl", "openssl")
    with fh.start_tls_server(users={"u": PW}) as srv:
        local, sums = setup(srv)
        base = "ftp://%%s127.0.0.1:%d" % srv.port
        extra = ["--ssl-reqd", "--cacert", srv.ca]
        n = round_trip(srv, base, extra, local, sums, "explicit")
        listings(base, extra)
        n += resume(srv, base, extra, local, sums, "explicit")
        check_log(srv, n)


def test_explicit_refuses_bad_certificate():
    """--ssl-reqd with the default trust store: the test CA is unknown,
    so curl must fail the handshake (the chain really is verified)."""
    fh.need("curl", "openssl")
    with fh.start_tls_server() as srv:
        zt.make_file(srv.path("x"), 10)
        p = curl("--ssl-reqd", "-o", os.devnull,
                 "ftp://127.0.0.1:%d/x" % srv.port, ok=False)
        assert p.returncode == 60, (p.returncode, p.stderr)


def test_implicit_ftps():
    fh.need("curl", "openssl")
    with fh.start_tls_server(users={"u": PW}, implicit=True) as srv:
        local, sums = setup(srv)
        base = "ftps://%%s127.0.0.1:%d" % srv.implicit_port
        extra = ["-k"]
        n = round_trip(srv, base, extra, local, sums, "implicit")
        listings(base, extra)
        n += resume(srv, base, extra, local, sums, "implicit")
        check_log(srv, n)


if __name__ == "__main__":
    zt.main(globals())
