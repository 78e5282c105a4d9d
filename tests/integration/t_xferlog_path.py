#!/usr/bin/env python3
"""The transfer log: wu-ftpd xferlog fields plus zcftpd's I/O path as the
last field: binary RETR -> sendfile, binary STOR -> splice, TYPE A ->
ascii-copy."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

SIZE = 3 * zt.MiB + 17


def test_paths_and_fields():
    with zt.start_server(users={"w": "xfer-pw"}) as srv:
        zt.make_file(srv.path("down.bin"), SIZE, seed=1)
        data = open(srv.path("down.bin"), "rb").read()
        t0 = time.time()
        r = srv.login("anonymous", "guest@example.org")
        r.expect("TYPE I", (200,))
        assert r.retr("down.bin") == data
        r.close()
        w = srv.login("w")
        w.expect("TYPE I", (200,))
        w.stor("up.bin", data)
        w.expect("TYPE A", (200,))
        w.stor("up.txt", b"a\r\nb\r\n")
        w.close()
        assert zt.wait_for(lambda: len(srv.xferlog_lines()) >= 3, 5)
        recs = srv.xferlog_lines()
        for x in recs:
            print(x["line"])
        assert len(recs) == 3, recs
        down, up, asc = recs
        for x in recs:
            assert x["host"] == "127.0.0.1", x
            assert x["service"] == "ftp", x
            assert x["status"] == "c", x
            assert x["special_action"] == "_", x
            ts = time.mktime(time.strptime(x["date"], "%a %b %d %H:%M:%S %Y"))
            assert abs(ts - t0) < 120, (x["date"], t0)
            assert int(x["seconds"]) >= 0
        assert down["filename"].endswith("/down.bin"), down
        assert (down["size"], down["transfer_type"], down["direction"],
                down["iopath"]) == (SIZE, "b", "o", "sendfile"), down
        assert down["access_mode"] in ("a", "g"), down
        assert up["filename"].endswith("/up.bin"), up
        assert (up["size"], up["transfer_type"], up["direction"],
                up["iopath"]) == (SIZE, "b", "i", "splice"), up
        assert up["access_mode"] in ("r", "g") and up["username"] == "w", up
        assert (asc["transfer_type"], asc["direction"], asc["iopath"]) == \
            ("a", "i", "ascii-copy"), asc


if __name__ == "__main__":
    zt.main(globals())
