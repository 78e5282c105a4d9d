/*
 * tls_bench.c - server-side CPU of the engine's TLS paths, to size the
 * user-space buffers and to compare kTLS with user-space TLS (run it on
 * the host and inside the kTLS VM). Not part of `make check`:
 *
 *   make tests/ktls/tls_bench
 *   tests/ktls/tls_bench [-d send|recv] [-v 1.2|1.3] [-m MiB] [-b KiB]
 *                        [-k 0|1] [-f file] [-o outfile]
 *
 * The "server" (this process) runs xfer_send_file / xfer_recv_file on a
 * loopback TLS connection; a forked client decrypts (send) or encrypts
 * (recv) in user space. Prints the path, throughput and the server's
 * user+system CPU seconds per GiB (getrusage of this process only).
 * -b sets xfer_opts.copy_buf (0 = the engine's default); -k 0 turns kTLS
 * off on the server; -o is where recv writes (default /dev/null).
 */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "net.h"
#include "sys.h"
#include "tls.h"
#include "transfer.h"

#define BENCH_IO (256u << 10)
#define BENCH_TIMEOUT_MS 60000

struct bench {
	int send, version, ktls;
	size_t mib, buf_kib;
	const char *file, *out;
	char cert[64], key[64];
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "tls_bench: %s: %s\n", what, why);
	exit(1);
}

/* A throw-away self-signed EC certificate: nothing verifies it. */
static void make_cert(struct bench *b)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	if (!k || !x)
		die("certificate", "out of memory");
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"bench", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_sign(x, k, EVP_sha256());
	snprintf(b->cert, sizeof(b->cert), "/tmp/tls_bench.%d.crt", (int)getpid());
	snprintf(b->key, sizeof(b->key), "/tmp/tls_bench.%d.key", (int)getpid());
	FILE *fc = fopen(b->cert, "w"), *fk = fopen(b->key, "w");
	if (!fc || !fk || !PEM_write_X509(fc, x) ||
	    !PEM_write_PrivateKey(fk, k, NULL, NULL, 0, NULL, NULL))
		die("certificate", strerror(errno));
	fclose(fc);
	fclose(fk);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* The file to send, filled once with non-repeating bytes (page cache). */
static int data_file(const struct bench *b)
{
	struct stat st;
	off_t want = (off_t)b->mib << 20;
	int fd = open(b->file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) < 0)
		die(b->file, strerror(errno));
	if (st.st_size == want)
		return fd;
	char *blk = malloc(BENCH_IO);
	uint32_t x = 2463534242u;
	if (!blk || ftruncate(fd, 0) < 0)
		die(b->file, "cannot prepare");
	for (off_t off = 0; off < want; off += BENCH_IO) {
		for (size_t i = 0; i < BENCH_IO; i += 4) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			memcpy(blk + i, &x, 4);
		}
		if (sys_write_all(fd, blk, BENCH_IO) < 0)
			die(b->file, "write failed");
	}
	free(blk);
	return fd;
}

static void client(const struct bench *b, int fd)
{
	struct tls_config c;
	char err[256];
	tls_config_init(&c);
	c.min_version = c.max_version = b->version;
	c.ktls = 0;
	SSL_CTX *ctx = tls_client_ctx(&c, err, sizeof(err));
	SSL *s = ctx ? tls_connect(ctx, fd, NULL, NULL, BENCH_TIMEOUT_MS, err, sizeof(err)) : NULL;
	if (!s)
		die("client", err);
	char *buf = calloc(1, BENCH_IO);
	if (!buf)
		die("client", "out of memory");
	if (b->send) {
		while (tls_read(s, buf, BENCH_IO, BENCH_TIMEOUT_MS) > 0)
			;
	} else {
		for (size_t left = b->mib << 20; left > 0; left -= BENCH_IO)
			if (tls_write_all(s, buf, BENCH_IO, BENCH_TIMEOUT_MS) < 0)
				die("client", "write failed");
	}
	(void)tls_shutdown(s, 5000);
	_exit(0);
}

