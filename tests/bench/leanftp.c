/*
 * leanftp.c - a lean FTP client for the benchmark harness (tests/bench).
 *
 * It does as little work as possible on the client side so that the
 * numbers measure the server: one reused 1 MiB receive buffer, sendfile()
 * for uploads, no listing parsing.  Standalone on purpose (no libzcftp) so
 * it can benchmark any server, including a broken zcftpd.
 *
 * With LEANFTP_TLS=1.3 (or 1.2) every session is explicit FTPS (RFC 4217:
 * AUTH TLS, PBSZ 0, PROT P) and every data connection resumes the control
 * session; downloads SSL_read into the same buffer, uploads pread a large
 * buffer and SSL_write it (leanftp_tls.c).
 *
 * Usage: LEANFTP_PASS=secret [LEANFTP_TLS=1.3] leanftp HOST PORT USER MODE ARGS...
 *   retr REMOTE [LOCAL]    download (into LOCAL if given, else discard)
 *   stor LOCAL REMOTE      upload LOCAL with sendfile()
 *   sessions N CONC        N logins (USER PASS PWD QUIT) by CONC workers
 *   smallfiles N DIR       one session, RETR DIR/f00000 .. DIR/f<N-1>
 * Prints one line of key=value results on stdout; any error aborts with a
 * message on stderr and exit status 1.  Every socket has a timeout
 * (LEANFTP_TIMEOUT seconds, default 30) so a stuck server cannot hang a run.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "leanftp.h"

#define BUF_SIZE	(1 << 20)	/* the one reused receive/send buffer */
#define REPLY_MAX_LINES	64		/* longest multi-line reply (RFC 959 4.2) */
#define MAX_CONC	256
#define MAX_COUNT	10000000

struct ctl {
	struct conn cn;
	SSL_SESSION *sess;	/* under TLS: what data connections resume */
	size_t len;		/* bytes buffered in in[] */
	char in[LINE_MAX_LEN * 2];
	char line[LINE_MAX_LEN];	/* last line of the last reply */
};

static const char *g_host, *g_port, *g_user, *g_pass;
int g_timeout = 30;
static unsigned char *g_buf;

