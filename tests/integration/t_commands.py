#!/usr/bin/env python3
"""Command coverage: SYST, STAT, HELP, NOOP, MODE, STRU, TYPE, ALLO,
SIZE, MDTM, MFMT, OPTS UTF8, HASH/OPTS HASH/RANG (draft-bryan-ftpext-hash,
draft-bryan-ftp-range), SITE, MKD, RMD, DELE, STOU, REIN, pipelining, and
the error replies (500/502 unknown, 501 bad arguments, 503 bad sequence,
530 before login, 550 anonymous write). FEAT, renames and configured
anonymous uploads have their own scripts (t_feat, t_rename, t_anon_upload)."""
import calendar
import hashlib
import os
import re
import sys
import time
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

USERS = {"w": "cmd-pw"}
FEATURES = {
    "EPRT": None, "EPSV": None, "MDTM": None, "MFMT": None,
    "MLST": "MLST type*;size*;modify*;perm*;unique*;UNIX.mode*;",
    "PASV": None, "REST": "REST STREAM", "SIZE": None, "TVFS": None,
    "UTF8": None, "HASH": "HASH SHA-256*;SHA-1;MD5;CRC32",
    # RANG is accepted for HASH ranges only; RETR does not honour it, so
    # FEAT must not advertise "RANG STREAM" (draft-bryan-ftp-range).
}
DATA = bytes(range(256)) * 40 + b"tail"


def server(**kw):
    srv = zt.start_server(users=USERS, **kw)
    with open(srv.path("f.bin"), "wb") as f:
        f.write(DATA)
    os.mkdir(srv.path("sub"), 0o755)
    with open(os.path.join(srv.home("w"), "f.bin"), "wb") as f:
        f.write(DATA)
    srv.give(os.path.join(srv.home("w"), "f.bin"))
    return srv


def feat(r):
    rep = r.expect("FEAT", (211,))
    assert rep.lines[0].startswith("211-") and rep.last.startswith("211 "), rep
    body = [l for l in rep.lines[1:-1]]
    assert all(l.startswith(" ") for l in body), rep    # RFC 2389 3.2
    return {l.strip().split(" ", 1)[0].upper(): l.strip() for l in body}


def test_info_commands():
    with server() as srv:
        r = srv.login()
        r.expect("NOOP", (200,))
        rep = r.expect("SYST", (215,))
        assert rep.last.startswith("215 UNIX"), rep
        rep = r.expect("STAT", (211,))
        assert len(rep.lines) >= 2, rep
        rep = r.expect("STAT f.bin", (211, 212, 213))
        assert "f.bin" in rep.text, rep
        rep = r.expect("STAT sub", (211, 212, 213))
        rep = r.expect("HELP", (214,))
        for verb in ("RETR", "STOR", "EPSV", "MLSD", "HASH"):
            assert verb in rep.text, (verb, rep)
        r.expect("HELP RETR", (214,))
        rep = r.expect("SITE HELP", (214,))
        assert "CHMOD" in rep.text.upper(), rep
        r.expect("OPTS UTF8 ON", (200,))
        r.expect("ALLO 1000", (200, 202))
        r.close()


def test_mode_stru_type():
    with server() as srv:
        r = srv.login()
        r.expect("MODE S", (200,))
        r.expect("MODE B", (504,))
        r.expect("MODE C", (504,))
        r.expect("STRU F", (200,))
        r.expect("STRU R", (504,))
        r.expect("STRU P", (504,))
        r.expect("TYPE A", (200,))
        r.expect("TYPE A N", (200,))
        r.expect("TYPE L 8", (200,))
        r.expect("TYPE I", (200,))
        r.expect("TYPE E", (504,))
        r.expect("TYPE Q", (501, 504))
        r.expect("TYPE L 7", (504, 501))
        r.expect("TYPE I", (200,))
        assert r.retr("f.bin") == DATA
        r.close()


