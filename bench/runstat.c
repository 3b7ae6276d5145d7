/*
 * runstat.c - run one command and record what it cost, for the benchmark.
 *
 * usage: runstat LOG NAME SIZE [-i IN] [-o OUT] -- COMMAND [ARG...]
 *
 * Runs COMMAND (stdin from IN, stdout to OUT, both /dev/null by default;
 * stderr is kept) and appends one tab-separated line to LOG:
 *
 *	NAME  SIZE  WALL_S  CPU_S  MAXRSS_KB  STATUS
 *
 * WALL_S is the monotonic time around fork and wait; CPU_S (user plus
 * system) and MAXRSS_KB (peak resident set) come from wait4(), so they
 * include the children COMMAND waited for, as GNU time reports them.
 * It is a small C program on purpose: Linux carries a process's peak RSS
 * across exec, so a child forked from a big interpreter would report the
 * interpreter's memory.  The exit status is COMMAND's (126/127 when it
 * cannot be started).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double
secs(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

/* In the child: redirect stdin and stdout, then exec. */
static void
child(const char *in, const char *out, char **cmd)
{
	int fi = open(in, O_RDONLY), fo = open(out, O_WRONLY | O_CREAT |
					       O_TRUNC, 0644);

	if (fi < 0 || fo < 0 || dup2(fi, 0) < 0 || dup2(fo, 1) < 0) {
		perror("runstat: redirect");
		_exit(126);
	}
	execvp(cmd[0], cmd);
	fprintf(stderr, "runstat: %s: %s\n", cmd[0], strerror(errno));
	_exit(127);
}

static int
usage(void)
{
	fputs("usage: runstat LOG NAME SIZE [-i IN] [-o OUT] -- COMMAND "
	      "[ARG...]\n", stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	const char *in = "/dev/null", *out = "/dev/null";
	struct rusage ru;
	double t0, wall;
	int i, st, code;
	pid_t pid;
	FILE *log;

	if (argc < 6)
		return usage();
	for (i = 4; i + 1 < argc && strcmp(argv[i], "--") != 0; i += 2) {
		if (strcmp(argv[i], "-i") == 0)
			in = argv[i + 1];
		else if (strcmp(argv[i], "-o") == 0)
			out = argv[i + 1];
		else
			return usage();
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0)
		return usage();
	t0 = now();
	if ((pid = fork()) < 0) {
		perror("runstat: fork");
		return 126;
	}
	if (pid == 0)
		child(in, out, argv + i + 1);
	if (wait4(pid, &st, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 126;
	}
	wall = now() - t0;
	code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if ((log = fopen(argv[1], "a")) == NULL) {
		perror(argv[1]);
		return 126;
	}
	fprintf(log, "%s\t%s\t%.3f\t%.3f\t%ld\t%d\n", argv[2], argv[3], wall,
		secs(&ru.ru_utime) + secs(&ru.ru_stime), ru.ru_maxrss, code);
	if (fclose(log) != 0)
		perror(argv[1]);
	return code;
}
