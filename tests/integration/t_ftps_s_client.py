#!/usr/bin/env python3
"""openssl s_client -starttls ftp against zcftpd: the AUTH TLS handshake
with the certificate chain verified against the test root, TLS 1.3 and
TLS 1.2 accepted, TLS 1.1 and 1.0 refused by the server (a protocol_version
alert even when the client is willing), min_version = "1.3" refusing 1.2,
and the configured cipher lists taking effect."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import ftps_helpers as fh

SESSION = b"USER anonymous\nPASS s@client\nPWD\nQUIT\n"
# Lets the client offer TLS 1.0/1.1 (OpenSSL 3 disables them at the
# default security level): any refusal then comes from the server.
OLD_OK = ["-cipher", "DEFAULT@SECLEVEL=0"]


def s_client(srv, *args):
    cmd = ["openssl", "s_client", "-starttls", "ftp", "-connect",
           "127.0.0.1:%d" % srv.port, "-CAfile", srv.ca, "-verify_return_error",
           "-brief", "-crlf", "-ign_eof"] + list(args)
    p = subprocess.run(cmd, input=SESSION, capture_output=True, timeout=30 * zt.SLOW)
    out = p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace")
    return p.returncode, out


def works(srv, flag, want_version):
    rc, out = s_client(srv, flag)
    m = re.search(r"Protocol version: (\S+)", out)
    c = re.search(r"Ciphersuite: (\S+)", out)
    print("%s: %s %s" % (flag, m and m.group(1), c and c.group(1)))
    assert rc == 0, out
    assert m and m.group(1) == want_version, out
    assert "Verification: OK" in out, out
    # The FTP session runs under TLS after the handshake.
    for want in ("230 ", "257 \"/\"", "221 "):
        assert want in out, (want, out)
    return c.group(1)


def refused(srv, flag):
    rc, out = s_client(srv, flag, *OLD_OK)
    print("%s: exit %d" % (flag, rc))
    assert rc != 0, out
    assert "alert protocol version" in out, out
    assert "230 " not in out, out


def test_tls13_and_tls12_work():
    fh.need("openssl")
    with fh.start_tls_server() as srv:
        works(srv, "-tls1_3", "TLSv1.3")
        works(srv, "-tls1_2", "TLSv1.2")


def test_tls11_and_tls10_refused():
    fh.need("openssl")
    with fh.start_tls_server() as srv:
        refused(srv, "-tls1_1")
        refused(srv, "-tls1")
        assert b"unsupported protocol" in srv.log_bytes()
        works(srv, "-tls1_3", "TLSv1.3")


def test_min_version_13():
    fh.need("openssl")
    with fh.start_tls_server(tls={"min_version": "1.3"}) as srv:
        refused(srv, "-tls1_2")
        works(srv, "-tls1_3", "TLSv1.3")


def test_configured_ciphers():
    fh.need("openssl")
    tls = {"ciphersuites": "TLS_CHACHA20_POLY1305_SHA256",
           "ciphers": "ECDHE-ECDSA-CHACHA20-POLY1305"}
    with fh.start_tls_server(tls=tls) as srv:
        assert works(srv, "-tls1_3", "TLSv1.3") == "TLS_CHACHA20_POLY1305_SHA256"
        assert works(srv, "-tls1_2", "TLSv1.2") == "ECDHE-ECDSA-CHACHA20-POLY1305"


if __name__ == "__main__":
    zt.main(globals())