def test_size_mdtm_mfmt():
    with server() as srv:
        when = calendar.timegm((2011, 12, 13, 14, 15, 16, 0, 0, 0))
        os.utime(srv.path("f.bin"), (when, when))
        r = srv.login()
        r.expect("TYPE I", (200,))
        rep = r.expect("SIZE f.bin", (213,))
        assert rep.last == "213 %d" % len(DATA), rep
        r.expect("SIZE sub", (550,))
        r.expect("SIZE nosuch", (550,))
        rep = r.expect("MDTM f.bin", (213,))
        assert rep.last[:18] == "213 20111213141516", rep
        r.expect("MDTM nosuch", (550,))
        r.expect("MFMT 20200102030405 f.bin", (550,))   # anonymous
        r.close()
        w = srv.login("w")
        rep = w.expect("MFMT 20200102030405 f.bin", (213,))
        assert "Modify=20200102030405" in rep.last, rep
        st = os.stat(os.path.join(srv.home("w"), "f.bin"))
        assert int(st.st_mtime) == calendar.timegm((2020, 1, 2, 3, 4, 5, 0, 0, 0)), st
        w.expect("MFMT 2020 f.bin", (501,))
        w.expect("MFMT 20200102030405 nosuch", (550,))
        w.close()


def hash_of(algo, data):
    if algo == "CRC32":
        return "%08x" % (zlib.crc32(data) & 0xffffffff)
    return hashlib.new({"SHA-256": "sha256", "SHA-1": "sha1", "MD5": "md5"}[algo],
                       data).hexdigest()


def check_hash(rep, algo, start, end, data, name="f.bin"):
    # 213 <algo> <start>-<end> <hash> <path>; as in RANG the end point is
    # inclusive, so a whole file is 0-(size-1).
    m = re.match(r"^213 (\S+) (\d+)-(\d+) ([0-9A-Fa-f]+) (.+)$", rep.last)
    assert m, rep
    assert m.group(1).upper() == algo, (rep, algo)
    assert (int(m.group(2)), int(m.group(3))) == (start, end), (rep, start, end)
    assert m.group(4).lower() == hash_of(algo, data), (rep, algo)
    assert m.group(5).endswith(name), rep


def test_hash_and_rang():
    with server() as srv:
        r = srv.login()
        check_hash(r.expect("HASH f.bin", (213,)), "SHA-256", 0, len(DATA) - 1, DATA)
        rep = r.expect("OPTS HASH", (200,))
        assert "SHA-256" in rep.last.upper(), rep
        for algo in ("SHA-1", "MD5", "CRC32", "SHA-256"):
            r.expect("OPTS HASH " + algo, (200,))
            check_hash(r.expect("HASH f.bin", (213,)), algo, 0, len(DATA) - 1, DATA)
            got = feat(r)
            assert "%s*" % algo in got["HASH"], got["HASH"]
        r.expect("OPTS HASH WHIRLPOOL", (501, 504))
        # RANG start end (end inclusive, draft-bryan-ftp-range 3.2) for HASH.
        r.expect("RANG 10 99", (350,))
        check_hash(r.expect("HASH f.bin", (213,)), "SHA-256", 10, 99, DATA[10:100])
        check_hash(r.expect("HASH f.bin", (213,)), "SHA-256", 0, len(DATA) - 1, DATA)
        r.expect("RANG 100 199", (350,))
        r.expect("RANG 1 0", (350,))        # the draft's reset form
        check_hash(r.expect("HASH f.bin", (213,)), "SHA-256", 0, len(DATA) - 1, DATA)
        r.expect("RANG 5 2", (501, 556))
        r.expect("RANG x y", (501,))
        r.expect("HASH nosuch", (550,))
        r.expect("HASH sub", (550, 553))
        r.close()


