/*
 * probe.h - latency between a GPU host and a VM: timed TCP handshakes.
 *
 * A probe opens a TCP connection to ADDR:PORT and times the handshake
 * (SYN to SYN-ACK: one round trip), then closes it.  The latency is the
 * median over the successful probes only; failed probes (timeouts,
 * refusals) are counted as loss, never averaged in (pitfall B12).  A
 * measurement passes when at least PROBE_MIN_OK probes succeeded, the
 * loss is at most the allowed share, and the median is at most the
 * threshold.
 *
 * Two vantage points:
 *   - local: from this host (probe_local), for VMs reached on their
 *     internal address;
 *   - ssh: from the GPU host itself (probe_ssh), by running a small
 *     script there through `ssh -p PORT root@HOST`, which times the
 *     handshakes with python3 when the host has it, else with bash's
 *     /dev/tcp and $EPOCHREALTIME.  The script prints "ok <microseconds>"
 *     or "lost <reason>" per probe.  Addresses and ports are checked
 *     before they go into the command line, so nothing from the
 *     inventory can inject shell text.
 *
 * No state; never prints.  probe_ssh runs the program "ssh" from PATH.
 *
 * Owned by the migration work.
 */
#ifndef PLANNER_PROBE_H
#define PLANNER_PROBE_H

#include <stddef.h>

#include "err.h"

#define PROBE_MAX	64	/* probes in one measurement, at most */
#define PROBE_MIN_OK	3	/* fewer successes: no verdict */

struct probe_opts {
	int count;		/* probes to send, 1..PROBE_MAX */
	int timeout_ms;		/* one handshake */
	int interval_ms;	/* pause between probes */
};

struct probe_result {
	int sent, ok;
	double ms[PROBE_MAX];	/* the successful handshakes, in order */
	double median_ms;	/* over successes; -1 when there are none */
	double loss;		/* (sent - ok) / sent */
	char note[160];		/* why the first failure failed */
};

enum probe_verdict {
	PROBE_PASS,
	PROBE_SLOW,		/* median above the threshold */
	PROBE_LOSSY,		/* more loss than allowed */
	PROBE_TOO_FEW		/* fewer than PROBE_MIN_OK successes */
};

/* The defaults: 10 probes, 2 s timeout, 100 ms apart. */
void probe_opts_default(struct probe_opts *o);

/* Probe ADDR (an IPv4 or IPv6 literal, never a name) on PORT from here. */
enum perr_code probe_local(const char *addr, int port,
			   const struct probe_opts *o,
			   struct probe_result *r, struct perr *e);

/* Probe ADDR:PORT from the host reached by `ssh -p SSH_PORT
 * root@SSH_HOST`.  Probes that did not report are counted as lost.  An
 * error only when ssh could not be run or reported no probe at all. */
enum perr_code probe_ssh(const char *ssh_host, int ssh_port,
			 const char *addr, int port,
			 const struct probe_opts *o, struct probe_result *r,
			 struct perr *e);

/* The ssh command line of probe_ssh into ARGV (at most MAX entries with
 * the terminating NULL), its strings in BUF of N bytes.  Returns the
 * number of arguments, or -1 (E set) when a host, address or port is
 * not acceptable. */
int probe_ssh_argv(const char *ssh_host, int ssh_port, const char *addr,
		   int port, const struct probe_opts *o, char *buf, size_t n,
		   char **argv, int max, struct perr *e);

/* The script probe_ssh sends on ssh's standard input. */
extern const char probe_remote_script[];

/* Read the script's output TEXT into R ("ok US" and "lost WHY" lines;
 * anything else is ignored but kept as the note), then probe_finish. */
void probe_parse(const char *text, int sent, struct probe_result *r);

/* Compute R's median and loss from its samples. */
void probe_finish(struct probe_result *r);

/* The verdict on R with THRESHOLD_MS and MAX_LOSS (a share, 0..1). */
enum probe_verdict probe_judge(const struct probe_result *r,
			       double threshold_ms, double max_loss);
const char *probe_verdict_name(enum probe_verdict v);

/* Whether S is an IPv4 or IPv6 address literal. */
int probe_is_ip(const char *s);

#endif
