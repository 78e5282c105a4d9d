#!/usr/bin/env python3
"""Restart markers (RFC 3659 section 5, REST STREAM): REST + RETR resumes
a download, REST + STOR and APPE resume an upload."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

SIZE = 3 * zt.MiB + 12345
USERS = {"u": "resume-pw"}


def test_rest_retr():
    with zt.start_server() as srv:
        zt.make_file(srv.path("big.bin"), SIZE, seed=1)
        data = open(srv.path("big.bin"), "rb").read()
        r = srv.login()
        r.expect("TYPE I", (200,))
        for off in (0, 1, 4096, zt.MiB + 7, SIZE - 1, SIZE):
            r.expect("REST %d" % off, (350,))
            got = r.retr("big.bin")
            assert got == data[off:], "REST %d: got %d bytes" % (off, len(got))
        # A marker applies to one transfer only.
        assert r.retr("big.bin") == data
        r.expect("REST abc", (501,))
        r.expect("REST -5", (501,))
        r.close()


def test_ftplib_resume():
    with zt.start_server() as srv:
        zt.make_file(srv.path("big.bin"), SIZE, seed=2)
        f = srv.ftp()
        parts = []
        f.retrbinary("RETR big.bin", parts.append, rest=1000000)
        assert b"".join(parts) == open(srv.path("big.bin"), "rb").read()[1000000:]
        f.quit()


def test_rest_stor_and_appe():
    with zt.start_server(users=USERS) as srv:
        zt.make_file(srv.path("src.bin"), SIZE, seed=3)
        data = open(srv.path("src.bin"), "rb").read()
        dst = os.path.join(srv.home("u"), "up.bin")
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        # An interrupted upload: first 1 MiB + 5, then REST + STOR the rest.
        cut = zt.MiB + 5
        r.stor("up.bin", data[:cut])
        assert os.path.getsize(dst) == cut
        r.expect("REST %d" % cut, (350,))
        r.stor("up.bin", data[cut:])
        assert open(dst, "rb").read() == data, "REST+STOR result differs"
        # APPE appends to the end.
        r.stor("app.bin", data[:100])
        r.stor("app.bin", data[100:], cmd="APPE")
        assert open(os.path.join(srv.home("u"), "app.bin"), "rb").read() == data
        # APPE to a new name creates it.
        r.stor("new.bin", b"abc", cmd="APPE")
        assert open(os.path.join(srv.home("u"), "new.bin"), "rb").read() == b"abc"
        # STOR without REST truncates.
        r.stor("up.bin", b"short")
        assert open(dst, "rb").read() == b"short"
        r.close()


if __name__ == "__main__":
    zt.main(globals())
