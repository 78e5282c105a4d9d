#!/usr/bin/env python3
"""Regression tests for the second security review of the server: HASH
watches the control connection (ABOR, QUIT, a time bound); a login refused
for max_sessions looks like a wrong password; behind a PROXY protocol
balancer, max_per_ip counts the real clients; wiping a handled command
line (it may be a PASS) keeps the next, half-received one intact; the
first bytes of a command received with PASS survive the privilege-
separated login (plain and under TLS); behind a balancer, the
max_login_pending eviction picks the heaviest real client."""
import hashlib
import os
import socket
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


def need_root(why):
    if os.geteuid() != 0:
        raise zt.Skip("needs root: " + why)


def timed_pass(srv, password):
    r = srv.raw()
    r.banner()
    r.expect("USER u", (331,))
    t0 = time.monotonic()
    rep = r.cmd("PASS " + password)
    return r, rep, time.monotonic() - t0


def test_max_sessions_refusal_looks_like_a_wrong_password():
    """The right password for a user at max_sessions must not be told
    from a wrong one: same reply, same delay, same failure count."""
    need_root("max_sessions is enforced by the privilege-separation monitor")
    delay = 0.4
    conf = {"limits": {"login_fail_delay_ms": int(delay * 1000), "max_login_failures": 2}}
    with zt.start_server(users=USERS, conf=conf) as srv:
        opts = os.path.join(srv.tmp, "user-options")
        with open(opts, "w") as f:
            f.write("u max_sessions=1\n")
        srv.stop()
        srv._set("users", "options_file", opts)
        srv.start()
        first = srv.login("u")
        seen = {}
        for what, pw in (("busy", "u-pw"), ("wrong", "not-u-pw")):
            times = []
            for _ in range(3):
                r, rep, dt = timed_pass(srv, pw)
                r.close()
                assert rep.lines == ["530 Login incorrect."], (what, rep)
                times.append(dt)
            seen[what] = sorted(times)[1]
        print("median refusal (s):", seen)
        assert min(seen.values()) >= delay * 0.9, seen
        assert abs(seen["busy"] - seen["wrong"]) < 0.15 * zt.SLOW, seen
        # Refusals count towards max_login_failures alike.
        for pw in ("u-pw", "not-u-pw"):
            r = srv.raw()
            r.banner()
            for _ in range(2):
                r.expect("USER u", (331,))
                r.expect("PASS " + pw, (530,))
            assert r.wait_closed(5 * zt.SLOW), "open after max_login_failures (%s)" % pw
            r.close()
        first.expect("QUIT", (221,))
        first.close()
        # The slot is free again: the same password logs in.
        assert zt.wait_for(lambda: _logs_in(srv), 5 * zt.SLOW), "slot not freed"


def _logs_in(srv):
    r, rep, _dt = timed_pass(srv, "u-pw")
    r.close()
    return rep.code == 230


def proxied_banner(srv, src):
    """A connection through the balancer (127.0.0.1) for client src:
    (socket, first line from the server)."""
    from t_operator import proxy_header
    s = socket.create_connection(("127.0.0.1", srv.port), zt.TIMEOUT)
    s.sendall(proxy_header(src, 40000))
    s.settimeout(zt.TIMEOUT)
    line = b""
    while not line.endswith(b"\n"):
        b = s.recv(1)
        if not b:
            break
        line += b
    return s, line


def _proxied_gets_in(srv, src):
    s, line = proxied_banner(srv, src)
    s.close()
    return line.startswith(b"220")


def test_max_per_ip_counts_the_client_behind_a_proxy():
    from t_operator import ProxiedServer
    conf = {"listen": {"proxy_protocol": True, "proxy_from": "127.0.0.1"},
            "limits": {"max_per_ip": 2}}
    srv = ProxiedServer(users=USERS, conf=conf)
    srv.start()
    with srv:
        held = []
        # Five connections from one balancer, for three clients: none of
        # them is over the limit.
        for src in ("127.0.0.3", "127.0.0.3", "127.0.0.4", "127.0.0.4", "127.0.0.5"):
            s, line = proxied_banner(srv, src)
            held.append(s)
            assert line.startswith(b"220"), (src, line)
        # A third one of the same client is, as it would be directly.
        s, line = proxied_banner(srv, "127.0.0.3")
        s.close()
        assert line.startswith(b"421") and b"your address" in line, line
        assert b"max_per_ip (2) reached" in srv.log_bytes()
        # When one of its sessions ends, that client gets in again.
        held[0].close()
        assert zt.wait_for(lambda: _proxied_gets_in(srv, "127.0.0.3"), 5 * zt.SLOW)
        for s in held[1:]:
            s.close()


def test_wiping_a_line_keeps_the_next_half_received_one():
    """Each handled line is wiped (a PASS may be in it); the first bytes of
    the next command, received with it, must survive: before the login (in
    the pre-login worker under privilege separation) and after it."""
    with zt.start_server(users=USERS) as srv:
        r = srv.raw()
        r.banner()
        r.send("USER u\r\nPA")
        assert r.reply().code == 331
        time.sleep(0.2)	# "PA" waits in the reader while USER is handled
        r.send("SS u-pw\r\n")
        rep = r.reply()
        assert rep.code == 230, rep
        r.send("NOOP\r\nPW")
        assert r.reply().code == 200
        time.sleep(0.2)
        r.send("D\r\n")
        rep = r.reply()
        assert rep.code == 257, rep
        r.close()


