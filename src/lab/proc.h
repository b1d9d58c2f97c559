/*
 * proc.h - running programs for the lab: inside a node's network namespace
 * (through `ip netns exec`, which also gives the program the namespace's
 * /sys and /etc/netns files), detached daemons, and stopping by PID.
 *
 * A process is identified by its PID and its start time (field 22 of
 * /proc/PID/stat), so a recycled PID is never mistaken for ours.
 */
#ifndef VROOM_LAB_PROC_H
#define VROOM_LAB_PROC_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Run argv to completion, in namespace ns (NULL: here), feeding input (may
 * be NULL) on its standard input and capturing standard output and error
 * together into out (NUL-terminated, truncated to outlen; out may be NULL).
 * The program is killed after timeout_ms. Returns its exit status (0-255),
 * 128+signal if it was killed, or -errno if it could not be run.
 */
int proc_run(const char *ns, char *const argv[], const char *input, char *out, size_t outlen,
             int timeout_ms);

/*
 * Start argv as a detached daemon (own session, stdin /dev/null, stdout and
 * stderr appended to logpath) in namespace ns. Sets *pid. 0 or -errno.
 */
int proc_spawn(const char *ns, char *const argv[], const char *logpath, pid_t *pid);

/*
 * The same, entering only the network namespace (setns), not the private
 * mount namespace `ip netns exec` makes: for a daemon that itself creates
 * namespaces (vroomd), whose bind mounts must be seen by everyone.
 */
int proc_spawn_netns_only(const char *ns, char *const argv[], const char *logpath, pid_t *pid);

/* Start time of pid in clock ticks since boot, or 0 if there is no such process. */
unsigned long long proc_starttime(pid_t pid);

/* 1 if pid runs (not a zombie) and started at starttime (0: any start time). */
int proc_alive(pid_t pid, unsigned long long starttime);

/*
 * Stop pid if it is still the process that started at starttime: SIGTERM,
 * then SIGKILL after grace_ms. Returns 0 once it is gone (or was never
 * there), -errno otherwise.
 */
int proc_stop(pid_t pid, unsigned long long starttime, int grace_ms);

/* Monotonic milliseconds, for deadlines. */
long long proc_now_ms(void);

/* Sleep ms milliseconds. */
void proc_sleep_ms(int ms);

#endif
