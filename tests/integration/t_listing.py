#!/usr/bin/env python3
"""Directory listings: LIST, NLST, MLSD, MLST (RFC 959, RFC 3659) over
names with spaces and UTF-8, empty and large directories."""
import calendar
import ftplib
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

NAMES = ["plain.txt", "with space.txt", "\u00fcn\u00efc\u00f6d\u00e9.txt"]


def populate(srv):
    for i, n in enumerate(NAMES):
        zt.make_file(srv.path(n), 1000 + i, seed=i)
    os.mkdir(srv.path("sub"), 0o755)
    os.mkdir(srv.path("empty"), 0o755)
    zt.make_file(srv.path("sub", "inner.bin"), 4096, seed=9)
    old = calendar.timegm((2001, 2, 3, 4, 5, 6, 0, 0, 0))
    os.utime(srv.path("plain.txt"), (old, old))


def parse_facts(s):
    facts, _, name = s.partition(" ")
    d = {}
    for f in facts.split(";"):
        if "=" in f:
            k, v = f.split("=", 1)
            d[k.lower()] = v
    return name, d


def check_facts(srv, name, facts, rel=""):
    st = os.stat(srv.path(rel, name))
    typ = facts.get("type", "").lower()
    if os.path.isdir(srv.path(rel, name)):
        assert typ in ("dir", "cdir", "pdir"), (name, facts)
    else:
        assert typ == "file", (name, facts)
        assert int(facts["size"]) == st.st_size, (name, facts, st.st_size)
    want = time.strftime("%Y%m%d%H%M%S", time.gmtime(st.st_mtime))
    assert facts["modify"][:14] == want, (name, facts["modify"], want)
    assert "perm" in facts and "unique" in facts, facts
    assert int(facts["unix.mode"], 8) == st.st_mode & 0o7777, (name, facts)


def test_list_nlst():
    with zt.start_server() as srv:
        populate(srv)
        f = srv.ftp()
        names = f.nlst()
        for n in NAMES + ["sub", "empty"]:
            assert n in names, (n, names)
        lines = []
        f.retrlines("LIST", lines.append)
        print("\n".join(lines))
        for n in NAMES + ["sub", "empty"]:
            match = [l for l in lines if l.endswith(" " + n)]
            assert len(match) == 1, (n, lines)
            l = match[0]
            assert l[0] == ("d" if n in ("sub", "empty") else "-"), l
            if n in NAMES:
                assert str(os.path.getsize(srv.path(n))) in l.split(), l
        assert not any(l.startswith("total") and "inner" in l for l in lines)
        # LIST with ls-style options (lftp, curl and browsers send them)
        la = []
        f.retrlines("LIST -la", la.append)
        assert any(l.endswith(" plain.txt") for l in la), la
        # LIST of a single file, of a subdirectory
        one = []
        f.retrlines("LIST plain.txt", one.append)
        assert len(one) == 1 and one[0].endswith("plain.txt"), one
        sub = []
        f.retrlines("LIST sub", sub.append)
        assert any(l.endswith(" inner.bin") for l in sub), sub
        subn = f.nlst("sub")
        assert [os.path.basename(x) for x in subn] == ["inner.bin"], subn
        assert f.nlst("empty") == [], f.nlst("empty")
        f.quit()


def test_list_missing_path():
    with zt.start_server() as srv:
        f = srv.ftp()
        for cmd in ("LIST nosuchdir", "NLST nosuchdir", "MLSD nosuchdir"):
            try:
                f.retrlines(cmd, lambda l: None)
            except (ftplib.error_perm, ftplib.error_temp) as e:
                assert str(e)[:3] in ("450", "550", "501"), (cmd, e)
            else:
                raise AssertionError("%s succeeded" % cmd)
        f.voidcmd("NOOP")    # the session survives
        f.quit()


def test_mlsd_facts():
    with zt.start_server() as srv:
        populate(srv)
        f = srv.ftp()
        seen = {}
        for name, facts in f.mlsd(facts=["type", "size", "modify", "perm",
                                         "unique", "unix.mode"]):
            seen[name] = {k.lower(): v for k, v in facts.items()}
        print(seen)
        for n in NAMES + ["sub", "empty"]:
            assert n in seen, (n, seen)
            check_facts(srv, n, seen[n])
        assert seen["plain.txt"]["modify"][:14] == "20010203040506", seen
        uniq = [seen[n]["unique"] for n in NAMES + ["sub", "empty"]]
        assert len(set(uniq)) == len(uniq), uniq
        assert seen["plain.txt"].get("perm", "") and "r" in seen["plain.txt"]["perm"]
        sub = dict(f.mlsd("sub"))
        assert "inner.bin" in sub, sub
        f.quit()


def test_mlst():
    with zt.start_server() as srv:
        populate(srv)
        r = srv.login()
        for target, rel in (("plain.txt", ""), ("sub/inner.bin", ""),
                            ("with space.txt", "")):
            rep = r.expect("MLST " + target, (250,))
            assert len(rep.lines) >= 3, rep
            body = [l for l in rep.lines[1:-1] if l.startswith(" ")]
            assert len(body) == 1, rep
            name, facts = parse_facts(body[0][1:])
            assert name.rstrip("/").endswith(os.path.basename(target)), (name, target)
            check_facts(srv, os.path.basename(target), facts,
                        os.path.dirname(target))
        rep = r.expect("MLST", (250,))     # no argument: the cwd
        r.expect("MLST nosuchfile", (550,))
        r.close()


def test_large_directory():
    with zt.start_server() as srv:
        os.mkdir(srv.path("many"), 0o755)
        n = 3000
        for i in range(n):
            with open(srv.path("many", "file-%05d-with-a-longish-name.dat" % i), "w"):
                pass
        f = srv.ftp()
        names = f.nlst("many")
        assert len(names) == n, len(names)
        lines = []
        f.retrlines("LIST many", lines.append)
        assert len([l for l in lines if l.endswith(".dat")]) == n, len(lines)
        ml = [x for x, fa in f.mlsd("many") if fa.get("type") == "file"]
        assert len(ml) == n, len(ml)
        f.quit()


if __name__ == "__main__":
    zt.main(globals())
