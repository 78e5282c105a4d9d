"""ftps_helpers - shared pieces of the FTPS integration tests (t_ftps_*).

make_certs(dir)      a throw-away PKI made with the openssl command: a root
                     CA, an intermediate CA and a leaf for 127.0.0.1 /
                     localhost; the server gets leaf + intermediate (a
                     chain), clients trust only the root. Keys live in the
                     server's temp dir and go away with it.
start_tls_server(tls={...}, implicit=False, **kw)
                     zctest.Server with a tls section (enable, cert_file,
                     key_file, plus the given options); srv.ca is the root
                     CA file, srv.implicit_port the implicit-TLS port (or
                     None). Use as a context manager, like zt.start_server.
FTPS                 ftplib.FTP_TLS whose data connections resume the
                     control connection's TLS session (RFC 4217 section 10;
                     stock ftplib does a full handshake each time);
                     reuse=False gives the stock behaviour.
implicit_ftp(srv)    an FTPS logged-in over the implicit-TLS port.
assert_tls_iopath(recs)  every xferlog record took a TLS path.
latency_report(what, times)  print median / p95 / max; returns the median.
"""

import contextlib
import ftplib
import os
import shutil
import socket
import ssl
import statistics
import subprocess

import zctest as zt

# The I/O paths the server logs for PROT P transfers (last xferlog field):
# tls-copy is the user-space path; the ktls-* ones need the kernel's tls
# module (see protocol/transfer_tls.c).
TLS_IOPATHS = ("tls-copy", "ktls-sendfile", "ktls-splice")

_OPENSSL_TIMEOUT = 30 * zt.SLOW


def _openssl(*args, cwd=None):
    p = subprocess.run(["openssl"] + list(args), cwd=cwd,
                       capture_output=True, timeout=_OPENSSL_TIMEOUT)
    if p.returncode != 0:
        raise RuntimeError("openssl %s failed: %s"
                           % (" ".join(args), p.stderr.decode(errors="replace")))
    return p.stdout


