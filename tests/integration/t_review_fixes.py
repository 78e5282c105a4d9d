#!/usr/bin/env python3
"""Regression tests for the second security review of the server: HASH
watches the control connection (ABOR, QUIT, a time bound)."""
import hashlib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

USERS = {"u": "u-pw"}
# A sparse file: costs no disk, and hashing it takes minutes (CRC32 is
# our slowest digest), far longer than any bound asserted below.
HUGE = 64 << 30
SMALL = b"small file\n" * 100


def huge_file(srv):
    path = os.path.join(srv.home("u"), "huge.bin")
    with open(path, "wb") as f:
        f.truncate(HUGE)
    with open(os.path.join(srv.home("u"), "small.txt"), "wb") as f:
        f.write(SMALL)
    srv.give(srv.home("u"))


def start_hash(srv):
    r = srv.login("u")
    r.expect("OPTS HASH CRC32", (200,))
    r.send("HASH huge.bin\r\n")
    time.sleep(0.3)	# the digest is under way
    return r


def test_hash_answers_abor():
    with zt.start_server(users=USERS) as srv:
        huge_file(srv)
        r = start_hash(srv)
        t0 = time.monotonic()
        r.send(b"ABOR\r\n")
        first = r.reply(timeout=5 * zt.SLOW)
        second = r.reply(timeout=5 * zt.SLOW)
        took = time.monotonic() - t0
        # RFC 959 4.1.3, as after a transfer: 426 for HASH, 226 for ABOR.
        assert (first.code, second.code) == (426, 226), (first, second)
        assert took < 3 * zt.SLOW, took
        # The session goes on, with the digest as before.
        r.expect("OPTS HASH SHA-256", (200,))
        rep = r.expect("HASH small.txt", (213,))
        assert hashlib.sha256(SMALL).hexdigest() in rep.text, rep
        r.close()


def test_quit_is_not_held_up_by_hash():
    with zt.start_server(users=USERS) as srv:
        huge_file(srv)
        r = start_hash(srv)
        t0 = time.monotonic()
        r.send(b"QUIT\r\n")
        first = r.reply(timeout=5 * zt.SLOW)
        second = r.reply(timeout=5 * zt.SLOW)
        assert (first.code, second.code) == (426, 221), (first, second)
        assert r.wait_closed(5 * zt.SLOW), "still open after 221"
        assert time.monotonic() - t0 < 3 * zt.SLOW
        r.close()


def test_hash_is_bounded_by_idle_timeout():
    with zt.start_server(users=USERS, conf={"limits": {"idle_timeout": 2}}) as srv:
        huge_file(srv)
        r = start_hash(srv)
        t0 = time.monotonic()
        rep = r.reply(timeout=8 * zt.SLOW)
        took = time.monotonic() - t0
        assert rep.code == 451 and "RANG" in rep.text, rep
        assert took < 5 * zt.SLOW, took
        r.expect("NOOP", (200,))
        r.close()


def test_client_gone_stops_hash():
    with zt.start_server(users=USERS) as srv:
        huge_file(srv)
        r = start_hash(srv)
        r.close()
        # The session process ends instead of reading 64 GiB for nobody.
        assert srv.wait_no_sessions(5), srv.session_pids()


if __name__ == "__main__":
    zt.main(globals())
