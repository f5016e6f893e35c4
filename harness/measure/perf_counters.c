#define _GNU_SOURCE
#include "perf_counters.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *const hp_perf_event_names[HP_PERF_EVENT_COUNT] = {
    [HP_PERF_CYCLES] = "cycles",
    [HP_PERF_INSTRUCTIONS] = "instructions",
    [HP_PERF_BRANCH_MISSES] = "branch_misses",
    [HP_PERF_CACHE_MISSES] = "cache_misses",
};

static const uint64_t event_config[HP_PERF_EVENT_COUNT] = {
    [HP_PERF_CYCLES] = PERF_COUNT_HW_CPU_CYCLES,
    [HP_PERF_INSTRUCTIONS] = PERF_COUNT_HW_INSTRUCTIONS,
    [HP_PERF_BRANCH_MISSES] = PERF_COUNT_HW_BRANCH_MISSES,
    [HP_PERF_CACHE_MISSES] = PERF_COUNT_HW_CACHE_MISSES,
};

static int open_event(uint64_t config, int group_fd)
{
    struct perf_event_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.type = PERF_TYPE_HARDWARE;
    attr.size = sizeof attr;
    attr.config = config;
    attr.disabled = group_fd == -1; /* the leader starts the whole group */
    attr.exclude_kernel = 1;        /* allowed at perf_event_paranoid 2, and the op is user code */
    attr.exclude_hv = 1;
    attr.read_format = PERF_FORMAT_GROUP;
    return (int)syscall(SYS_perf_event_open, &attr, 0, -1, group_fd, 0);
}

int hp_perf_open(struct hp_perf_group *g)
{
    g->leader_fd = -1;
    for (int i = 0; i < HP_PERF_EVENT_COUNT; i++)
        g->fds[i] = -1;
    for (int i = 0; i < HP_PERF_EVENT_COUNT; i++) {
        int fd = open_event(event_config[i], g->leader_fd);
        if (fd < 0) {
            hp_perf_close(g);
            return -1;
        }
        g->fds[i] = fd;
        if (i == 0)
            g->leader_fd = fd;
    }
    return 0;
}

bool hp_perf_probe(const char **why)
{
    static int state; /* 0 unknown, 1 available, 2 unavailable */
    static const char *reason;
    if (state == 0) {
        struct hp_perf_group g;
        if (hp_perf_open(&g) == 0) {
            hp_perf_close(&g);
            state = 1;
            reason = "perf_event_open: cycles, instructions, branch and cache misses";
        } else {
            int e = errno;
            state = 2;
            reason = e == ENOENT || e == EOPNOTSUPP
                         ? "perf_event_open: hardware events not supported on this machine"
                     : e == EACCES || e == EPERM
                         ? "perf_event_open: not permitted (kernel.perf_event_paranoid)"
                     : e == ENOSYS ? "perf_event_open: not available in this kernel"
                                   : "perf_event_open failed";
        }
    }
    if (why)
        *why = reason;
    return state == 1;
}

void hp_perf_start(struct hp_perf_group *g)
{
    if (g->leader_fd < 0)
        return;
    ioctl(g->leader_fd, PERF_EVENT_IOC_RESET, PERF_IOC_FLAG_GROUP);
    ioctl(g->leader_fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
}

void hp_perf_stop(struct hp_perf_group *g, struct hp_perf_values *acc)
{
    if (g->leader_fd < 0)
        return;
    ioctl(g->leader_fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
    uint64_t buf[1 + HP_PERF_EVENT_COUNT];
    if (read(g->leader_fd, buf, sizeof buf) != (ssize_t)sizeof buf)
        return;
    for (int i = 0; i < HP_PERF_EVENT_COUNT && (uint64_t)i < buf[0]; i++)
        acc->value[i] += buf[1 + i];
}

void hp_perf_close(struct hp_perf_group *g)
{
    for (int i = HP_PERF_EVENT_COUNT - 1; i >= 0; i--) {
        if (g->fds[i] >= 0)
            close(g->fds[i]);
        g->fds[i] = -1;
    }
    g->leader_fd = -1;
}