def _ext(d, name, text):
    path = os.path.join(d, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def _key(d, name):
    path = os.path.join(d, name)
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-out", path)
    os.chmod(path, 0o600)
    return path


def _sign(d, name, subj, key, ca_cert, ca_key, ext):
    csr = os.path.join(d, name + ".csr")
    crt = os.path.join(d, name + ".pem")
    _openssl("req", "-new", "-key", key, "-subj", subj, "-out", csr)
    _openssl("x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
             "-CAcreateserial", "-days", "2", "-sha256",
             "-extfile", ext, "-out", crt)
    os.unlink(csr)
    return crt


def make_certs(d):
    """Root CA -> intermediate CA -> leaf (EC P-256) under d/pki.
    Returns {"ca": root cert, "cert": leaf + intermediate, "key": leaf
    key}. The directory is world-readable and the key 0600: the server
    reads both at start-up, before it drops privileges."""
    d = os.path.join(d, "pki")
    os.makedirs(d, mode=0o755, exist_ok=True)
    ca_ext = _ext(d, "ca.ext", "basicConstraints=critical,CA:TRUE\n"
                  "keyUsage=critical,keyCertSign,cRLSign\n"
                  "subjectKeyIdentifier=hash\n")
    leaf_ext = _ext(d, "leaf.ext", "basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\n")
    root_key = _key(d, "root.key")
    root = os.path.join(d, "root.pem")
    _openssl("req", "-x509", "-new", "-key", root_key, "-subj",
             "/CN=zcftpd test root CA", "-days", "2", "-sha256",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", root)
    mid_key = _key(d, "mid.key")
    mid = _sign(d, "mid", "/CN=zcftpd test intermediate CA", mid_key,
                root, root_key, ca_ext)
    leaf_key = _key(d, "leaf.key")
    leaf = _sign(d, "leaf", "/CN=localhost", leaf_key, mid, mid_key, leaf_ext)
    chain = os.path.join(d, "chain.pem")
    with open(chain, "w") as out:
        for part in (leaf, mid):
            with open(part) as f:
                out.write(f.read())
    for p in os.listdir(d):
        if p.endswith(".pem"):
            os.chmod(os.path.join(d, p), 0o644)
    return {"ca": root, "cert": chain, "key": leaf_key}


def start_tls_server(tls=None, implicit=False, **kw):
    """Start zcftpd with FTPS enabled (a fresh PKI in its temp dir).
    tls: extra options of the tls section. implicit: also the implicit
    FTPS listener on a free port (srv.implicit_port). Skips the test
    when the openssl command is missing."""
    need("openssl")
    srv = zt.Server(**{k: kw.pop(k) for k in list(kw)
                       if k in ("config_extra", "users", "root", "anon_upload",
                                "anon_mkdir", "conf", "ipv6", "writable")})
    assert not kw, "unknown arguments %r" % kw
    try:
        pki = make_certs(srv.tmp)
        opts = {"enable": True, "cert_file": pki["cert"],
                "key_file": pki["key"]}
        srv.implicit_port = None
        if implicit:
            srv.implicit_port = zt.free_port(srv.hosts)
            opts.update(implicit=True, implicit_port=srv.implicit_port)
        opts.update(tls or {})
        srv.sections["tls"] = opts
        srv.ca = pki["ca"]
        srv.start()
    except Exception:
        srv.dump_log()
        with contextlib.suppress(Exception):
            srv.stop()
        srv.cleanup()
        raise
    return srv


def client_context(ca=None, minv=None, maxv=None):
    """Client SSLContext: verify against ca if given, else no checks."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if ca:
        ctx.load_verify_locations(ca)
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if minv:
        ctx.minimum_version = minv
    if maxv:
        ctx.maximum_version = maxv
    return ctx


class FTPS(ftplib.FTP_TLS):
    """FTP_TLS whose data connections resume the control session (as
    curl, lftp and FileZilla do) unless reuse is False. RFC 4217 section
    10 and vsftpd's require_ssl_reuse: servers may insist on it."""

    reuse = True

    def ntransfercmd(self, cmd, rest=None):
        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)
        if self._prot_p:
            session = None
            if self.reuse:
                session = self.sock.session or getattr(self, "ccc_session", None)
            conn = self.context.wrap_socket(conn, server_hostname=self.host,
                                            session=session)
        return conn, size

    def ccc(self):
        # After CCC the control socket has no TLS session left to offer;
        # data connections go on resuming the one it had.
        self.ccc_session = self.sock.session
        return super().ccc()


def ftps(srv, user="anonymous", password=None, ca=True, prot_p=True,
         minv=None, maxv=None, timeout=zt.TIMEOUT, reuse=True):
    """An explicit-FTPS (AUTH TLS) ftplib session, logged in, PROT P."""
    if password is None:
        password = srv.users[user][0] if user in srv.users else "t@x.org"
    ctx = client_context(srv.ca if ca else None, minv, maxv)
    f = FTPS(context=ctx, timeout=timeout)
    f.reuse = reuse
    f.connect("127.0.0.1", srv.port)
    f.auth()
    f.login(user, password)
    if prot_p:
        f.prot_p()
    return f


def implicit_ftp(srv, user="anonymous", password=None, timeout=zt.TIMEOUT):
    """Logged in over the implicit-TLS listener (TLS from the first byte)."""
    if password is None:
        password = srv.users[user][0] if user in srv.users else "t@x.org"
    ctx = client_context(srv.ca)
    f = FTPS(context=ctx, timeout=timeout)
    f.host, f.port, f.timeout = "127.0.0.1", srv.implicit_port, timeout
    raw = socket.create_connection((f.host, f.port), timeout)
    f.sock = ctx.wrap_socket(raw, server_hostname=f.host)
    f.af = f.sock.family
    f.file = f.sock.makefile("r", encoding=f.encoding)
    f.welcome = f.getresp()
    f.login(user, password, secure=False)
    f._prot_p = True   # implied by the implicit port
    return f


def tls_raw(srv, ca=True, mechanism="TLS"):
    """A zctest.Raw control connection switched to TLS with AUTH."""
    r = srv.raw()
    r.banner()
    r.expect("AUTH " + mechanism, (234,))
    r.sock = client_context(srv.ca if ca else None).wrap_socket(
        r.sock, server_hostname="127.0.0.1")
    return r


def tls_retr_raw(r, path):
    """RETR path over a tls_raw connection (after PROT P): EPSV, a TLS
    data connection resuming the control session; returns the bytes."""
    r.expect("TYPE I", (200,))
    port = r.epsv()
    ds = socket.create_connection((r.host, port), r.timeout)
    zt.check_code(r.cmd("RETR " + path), (125, 150), "RETR")
    ds = r.sock.context.wrap_socket(ds, server_hostname=r.host,
                                    session=r.sock.session)
    ds.settimeout(zt.BIG_TIMEOUT)
    chunks = []
    with ds:
        for chunk in iter(lambda: ds.recv(zt.MiB), b""):
            chunks.append(chunk)
    zt.check_code(r.reply(zt.BIG_TIMEOUT), (226, 250), "RETR end")
    return b"".join(chunks)


def assert_tls_iopath(recs, n=None):
    """Every xferlog record went through a TLS path; returns the paths."""
    if n is not None:
        assert len(recs) == n, "expected %d xferlog records, got %r" % (n, recs)
    paths = [r["iopath"] for r in recs]
    for rec in recs:
        assert rec["iopath"] in TLS_IOPATHS, \
            "transfer not on a TLS path: %r" % rec["line"]
    return paths


def need(*progs):
    for p in progs:
        if shutil.which(p) is None:
            raise zt.Skip("%s not installed" % p)


def latency_report(what, times):
    """Print the distribution of per-file times (seconds); return the
    median."""
    times = sorted(times)
    med = statistics.median(times)
    p95 = times[int(0.95 * (len(times) - 1))]
    print("%s: %d files, median %.2f ms, p95 %.2f ms, max %.2f ms, total %.2f s"
          % (what, len(times), med * 1e3, p95 * 1e3, times[-1] * 1e3, sum(times)))
    return med
