#!/usr/bin/env python3
"""Started the ways systemd and inetd start it: readiness, reload and stop
over NOTIFY_SOCKET (no libsystemd), socket activation (LISTEN_FDS) and
inetd style (the connection on fd 0). Real processes and sockets."""
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

DATA = b"served via systemd-style start\n" * 10


def prepared_server(**kw):
    """A Server object with its config written, but not started."""
    srv = zt.Server(**kw)
    for _pw, home in srv.users.values():
        srv.give(home)
    with open(srv.path("f.txt"), "wb") as f:
        f.write(DATA)
    return srv


def write_config(srv, port):
    srv.sections["listen"]["port"] = port
    with open(srv.conf_path, "w") as f:
        f.write(zt.render_config(srv.sections))


def check_session(sock):
    """Anonymous login and a download over an already-connected socket."""
    f = sock.makefile("rb")
    def cmd(line):
        sock.sendall(line.encode() + b"\r\n")
        return f.readline().decode()
    assert f.readline().startswith(b"220"), "no banner"
    assert cmd("USER anonymous").startswith("331")
    assert cmd("PASS x@y").startswith("230")
    rep = cmd("EPSV")
    port = int(rep.split("|||")[1].split("|")[0])
    d = socket.create_connection(("127.0.0.1", port), zt.TIMEOUT)
    assert cmd("RETR f.txt").startswith("150")
    got = b""
    while True:
        b = d.recv(65536)
        if not b:
            break
        got += b
    d.close()
    assert got == DATA, "download differs"
    assert f.readline().startswith(b"226")
    assert cmd("QUIT").startswith("221")


def test_inetd_style():
    srv = prepared_server()
    try:
        write_config(srv, zt.free_port())
        ls = socket.socket()
        ls.bind(("127.0.0.1", 0))
        ls.listen(1)
        client = socket.create_connection(ls.getsockname(), zt.TIMEOUT)
        conn, _ = ls.accept()
        log = open(srv.log_path, "ab")
        p = subprocess.Popen([zt.ZCFTPD, "-c", srv.conf_path], stdin=conn, stdout=conn,
                             stderr=log, cwd=srv.tmp)
        conn.close()
        check_session(client)
        client.close()
        assert p.wait(zt.TIMEOUT) == 0, "inetd session did not end cleanly"
    finally:
        srv.cleanup()


def test_socket_activation_and_notify():
    srv = prepared_server()
    notify_path = os.path.join(srv.tmp, "notify")
    ns = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    ns.bind(notify_path)
    ns.settimeout(zt.TIMEOUT)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    port = ls.getsockname()[1]
    write_config(srv, zt.free_port())	# a different port: must be ignored
    env = dict(os.environ, NOTIFY_SOCKET=notify_path, LISTEN_FDS="1")
    lfd = ls.fileno()
    # The listener must be fd 3 and LISTEN_PID the server's own PID: the
    # shell moves the fd and execs in place.
    script = 'exec 3<&%d %d<&-; LISTEN_PID=$$ exec "$0" -f -c "$1"' % (lfd, lfd)
    p = subprocess.Popen(["sh", "-c", script, zt.ZCFTPD, srv.conf_path],
                         env=env, pass_fds=(lfd,),
                         stdout=open(srv.log_path, "ab"), stderr=subprocess.STDOUT, cwd=srv.tmp)
    try:
        ls.close()
        assert ns.recv(256) == b"READY=1", "no READY=1"
        c = socket.create_connection(("127.0.0.1", port), zt.TIMEOUT)
        check_session(c)
        c.close()
        # A reload applies to new sessions: change the banner first.
        srv.sections.setdefault("server", {})["banner"] = "reloaded banner"
        with open(srv.conf_path, "w") as f:
            f.write(zt.render_config(srv.sections))
        p.send_signal(signal.SIGHUP)
        assert ns.recv(256).startswith(b"RELOADING=1\nMONOTONIC_USEC=")
        assert ns.recv(256) == b"READY=1"
        c = socket.create_connection(("127.0.0.1", port), zt.TIMEOUT)
        c.settimeout(zt.TIMEOUT)
        banner = c.makefile("rb").readline()
        c.close()
        assert banner == b"220 reloaded banner\r\n", banner
        p.send_signal(signal.SIGTERM)
        assert ns.recv(256) == b"STOPPING=1"
        assert p.wait(zt.TIMEOUT) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        ns.close()
        srv.cleanup()


if __name__ == "__main__":
    zt.main(globals())
