#!/usr/bin/env python3
"""Data connections must resume the control connection's TLS session
(RFC 4217 section 10, vsftpd's require_ssl_reuse; tls.require_reuse on by
default): a data connection with a full handshake of its own - as an
attacker racing for the passive port would make, and as stock ftplib does -
is refused with 522 and the reason, the session stays usable, and with
require_reuse = false the same client transfers."""
import ftplib
import io
import os
import ssl
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh


def fresh_handshake_refused(srv, maxv=None):
    zt.make_file(srv.path("f"), 20000, seed=1)
    f = fh.ftps(srv, reuse=False, maxv=maxv)
    try:
        f.retrbinary("RETR f", io.BytesIO().write)
        raise AssertionError("RETR without session reuse succeeded")
    except (ftplib.error_perm, ftplib.error_temp) as e:
        assert str(e).startswith("522"), e
        assert "reuse" in str(e), e
    except (ssl.SSLError, OSError) as e:
        raise AssertionError("data connection broke without a reply: %r" % e) from e
    try:
        f.nlst()
        raise AssertionError("LIST without session reuse succeeded")
    except ftplib.error_perm as e:
        assert str(e).startswith("522"), e
    # The control connection is fine; a resuming data connection works.
    f.voidcmd("NOOP")
    f.reuse = True
    buf = io.BytesIO()
    f.retrbinary("RETR f", buf.write)
    assert buf.getvalue() == open(srv.path("f"), "rb").read()
    f.quit()
    recs = srv.xferlog_lines()
    assert [r["status"] for r in recs][-1:] == ["c"], recs


def test_no_reuse_refused_tls13():
    with fh.start_tls_server() as srv:
        fresh_handshake_refused(srv)


def test_no_reuse_refused_tls12():
    with fh.start_tls_server() as srv:
        fresh_handshake_refused(srv, maxv=ssl.TLSVersion.TLSv1_2)


def test_stock_ftplib_needs_require_reuse_off():
    """Stock ftplib.FTP_TLS never offers the session: 522 by default,
    fine with require_reuse = false."""
    for reuse_required in (True, False):
        with fh.start_tls_server(tls={"require_reuse": reuse_required}) as srv:
            zt.make_file(srv.path("f"), 9000, seed=2)
            f = ftplib.FTP_TLS(context=fh.client_context(srv.ca),
                                  timeout=zt.TIMEOUT)
            f.connect("127.0.0.1", srv.port)
            f.login("anonymous", "x@y.z")   # AUTH TLS first
            f.prot_p()
            buf = io.BytesIO()
            try:
                f.retrbinary("RETR f", buf.write)
                ok = True
            except ftplib.error_perm as e:
                assert str(e).startswith("522"), e
                ok = False
            assert ok == (not reuse_required), reuse_required
            if ok:
                assert buf.getvalue() == open(srv.path("f"), "rb").read()
            f.quit()


def test_require_reuse_off():
    with fh.start_tls_server(users={"u": "reuse-pw"},
                             tls={"require_reuse": False}) as srv:
        f = fh.ftps(srv, "u", reuse=False)
        data = os.urandom(200000)
        f.storbinary("STOR nr", io.BytesIO(data))
        buf = io.BytesIO()
        f.retrbinary("RETR nr", buf.write)
        assert buf.getvalue() == data
        assert f.nlst() == ["nr"]
        f.quit()
        fh.assert_tls_iopath(srv.xferlog_lines(), 2)


if __name__ == "__main__":
    zt.main(globals())
