#!/usr/bin/env python3
"""zcftp killed mid-transfer (SIGKILL) leaves no partial file under a final
name, and --continue completes the temp file with REST: the server's
xferlog shows only the remainder moved."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt
import zcftp_helpers as zc

USERS = {"u": "resume-pw"}
SIZE = 6 * zt.MiB + 777


def start_slow(args):
    e = dict(os.environ, HOME=zc.home())
    return subprocess.Popen([zc.ZCFTP] + args, env=e, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def kill_midway(proc, part, at_least):
    ok = zt.wait_for(lambda: os.path.exists(part) and os.path.getsize(part) >= at_least,
                     zt.TIMEOUT)
    proc.send_signal(signal.SIGKILL)
    proc.wait(zt.TIMEOUT)
    proc.stderr.close()
    assert ok, "the temp file never reached %d bytes" % at_least


def check_resume(cmd_args, local_dir, name):
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "r")
        zc.makedirs(remote)
        sha = zt.make_file(os.path.join(remote, name), SIZE, seed=7)
        os.utime(os.path.join(remote, name), (1500000000, 1500000000))
        zc.write(os.path.join(remote, "small"), b"s" * 100)
        final = os.path.join(local_dir(srv), name)
        part = os.path.join(os.path.dirname(final), ".zcftp-part." + name)
        p = start_slow(["--limit-rate", "2M"] + cmd_args(srv))
        kill_midway(p, part, zt.MiB)
        assert not os.path.exists(final), "a partial file has the final name"
        have = os.path.getsize(part)
        assert 0 < have < SIZE, have
        srv.wait_no_sessions()
        n = len(srv.xferlog_lines())
        zc.run("--continue", "-q", *cmd_args(srv), check=0)
        assert zt.sha256_file(final) == sha, "resumed file differs"
        assert int(os.stat(final).st_mtime) == 1500000000
        assert not zc.part_files(os.path.dirname(final))
        recs = [r for r in srv.xferlog_lines()[n:]
                if r["filename"].endswith(name.replace(" ", "_"))]
        assert len(recs) == 1, recs
        assert recs[0]["size"] == SIZE - have, \
            "REST not used: moved %d, expected the remainder %d" % (recs[0]["size"], SIZE - have)


def test_mirror_kill_and_continue():
    check_resume(lambda srv: ["mirror", zc.url(srv, path="/r"), os.path.join(srv.tmp, "m")],
                 lambda srv: os.path.join(srv.tmp, "m"), "big file.bin")


def test_get_kill_and_continue():
    def args(srv):
        os.makedirs(os.path.join(srv.tmp, "g"), exist_ok=True)
        return ["get", zc.url(srv, path="/r/-big.bin"), os.path.join(srv.tmp, "g")]
    check_resume(args, lambda srv: os.path.join(srv.tmp, "g"), "-big.bin")


def test_without_continue_starts_over():
    with zt.start_server(users=USERS) as srv:
        remote = os.path.join(srv.home("u"), "r")
        zc.makedirs(remote)
        sha = zt.make_file(os.path.join(remote, "f"), 300000, seed=8)
        local = os.path.join(srv.tmp, "l")
        os.makedirs(local)
        # A stale temp file with wrong bytes: without --continue it is
        # truncated, not trusted.
        zc.write(os.path.join(local, ".zcftp-part.f"), b"garbage" * 1000)
        zc.run("mirror", "-q", zc.url(srv, path="/r"), local, check=0)
        assert zt.sha256_file(os.path.join(local, "f")) == sha
        assert srv.xferlog_lines()[-1]["size"] == 300000


if __name__ == "__main__":
    try:
        zt.main(globals())
    finally:
        zc.cleanup()
