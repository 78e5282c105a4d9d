#!/usr/bin/env python3
"""FTPS policy (RFC 4217 sections 6, 8, 9, 12.3): tls.require_login and
tls.require_data for everybody or all but anonymous, the replies that say
why (530 for a clear-text USER, 521 for a clear data command), PBSZ/PROT
sequencing (503, 536), PROT C after PROT P when clear data is allowed,
CCC refused unless tls.ccc is on."""
import ftplib
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

PW = "policy-tls-pw"


def clear_user(srv, user, code):
    r = srv.raw()
    r.banner()
    rep = r.cmd("USER " + user)
    assert rep.code == code, "USER %s in clear: %r" % (user, rep)
    if code == 530:
        assert "TLS" in rep.text, rep
        # Nor does PASS get anywhere.
        assert r.cmd("PASS " + PW).code in (503, 530)
    return r


def data_cmd(r, line):
    """line (RETR, LIST...) after EPSV, as a client would send it; the
    reply to it (the data connection is dropped)."""
    get = r.open_data("epsv")
    rep = r.cmd(line)
    get().close()
    if rep.code in (125, 150):
        r.reply()
    return rep


def tls_retr(srv, user):
    zt.make_file(srv.path("f"), 3000, seed=1)
    f = fh.ftps(srv, user)
    buf = io.BytesIO()
    f.retrbinary("RETR /f" if user != "anonymous" else "RETR f", buf.write)
    f.quit()
    return buf.getvalue()


def test_require_login_all():
    with fh.start_tls_server(users={"u": PW}, tls={"require_login": "all"}) as srv:
        clear_user(srv, "u", 530).close()
        clear_user(srv, "anonymous", 530).close()
        f = fh.ftps(srv, "u")
        assert f.pwd() == "/"
        f.quit()
        f = fh.ftps(srv, "anonymous")
        assert f.nlst() == []
        f.quit()


def test_require_login_non_anonymous():
    with fh.start_tls_server(users={"u": PW},
                             tls={"require_login": "non-anonymous"}) as srv:
        zt.make_file(srv.path("pub.bin"), 2000, seed=2)
        r = clear_user(srv, "anonymous", 331)
        r.expect("PASS a@b.c", (230,))
        assert r.retr("pub.bin") == open(srv.path("pub.bin"), "rb").read()
        r.close()
        clear_user(srv, "u", 530).close()
        f = fh.ftps(srv, "u")
        f.voidcmd("NOOP")
        f.quit()


def test_require_data_all():
    with fh.start_tls_server(tls={"require_data": "all"}) as srv:
        zt.make_file(srv.path("f"), 1000, seed=3)
        # TLS control, no PROT at all: data would go in clear.
        r = fh.tls_raw(srv)
        r.expect("USER anonymous", (331,))
        r.expect("PASS a@b.c", (230,))
        r.expect("TYPE I", (200,))
        rep = data_cmd(r, "RETR f")
        assert rep.code == 521, rep
        assert "PROT P" in rep.text, rep
        # PROT C after login is refused outright...
        r.expect("PBSZ 0", (200,))
        rep = r.cmd("PROT C")
        assert rep.code in (521, 534), rep
        r.expect("PROT P", (200,))
        r.close()
        # ... and before login it is taken, then RETR refuses.
        r = fh.tls_raw(srv)
        r.expect("PBSZ 0", (200,))
        r.expect("PROT C", (200,))
        r.expect("USER anonymous", (331,))
        r.expect("PASS a@b.c", (230,))
        rep = data_cmd(r, "RETR f")
        assert rep.code == 521, rep
        assert data_cmd(r, "LIST").code == 521
        r.close()
        # A clear-text session cannot transfer at all.
        r = srv.login()
        assert data_cmd(r, "RETR f").code == 521
        r.close()
        # PROT P works.
        assert tls_retr(srv, "anonymous") == open(srv.path("f"), "rb").read()


