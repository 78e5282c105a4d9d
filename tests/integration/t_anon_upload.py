#!/usr/bin/env python3
"""Anonymous uploads when anonymous { upload = true }: STOR works,
MKD only with anonymous { mkdir = true }."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

from t_commands import server


def test_anonymous_upload_configured():
    with server(anon_upload=True) as srv:
        r = srv.login()
        r.expect("TYPE I", (200,))
        r.stor("drop.bin", b"dropped")
        assert open(srv.path("drop.bin"), "rb").read() == b"dropped"
        r.expect("MKD d", (550,))       # anonymous { mkdir = false }
        r.close()
    with server(anon_upload=True, anon_mkdir=True) as srv:
        r = srv.login()
        r.expect("MKD d", (257,))
        assert os.path.isdir(srv.path("d"))
        r.close()




if __name__ == "__main__":
    zt.main(globals())
