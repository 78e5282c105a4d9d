#!/usr/bin/env python3
"""RNFR/RNTO (RFC 959 section 4.1.3): a rename right after RNFR works,
RNTO without an immediately preceding RNFR is 503, RNFR of a missing
name is 550, renames across directories and over an existing file."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


USERS = {"w": "ren-pw"}


def test_rename():
    with zt.start_server(users=USERS) as srv:
        home = srv.home("w")
        for n in ("f.bin", "other.bin"):
            with open(os.path.join(home, n), "wb") as f:
                f.write(n.encode())
        os.mkdir(os.path.join(home, "d"))
        srv.give(home)
        w = srv.login("w")
        w.expect("RNFR f.bin", (350,))
        w.expect("RNTO g.bin", (250,))
        assert os.path.exists(os.path.join(home, "g.bin"))
        assert not os.path.exists(os.path.join(home, "f.bin"))
        w.expect("RNFR g.bin", (350,))
        w.expect("RNTO d/h.bin", (250,))
        assert open(os.path.join(home, "d", "h.bin"), "rb").read() == b"f.bin"
        w.expect("RNFR d/h.bin", (350,))
        w.expect("RNTO /other.bin", (250,))     # replaces the target
        assert open(os.path.join(home, "other.bin"), "rb").read() == b"f.bin"
        w.expect("RNFR d", (350,))
        w.expect("RNTO e", (250,))
        assert os.path.isdir(os.path.join(home, "e"))
        w.expect("RNFR nosuch", (550,))
        w.expect("RNTO x.bin", (503,))
        w.expect("RNTO x.bin", (503,))          # RNTO without RNFR
        w.expect("RNFR other.bin", (350,))
        w.expect("NOOP", (200,))
        w.expect("RNTO x.bin", (503,))          # RNFR must come right before
        assert os.path.exists(os.path.join(home, "other.bin"))
        w.close()


def test_ftplib_rename():
    with zt.start_server(users=USERS) as srv:
        with open(os.path.join(srv.home("w"), "a.txt"), "w") as f:
            f.write("a")
        srv.give(srv.home("w"))
        f = srv.ftp("w", "ren-pw")
        f.rename("a.txt", "b.txt")
        assert f.nlst() == ["b.txt"], f.nlst()
        f.quit()


def test_anonymous_rename_refused():
    with zt.start_server() as srv:
        with open(srv.path("a.txt"), "w") as f:
            f.write("a")
        r = srv.login()
        rep = r.cmd("RNFR a.txt")
        if rep.code == 350:
            rep = r.cmd("RNTO b.txt")
        assert rep.code in (550, 553, 532), rep
        assert os.path.exists(srv.path("a.txt"))
        r.close()


if __name__ == "__main__":
    zt.main(globals())
