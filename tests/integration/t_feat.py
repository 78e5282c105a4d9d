#!/usr/bin/env python3
"""FEAT (RFC 2389) lists exactly the features that work, in the
single-space-indented form, before and after login."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt

from t_commands import FEATURES, feat, server


def test_feat_exact():
    with server() as srv:
        r = srv.login()
        got = feat(r)
        print(got)
        assert set(got) == set(FEATURES), (sorted(got), sorted(FEATURES))
        for name, line in FEATURES.items():
            if line:
                assert got[name].lower() == line.lower(), (got[name], line)
        # Before login too (clients probe FEAT first).
        r2 = srv.raw()
        r2.banner()
        assert set(feat(r2)) == set(FEATURES)
        r2.close()
        r.close()




if __name__ == "__main__":
    zt.main(globals())
