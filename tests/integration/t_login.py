#!/usr/bin/env python3
"""Login: anonymous (USER anonymous / ftp, any password), virtual users
from the users file confined to their home, writable per users{writable},
anonymous disabled by anonymous{enable = false}."""
import ftplib
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def test_anonymous_names():
    with zt.start_server() as srv:
        open(srv.path("hello.txt"), "w").write("hello\n")
        for user, pw in (("anonymous", "a@b.c"), ("ftp", "x"),
                         ("anonymous", "")):
            r = srv.raw()
            r.banner()
            u = r.cmd("USER " + user)
            if u.code == 331:
                u = r.cmd("PASS " + pw)
            zt.check_code(u, (230,), "login %s/%r" % (user, pw))
            p = r.expect("PWD", (257,))
            assert p.last == '257 "/" is the current directory', p
            r.expect("QUIT", (221,))
            assert r.wait_closed(), "no close after QUIT"


def test_anonymous_is_read_only():
    with zt.start_server() as srv:
        open(srv.path("f.txt"), "w").write("data\n")
        os.mkdir(srv.path("d"))
        f = srv.ftp()
        for fn in (lambda: f.storbinary("STOR new.txt", io.BytesIO(b"x")),
                   lambda: f.mkd("newdir"),
                   lambda: f.delete("f.txt"),
                   lambda: f.rmd("d"),
                   lambda: f.rename("f.txt", "g.txt"),
                   lambda: f.storbinary("APPE f.txt", io.BytesIO(b"x"))):
            try:
                fn()
            except ftplib.error_perm as e:
                assert str(e).startswith("550") or str(e).startswith("553") \
                    or str(e).startswith("532"), e
            else:
                raise AssertionError("anonymous write was allowed")
        f.quit()
        assert sorted(os.listdir(srv.root)) == ["d", "f.txt"], os.listdir(srv.root)
        assert open(srv.path("f.txt")).read() == "data\n"


def test_virtual_user_home_and_write():
    users = {"alice": "s3cret-A", "bob": "pw-of-bob"}
    with zt.start_server(users=users) as srv:
        print("hash source:", zt.HASH_SOURCE)
        open(os.path.join(srv.home("alice"), "mine.txt"), "w").write("alice\n")
        open(os.path.join(srv.home("bob"), "bobs.txt"), "w").write("bob\n")
        f = srv.ftp("alice", "s3cret-A")
        assert f.pwd() == "/", f.pwd()
        assert f.nlst() == ["mine.txt"], f.nlst()
        f.storbinary("STOR up.bin", io.BytesIO(b"uploaded"))
        f.mkd("sub")
        f.quit()
        with open(os.path.join(srv.home("alice"), "up.bin"), "rb") as fh:
            assert fh.read() == b"uploaded"
        assert os.path.isdir(os.path.join(srv.home("alice"), "sub"))
        g = srv.ftp("bob", "pw-of-bob")
        assert g.nlst() == ["bobs.txt"], g.nlst()
        g.quit()


def test_virtual_user_not_writable():
    with zt.start_server(users={"carol": "pw-carol"}, writable=False) as srv:
        f = srv.ftp("carol", "pw-carol")
        try:
            f.storbinary("STOR x", io.BytesIO(b"x"))
        except ftplib.error_perm as e:
            assert str(e).startswith("55"), e
        else:
            raise AssertionError("STOR allowed with users{writable=false}")
        f.quit()
        assert os.listdir(srv.home("carol")) == []


def test_anonymous_disabled():
    with zt.start_server(conf={"anonymous": {"enable": False}},
                         users={"dave": "pw-dave"}) as srv:
        r = srv.raw()
        r.banner()
        u = r.cmd("USER anonymous")
        if u.code == 331:
            u = r.cmd("PASS x@y.z")
        zt.check_code(u, ("530",), "anonymous login when disabled")
        r.close()
        srv.ftp("dave", "pw-dave").quit()


def test_password_case_and_prefix():
    with zt.start_server(users={"erin": "Secret"}) as srv:
        for bad in ("secret", "Secre", "Secret ", "Secretx", ""):
            r = srv.raw()
            r.banner()
            r.expect("USER erin", (331,))
            rr = r.cmd("PASS " + bad)
            assert rr.code == 530, (bad, rr)
            r.close()
        srv.ftp("erin", "Secret").quit()


if __name__ == "__main__":
    zt.main(globals())
