#!/usr/bin/env python3
"""Failed logins: a wrong user and a wrong password get the same replies
(no user enumeration), each failure is delayed by login_fail_delay_ms.
The disconnect after max_login_failures is in t_login_lockout.py."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

DELAY_MS = 500
CONF = {"limits": {"login_fail_delay_ms": DELAY_MS, "max_login_failures": 3}}
USERS = {"alice": "right-password"}


def attempt(r, user, password):
    """USER+PASS on r; returns (USER reply, PASS reply, seconds)."""
    u = r.cmd("USER " + user)
    t0 = time.monotonic()
    p = r.cmd("PASS " + password) if u.code == 331 else None
    return u, p, time.monotonic() - t0


def test_same_reply_and_delay():
    with zt.start_server(users=USERS, conf=CONF) as srv:
        replies = []
        for user, pw in (("alice", "wrong"), ("nosuchuser", "wrong"),
                         ("nosuchuser", "right-password")):
            r = srv.raw()
            r.banner()
            u, p, dt = attempt(r, user, pw)
            print(user, u, p, "%.3fs" % dt)
            assert u.code == 331, u
            assert p is not None and p.last == "530 Login incorrect.", p
            assert dt >= DELAY_MS / 1000.0 * 0.9, "no delay: %.3fs" % dt
            replies.append((u.lines, p.lines))
            r.close()
        assert replies[0] == replies[1] == replies[2], replies
        # The right password still works after failures elsewhere.
        srv.ftp("alice", "right-password").quit()


def test_failures_are_per_connection_and_bounded():
    """Two failures, then success on the same connection, then QUIT."""
    with zt.start_server(users=USERS, conf=CONF) as srv:
        r = srv.raw()
        r.banner()
        for i in range(2):
            _, p, _ = attempt(r, "alice", "bad")
            assert p.code == 530, p
        _, p, _ = attempt(r, "alice", "right-password")
        assert p.code == 230, p
        r.expect("QUIT", (221,))


def test_pass_without_user():
    with zt.start_server(users=USERS, conf=CONF) as srv:
        r = srv.raw()
        r.banner()
        p = r.cmd("PASS right-password")
        assert p.code in (503, 530), p
        r.close()


if __name__ == "__main__":
    zt.main(globals())
