/*
 * probe.c - timed TCP handshakes, here or on the GPU host.  See probe.h.
 *
 * Owned by the migration work.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "probe.h"

extern char **environ;

/* Sent to `bash -s -- ADDR PORT COUNT TIMEOUT_MS INTERVAL_MS`. */
const char probe_remote_script[] =
"a=$1 p=$2 n=$3 t=$4 g=$5\n"
"if command -v python3 >/dev/null 2>&1; then\n"
"exec python3 - \"$a\" \"$p\" \"$n\" \"$t\" \"$g\" <<'PY'\n"
"import socket, sys, time\n"
"a, p, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])\n"
"t, g = int(sys.argv[4]) / 1000.0, int(sys.argv[5]) / 1000.0\n"
"f = socket.AF_INET6 if ':' in a else socket.AF_INET\n"
"for i in range(n):\n"
"    s = socket.socket(f, socket.SOCK_STREAM)\n"
"    s.settimeout(t)\n"
"    t0 = time.perf_counter()\n"
"    try:\n"
"        s.connect((a, p))\n"
"        us = (time.perf_counter() - t0) * 1e6\n"
"        print('ok %d' % max(1, round(us)), flush=True)\n"
"    except Exception as x:\n"
"        print('lost %s' % type(x).__name__, flush=True)\n"
"    finally:\n"
"        s.close()\n"
"    time.sleep(g)\n"
"PY\n"
"fi\n"
"now() { if [ -n \"${EPOCHREALTIME:-}\" ]; then\n"
"  T=${EPOCHREALTIME/[.,]/}; else T=$(( $(date +%s%N) / 1000 )); fi; }\n"
"i=0\n"
"while [ \"$i\" -lt \"$n\" ]; do\n"
"  now; t0=$T\n"
"  if exec 3<>\"/dev/tcp/$a/$p\"; then\n"
"    now; exec 3>&-; echo \"ok $((T - t0))\"\n"
"  else echo \"lost refused\"; fi 2>/dev/null\n"
"  i=$((i + 1)); sleep \"$(printf '0.%03d' \"$g\")\"\n"
"done\n";

/* The defaults of probe.h: 10 probes, 2 s timeout, 100 ms apart. */
void
probe_opts_default(struct probe_opts *o)
{
	o->count = 10;
	o->timeout_ms = 2000;
	o->interval_ms = 100;
}

/* Whether S is an IPv4 or IPv6 address literal (never a name). */
int
probe_is_ip(const char *s)
{
	unsigned char b[16];

	return s && (inet_pton(AF_INET, s, b) == 1 ||
		     inet_pton(AF_INET6, s, b) == 1);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* R's median (over successes only; -1 without any) and loss. */
void
probe_finish(struct probe_result *r)
{
	double s[PROBE_MAX];
	int n = r->ok;

	memcpy(s, r->ms, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	r->median_ms = n == 0 ? -1 : n % 2 ? s[n / 2] :
	    (s[n / 2 - 1] + s[n / 2]) / 2;
	r->loss = r->sent > 0 ? (double)(r->sent - r->ok) / r->sent : 1;
}

/* The verdict: too few successes, then too much loss, then the median. */
enum probe_verdict
probe_judge(const struct probe_result *r, double threshold_ms,
	    double max_loss)
{
	if (r->ok < PROBE_MIN_OK)
		return PROBE_TOO_FEW;
	if (r->loss > max_loss + 1e-9)
		return PROBE_LOSSY;
	return r->median_ms > threshold_ms ? PROBE_SLOW : PROBE_PASS;
}

/* The verdict in words, for the journal and alerts. */
const char *
probe_verdict_name(enum probe_verdict v)
{
	static const char *const names[] = {
		"pass", "above threshold", "too much loss",
		"too few successful probes"
	};

	return names[v];
}

/* ---- local probes ---------------------------------------------------- */

static double
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* One handshake; 0 with *MS, or -1 with WHY. */
static int
handshake(const struct sockaddr *sa, socklen_t len, int timeout_ms,
	  double *ms, char *why, size_t n)
{
	int fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK |
			SOCK_CLOEXEC, 0), err = 0;
	socklen_t elen = sizeof(err);
	struct pollfd p;
	double t0;

	if (fd < 0)
		return snprintf(why, n, "socket: %s", strerror(errno)), -1;
	t0 = now_ms();
	if (connect(fd, sa, len) != 0) {
		if (errno != EINPROGRESS)
			err = errno;
		else {
			p.fd = fd;
			p.events = POLLOUT;
			if (poll(&p, 1, timeout_ms) <= 0)
				err = ETIMEDOUT;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err,
					    &elen) != 0)
				err = errno;
		}
	}
	*ms = now_ms() - t0;
	close(fd);
	if (err)
		snprintf(why, n, "%s", strerror(err));
	return err ? -1 : 0;
}

