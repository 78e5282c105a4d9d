#!/usr/bin/env python3
"""The command line: -h, -V, -t (check and print a config; errors name
file and line, exit 2), --hash-password (a crypt hash that verifies).
-p/-l/-r overrides are in t_cli_options.py."""
import os
import re
import subprocess
import sys
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def run(args, stdin=b"", timeout=zt.TIMEOUT):
    p = subprocess.run([zt.ZCFTPD] + args, input=stdin, capture_output=True,
                       timeout=timeout)
    return p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def test_help_version():
    rc, out = run(["-h"])
    assert rc == 0 and "--hash-password" in out and "-c" in out, (rc, out)
    rc, out = run(["-V"])
    assert rc == 0 and re.search(r"\d+\.\d+\.\d+", out), (rc, out)
    rc, out = run(["--no-such-option"])
    assert rc == 2, (rc, out)


def test_hash_password():
    rc, out = run(["--hash-password"], b"correct horse\n")
    assert rc == 0, (rc, out)
    h = out.strip().splitlines()[-1]
    assert h.startswith("$"), h
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            import crypt
        except ImportError:
            crypt = None
    if crypt is not None:
        assert crypt.crypt("correct horse", h) == h, h
        assert crypt.crypt("correct horsE", h) != h
    rc2, out2 = run(["--hash-password"], b"correct horse\n")
    assert out2.strip().splitlines()[-1] != h, "no salt: same hash twice"
    # The hash works in a users file for a real login.
    with zt.start_server(users={"hp": "correct horse"}) as srv:
        assert zt.HASH_SOURCE == "zcftpd", zt.HASH_SOURCE
        srv.ftp("hp", "correct horse").quit()


def test_check_config():
    srv = zt.Server(users={"u": "pw"})
    try:
        srv.sections["listen"]["port"] = 2999
        srv.sections["limits"]["max_per_ip"] = 7
        with open(srv.conf_path, "w") as f:
            f.write(zt.render_config(srv.sections))
        rc, out = run(["-t", "-c", srv.conf_path])
        assert rc == 0, (rc, out)
        assert "2999" in out and re.search(r"max_per_ip\s*=\s*7", out), out
        bad = os.path.join(srv.tmp, "bad.conf")
        for text, word in (("listen {\n  port = 70000\n}\n", "port"),
                           ("limits {\n\n  max_clients = -3\n}\n", "max_clients"),
                           ("nosuchsection {\n}\n", "nosuchsection"),
                           ("listen {\n  bogus_option = 1\n}\n", "bogus_option"),
                           ("users {\n  umask = \"999\"\n}\n", "umask"),
                           ("listen {\n  port = \n", "")):
            with open(bad, "w") as f:
                f.write(text)
            rc, out = run(["-t", "-c", bad])
            assert rc == 2, (text, rc, out)
            assert "bad.conf" in out, (text, out)
            assert word in out, (text, out)
        rc, out = run(["-t", "-c", os.path.join(srv.tmp, "missing.conf")])
        assert rc == 2, (rc, out)
    finally:
        srv.cleanup()


def test_output_not_written():
    """-t and --hash-password print what a script saves to a file: when
    stdout cannot take it (a full disk), exit 1 and say so, never 0."""
    srv = zt.Server(users={"u": "pw"})
    try:
        srv.sections["listen"]["port"] = 2999
        with open(srv.conf_path, "w") as f:
            f.write(zt.render_config(srv.sections))
        for args, stdin in ((["-t", "-c", srv.conf_path], b""),
                            (["--hash-password"], b"correct horse\n")):
            with open("/dev/full", "wb") as full:
                p = subprocess.run([zt.ZCFTPD] + args, input=stdin, stdout=full,
                                   stderr=subprocess.PIPE, timeout=zt.TIMEOUT)
            err = p.stderr.decode("utf-8", "replace")
            assert p.returncode == 1 and "cannot write" in err, (args, p.returncode, err)
    finally:
        srv.cleanup()


if __name__ == "__main__":
    zt.main(globals())