void die(const char *fmt, ...)
{
	va_list ap;

	fputs("leanftp: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long parse_count(const char *s, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > max)
		die("bad number '%s' (1..%ld)", s, max);
	return v;
}

/* Connect to host:port with send/receive timeouts (which on Linux also bound
 * connect()).  Aborts on failure. */
static int tcp_connect(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	struct timeval tv = { .tv_sec = g_timeout };
	int fd, rc;

	rc = getaddrinfo(host, port, &hints, &res);
	if (rc)
		die("%s:%s: %s", host, port, gai_strerror(rc));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket: %s", strerror(errno));
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		die("setsockopt: %s", strerror(errno));
	if (connect(fd, res->ai_addr, res->ai_addrlen) < 0)
		die("connect %s:%s: %s", host, port, strerror(errno));
	freeaddrinfo(res);
	return fd;
}

/* Take one CRLF/LF-terminated line from the buffer into c->line.
 * Returns 1 if a line was taken, 0 if more input is needed. */
static int take_line(struct ctl *c)
{
	char *nl = memchr(c->in, '\n', c->len);
	size_t n;

	if (!nl) {
		if (c->len >= LINE_MAX_LEN)
			die("control line longer than %d bytes", LINE_MAX_LEN);
		return 0;
	}
	n = (size_t)(nl - c->in);
	if (n >= LINE_MAX_LEN)
		die("control line longer than %d bytes", LINE_MAX_LEN);
	memcpy(c->line, c->in, n);
	if (n && c->line[n - 1] == '\r')
		n--;
	c->line[n] = '\0';
	c->len -= (size_t)(nl + 1 - c->in);
	memmove(c->in, nl + 1, c->len);
	return 1;
}

static void next_line(struct ctl *c)
{
	ssize_t r;

	while (!take_line(c)) {
		r = conn_read(&c->cn, c->in + c->len, sizeof(c->in) - c->len);
		if (r == 0)
			die("control connection closed by server");
		c->len += (size_t)r;
	}
}

static int is_code(const char *s)
{
	return s[0] >= '1' && s[0] <= '5' && s[1] >= '0' && s[1] <= '9' &&
	       s[2] >= '0' && s[2] <= '9';
}

/* Read one reply (RFC 959 section 4.2: "ddd-" opens a multi-line reply that
 * ends at a line starting "ddd ").  Returns the code; c->line holds the
 * last line. */
static int get_reply(struct ctl *c)
{
	char code[4];
	int i;

	next_line(c);
	if (!is_code(c->line) || (c->line[3] != ' ' && c->line[3] != '-' && c->line[3]))
		die("malformed reply '%.80s'", c->line);
	if (c->line[3] != '-')
		return atoi(c->line);
	memcpy(code, c->line, 3);
	code[3] = '\0';
	for (i = 0; i < REPLY_MAX_LINES; i++) {
		next_line(c);
		if (!strncmp(c->line, code, 3) && c->line[3] == ' ')
			return atoi(c->line);
	}
	die("reply %s longer than %d lines", code, REPLY_MAX_LINES);
}

static void send_cmd(struct ctl *c, const char *verb, const char *arg)
{
	char out[LINE_MAX_LEN];
	int n = snprintf(out, sizeof(out), "%s%s%s\r\n", verb, arg ? " " : "", arg ? arg : "");

	if (n < 0 || (size_t)n >= sizeof(out))
		die("command too long");
	conn_write_all(&c->cn, out, (size_t)n);
}

/* Send a command and require a reply in the class of `want` (1xx..5xx). */
static int cmd(struct ctl *c, const char *verb, const char *arg, int want)
{
	int code;

	send_cmd(c, verb, arg);
	code = get_reply(c);
	if (code / 100 != want)
		die("%s: unexpected reply '%.120s'", verb, c->line);
	return code;
}

/* RFC 4217 sections 4-9: AUTH TLS before USER, then PBSZ 0 and PROT P.
 * The session is taken after replies were read over TLS, so a TLS 1.3
 * server's tickets (sent after its handshake) have arrived. */
static void login(struct ctl *c)
{
	c->len = 0;
	c->sess = NULL;
	c->cn = (struct conn){ .fd = tcp_connect(g_host, g_port) };
	if (get_reply(c) != 220)
		die("banner: '%.120s'", c->line);
	if (ltls_on()) {
		cmd(c, "AUTH", "TLS", 2);
		c->cn.ssl = ltls_connect(c->cn.fd, NULL);
	}
	if (cmd(c, "USER", g_user, 3) != 331)
		die("USER: '%.120s'", c->line);
	cmd(c, "PASS", g_pass, 2);
	if (ltls_on()) {
		cmd(c, "PBSZ", "0", 2);
		cmd(c, "PROT", "P", 2);
		c->sess = SSL_get1_session(c->cn.ssl);
	}
}

static void quit(struct ctl *c)
{
	cmd(c, "QUIT", NULL, 2);
	conn_close(&c->cn, 0);
	SSL_SESSION_free(c->sess);
}

/* After RETR/STOR went out: the data connection's handshake, before the
 * 1xx reply is read, since servers differ in which comes first. */
static void data_start(struct ctl *c, struct conn *d, const char *verb)
{
	if (c->sess)
		d->ssl = ltls_connect(d->fd, c->sess);
	if (get_reply(c) / 100 != 1)
		die("%s: unexpected reply '%.120s'", verb, c->line);
}

/* " tls=TLSv1.3/CIPHER resumed=1" for result lines, "" in clear text. */
static const char *tls_note(void)
{
	static char note[128];

	if (!ltls_on())
		return "";
	snprintf(note, sizeof(note), " tls=%s resumed=%d", ltls_last_desc(),
		 ltls_last_resumed());
	return note;
}

/* EPSV (RFC 2428 section 3), falling back to PASV (RFC 959) once the server
 * refuses it.  Connects to the control host; the address in a PASV reply is
 * ignored, as a careful client should. */
static struct conn open_data(struct ctl *c)
{
	static int no_epsv;
	unsigned p[6];
	char port[16], *s;

	if (!no_epsv) {
		send_cmd(c, "EPSV", NULL);
		if (get_reply(c) == 229) {
			s = strstr(c->line, "(|||");
			if (!s || sscanf(s + 4, "%u", &p[0]) != 1 || !p[0] || p[0] > 65535)
				die("bad EPSV reply '%.120s'", c->line);
			snprintf(port, sizeof(port), "%u", p[0]);
			return (struct conn){ .fd = tcp_connect(g_host, port) };
		}
		no_epsv = 1;
	}
	cmd(c, "PASV", NULL, 2);
	s = strchr(c->line, '(');
	if (!s || sscanf(s + 1, "%u,%u,%u,%u,%u,%u", &p[0], &p[1], &p[2], &p[3], &p[4],
			 &p[5]) != 6 || p[4] > 255 || p[5] > 255)
		die("bad PASV reply '%.120s'", c->line);
	snprintf(port, sizeof(port), "%u", p[4] * 256 + p[5]);
	return (struct conn){ .fd = tcp_connect(g_host, port) };
}

/* RETR one file; returns bytes received.  out >= 0 also stores them. */
static long long retr(struct ctl *c, const char *path, int out)
{
	long long total = 0;
	struct conn d = open_data(c);
	ssize_t r;

	send_cmd(c, "RETR", path);
	data_start(c, &d, "RETR");
	for (;;) {
		r = conn_read(&d, g_buf, BUF_SIZE);
		if (r == 0)
			break;
		if (out >= 0 && write(out, g_buf, (size_t)r) != r)
			die("local write: %s", strerror(errno));
		total += r;
	}
	conn_close(&d, 0);
	if (get_reply(c) / 100 != 2)
		die("RETR %s: '%.120s'", path, c->line);
	return total;
}

static void mode_retr(int argc, char **argv)
{
	struct ctl c;
	int out = -1;
	long long n;
	double t0, t;

	if (argc < 1)
		die("retr REMOTE [LOCAL]");
	if (argc > 1 && (out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		die("%s: %s", argv[1], strerror(errno));
	login(&c);
	cmd(&c, "TYPE", "I", 2);
	t0 = now();
	n = retr(&c, argv[0], out);
	t = now() - t0;
	quit(&c);
	if (out >= 0 && close(out) < 0)
		die("%s: %s", argv[1], strerror(errno));
	printf("retr bytes=%lld secs=%.6f rate=%.0f%s\n", n, t, n / t, tls_note());
}

/* Clear text: sendfile(2), no copy in the client. */
static void send_plain(struct conn *d, int fd, off_t size)
{
	off_t off = 0;
	ssize_t r;

	while (off < size) {
		r = sendfile(d->fd, fd, &off, (size_t)(size - off));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("sendfile: %s", r ? strerror(errno) : "file shrank");
	}
}

/* TLS: pread into the one buffer, SSL_write all of it. */
static void send_tls(struct conn *d, int fd, off_t size)
{
	off_t off = 0;
	ssize_t r;

	while (off < size) {
		r = pread(fd, g_buf, BUF_SIZE, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			die("pread: %s", r ? strerror(errno) : "file shrank");
		conn_write_all(d, g_buf, (size_t)r);
		off += r;
	}
}

static void mode_stor(int argc, char **argv)
{
	struct ctl c;
	struct conn d;
	struct stat st;
	double t0, t;
	int fd;

	if (argc < 2)
		die("stor LOCAL REMOTE");
	if ((fd = open(argv[0], O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) < 0)
		die("%s: %s", argv[0], strerror(errno));
	login(&c);
	cmd(&c, "TYPE", "I", 2);
	t0 = now();
	d = open_data(&c);
	send_cmd(&c, "STOR", argv[1]);
	data_start(&c, &d, "STOR");
	if (d.ssl)
		send_tls(&d, fd, st.st_size);
	else
		send_plain(&d, fd, st.st_size);
	/* Under TLS, wait for the server's side of the shutdown: our
	 * close_notify is the end of the file (RFC 4217 section 12.6). */
	conn_close(&d, d.ssl != NULL);
	if (get_reply(&c) / 100 != 2)
		die("STOR %s: '%.120s'", argv[1], c.line);
	t = now() - t0;
	quit(&c);
	close(fd);
	printf("stor bytes=%lld secs=%.6f rate=%.0f%s\n", (long long)st.st_size, t,
	       st.st_size / t, tls_note());
}

static void one_session(void)
{
	struct ctl c;

	login(&c);
	cmd(&c, "PWD", NULL, 2);
	quit(&c);
}

static void mode_sessions(int argc, char **argv)
{
	long n, conc, i, k, share;
	int status, failed = 0;
	double t0, t;
	pid_t pid;

	if (argc < 2)
		die("sessions N CONC");
	n = parse_count(argv[0], MAX_COUNT);
	conc = parse_count(argv[1], MAX_CONC);
	if (conc > n)
		conc = n;
	fflush(stdout);
	t0 = now();
	for (i = 0; i < conc; i++) {
		share = n / conc + (i < n % conc);
		pid = fork();
		if (pid < 0)
			die("fork: %s", strerror(errno));
		if (pid == 0) {
			for (k = 0; k < share; k++)
				one_session();
			_exit(0);
		}
	}
	while ((pid = wait(&status)) > 0)
		failed += !WIFEXITED(status) || WEXITSTATUS(status);
	t = now() - t0;
	if (failed)
		die("%d of %ld session workers failed", failed, conc);
	printf("sessions n=%ld conc=%ld secs=%.6f rate=%.1f\n", n, conc, t, n / t);
}

static void mode_smallfiles(int argc, char **argv)
{
	char path[LINE_MAX_LEN / 2];
	long n, i;
	long long bytes = 0;
	double t0, t;
	struct ctl c;

	if (argc < 2)
		die("smallfiles N DIR");
	n = parse_count(argv[0], 99999);
	login(&c);
	cmd(&c, "TYPE", "I", 2);
	t0 = now();
	for (i = 0; i < n; i++) {
		if (snprintf(path, sizeof(path), "%s/f%05ld", argv[1], i) >= (int)sizeof(path))
			die("path too long");
		bytes += retr(&c, path, -1);
	}
	t = now() - t0;
	quit(&c);
	printf("smallfiles n=%ld bytes=%lld secs=%.6f rate=%.1f%s\n", n, bytes, t, n / t,
	       tls_note());
}

int main(int argc, char **argv)
{
	const char *mode, *to = getenv("LEANFTP_TIMEOUT");

	if (argc < 5)
		die("usage: LEANFTP_PASS=pw leanftp HOST PORT USER "
		    "retr|stor|sessions|smallfiles ARGS...");
	g_host = argv[1];
	g_port = argv[2];
	g_user = argv[3];
	mode = argv[4];
	g_pass = getenv("LEANFTP_PASS");
	if (!g_pass)
		die("LEANFTP_PASS is not set");
	if (to)
		g_timeout = (int)parse_count(to, 3600);
	ltls_init(getenv("LEANFTP_TLS"));
	g_buf = malloc(BUF_SIZE);
	if (!g_buf)
		die("out of memory");
	argc -= 5;
	argv += 5;
	if (!strcmp(mode, "retr"))
		mode_retr(argc, argv);
	else if (!strcmp(mode, "stor"))
		mode_stor(argc, argv);
	else if (!strcmp(mode, "sessions"))
		mode_sessions(argc, argv);
	else if (!strcmp(mode, "smallfiles"))
		mode_smallfiles(argc, argv);
	else
		die("unknown mode '%s'", mode);
	return 0;
}
