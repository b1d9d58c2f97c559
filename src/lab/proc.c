/*
 * proc.c - run, spawn and stop programs for the lab. See proc.h.
 */
#include "lab/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

long long proc_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void proc_sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* In the child: exec argv, through `ip netns exec NS` when ns is set. Never returns. */
static void exec_in_ns(const char *ns, char *const argv[])
{
    if (ns != NULL) {
        size_t n = 0;
        char **full;

        while (argv[n] != NULL)
            n++;
        full = calloc(n + 5, sizeof(char *));
        if (full == NULL)
            _exit(127);
        full[0] = "ip";
        full[1] = "netns";
        full[2] = "exec";
        full[3] = (char *)ns;
        memcpy(full + 4, argv, (n + 1) * sizeof(char *));
        execvp("ip", full);
    } else {
        execvp(argv[0], argv);
    }
    fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int proc_run(const char *ns, char *const argv[], const char *input, char *out, size_t outlen,
             int timeout_ms)
{
    int in[2] = {-1, -1}, outp[2] = {-1, -1};
    long long deadline = proc_now_ms() + timeout_ms;
    size_t used = 0;
    int status, rc;
    pid_t pid;

    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(outp, O_CLOEXEC) != 0) {
        rc = -errno;
        goto cleanup;
    }
    pid = fork();
    if (pid < 0) {
        rc = -errno;
        goto cleanup;
    }
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        dup2(outp[1], STDOUT_FILENO);
        dup2(outp[1], STDERR_FILENO);
        exec_in_ns(ns, argv);
    }
    close(in[0]);
    close(outp[1]);
    in[0] = outp[1] = -1;
    if (input != NULL) {
        /* Inputs are small (ip -batch scripts): a blocking write is fine, and
         * the child reads all of its input before it writes much. */
        size_t len = strlen(input), off = 0;
        signal(SIGPIPE, SIG_IGN);
        while (off < len) {
            ssize_t n = write(in[1], input + off, len - off);
            if (n <= 0 && errno != EINTR)
                break;
            if (n > 0)
                off += (size_t)n;
        }
    }
    close(in[1]);
    in[1] = -1;

    for (;;) {
        struct pollfd pfd = {.fd = outp[0], .events = POLLIN};
        long long left = deadline - proc_now_ms();
        char buf[4096];
        ssize_t n;

        if (left <= 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (poll(&pfd, 1, (int)left) <= 0)
            continue;
        n = read(outp[0], buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (out != NULL && outlen > 1 && used < outlen - 1) {
            size_t take = (size_t)n < outlen - 1 - used ? (size_t)n : outlen - 1 - used;
            memcpy(out + used, buf, take);
            used += take;
        }
    }
    if (out != NULL && outlen > 0)
        out[used] = '\0';
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
cleanup:
    for (int i = 0; i < 2; i++) {
        if (in[i] >= 0)
            close(in[i]);
        if (outp[i] >= 0)
            close(outp[i]);
    }
    return rc;
}

static int spawn(const char *ns, char *const argv[], const char *logpath, pid_t *pid,
                 int netns_only)
{
    int logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    pid_t child;

    if (logfd < 0)
        return -errno;
    child = fork();
    if (child < 0) {
        int rc = -errno;
        close(logfd);
        return rc;
    }
    if (child == 0) {
        int nullfd = open("/dev/null", O_RDONLY);

        setsid();
        dup2(nullfd, STDIN_FILENO);
        dup2(logfd, STDOUT_FILENO);
        dup2(logfd, STDERR_FILENO);
        signal(SIGPIPE, SIG_DFL);
        if (netns_only && ns != NULL) {
            char path[256];
            int fd;

            snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
            fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
                fprintf(stderr, "netns %s: %s\n", ns, strerror(errno));
                _exit(127);
            }
            close(fd);
            exec_in_ns(NULL, argv);
        }
        exec_in_ns(ns, argv);
    }
    close(logfd);
    *pid = child;
    return 0;
}

int proc_spawn(const char *ns, char *const argv[], const char *logpath, pid_t *pid)
{
    return spawn(ns, argv, logpath, pid, 0);
}

int proc_spawn_netns_only(const char *ns, char *const argv[], const char *logpath, pid_t *pid)
{
    return spawn(ns, argv, logpath, pid, 1);
}

/* Fields of /proc/PID/stat after the command name: state is field 3, starttime 22. */
static int proc_stat(pid_t pid, char *state, unsigned long long *starttime)
{
    char path[64], buf[1024];
    const char *p;
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -EIO;
    buf[n] = '\0';
    p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (p == NULL)
        return -EIO;
    if (sscanf(p + 2,
               "%c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
               "%*d %llu",
               state, starttime) != 2)
        return -EIO;
    return 0;
}

unsigned long long proc_starttime(pid_t pid)
{
    unsigned long long st;
    char state;

    return proc_stat(pid, &state, &st) == 0 ? st : 0;
}

int proc_alive(pid_t pid, unsigned long long starttime)
{
    unsigned long long st;
    char state;

    if (pid <= 0 || proc_stat(pid, &state, &st) != 0)
        return 0;
    if (starttime != 0 && st != starttime)
        return 0;
    return state != 'Z' && state != 'X';
}

int proc_stop(pid_t pid, unsigned long long starttime, int grace_ms)
{
    long long deadline = proc_now_ms() + grace_ms;

    if (!proc_alive(pid, starttime))
        goto reap;
    if (kill(pid, SIGTERM) != 0 && errno != ESRCH)
        return -errno;
    while (proc_alive(pid, starttime) && proc_now_ms() < deadline) {
        waitpid(pid, NULL, WNOHANG); /* our own child only while we still run */
        proc_sleep_ms(10);
    }
    if (proc_alive(pid, starttime)) {
        kill(pid, SIGKILL);
        deadline = proc_now_ms() + 2000;
        while (proc_alive(pid, starttime) && proc_now_ms() < deadline) {
            waitpid(pid, NULL, WNOHANG);
            proc_sleep_ms(10);
        }
        if (proc_alive(pid, starttime))
            return -EBUSY;
    }
reap:
    waitpid(pid, NULL, WNOHANG);
    return 0;
}
