#!/usr/bin/env python3
"""max_sessions per user without privilege separation: the single session
process (root with server.privsep = false, or zcftpd run by a user) takes
the same flock()ed slot as the privsep monitor, so the cap holds in every
mode. A refusal looks like a wrong password; the slot comes back when the
session ends (QUIT, or REIN where the session may log in again); run by a
user without run_dir, a capped user is refused with a log line saying
why, never let in uncounted."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

USERS = {"u": "u-pw", "v": "v-pw"}
ROOT = os.geteuid() == 0


def single_process_server(run_dir=True):
    """A started server in single-process mode with u capped at one
    session (v uncapped)."""
    srv = zt.start_server(users=USERS)
    opts = os.path.join(srv.tmp, "user-options")
    with open(opts, "w") as f:
        f.write("u max_sessions=1\n")
    srv.stop()
    srv._set("users", "options_file", opts)
    if ROOT:
        srv._set("server", "privsep", False)
    elif run_dir:
        srv._set("server", "run_dir", os.path.join(srv.tmp, "run-user"))
        os.mkdir(os.path.join(srv.tmp, "run-user"), 0o700)
    srv.start()
    return srv


def pass_reply(srv, user, password):
    r = srv.raw()
    r.banner()
    r.expect("USER " + user, (331,))
    rep = r.cmd("PASS " + password)
    return r, rep


def _logs_in(srv):
    r, rep = pass_reply(srv, "u", "u-pw")
    r.close()
    return rep.code == 230


def test_cap_holds_without_privsep():
    with single_process_server() as srv:
        first = srv.login("u")
        r, rep = pass_reply(srv, "u", "u-pw")
        assert rep.lines == ["530 Login incorrect."], rep
        r.close()
        assert b"has reached max_sessions (1)" in srv.log_bytes(), srv.log_bytes()[-2000:]
        # Another user is not counted against u.
        other = srv.login("v")
        first.expect("QUIT", (221,))
        first.close()
        assert zt.wait_for(lambda: _logs_in(srv), 5 * zt.SLOW), "slot not freed"
        other.expect("QUIT", (221,))
        other.close()


def test_rein_gives_the_slot_back():
    if ROOT:
        raise zt.Skip("as root the session becomes the user and refuses REIN")
    with single_process_server() as srv:
        first = srv.login("u")
        first.expect("REIN", (220,))
        r, rep = pass_reply(srv, "u", "u-pw")
        assert rep.code == 230, rep
        r.close()
        first.close()


def test_no_run_dir_refuses_a_capped_user():
    if ROOT:
        raise zt.Skip("as root run_dir always exists")
    with single_process_server(run_dir=False) as srv:
        r, rep = pass_reply(srv, "u", "u-pw")
        assert rep.lines == ["530 Login incorrect."], rep
        r.close()
        assert b"needs server.run_dir" in srv.log_bytes()
        srv.login("v").close()


if __name__ == "__main__":
    zt.main(globals())
