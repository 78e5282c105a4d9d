#!/usr/bin/env python3
"""Path confinement: '..', absolute host paths and symlinks pointing out
of the root never reach a file outside it, for reads, listings, CWD and
every write operation."""
import ftplib
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

SECRET = b"TOP-SECRET-OUTSIDE-ROOT\n"


def setup(srv, home):
    """A secret file and directory beside the root, links to them inside."""
    outside = os.path.join(srv.tmp, "outside")
    os.makedirs(outside, exist_ok=True)
    os.chmod(outside, 0o755)
    secret = os.path.join(outside, "secret.txt")
    with open(secret, "wb") as f:
        f.write(SECRET)
    os.chmod(secret, 0o644)
    os.symlink(secret, os.path.join(home, "abs-link"))
    os.symlink("../outside/secret.txt", os.path.join(home, "rel-link"))
    os.symlink("../../../../../../../../" + secret, os.path.join(home, "deep-link"))
    os.symlink(outside, os.path.join(home, "dir-link"))
    os.symlink("/etc", os.path.join(home, "etc-link"))
    with open(os.path.join(home, "inside.txt"), "wb") as f:
        f.write(b"inside\n")
    return outside, secret


def bad_paths(home, secret):
    rel = os.path.relpath(secret, home)
    return ["../outside/secret.txt", "/../outside/secret.txt", rel,
            "../../../../../../../../../../" + secret.lstrip("/"),
            secret, "abs-link", "rel-link", "deep-link",
            "dir-link/secret.txt", "etc-link/passwd", "/etc/passwd",
            "../../../../../../etc/passwd", "./../outside/secret.txt",
            "sub/../../outside/secret.txt", "inside.txt/../../outside/secret.txt"]


def try_retr(f, path):
    buf = io.BytesIO()
    try:
        f.retrbinary("RETR " + path, buf.write)
    except ftplib.error_perm as e:
        assert str(e)[:3] in ("550", "553", "501"), (path, e)
    return buf.getvalue()


def test_reads_confined():
    with zt.start_server() as srv:
        outside, secret = setup(srv, srv.root)
        os.mkdir(srv.path("sub"), 0o755)
        passwd = open("/etc/passwd", "rb").read()
        f = srv.ftp()
        for p in bad_paths(srv.root, secret):
            data = try_retr(f, p)
            assert SECRET not in data and passwd[:20] not in data, (p, data[:80])
            try:
                size = f.size(p)
            except ftplib.error_perm:
                size = None
            assert size not in (len(SECRET),) or p == "inside.txt", (p, size)
        for p in ("..", "../outside", "/..", "dir-link", "etc-link", secret,
                  os.path.dirname(secret), "../../../../../.."):
            lines = []
            try:
                f.retrlines("LIST " + p, lines.append)
            except (ftplib.error_perm, ftplib.error_temp):
                pass
            # Names listed (a symlink's own target text is not a leak).
            listed = [l.split(" -> ")[0].split()[-1] for l in lines if l.split()]
            assert "secret.txt" not in listed and "passwd" not in listed, (p, lines)
            try:
                f.cwd(p)
            except ftplib.error_perm:
                pass
            pwd = f.pwd()
            names = f.nlst()
            assert "secret.txt" not in names and "passwd" not in names, (p, pwd, names)
            f.cwd("/")
        f.cwd("/")
        f.cwd("..")
        assert f.pwd() == "/", f.pwd()
        assert "inside.txt" in f.nlst()
        f.quit()


def test_writes_confined():
    with zt.start_server(users={"w": "escape-pw"}) as srv:
        home = srv.home("w")
        outside, secret = setup(srv, home)
        before = sorted(os.listdir(outside))
        tmp_before = sorted(os.listdir(srv.tmp))
        f = srv.ftp("w", "escape-pw")
        targets = ["../outside/new.txt", "/../outside/new.txt",
                   "dir-link/new.txt", os.path.join(outside, "new.txt"),
                   "../../../../../../" + outside.lstrip("/") + "/new.txt"]
        for t in targets:
            for op in ("STOR", "APPE"):
                try:
                    f.storbinary("%s %s" % (op, t), io.BytesIO(b"evil"))
                except ftplib.error_perm:
                    pass
            for fn in (lambda: f.mkd(t + ".d"), lambda: f.rmd("../outside"),
                       lambda: f.delete("../outside/secret.txt"),
                       lambda: f.delete("abs-link/"),
                       lambda: f.delete("dir-link/secret.txt"),
                       lambda: f.sendcmd("SITE CHMOD 777 ../outside/secret.txt"),
                       lambda: f.sendcmd("SITE CHMOD 777 abs-link"),
                       lambda: f.sendcmd("MFMT 20000101000000 ../outside/secret.txt"),
                       lambda: f.sendcmd("MFMT 20000101000000 rel-link")):
                try:
                    fn()
                except ftplib.error_perm:
                    pass
        # Renames out of and into the root.
        for src, dst in (("inside.txt", "../outside/moved.txt"),
                         ("inside.txt", "dir-link/moved.txt"),
                         ("../outside/secret.txt", "stolen.txt"),
                         ("dir-link/secret.txt", "stolen2.txt")):
            try:
                f.rename(src, dst)
            except ftplib.error_perm:
                pass
        f.quit()
        assert sorted(os.listdir(outside)) == before, os.listdir(outside)
        assert sorted(os.listdir(srv.tmp)) == tmp_before, os.listdir(srv.tmp)
        assert open(secret, "rb").read() == SECRET
        st = os.stat(secret)
        assert st.st_mode & 0o777 == 0o644, oct(st.st_mode)
        assert st.st_mtime > 1e9 + 1e8, st.st_mtime
        for n in ("stolen.txt", "stolen2.txt"):
            p = os.path.join(home, n)
            assert not os.path.exists(p) or open(p, "rb").read() != SECRET, n


if __name__ == "__main__":
    zt.main(globals())
