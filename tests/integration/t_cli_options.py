#!/usr/bin/env python3
"""Command-line overrides -p PORT, -l ADDR and -r DIR over a minimal
config serve that root on that port; SIGTERM stops the master cleanly."""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zctest as zt


def test_options_without_config():
    with tempfile.TemporaryDirectory(prefix="zcftpd-cli-") as d:
        os.chmod(d, 0o755)
        with open(os.path.join(d, "hello.txt"), "w") as f:
            f.write("hi\n")
        os.chmod(os.path.join(d, "hello.txt"), 0o644)
        port = zt.free_port()
        log = open(os.path.join(d, "..", os.path.basename(d) + ".log"), "wb")
        conf = os.path.join(d + ".conf")
        # A config with nothing but what root needs (an existing account);
        # the port, address and root come from the command line.
        with open(conf, "w") as f:
            if os.geteuid() == 0:
                f.write('anonymous {\n  user = "nobody"\n}\n')
            f.write('log {\n  xferlog = "-"\n}\n')
        p = subprocess.Popen([zt.ZCFTPD, "-f", "-c", conf, "-p", str(port),
                              "-l", "127.0.0.1", "-r", d],
                             stdout=log, stderr=subprocess.STDOUT)
        try:
            ok = zt.wait_for(lambda: _banner(port), zt.TIMEOUT)
            assert ok, "no banner on -p %d" % port
            f = zt.ftplib.FTP()
            f.connect("127.0.0.1", port, timeout=zt.TIMEOUT)
            f.login()
            assert f.nlst() == ["hello.txt"], f.nlst()
            f.quit()
            p.send_signal(signal.SIGTERM)
            assert p.wait(5 * zt.SLOW) in (0, -signal.SIGTERM), p.returncode
        finally:
            if p.poll() is None:
                p.kill()
                p.wait(5)
            log.close()
            with open(log.name, "rb") as fh:
                print(fh.read().decode("utf-8", "replace")[-3000:])
            os.unlink(log.name)
            os.unlink(conf)


def _banner(port):
    try:
        r = zt.Raw(port, timeout=1)
    except OSError:
        return False
    try:
        return r.reply().code == 220
    except Exception:    # noqa: BLE001
        return False
    finally:
        r.close()



if __name__ == "__main__":
    zt.main(globals())
