#!/usr/bin/env python3
"""Atomic uploads (transfer { atomic_uploads = true }): a reader never sees
a half-written file, a failed upload leaves the previous version intact,
and the upload can still be resumed with REST (by curl -C - too)."""
import os
import shutil
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

MiB = 1 << 20
USERS = {"u": "u-pw"}


def server():
    return zt.start_server(users=USERS, conf={"transfer": {"atomic_uploads": True}})


def broken_upload(r, name, data):
    """Send data on a STOR's data connection and then reset it: an upload
    that failed half way."""
    get = r.open_data("epsv")
    zt.check_code(r.cmd("STOR " + name), (150,), "STOR")
    d = get()
    d.sendall(data)
    d.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    d.close()
    rep = r.reply(zt.BIG_TIMEOUT)
    assert rep.code in (426, 451), rep


def size(r, name):
    rep = r.cmd("SIZE " + name)
    return int(rep.text.split()[1]) if rep.code == 213 else None


def test_failed_upload_keeps_old_version_then_resume():
    with server() as srv:
        home = srv.home("u")
        target = os.path.join(home, "f.bin")
        with open(target, "wb") as f:
            f.write(b"old version\n")
        srv.give(target, "user")
        new = os.urandom(4 * MiB)
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        broken_upload(r, "f.bin", new[:MiB])
        assert open(target, "rb").read() == b"old version\n", "old version damaged"
        names = [n for n in os.listdir(home)]
        assert any(n.startswith(".zcftpd-up.") for n in names), names
        listed = r.retr("", mode="epsv", cmd="NLST")
        assert b".zcftpd-up" not in listed, listed
        # The target exists (old version): SIZE reports it, as always.
        assert size(r, "f.bin") == len(b"old version\n")
        # Resume from what we know we sent (a client tracking its offset).
        part = [n for n in os.listdir(home) if n.startswith(".zcftpd-up.")][0]
        got = os.path.getsize(os.path.join(home, part))
        assert 0 < got <= MiB, got
        r.expect("REST %d" % got, (350,))
        r.stor("f.bin", new[got:], mode="epsv")
        assert open(target, "rb").read() == new, "resumed upload differs"
        assert not any(n.startswith(".zcftpd-up.") for n in os.listdir(home))
        r.expect("REST 999999999", (350,))
        data = r.open_data("epsv")
        rep = r.cmd("STOR f.bin")
        assert rep.code == 554, rep		# more than was uploaded
        r.close()


def test_new_file_size_shows_progress_and_reader_never_sees_it():
    with server() as srv:
        home = srv.home("u")
        new = os.urandom(2 * MiB)
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        broken_upload(r, "n.bin", new[:MiB // 2])
        assert not os.path.exists(os.path.join(home, "n.bin")), "half file visible"
        rep = r.cmd("RETR n.bin")
        assert rep.code == 550 or rep.code == 425, rep
        n = size(r, "n.bin")		# the partial upload's size
        assert n is not None and 0 < n <= MiB // 2, n
        r.expect("REST %d" % n, (350,))
        r.stor("n.bin", new[n:], mode="epsv")
        assert open(os.path.join(home, "n.bin"), "rb").read() == new
        r.close()


def test_rest_past_the_end_is_refused_without_atomic_uploads():
    """Plain (non-atomic) STOR after REST: an offset past the end of the
    file would leave a hole of zeros; it gets 554 and changes nothing, and
    a REST for a missing file creates nothing."""
    with zt.start_server(users=USERS, conf={"transfer": {"atomic_uploads": False}}) as srv:
        home = srv.home("u")
        target = os.path.join(home, "f.bin")
        r = srv.login("u", USERS["u"])
        r.expect("TYPE I", (200,))
        r.stor("f.bin", b"a" * 1000, mode="epsv")
        for rest, name in ((1001, "f.bin"), (5000, "f.bin"), (10, "missing.bin")):
            r.expect("REST %d" % rest, (350,))
            r.open_data("epsv")
            rep = r.cmd("STOR " + name)
            assert rep.code == 554, (rest, name, rep)
        assert open(target, "rb").read() == b"a" * 1000
        assert not os.path.exists(os.path.join(home, "missing.bin"))
        # At the end exactly, and inside: continues there, drops the rest.
        r.expect("REST 1000", (350,))
        r.stor("f.bin", b"b" * 10, mode="epsv")
        assert open(target, "rb").read() == b"a" * 1000 + b"b" * 10
        r.expect("REST 500", (350,))
        r.stor("f.bin", b"c" * 3, mode="epsv")
        assert open(target, "rb").read() == b"a" * 500 + b"c" * 3
        r.close()
    # A name the server refuses stays a 550 after REST, not a 554.
    conf = {"transfer": {"atomic_uploads": False}, "files": {"deny": "*.secret"}}
    with zt.start_server(users=USERS, conf=conf) as srv:
        r = srv.login("u", USERS["u"])
        r.expect("REST 10", (350,))
        r.open_data("epsv")
        rep = r.cmd("STOR x.secret")
        assert rep.code == 550, rep
        r.close()


def test_curl_resume_with_atomic_uploads():
    zt.need_program("curl")
    with server() as srv:
        home = srv.home("u")
        local = os.path.join(srv.tmp, "local.bin")
        data = os.urandom(3 * MiB)
        with open(local, "wb") as f:
            f.write(data)
        r = srv.login("u")
        r.expect("TYPE I", (200,))
        broken_upload(r, "c.bin", data[:MiB])
        r.close()
        url = "ftp://u:u-pw@127.0.0.1:%d/c.bin" % srv.port
        subprocess.run(["curl", "-sS", "--max-time", "60", "-C", "-", "-T", local, url],
                       check=True, timeout=90)
        assert open(os.path.join(home, "c.bin"), "rb").read() == data
        assert not any(n.startswith(".zcftpd-up.") for n in os.listdir(home))


if __name__ == "__main__":
    zt.main(globals())
