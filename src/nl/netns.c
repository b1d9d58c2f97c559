/*
 * netns.c - named network namespaces, as iproute2 keeps them: a file under
 * /var/run/netns with the namespace bind-mounted on it, so it lives on
 * without a process in it and any program can setns() into it.
 *
 * Namespaces are per thread: nl_netns_create() unshares in a short-lived
 * thread of its own, so the caller's threads never change namespace, and
 * nl_netns_enter() / nl_netns_restore() switch only the calling thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"
#include "nl/nl.h"

#define NETNS_DIR "/var/run/netns"

/* NAME -> /var/run/netns/NAME; -EINVAL for a name that is not one file name. */
static int netns_path(const char *name, char *path, size_t len)
{
    if (name == NULL || name[0] == '\0' || strchr(name, '/') || strcmp(name, ".") == 0 ||
        strcmp(name, "..") == 0 || strlen(name) > NAME_MAX)
        return -EINVAL;
    if ((size_t)snprintf(path, len, "%s/%s", NETNS_DIR, name) >= len)
        return -EINVAL;
    return 0;
}

int nl_netns_open(const char *name)
{
    char path[PATH_MAX];
    int fd, err;

    if ((err = netns_path(name, path, sizeof(path))) < 0)
        return err;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

/*
 * Make NETNS_DIR a shared mount point, as `ip netns add` does, so that a
 * namespace mounted later is also seen by mount namespaces made since.
 */
static int netns_dir_prepare(void)
{
    if (mkdir(NETNS_DIR, 0755) < 0 && errno != EEXIST)
        return -errno;
    if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) == 0)
        return 0;
    if (errno != EINVAL)
        return -errno;
    /* not a mount point yet: bind it onto itself, then share it */
    if (mount(NETNS_DIR, NETNS_DIR, "none", MS_BIND | MS_REC, NULL) < 0)
        return -errno;
    if (mount("", NETNS_DIR, "none", MS_SHARED | MS_REC, NULL) < 0)
        return -errno;
    return 0;
}

struct unshare_job {
    const char *path;
    int err;
};

/* In a thread of its own: a new netns for this thread only, bound onto path. */
static void *netns_unshare_thread(void *arg)
{
    struct unshare_job *job = arg;

    job->err = 0;
    if (unshare(CLONE_NEWNET) < 0)
        job->err = -errno;
    else if (mount("/proc/thread-self/ns/net", job->path, "none", MS_BIND, NULL) < 0)
        job->err = -errno;
    return NULL;
}

int nl_netns_create(const char *name)
{
    char path[PATH_MAX];
    struct unshare_job job;
    pthread_t t;
    int fd, err;

    if ((err = netns_path(name, path, sizeof(path))) < 0)
        return err;
    if ((err = netns_dir_prepare()) < 0)
        return err;
    fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    close(fd);
    job.path = path;
    if ((err = pthread_create(&t, NULL, netns_unshare_thread, &job)) != 0) {
        unlink(path);
        return -err;
    }
    pthread_join(t, NULL);
    if (job.err < 0) {
        unlink(path);
        return job.err;
    }
    return 0;
}

int nl_netns_delete(const char *name)
{
    char path[PATH_MAX];
    int err;

    if ((err = netns_path(name, path, sizeof(path))) < 0)
        return err;
    if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
        err = -errno; /* EINVAL: not mounted, just remove the file */
    if (unlink(path) < 0)
        return -errno;
    return err == -ENOENT ? 0 : err;
}

int nl_netns_enter(int netns_fd, int *saved_fd)
{
    int saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

    if (saved < 0)
        return -errno;
    if (setns(netns_fd, CLONE_NEWNET) < 0) {
        int err = -errno;

        close(saved);
        return err;
    }
    *saved_fd = saved;
    return 0;
}

int nl_netns_restore(int saved_fd)
{
    int err = 0;

    if (setns(saved_fd, CLONE_NEWNET) < 0)
        err = -errno;
    close(saved_fd);
    return err;
}
