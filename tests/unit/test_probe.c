/*
 * test_probe.c - latency probes: the statistics (pitfall B12), the
 * verdict, the remote script's output, the ssh command line (no
 * injection), and real handshakes on loopback.
 *
 * Owned by the migration work.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"
#include "t.h"

static void
fill(struct probe_result *r, int sent, const double *ms, int n)
{
	memset(r, 0, sizeof(*r));
	r->sent = sent;
	memcpy(r->ms, ms, sizeof(double) * (size_t)n);
	r->ok = n;
	probe_finish(r);
}

/* B12: 6 probes at 18-22 ms, 4 timeouts: median over the successes
 * only (20 ms), loss 40 %, and the verdict fails on loss. */
static void
test_b12(void)
{
	static const double ok[] = { 18, 22, 19, 21, 20, 20 };
	static const double few[] = { 1, 2 };
	static const double fast[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct probe_result r;

	fill(&r, 10, ok, 6);
	CHECK(r.median_ms == 20);
	CHECK(r.loss > 0.39 && r.loss < 0.41);
	CHECK_INT(probe_judge(&r, 20, 0.2), PROBE_LOSSY);
	CHECK_INT(probe_judge(&r, 20, 0.5), PROBE_PASS);
	CHECK_INT(probe_judge(&r, 19.5, 0.5), PROBE_SLOW);
	fill(&r, 2, few, 2);
	CHECK_INT(probe_judge(&r, 20, 1), PROBE_TOO_FEW);
	fill(&r, 10, fast, 10);
	/* An even count: the median is the mean of the middle two. */
	CHECK(r.median_ms == 5.5);
	CHECK(r.loss == 0);
	CHECK_INT(probe_judge(&r, 20, 0.2), PROBE_PASS);
	fill(&r, 10, fast, 0);
	CHECK(r.median_ms == -1);
	CHECK(r.loss == 1);
	CHECK_STR(probe_verdict_name(PROBE_SLOW), "above threshold");
}

static void
test_parse(void)
{
	struct probe_result r;

	probe_parse("ok 1500\nok 2500\nlost timeout\nok 2000\n", 5, &r);
	CHECK_INT(r.ok, 3);
	CHECK_INT(r.sent, 5);
	CHECK(r.median_ms == 2.0);
	CHECK(r.loss > 0.39 && r.loss < 0.41);
	CHECK_STR(r.note, "lost timeout");
	probe_parse("Permission denied (publickey).\n", 10, &r);
	CHECK_INT(r.ok, 0);
	CHECK_STR(r.note, "Permission denied (publickey).");
	/* More lines than probes sent, or junk numbers, are not counted. */
	probe_parse("ok 1\nok 1\nok 1\nok x\nok -5\n", 2, &r);
	CHECK_INT(r.ok, 2);
}

static void
test_argv(void)
{
	struct probe_opts o;
	struct perr e;
	char buf[512], *argv[24];
	int n;

	probe_opts_default(&o);
	n = probe_ssh_argv("ssh4.vast.ai", 22913, "203.0.113.7", 22, &o, buf,
			   sizeof(buf), argv, 24, &e);
	CHECK_INT(n, 16);
	CHECK_STR(argv[0], "ssh");
	CHECK_STR(argv[1], "-p");
	CHECK_STR(argv[2], "22913");
	CHECK_STR(argv[n - 2], "root@ssh4.vast.ai");
	CHECK_STR(argv[n - 1], "bash -s -- 203.0.113.7 22 10 2000 100");
	CHECK(argv[n] == NULL);
	CHECK_INT(probe_ssh_argv("2001:db8::1", 2222, "2001:db8::2", 22, &o,
				 buf, sizeof(buf), argv, 24, &e), 16);
	/* Nothing from the inventory reaches a shell unchecked. */
	CHECK_INT(probe_ssh_argv("-oProxyCommand=sh", 22, "203.0.113.7", 22,
				 &o, buf, sizeof(buf), argv, 24, &e), -1);
	CHECK_INT(probe_ssh_argv("a;reboot", 22, "203.0.113.7", 22, &o, buf,
				 sizeof(buf), argv, 24, &e), -1);
	CHECK_INT(probe_ssh_argv("host", 22, "1.2.3.4;reboot", 22, &o, buf,
				 sizeof(buf), argv, 24, &e), -1);
	CHECK_INT(probe_ssh_argv("host", 22, "vm.example", 22, &o, buf,
				 sizeof(buf), argv, 24, &e), -1);
	CHECK_INT(probe_ssh_argv("host", 0, "1.2.3.4", 22, &o, buf,
				 sizeof(buf), argv, 24, &e), -1);
	CHECK_INT(probe_ssh_argv("host", 22, "1.2.3.4", 70000, &o, buf,
				 sizeof(buf), argv, 24, &e), -1);
	CHECK_INT(probe_ssh_argv("host", 22, "1.2.3.4", 22, &o, buf, 40,
				 argv, 24, &e), -1);
	CHECK(strstr(probe_remote_script, "python3") != NULL);
	CHECK(strstr(probe_remote_script, "/dev/tcp/") != NULL);
}

/* A listening socket on 127.0.0.1; its port in *PORT. */
static int
listener(int *port)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

static void
test_local(void)
{
	struct probe_opts o = { 5, 1000, 10 };
	struct probe_result r;
	struct perr e;
	int port = 0, fd = listener(&port);

	CHECK(fd >= 0);
	CHECK_INT(probe_local("127.0.0.1", port, &o, &r, &e), P_OK);
	CHECK_INT(r.ok, 5);
	CHECK(r.median_ms > 0 && r.median_ms < 50);
	CHECK_INT(probe_judge(&r, 50, 0.2), PROBE_PASS);
	close(fd);
	/* The same port, closed now: every probe refused, all lost. */
	CHECK_INT(probe_local("127.0.0.1", port, &o, &r, &e), P_OK);
	CHECK_INT(r.ok, 0);
	CHECK_INT(r.sent, 5);
	CHECK(strstr(r.note, "refused") != NULL);
	CHECK_INT(probe_judge(&r, 50, 1), PROBE_TOO_FEW);
	CHECK_INT(probe_local("localhost", port, &o, &r, &e), P_EUSAGE);
	CHECK(probe_is_ip("::1"));
	CHECK(!probe_is_ip("example.com"));
}

int
main(void)
{
	T_RUN(test_b12);
	T_RUN(test_parse);
	T_RUN(test_argv);
	T_RUN(test_local);
	return T_DONE();
}