def half_a_command_after_pass(r):
    """USER, PASS and the first bytes of SYST in one segment (one TLS
    record), the rest later: the user's session must finish the line the
    pre-login worker had begun, not start a new one at "ST"."""
    r.send("USER u\r\nPASS u-pw\r\nSY")
    rep = r.reply()
    assert rep.code == 331, rep
    rep = r.reply()
    assert rep.code == 230, rep
    time.sleep(0.2)	# the login is over: "SY" went with the handoff, or nowhere
    r.send("ST\r\n")
    rep = r.reply()
    assert rep.code == 215, rep
    r.expect("NOOP", (200,))	# and nothing else was left over
    r.close()


def test_half_a_command_received_with_pass_survives_the_handoff():
    need_root("the handoff exists only under privilege separation")
    with zt.start_server(users=USERS) as srv:
        r = srv.raw()
        r.banner()
        half_a_command_after_pass(r)
        # A longer half line: 4000 bytes, then 200 more make it over-long.
        r = srv.raw()
        r.banner()
        r.send("USER u\r\nPASS u-pw\r\n" + "X" * 4000)
        assert [r.reply().code, r.reply().code] == [331, 230]
        time.sleep(0.2)
        r.send("X" * 200 + "\r\nNOOP\r\n")
        rep = r.reply()
        assert rep.code == 500 and "too long" in rep.text, rep
        r.expect("NOOP", (200,))
        r.close()


def test_half_a_command_received_with_pass_under_tls():
    """Under TLS the worker stays on as the relay: the half line it had
    decrypted and read before the login must reach the session too."""
    need_root("the handoff exists only under privilege separation")
    import ftps_helpers as fh
    with fh.start_tls_server(users=USERS) as srv:
        half_a_command_after_pass(fh.tls_raw(srv))


def test_half_a_command_received_with_pass_single_process():
    """Without privilege separation there is no handoff: the same
    process goes on with its own line reader (checked, not assumed)."""
    with zt.start_server(users=USERS, conf={"server": {"privsep": False}}) as srv:
        r = srv.raw()
        r.banner()
        half_a_command_after_pass(r)


def _gone(sock):
    """True if the server closed sock (within a bounded wait)."""
    sock.settimeout(5 * zt.SLOW)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def _logs_in_on(sock):
    sock.settimeout(zt.TIMEOUT)
    sock.sendall(b"USER u\r\nPASS u-pw\r\n")
    got = b""
    deadline = time.monotonic() + zt.TIMEOUT
    while b"230 " not in got and b"530 " not in got and time.monotonic() < deadline:
        try:
            b = sock.recv(4096)
        except (ConnectionResetError, socket.timeout):
            break
        if not b:
            break
        got += b
    return b"230 " in got, got


PENDING = 4
EVICT_CONF = {"listen": {"proxy_protocol": True, "proxy_from": "127.0.0.1"},
              "limits": {"max_login_pending": PENDING, "max_per_ip": 100}}


def test_eviction_behind_a_proxy_picks_the_flooder_not_the_oldest():
    """Every connection comes from the balancer (127.0.0.1). One pending
    connection of 127.0.0.4, then a flood of 127.0.0.3 up to the cap; once
    all are over a second old, the flooder's next connection must cost the
    flooder its oldest, not 127.0.0.4 its only (and oldest) one."""
    from t_operator import ProxiedServer
    srv = ProxiedServer(users=USERS, conf=EVICT_CONF)
    srv.start()
    with srv:
        other, line = proxied_banner(srv, "127.0.0.4")
        assert line.startswith(b"220"), line
        flood = []
        for _ in range(PENDING - 1):
            time.sleep(0.02)	# distinct start times: "oldest" is well defined
            s, line = proxied_banner(srv, "127.0.0.3")
            assert line.startswith(b"220"), line
            flood.append(s)
        time.sleep(1.3)	# all "pending for a while" (EVICT_MIN_AGE_MS)
        s, line = proxied_banner(srv, "127.0.0.3")
        flood.append(s)
        assert line.startswith(b"220"), line
        assert _gone(flood[0]), "the flooder's oldest connection was not dropped"
        ok, got = _logs_in_on(other)
        assert ok, got
        assert b"dropping a pending connection from 127.0.0.3" in srv.log_bytes()
        for s in flood + [other]:
            s.close()


def test_eviction_behind_a_proxy_lets_another_client_in():
    """A fresh flood of 127.0.0.3 fills max_login_pending: a newcomer from
    127.0.0.4 must get in at the flooder's expense, not be refused as if it
    were the flooder (all of them share the balancer's address). The flood
    must be under a second old when 127.0.0.4 arrives for the refusal to
    happen without the fix; with it, the newcomer gets in either way."""
    from t_operator import ProxiedServer
    srv = ProxiedServer(users=USERS, conf=EVICT_CONF)
    srv.start()
    with srv:
        t0 = time.monotonic()
        flood = []
        for _ in range(PENDING):
            f, line = proxied_banner(srv, "127.0.0.3")
            assert line.startswith(b"220"), line
            flood.append(f)
        s, line = proxied_banner(srv, "127.0.0.4")
        took = time.monotonic() - t0
        assert line.startswith(b"220"), (line, took)
        ok, got = _logs_in_on(s)
        assert ok, got
        assert _gone(flood[0]), "the flooder's oldest connection was not dropped"
        print("flood of %d + newcomer in %.0f ms" % (PENDING, took * 1000))
        for f in flood + [s]:
            f.close()


if __name__ == "__main__":
    zt.main(globals())
