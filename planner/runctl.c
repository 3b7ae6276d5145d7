/*
 * runctl.c - run lock and signal handling.  See runctl.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "runctl.h"

static int lock_fd = -1;
static volatile sig_atomic_t stop_signal;
static sqlite3 *interrupt_db;

/* The pid the holder wrote into the lock file, or -1. */
static long
holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	long pid = -1;

	if (n > 0) {
		buf[n] = '\0';
		if (sscanf(buf, "%ld", &pid) != 1)
			pid = -1;
	}
	return pid;
}

enum perr_code
runctl_lock(const char *db_path, struct perr *e)
{
	char path[4096], pid[32];
	ssize_t written = 0;
	int fd;

	snprintf(path, sizeof(path), "%s.lock", db_path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return perr_set(e, P_EIO, "lock file '%s': %s", path,
				strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		long holder = holder_pid(fd);

		close(fd);
		if (errno != EWOULDBLOCK)
			return perr_set(e, P_EIO, "lock file '%s': %s", path,
					strerror(errno));
		return perr_set(e, P_ELOCKED, "another planner run (pid %ld) "
				"is using '%s'; not starting a second one",
				holder, db_path);
	}
	/* The pid is a courtesy for the message above: errors are moot. */
	snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0)
		written = pwrite(fd, pid, strlen(pid), 0);
	(void)written;
	lock_fd = fd;
	return P_OK;
}

void
runctl_unlock(void)
{
	if (lock_fd >= 0)
		close(lock_fd);
	lock_fd = -1;
}

static void
on_signal(int sig)
{
	stop_signal = sig;
	if (interrupt_db)	/* what the sqlite3 shell does on ^C */
		sqlite3_interrupt(interrupt_db);
}

void
runctl_signals(sqlite3 *db)
{
	struct sigaction sa;

	interrupt_db = db;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
}

int
runctl_stopped(void)
{
	return stop_signal;
}