static double cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void serve(const struct bench *b, SSL_CTX *ctx, int fd, int file)
{
	char err[256];
	struct xfer_opts o;
	struct xfer_result r;
	SSL *s = tls_accept(ctx, fd, BENCH_TIMEOUT_MS, err, sizeof(err));
	if (!s)
		die("server", err);
	xfer_opts_init(&o);
	o.tls = s;
	o.timeout_ms = BENCH_TIMEOUT_MS;
	o.copy_buf = b->buf_kib << 10;
	double c0 = cpu_s();
	long long t0 = sys_now_ms();
	int rc = b->send ? xfer_send_file(file, 0, fd, &o, &r) : xfer_recv_file(fd, file, &o, &r);
	long long ms = sys_now_ms() - t0;
	double cpu = cpu_s() - c0;
	(void)tls_shutdown(s, 5000);
	if (rc < 0)
		die("transfer", strerror(-rc));
	double gib = (double)r.bytes / (1u << 30);
	printf("%s %s %s buf=%zuK: %.0f MiB in %lld ms = %.0f MiB/s, server CPU %.3f s/GiB\n",
	       b->send ? "send" : "recv", tls_version_name(s), xfer_path_name(r.path),
	       b->buf_kib, (double)r.bytes / (1 << 20), ms,
	       ms ? (double)r.bytes / (1 << 20) * 1000 / (double)ms : 0, gib > 0 ? cpu / gib : 0);
	tls_free(s);
}

static void parse(struct bench *b, int argc, char **argv)
{
	int opt;
	*b = (struct bench){ .send = 1, .version = TLS1_3_VERSION, .ktls = 1, .mib = 1024,
			     .file = "/tmp/tls_bench.dat", .out = "/dev/null" };
	while ((opt = getopt(argc, argv, "d:v:m:b:k:f:o:")) != -1) {
		switch (opt) {
		case 'd': b->send = strcmp(optarg, "recv") != 0; break;
		case 'v': b->version = tls_version_from_name(optarg); break;
		case 'm': b->mib = strtoul(optarg, NULL, 10); break;
		case 'b': b->buf_kib = strtoul(optarg, NULL, 10); break;
		case 'k': b->ktls = atoi(optarg); break;
		case 'f': b->file = optarg; break;
		case 'o': b->out = optarg; break;
		default: die("usage", "see the comment at the top of tls_bench.c");
		}
	}
	if (!b->version || !b->mib)
		die("usage", "bad -v or -m");
}

int main(int argc, char **argv)
{
	struct bench b;
	struct tls_config c;
	char err[256];
	int a, z;
	parse(&b, argc, argv);
	signal(SIGPIPE, SIG_IGN);
	make_cert(&b);
	tls_config_init(&c);
	c.cert_file = b.cert;
	c.key_file = b.key;
	c.ktls = b.ktls;
	SSL_CTX *ctx = tls_server_ctx(&c, err, sizeof(err));
	unlink(b.cert);
	unlink(b.key);
	if (!ctx)
		die("server ctx", err);
	int file = b.send ? data_file(&b)
			  : open(b.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int l = net_listen("127.0.0.1", 0, 1);
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	if (file < 0 || l < 0 || net_local_addr(l, &ss, &len) < 0)
		die("setup", strerror(errno));
	pid_t pid = fork();
	if (pid == 0) {
		z = net_connect_timeout((struct sockaddr *)&ss, len, NULL, 0, BENCH_TIMEOUT_MS);
		if (z < 0)
			die("connect", strerror(-z));
		client(&b, z);
	}
	a = net_accept_timeout(l, BENCH_TIMEOUT_MS, NULL, NULL);
	if (pid < 0 || a < 0)
		die("accept", strerror(a < 0 ? -a : errno));
	serve(&b, ctx, a, file);
	close(a);
	waitpid(pid, NULL, 0);
	SSL_CTX_free(ctx);
	return 0;
}
