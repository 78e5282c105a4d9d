#!/usr/bin/env python3
"""zcftp over FTPS against zcftpd: mirror down and up over ftpes://
(explicit AUTH TLS) and ftps:// (implicit port), byte-identical trees with
mtimes, a re-run moves nothing, every transfer on a TLS path; certificate
verification is on by default (fails without --cacert, exit 2, clear
message; --insecure skips it); no password in any output. Prints the
no-change re-run time and the per-file cost of small files under TLS 1.3."""
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh
import zcftp_helpers as zc

PW = "tls-secret-pw"
USERS = {"u": PW}


def new_recs(srv, before):
    return srv.xferlog_lines()[before:]


def no_secret(p):
    assert PW not in p.out and PW not in p.err, "password printed"


def mirror_both_ways(scheme):
    with fh.start_tls_server(users=USERS, implicit=True) as srv:
        remote = os.path.join(srv.home("u"), "tree")
        files = zc.make_tree(remote, seed=11, nfiles=40, big=3 * zt.MiB)
        local = os.path.join(srv.tmp, "local")
        u = zc.url(srv, path="/tree", scheme=scheme)
        p = zc.run("mirror", "-v", "--cacert", srv.ca, u, local, check=0)
        no_secret(p)
        zc.assert_same_tree(remote, local, dir_mtimes=True)
        n = len(srv.xferlog_lines())
        fh.assert_tls_iopath(new_recs(srv, 0), len(files))
        assert b"control connection now TLSv1.3" in srv.log_bytes()
        # Nothing changed: nothing moves.
        t0 = time.monotonic()
        p = zc.run("mirror", "--cacert", srv.ca, u, local, check=0)
        dt = time.monotonic() - t0
        assert len(srv.xferlog_lines()) == n, new_recs(srv, n)
        assert p.out.startswith("0 files"), p.out
        print("%s: no-change re-run of %d files: %.3f s" % (scheme, len(files), dt))
        # Upload into a new directory, then a no-change re-run.
        p = zc.run("mirror", "-q", "--cacert", srv.ca, local,
                   zc.url(srv, path="/up", scheme=scheme), check=0)
        no_secret(p)
        up = os.path.join(srv.home("u"), "up")
        zc.assert_same_tree(local, up, dir_mtimes=True)
        recs = new_recs(srv, n)
        fh.assert_tls_iopath(recs, len(files))
        assert all(r["direction"] == "i" and r["status"] == "c" for r in recs), recs
        n = len(srv.xferlog_lines())
        zc.run("mirror", "-q", "--cacert", srv.ca, local,
               zc.url(srv, path="/up", scheme=scheme), check=0)
        assert len(srv.xferlog_lines()) == n, new_recs(srv, n)


def test_ftpes_mirror():
    mirror_both_ways("ftpes")


def test_ftps_implicit_mirror():
    mirror_both_ways("ftps")


def test_verification():
    with fh.start_tls_server(users=USERS, implicit=True) as srv:
        zc.write(os.path.join(srv.home("u"), "d", "f"), b"x" * 100)
        for scheme in ("ftpes", "ftps"):
            u = zc.url(srv, path="/d", scheme=scheme)
            dst = os.path.join(srv.tmp, "l-" + scheme)
            # The test CA is not in the system store: verification fails.
            p = zc.run("mirror", "-q", u, dst, check=2)
            no_secret(p)
            assert "certificate verify failed" in p.err, p.err
            assert "--cacert" in p.err, p.err
            assert not os.path.exists(os.path.join(dst, "f"))
            p = zc.run("ls", u, check=2)
            assert "certificate verify failed" in p.err, p.err
            # A CA file that did not sign the server's certificate.
            p = zc.run("ls", "--cacert", os.path.join(srv.tmp, "pki", "mid.pem"),
                       u.replace("127.0.0.1", "localhost"), check=2)
            assert "certificate verify failed" in p.err, p.err
            # --insecure: no verification, with a warning.
            p = zc.run("mirror", "--insecure", u, dst, check=0)
            assert "not verified" in p.err, p.err
            assert open(os.path.join(dst, "f"), "rb").read() == b"x" * 100
            # A missing CA file is a usage error, not a crash.
            p = zc.run("ls", "--cacert", "/nonexistent/ca.pem", u, check=2)
            assert "ca.pem" in p.err, p.err
            # The host name through "localhost" verifies too.
            zc.run("get", "--cacert", srv.ca, u.replace("127.0.0.1", "localhost") + "/f",
                   os.path.join(srv.tmp, "got-" + scheme), check=0)