def test_fs_commands():
    with server() as srv:
        home = srv.home("w")
        w = srv.login("w")
        rep = w.expect("MKD newdir", (257,))
        assert '"/newdir"' in rep.last, rep
        assert os.path.isdir(os.path.join(home, "newdir"))
        w.expect("MKD newdir", (550, 521))
        w.expect("CWD newdir", (250,))
        assert w.expect("PWD", (257,)).last.startswith('257 "/newdir"')
        w.expect("CDUP", (200, 250))
        assert w.expect("PWD", (257,)).last.startswith('257 "/"')
        w.expect("CWD nosuch", (550,))
        w.expect("CWD f.bin", (550,))
        w.expect("TYPE I", (200,))
        w.stor("newdir/x.bin", b"x")
        w.expect("RMD newdir", (550,))              # not empty
        w.expect("DELE newdir", (550,))             # a directory
        w.expect("DELE newdir/x.bin", (250,))
        w.expect("RMD newdir", (250,))
        assert not os.path.exists(os.path.join(home, "newdir"))
        w.expect("DELE nosuch", (550,))
        w.expect("RNTO h.bin", (503,))              # RNTO without RNFR
        rep = w.expect("SITE CHMOD 600 f.bin", (200,))
        assert os.stat(os.path.join(home, "f.bin")).st_mode & 0o777 == 0o600
        w.expect("SITE CHMOD 99999 f.bin", (501, 550))
        w.expect("SITE CHMOD 644 nosuch", (550,))
        rep = w.cmd("SITE NOSUCHSITE")
        assert rep.code in (500, 501, 502, 504), rep
        # STOU: a fresh unique name each time (RFC 959 4.1.3, RFC 1123 4.1.2.9)
        names = []
        for payload in (b"one", b"two"):
            r1, r2 = w.stor(None, payload, cmd="STOU")
            m = re.search(r"FILE: (\S+)", r1.text + "\n" + r2.text)
            assert m, (r1, r2)
            name = m.group(1).lstrip("/")
            names.append(name)
            assert open(os.path.join(home, name), "rb").read() == payload
        assert names[0] != names[1], names
        w.close()


def test_rein():
    """REIN (RFC 959 4.1.1): either a fresh login (220) or, where a
    privilege-separated session cannot go back, 502 and the session
    carries on unchanged."""
    with server() as srv:
        r = srv.login()
        rep = r.expect("REIN", (220, 502))
        if rep.code == 220:
            r.expect("PWD", (530,))
            r.expect("USER w", (331,))
            r.expect("PASS cmd-pw", (230,))
            r.expect("STOR", (501,))
        else:
            r.expect("PWD", (257,))
        r.expect("NOOP", (200,))
        r.close()


def test_pipelined():
    with server() as srv:
        r = srv.login()
        r.send(b"NOOP\r\nSYST\r\nPWD\r\nTYPE I\r\nSIZE f.bin\r\nXYZZY\r\nCWD sub\r\nPWD\r\n")
        codes = [r.reply().code for _ in range(8)]
        assert codes[:5] == [200, 215, 257, 200, 213], codes
        assert codes[5] in (500, 502), codes
        assert codes[6:] == [250, 257], codes
        # Pipelined with a transfer in the middle.
        get = r.open_data("pasv")
        r.send(b"RETR /f.bin\r\nNOOP\r\n")
        zt.check_code(r.reply(), (125, 150), "RETR")
        ds = get()
        got = b""
        while True:
            c = ds.recv(65536)
            if not c:
                break
            got += c
        ds.close()
        assert got == DATA
        assert [r.reply().code, r.reply().code] == [226, 200]
        r.close()


def test_errors():
    with server() as srv:
        r = srv.raw()
        r.banner()
        for line in ("PWD", "LIST", "RETR f.bin", "CWD /", "SIZE f.bin",
                     "MKD x", "PASV", "STOR x", "HASH f.bin"):
            r.expect(line, (530,))
        r.expect("XYZZY", (500, 502))
        r.close()
        r = srv.login()
        r.expect("XYZZY plugh", (500, 502))
        r.expect("ACCT foo", (202, 500, 502))
        for line in ("SIZE", "MDTM", "RNFR", "MKD", "RMD", "DELE", "REST",
                     "TYPE", "MODE", "STRU", "MFMT", "SITE CHMOD", "OPTS"):
            r.expect(line, (501,))
        r.expect("RNTO x", (503,))
        r.expect("STOR up.bin", (550, 553, 532, 425))
        r.expect("MKD d", (550,))
        r.expect("DELE f.bin", (550,))
        r.expect("NOOP", (200,))
        r.close()


if __name__ == "__main__":
    zt.main(globals())
