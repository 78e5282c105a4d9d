#!/usr/bin/env python3
"""Byte-identical transfers both ways in binary type: 0 B, 1 B, 1 MiB and
200 MiB, downloaded by anonymous and uploaded by a virtual user (ftplib,
passive mode), checked with sha256 and SIZE."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

SIZES = [0, 1, zt.MiB, 200 * zt.MiB]
USERS = {"up": "upload-pw"}


def test_download_upload_sizes():
    with zt.start_server(users=USERS) as srv:
        src = {}
        for i, size in enumerate(SIZES):
            src[size] = zt.make_file(srv.path("f%d.bin" % size), size, seed=i)
        f = srv.ftp(timeout=zt.BIG_TIMEOUT)
        f.voidcmd("TYPE I")
        local = os.path.join(srv.tmp, "download.bin")
        for size in SIZES:
            assert f.size("f%d.bin" % size) == size
            with open(local, "wb") as out:
                f.retrbinary("RETR f%d.bin" % size, out.write, blocksize=zt.MiB)
            assert os.path.getsize(local) == size, (size, os.path.getsize(local))
            assert zt.sha256_file(local) == src[size], "RETR %d differs" % size
            print("RETR %d ok" % size)
        f.quit()
        os.unlink(local)
        u = srv.ftp("up", "upload-pw", timeout=zt.BIG_TIMEOUT)
        for size in SIZES:
            with open(srv.path("f%d.bin" % size), "rb") as fh:
                u.storbinary("STOR u%d.bin" % size, fh, blocksize=zt.MiB)
            dst = os.path.join(srv.home("up"), "u%d.bin" % size)
            assert os.path.getsize(dst) == size, (size, os.path.getsize(dst))
            assert zt.sha256_file(dst) == src[size], "STOR %d differs" % size
            assert u.size("u%d.bin" % size) == size
            os.unlink(dst)
            print("STOR %d ok" % size)
        # Overwrite: a shorter upload truncates the old file.
        with open(srv.path("f%d.bin" % zt.MiB), "rb") as fh:
            u.storbinary("STOR over.bin", fh)
        with open(srv.path("f1.bin"), "rb") as fh:
            u.storbinary("STOR over.bin", fh)
        assert os.path.getsize(os.path.join(srv.home("up"), "over.bin")) == 1
        u.quit()


if __name__ == "__main__":
    zt.main(globals())