def test_require_data_non_anonymous():
    with fh.start_tls_server(users={"u": PW},
                             tls={"require_data": "non-anonymous"}) as srv:
        zt.make_file(srv.path("f"), 1000, seed=4)
        r = srv.login()
        assert r.retr("f") == open(srv.path("f"), "rb").read()
        r.close()
        r = srv.login("u")
        assert data_cmd(r, "LIST").code == 521
        assert data_cmd(r, "STOR x").code == 521
        r.close()
        assert not os.path.exists(os.path.join(srv.home("u"), "x"))


def test_prot_sequence():
    with fh.start_tls_server() as srv:
        r = srv.raw()
        r.banner()
        assert r.cmd("PBSZ 0").code == 503, "PBSZ before AUTH"
        assert r.cmd("PROT P").code == 503, "PROT before AUTH"
        assert r.cmd("AUTH KERBEROS_V4").code == 504
        r.close()
        r = fh.tls_raw(srv)
        assert r.cmd("PROT P").code == 503, "PROT before PBSZ"
        r.expect("PBSZ 0", (200,))
        assert r.cmd("PROT S").code == 536
        assert r.cmd("PROT E").code == 536
        r.expect("PROT P", (200,))
        assert r.cmd("AUTH TLS").code == 503, "AUTH twice"
        r.close()


def test_auth_ssl_alias():
    """AUTH SSL (the pre-RFC 4217 name) works like AUTH TLS."""
    with fh.start_tls_server() as srv:
        zt.make_file(srv.path("f"), 12345, seed=6)
        r = fh.tls_raw(srv, mechanism="SSL")
        r.expect("USER anonymous", (331,))
        r.expect("PASS a@b.c", (230,))
        r.expect("PBSZ 0", (200,))
        r.expect("PROT P", (200,))
        assert fh.tls_retr_raw(r, "f") == open(srv.path("f"), "rb").read()
        r.close()
        fh.assert_tls_iopath(srv.xferlog_lines(), 1)


def test_prot_c_after_prot_p():
    with fh.start_tls_server() as srv:
        zt.make_file(srv.path("f"), 70000, seed=5)
        want = open(srv.path("f"), "rb").read()
        f = fh.ftps(srv)
        buf = io.BytesIO()
        f.retrbinary("RETR f", buf.write)
        assert buf.getvalue() == want
        f.prot_c()
        buf = io.BytesIO()
        f.retrbinary("RETR f", buf.write)   # plain socket: would fail on TLS
        assert buf.getvalue() == want
        f.quit()
        recs = srv.xferlog_lines()
        assert len(recs) == 2, recs
        assert recs[0]["iopath"] in fh.TLS_IOPATHS, recs[0]
        assert recs[1]["iopath"] not in fh.TLS_IOPATHS, recs[1]


def test_ccc_refused_by_default():
    with fh.start_tls_server() as srv:
        f = fh.ftps(srv)
        rep = f.sendcmd("NOOP")
        try:
            f.sendcmd("CCC")
            raise AssertionError("CCC accepted")
        except ftplib.error_perm as e:
            assert str(e).startswith("534"), e
        # Still under TLS and usable.
        assert f.nlst() == [] and rep.startswith("200")
        f.quit()


def test_ccc_allowed_without_privsep():
    """tls.ccc = true: after CCC (close_notify both ways) the control
    connection goes on in clear text. Privilege separation is off here:
    under it the pre-login process relays TLS and refuses CCC."""
    conf = {"server": {"privsep": False}}
    with fh.start_tls_server(users={"u": PW}, conf=conf, tls={"ccc": True}) as srv:
        f = fh.ftps(srv, "u")
        assert f.ccc().startswith("200")
        assert f.sock.version() is None, "still TLS after CCC"
        assert f.voidcmd("NOOP").startswith("200")
        data = os.urandom(5000)
        f.storbinary("STOR after-ccc", io.BytesIO(data))   # data still PROT P
        with open(os.path.join(srv.home("u"), "after-ccc"), "rb") as fp:
            assert fp.read() == data
        f.quit()


if __name__ == "__main__":
    zt.main(globals())