def test_commands_over_tls():
    with fh.start_tls_server(users=USERS, implicit=True) as srv:
        h = srv.home("u")
        zc.write(os.path.join(h, "dir", "-f one"), b"1" * 100000, mtime=1500000000)
        ca = ("--cacert", srv.ca)
        u = zc.url(srv, scheme="ftpes")
        p = zc.run("ls", *ca, u + "dir", check=0)
        assert "-f one" in p.out, p.out
        got = os.path.join(srv.tmp, "got")
        zc.run("get", *ca, u + "dir/-f one", got, check=0)
        assert open(got, "rb").read() == b"1" * 100000
        assert int(os.stat(got).st_mtime) == 1500000000
        zc.run("put", *ca, got, u + "dir/put-copy", check=0)
        assert open(os.path.join(h, "dir", "put-copy"), "rb").read() == b"1" * 100000
        zc.run("mkdir", *ca, u + "newdir", check=0)
        zc.run("mv", *ca, u + "dir/put-copy", "/newdir/moved", check=0)
        zc.run("rm", *ca, u + "newdir/moved", check=0)
        assert os.listdir(os.path.join(h, "newdir")) == []
        fh.assert_tls_iopath(srv.xferlog_lines(), 2)


def test_continue_over_tls():
    """--continue resumes a partial download with REST over TLS: only the
    missing bytes move, the result is byte-identical."""
    with fh.start_tls_server(users=USERS, implicit=True) as srv:
        remote = os.path.join(srv.home("u"), "r")
        zc.makedirs(remote)
        size = 3 * zt.MiB + 123
        sha = zt.make_file(os.path.join(remote, "f"), size, seed=12)
        local = os.path.join(srv.tmp, "l")
        os.makedirs(local)
        with open(os.path.join(remote, "f"), "rb") as f:
            zc.write(os.path.join(local, ".zcftp-part.f"), f.read(zt.MiB))
        zc.run("mirror", "-q", "--continue", "--cacert", srv.ca,
               zc.url(srv, path="/r", scheme="ftps"), local, check=0)
        assert zt.sha256_file(os.path.join(local, "f")) == sha
        assert not zc.part_files(local)
        recs = srv.xferlog_lines()
        fh.assert_tls_iopath(recs, 1)
        assert recs[0]["size"] == size - zt.MiB, recs


def test_small_file_overhead():
    """Per-file cost of small files over TLS 1.3 vs plain FTP, one
    connection, the same server: data connections resume the session
    and must not stall (a delayed-ACK stall costs 40 ms a file)."""
    nfiles = 200
    with fh.start_tls_server(users=USERS, implicit=True) as srv:
        remote = os.path.join(srv.home("u"), "small")
        for i in range(nfiles):
            zc.write(os.path.join(remote, "d%d" % (i % 4), "f%03d" % i), os.urandom(2048))
        per = {}
        for scheme in ("ftp", "ftpes"):
            local = os.path.join(srv.tmp, "s-" + scheme)
            u = zc.url(srv, path="/small", scheme=scheme)
            t0 = time.monotonic()
            zc.run("mirror", "-q", "-P", "1", "--cacert", srv.ca, u, local, check=0)
            dt = time.monotonic() - t0
            zc.assert_same_tree(remote, local)
            t0 = time.monotonic()
            zc.run("mirror", "-q", "-P", "1", "--cacert", srv.ca, u, local, check=0)
            rerun = time.monotonic() - t0
            per[scheme] = dt / nfiles
            print("%s: %d files of 2 KiB on 1 connection: %.3f s, %.2f ms/file; "
                  "no-change re-run %.3f s" % (scheme, nfiles, dt, 1e3 * dt / nfiles, rerun))
        print("TLS 1.3 overhead: %.2f ms per file"
              % (1e3 * (per["ftpes"] - per["ftp"])))
        lftp_reference(srv, nfiles // 4)
        # Far below the 40 ms a file of a delayed-ACK stall.
        assert per["ftpes"] < 0.035 * zt.SLOW, per


def lftp_reference(srv, nfiles):
    """For comparison only (printed, not asserted): lftp's mirror of the
    first quarter of the files (one directory) over the same FTPS server,
    one connection."""
    if not shutil.which("lftp"):
        return
    script = ("set ftp:ssl-force true; set ftp:ssl-protect-data true; "
              "set ssl:ca-file %s; set ftp:use-mlsd on; set cmd:fail-exit yes; "
              "open -u u,%s -p %d 127.0.0.1; mirror --parallel=1 /small/d0 %s"
              % (srv.ca, PW, srv.port, os.path.join(srv.tmp, "s-lftp")))
    t0 = time.monotonic()
    p = subprocess.run(["lftp", "-c", script], capture_output=True,
                       stdin=subprocess.DEVNULL, timeout=zt.BIG_TIMEOUT)
    dt = time.monotonic() - t0
    if p.returncode == 0:
        print("lftp (reference): %d files over TLS on 1 connection: %.3f s, %.2f ms/file"
              % (nfiles, dt, 1e3 * dt / nfiles))


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
