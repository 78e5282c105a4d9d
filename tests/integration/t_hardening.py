#!/usr/bin/env python3
"""Regression tests for a security review of the server: control bytes in
logs, CR in replies, stale passive connections, partial uploads kept when
the data connection fails, AUTH after login, the pre-login worker's fds."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

DATA = b"the right data\n" * 64


def test_control_bytes_do_not_reach_the_log():
    with zt.start_server() as srv:
        r = srv.raw()
        r.banner()
        r.send(b"USER evil\rinfo: login ok, user \"root\"\x1b[2J\r\n")
        r.reply()
        r.expect("PASS wrong", (530,))
        r.close()
        log = srv.log_bytes()
        assert b"evil" in log, log[-500:]
        assert b"\rinfo" not in log and b"\x1b[" not in log, log[-500:]


def test_stat_reply_has_no_bare_cr():
    with zt.start_server() as srv:
        r = srv.login()
        r.send(b"STAT \r/..\r\n")
        rep = r.reply()
        assert rep.code == 213, rep
        assert all("\r" not in line for line in rep.lines), rep
        r.close()


def test_connection_queued_before_epsv_is_not_used():
    """Another process on the client's host connects to the session's
    (reused) passive port between transfers: it must never get data."""
    with zt.start_server() as srv:
        with open(srv.path("f.txt"), "wb") as f:
            f.write(DATA)
        r = srv.login()
        r.expect("TYPE I", (200,))
        p = r.epsv()
        assert r.retr("f.txt", mode="epsv") == DATA	# arms and consumes
        thief = socket.create_connection(("127.0.0.1", p), zt.TIMEOUT)
        assert r.epsv() == p
        good = socket.create_connection(("127.0.0.1", p), zt.TIMEOUT)
        r.expect("RETR f.txt", (150,))
        good.settimeout(zt.TIMEOUT)
        got = b""
        while True:
            b = good.recv(65536)
            if not b:
                break
            got += b
        assert got == DATA, "data did not reach the connection made for this EPSV"
        assert r.reply().code == 226
        thief.settimeout(zt.TIMEOUT)
        try:
            stolen = thief.recv(100)
        except ConnectionResetError:
            stolen = b""
        assert stolen == b"", "the queued connection got data"
        r.close()


def test_resumable_partial_kept_when_data_connection_fails():
    conf = {"transfer": {"atomic_uploads": True},
            "limits": {"accept_timeout": 1}}
    with zt.start_server(users={"u": "u-pw"}, conf=conf) as srv:
        part = os.path.join(srv.home("u"), ".zcftpd-up.big")
        with open(part, "wb") as f:
            f.write(b"x" * 100000)
        srv.give(part, "user")
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        r.expect("REST 100000", (350,))
        r.epsv()			# and never connect
        r.expect("STOR big", (150,))
        assert r.reply(zt.BIG_TIMEOUT).code == 425
        assert os.path.getsize(part) == 100000, "resumable partial upload lost"
        r.close()


def test_auth_tls_after_login_is_refused():
    import ftps_helpers as fh
    with fh.start_tls_server() as srv:
        r = srv.login()
        r.expect("AUTH TLS", (503,))
        r.expect("PWD", (257,))		# the session goes on
        r.close()


def test_prelogin_worker_cannot_write_the_transfer_log():
    if os.geteuid() != 0:
        raise zt.Skip("privilege separation needs root")
    with zt.start_server() as srv:
        r = srv.raw()
        r.banner()
        workers = []

        def look():
            workers[:] = [p for p in zt.descendants(srv.pid)
                          if os.stat("/proc/%d" % p).st_uid != 0]
            return bool(workers)
        assert zt.wait_for(look, 5), "no pre-login worker"
        for pid in workers:
            fds = os.listdir("/proc/%d/fd" % pid)
            targets = [os.readlink("/proc/%d/fd/%s" % (pid, fd)) for fd in fds]
            assert srv.xferlog_path not in targets, targets
        r.close()


def test_data_connection_cannot_resume_another_connections_session():
    """Session reuse must tie a data connection to *this* control
    connection: a session (ticket) from another connection to the same
    server, e.g. an attacker behind the same NAT, is refused with 522."""
    import ftplib
    import ssl
    import ftps_helpers as fh
    with fh.start_tls_server() as srv:
        with open(srv.path("f.txt"), "wb") as f:
            f.write(DATA)
        attacker = fh.ftps(srv)
        attacker.voidcmd("NOOP")		# its TLS 1.3 tickets have arrived
        stolen = attacker.sock.session
        assert stolen is not None
        victim = fh.ftps(srv)
        victim.voidcmd("TYPE I")
        rep = victim.sendcmd("EPSV")
        port = int(rep.split("|||")[1].split("|")[0])
        raw = socket.create_connection(("127.0.0.1", port), zt.TIMEOUT)
        victim.putcmd("RETR f.txt")
        assert victim.getresp().startswith("150")
        got = b""
        try:
            # The stolen session is offered; the server must not resume it.
            d = attacker.context.wrap_socket(raw, server_hostname="127.0.0.1", session=stolen)
            d.settimeout(zt.TIMEOUT)
            while True:
                b = d.recv(65536)
                if not b:
                    break
                got += b
        except (ssl.SSLError, OSError):
            pass
        assert got == b"", "data went to a connection resuming another session"
        try:
            final = victim.getresp()
        except ftplib.error_perm as e:
            final = str(e)
        assert final.startswith("522"), final
        # The victim's own transfers still work.
        out = []
        victim.retrbinary("RETR f.txt", out.append)
        assert b"".join(out) == DATA
        victim.quit()
        attacker.quit()


def test_root_without_privsep_still_drops_to_the_user():
    """privsep = false as root must not leave sessions as uid 0 (a
    SITE CHMOD 4755 on an uploaded file made a setuid-root binary)."""
    if os.geteuid() != 0:
        raise zt.Skip("needs root")
    import io
    with zt.start_server(users={"u": "u-pw"}, conf={"server": {"privsep": False}}) as srv:
        f = srv.ftp("u", "u-pw")
        f.storbinary("STOR x.bin", io.BytesIO(b"#!/bin/sh\n"))
        path = os.path.join(srv.home("u"), "x.bin")
        assert os.stat(path).st_uid != 0, "uploaded as root"
        try:
            f.sendcmd("SITE CHMOD 4755 x.bin")
            raise AssertionError("setuid bit accepted")
        except Exception as e:
            assert str(e).startswith("550"), e
        assert os.stat(path).st_mode & 0o6000 == 0
        assert f.sendcmd("SITE CHMOD 755 x.bin").startswith("200")
        uids = [os.stat("/proc/%d" % p).st_uid for p in zt.descendants(srv.pid)]
        assert uids and 0 not in uids, uids
        f.quit()


if __name__ == "__main__":
    zt.main(globals())
