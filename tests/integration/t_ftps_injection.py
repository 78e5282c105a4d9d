#!/usr/bin/env python3
"""Commands pipelined in clear text behind AUTH TLS (in the same packet,
before the handshake) are not executed once TLS is up: the STARTTLS
command-injection flaw (CVE-2011-0411 and its FTP kin). The server answers
the first command sent under TLS and nothing else; an injected USER has
no effect (PASS gets 503), an injected STOR creates nothing. Also: junk
where the ClientHello should be closes the session without a crash."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

PW = "inject-pw"


def auth_with_tail(srv, tail):
    """AUTH TLS plus tail in one send(); 234; then the TLS handshake."""
    r = srv.raw()
    r.banner()
    r.send(b"AUTH TLS\r\n" + tail)
    rep = r.reply()
    assert rep.code == 234, rep
    assert r.buf == b"", "bytes after 234 in clear text: %r" % r.buf
    r.sock = fh.client_context(srv.ca).wrap_socket(r.sock, server_hostname="127.0.0.1")
    return r


def test_injected_user_ignored():
    with fh.start_tls_server(users={"u": PW}) as srv:
        r = auth_with_tail(srv, b"USER anonymous\r\n")
        # Were USER run, its 331 would come first and PASS would log in.
        rep = r.cmd("PASS x@y.z")
        assert rep.code == 503, rep
        rep = r.cmd("NOOP")
        assert rep.code == 200, rep
        r.expect("USER u", (331,))
        r.expect("PASS " + PW, (230,))
        r.expect("QUIT", (221,))
        r.close()


def test_injected_login_and_stor_ignored():
    with fh.start_tls_server(users={"u": PW}) as srv:
        tail = ("USER u\r\nPASS %s\r\nPBSZ 0\r\nPROT C\r\nMKD evil\r\n"
                "DELE keep\r\n" % PW).encode()
        with open(os.path.join(srv.home("u"), "keep"), "w") as f:
            f.write("keep")
        srv.give(srv.home("u"))
        r = auth_with_tail(srv, tail)
        rep = r.cmd("PWD")
        assert rep.code == 530, "not logged in under TLS: %r" % rep
        assert r.cmd("PROT P").code == 503, "injected PBSZ ran"
        r.expect("QUIT", (221,))
        r.close()
        assert not os.path.exists(os.path.join(srv.home("u"), "evil"))
        assert os.path.exists(os.path.join(srv.home("u"), "keep"))


def test_cleartext_instead_of_handshake():
    """A client that says AUTH TLS and then goes on in clear text: the
    server gives up on the session (no reply in clear, no crash)."""
    with fh.start_tls_server() as srv:
        r = srv.raw()
        r.banner()
        r.expect("AUTH TLS", (234,))
        r.send(b"USER anonymous\r\nPASS x\r\nPWD\r\n")
        assert r.wait_closed(10 * zt.SLOW), "session not closed"
        assert b"230" not in r.buf and b"257" not in r.buf, r.buf
        r.close()
        f = fh.ftps(srv)    # the server is fine
        f.voidcmd("NOOP")
        f.quit()


def test_pipelined_commands_under_tls_run():
    """The converse: commands pipelined after the handshake, under TLS,
    all run in order."""
    with fh.start_tls_server() as srv:
        r = fh.tls_raw(srv)
        r.send(b"USER anonymous\r\nPASS x@y.z\r\nPBSZ 0\r\nPROT P\r\nPWD\r\n")
        codes = [r.reply().code for _ in range(5)]
        assert codes == [331, 230, 200, 200, 257], codes
        r.close()


if __name__ == "__main__":
    zt.main(globals())