static int
make_addr(const char *addr, int port, struct sockaddr_storage *ss,
	  socklen_t *len)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((unsigned short)port);
		*len = sizeof(*v4);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((unsigned short)port);
		*len = sizeof(*v6);
		return 0;
	}
	return -1;
}

static void
pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static enum perr_code
check_opts(const struct probe_opts *o, int port, struct perr *e)
{
	if (o->count < 1 || o->count > PROBE_MAX || o->timeout_ms < 1 ||
	    o->interval_ms < 0 || o->interval_ms > 999)
		return perr_set(e, P_EUSAGE, "probe: bad count or timing");
	if (port < 1 || port > 65535)
		return perr_set(e, P_EUSAGE, "probe: port %d out of range",
				port);
	return P_OK;
}

/* N timed handshakes from this host to ADDR:PORT into R; P_EUSAGE when
 * ADDR is not an IP literal or the options are out of range. */
enum perr_code
probe_local(const char *addr, int port, const struct probe_opts *o,
	    struct probe_result *r, struct perr *e)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char why[128];
	int i;

	memset(r, 0, sizeof(*r));
	if (check_opts(o, port, e))
		return e->code;
	if (addr == NULL || make_addr(addr, port, &ss, &len) != 0)
		return perr_set(e, P_EUSAGE, "probe: '%s' is not an IP "
				"address", addr ? addr : "");
	for (i = 0; i < o->count; i++) {
		double ms;

		if (i > 0)
			pause_ms(o->interval_ms);
		r->sent++;
		if (handshake((struct sockaddr *)&ss, len, o->timeout_ms, &ms,
			      why, sizeof(why)) == 0)
			r->ms[r->ok++] = ms;
		else if (r->note[0] == '\0')
			snprintf(r->note, sizeof(r->note), "%s:%d: %s", addr,
				 port, why);
	}
	probe_finish(r);
	return P_OK;
}

/* ---- probes from the GPU host, through ssh --------------------------- */

static int
valid_host(const char *h)
{
	size_t n = h ? strlen(h) : 0;

	if (probe_is_ip(h))
		return 1;
	return n > 0 && n < 254 && h[0] != '-' &&
	    h[strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		     "0123456789.-")] == '\0';
}

/* Copy the formatted text into BUF at *USED; returns where it went, or
 * NULL when BUF is full. */
