#!/usr/bin/env python3
"""After max_login_failures failed logins on one connection the server
replies 421 and closes it; a new connection is served normally."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
from t_failed_login import CONF, USERS, attempt


def test_disconnect_after_max_failures():
    with zt.start_server(users=USERS, conf=CONF) as srv:
        r = srv.raw()
        r.banner()
        got421 = False
        for i in range(3):
            u = r.cmd("USER alice")
            if u.code == 421:
                got421 = True
                break
            p = r.cmd("PASS bad%d" % i)
            if p.code == 421:
                got421 = True
                break
            assert p.code == 530, p
        if not got421:
            # The last 530 may be followed by a 421 before the close.
            try:
                rr = r.reply()
                got421 = rr.code == 421
            except zt.ProtocolError:
                pass
        assert r.wait_closed(5), "connection still open after 3 failures"
        assert got421, "no 421 before the close"
        # A further attempt on a new connection is served normally.
        r2 = srv.raw()
        r2.banner()
        u, p, _ = attempt(r2, "alice", "right-password")
        assert p.code == 230, p
        r2.close()
        assert srv.wait_no_sessions(), srv.session_pids()




if __name__ == "__main__":
    zt.main(globals())
