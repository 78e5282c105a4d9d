#!/usr/bin/env python3
"""TYPE A (RFC 959 section 3.1.1.1): LF on disk is CRLF on the wire both
ways, across buffer boundaries; the xferlog records 'a' and ascii-copy."""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

USERS = {"u": "ascii-pw"}


def text_lf(nbytes, seed):
    """Lines of random printable length, LF-terminated, about nbytes."""
    rnd = random.Random(seed)
    out, n = [], 0
    while n < nbytes:
        line = bytes(rnd.choice(b"abcdefghij KLMNOP0123") for _ in
                     range(rnd.choice((0, 1, 2, 79, 80, 81, 511, 4095))))
        out.append(line + b"\n")
        n += len(line) + 1
    return b"".join(out)


def test_ascii_download():
    with zt.start_server() as srv:
        small = b"line1\nline2\n\nlast-no-newline"
        big = text_lf(3 * zt.MiB, 1)
        open(srv.path("small.txt"), "wb").write(small)
        open(srv.path("big.txt"), "wb").write(big)
        r = srv.login()
        r.expect("TYPE A", (200,))
        got = r.retr("small.txt")
        assert got == small.replace(b"\n", b"\r\n"), got
        got = r.retr("big.txt")
        assert got == big.replace(b"\n", b"\r\n"), "big ASCII download differs"
        r.expect("TYPE I", (200,))
        assert r.retr("small.txt") == small, "binary after ASCII differs"
        r.close()
        recs = srv.xferlog_lines()
        assert [x["transfer_type"] for x in recs] == ["a", "a", "b"], recs
        assert recs[0]["iopath"] == "ascii-copy", recs[0]
        assert recs[1]["iopath"] == "ascii-copy", recs[1]


def test_ascii_upload():
    with zt.start_server(users=USERS) as srv:
        big = text_lf(3 * zt.MiB, 2)
        home = srv.home("u")
        r = srv.login("u")
        r.expect("TYPE A", (200,))
        r.stor("small.txt", b"a\r\nb\r\n\r\nc")
        assert open(os.path.join(home, "small.txt"), "rb").read() == b"a\nb\n\nc"
        r.stor("big.txt", big.replace(b"\n", b"\r\n"))
        got = open(os.path.join(home, "big.txt"), "rb").read()
        assert got == big, "big ASCII upload differs (%d vs %d)" % (len(got), len(big))
        r.close()
        recs = srv.xferlog_lines()
        assert len(recs) == 2, recs
        assert all(x["transfer_type"] == "a" and x["direction"] == "i"
                   and x["iopath"] == "ascii-copy" for x in recs), recs


def test_ftplib_retrlines():
    with zt.start_server() as srv:
        open(srv.path("t.txt"), "wb").write(b"x\ny\nz\n")
        f = srv.ftp()
        lines = []
        f.retrlines("RETR t.txt", lines.append)
        assert lines == ["x", "y", "z"], lines
        f.quit()


if __name__ == "__main__":
    zt.main(globals())