static char *
put(char *buf, size_t n, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static char *
put(char *buf, size_t n, size_t *used, const char *fmt, ...)
{
	char *at = buf + *used;
	va_list ap;
	int len;

	if (*used >= n)
		return NULL;
	va_start(ap, fmt);
	len = vsnprintf(at, n - *used, fmt, ap);
	va_end(ap);
	if (len < 0 || *used + (size_t)len + 1 > n)
		return NULL;
	*used += (size_t)len + 1;
	return at;
}

/* The ssh command line of probe_ssh; -1 with E when anything from the
 * inventory is not a plain host, IP literal or number. */
int
probe_ssh_argv(const char *ssh_host, int ssh_port, const char *addr,
	       int port, const struct probe_opts *o, char *buf, size_t n,
	       char **argv, int max, struct perr *e)
{
	static const char *const fixed[] = {
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=15",
		"-o", "StrictHostKeyChecking=accept-new",
		"-o", "ServerAliveInterval=10", "-o", "LogLevel=ERROR", "-T"
	};
	size_t used = 0, i;
	int k = 0;

	if (!valid_host(ssh_host) || ssh_port < 1 || ssh_port > 65535)
		return perr_set(e, P_EUSAGE, "probe: bad ssh host '%s' port "
				"%d", ssh_host ? ssh_host : "", ssh_port), -1;
	if (!probe_is_ip(addr))
		return perr_set(e, P_EUSAGE, "probe: '%s' is not an IP "
				"address", addr ? addr : ""), -1;
	if (check_opts(o, port, e))
		return -1;
	if (max < 18)
		return perr_set(e, P_EUSAGE, "probe: argv too small"), -1;
	argv[k++] = put(buf, n, &used, "ssh");
	argv[k++] = put(buf, n, &used, "-p");
	argv[k++] = put(buf, n, &used, "%d", ssh_port);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		argv[k++] = put(buf, n, &used, "%s", fixed[i]);
	argv[k++] = put(buf, n, &used, "root@%s", ssh_host);
	argv[k++] = put(buf, n, &used, "bash -s -- %s %d %d %d %d", addr,
			port, o->count, o->timeout_ms, o->interval_ms);
	argv[k] = NULL;
	for (i = 0; i < (size_t)k; i++)
		if (argv[i] == NULL)
			return perr_set(e, P_EUSAGE, "probe: command too "
					"long"), -1;
	return k;
}

/* R from the remote script's output; SENT probes were asked for. */
void
probe_parse(const char *text, int sent, struct probe_result *r)
{
	const char *p = text;

	memset(r, 0, sizeof(*r));
	r->sent = sent;
	while (p && *p) {
		size_t n = strcspn(p, "\n");
		char line[200];
		long us;
		char *end;

		snprintf(line, sizeof(line), "%.*s", (int)(n < 199 ? n : 199),
			 p);
		p += n + (p[n] == '\n');
		if (strncmp(line, "ok ", 3) == 0) {
			us = strtol(line + 3, &end, 10);
			if (*end == '\0' && us > 0 && r->ok < sent &&
			    r->ok < PROBE_MAX) {
				r->ms[r->ok++] = (double)us / 1000.0;
				continue;
			}
		}
		if (r->note[0] == '\0' && line[0] != '\0')
			snprintf(r->note, sizeof(r->note), "%.150s", line);
	}
	probe_finish(r);
}

/* Read from FD until EOF or DEADLINE (now_ms clock) into BUF. */
static size_t
read_until(int fd, char *buf, size_t cap, double deadline)
{
	size_t len = 0;
	struct pollfd p = { fd, POLLIN, 0 };

	while (len + 1 < cap) {
		double left = deadline - now_ms();
		ssize_t k;

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			break;
		if ((k = read(fd, buf + len, cap - 1 - len)) <= 0)
			break;
		len += (size_t)k;
	}
	buf[len] = '\0';
	return len;
}

/* Run ARGV with the script on its stdin; its stdout and stderr into
 * OUT.  Returns the pid, or -1. */
static pid_t
spawn_ssh(char **argv, int *out_fd)
{
	posix_spawn_file_actions_t fa;
	struct sigaction ign, old;
	int in[2], out[2];
	pid_t pid = -1;

	if (pipe(in) != 0)
		return -1;
	if (pipe(out) != 0) {
		close(in[0]);
		close(in[1]);
		return -1;
	}
	/* dup2 clears close-on-exec on the copies ssh gets as 0, 1, 2. */
	fcntl(in[0], F_SETFD, FD_CLOEXEC);
	fcntl(in[1], F_SETFD, FD_CLOEXEC);
	fcntl(out[0], F_SETFD, FD_CLOEXEC);
	fcntl(out[1], F_SETFD, FD_CLOEXEC);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawn_file_actions_adddup2(&fa, out[1], 2);
	if (posix_spawnp(&pid, "ssh", &fa, NULL, argv, environ) != 0)
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(out[1]);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (pid > 0 && write(in[1], probe_remote_script,
			     sizeof(probe_remote_script) - 1) < 0)
		(void)0;	/* ssh died: its output will say why */
	sigaction(SIGPIPE, &old, NULL);
	close(in[1]);
	if (pid < 0)
		close(out[0]);
	*out_fd = out[0];
	return pid;
}

/* Run the probe script on the GPU host through ssh and read its
 * results; P_EIO when ssh ran nothing or reported no probe at all. */
enum perr_code
probe_ssh(const char *ssh_host, int ssh_port, const char *addr, int port,
	  const struct probe_opts *o, struct probe_result *r,
	  struct perr *e)
{
	char abuf[512], *argv[24], *out;
	double budget;
	pid_t pid;
	int fd, st;

	memset(r, 0, sizeof(*r));
	if (probe_ssh_argv(ssh_host, ssh_port, addr, port, o, abuf,
			   sizeof(abuf), argv, 24, e) < 0)
		return e->code;
	if ((out = malloc(LIM_PROBE_OUTPUT)) == NULL)
		return perr_set(e, P_ENOMEM, "out of memory");
	if ((pid = spawn_ssh(argv, &fd)) < 0) {
		free(out);
		return perr_set(e, P_EIO, "probe: cannot run ssh: %s",
				strerror(errno));
	}
	budget = 30000.0 + o->count * (double)(o->timeout_ms +
					       o->interval_ms);
	read_until(fd, out, LIM_PROBE_OUTPUT, now_ms() + budget);
	close(fd);
	kill(pid, SIGTERM);	/* harmless if it has exited */
	waitpid(pid, &st, 0);
	probe_parse(out, o->count, r);
	free(out);
	if (r->ok == 0 && strncmp(r->note, "lost ", 5) != 0)
		return perr_set(e, P_EIO, "probe through ssh -p %d root@%s "
				"gave no result: %s", ssh_port, ssh_host,
				r->note[0] ? r->note : "no output");
	return P_OK;
}
