/* Servers under load (the load workloads, cases/load_cases.c): a server started as a child
 * process on a CPU of its own, known to be ready, stopped with its last words kept; and the
 * CPU time a process tree or the calling thread used, from /proc, to say which side of a load
 * run saturated.
 *
 * A server is started in its own process group (external_proc.h) with its stderr appended to a
 * log file, pinned by inheriting the affinity the parent thread has while it is spawned. Ready
 * means: it printed `hotpath serve: listening on ADDR:PORT` (port 0: the server chose it), or
 * a connection to the given port succeeds, within the time limit. Every live server is in a
 * table that an exit handler empties, so none outlives hotpath's normal or interrupted end.
 */
#ifndef HOTPATH_SERVER_PROC_H
#define HOTPATH_SERVER_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "external_proc.h"

#define HP_SERVE_READY_PREFIX "hotpath serve: listening on "

struct hp_server_proc {
    struct hp_external_proc proc;
    int port;
    char stdout_tail[512]; /* after stop: the last line it printed */
};

/* Starts argv with stderr appended to log_path, pinned to `cpu` (-1: not pinned). port > 0:
 * ready when 127.0.0.1:port accepts a connection; port 0: ready when it prints the
 * HP_SERVE_READY_PREFIX line, whose port is taken. 0, or -1 with err set (and the child gone):
 * it could not start, exited, or was not ready within timeout_s. */
int hp_server_proc_start(struct hp_server_proc *s, char *const argv[], const char *log_path,
                         int cpu, int port, double timeout_s, struct hp_error *err);

/* SIGTERM to its group, its output read to the end (the last line kept in stdout_tail), then
 * its exit awaited up to timeout_s, and SIGKILL after that. Returns its exit status (as
 * waitpid's) when it exited by itself, else -1. Safe on a server never started. */
int hp_server_proc_stop(struct hp_server_proc *s, double timeout_s);

/* A TCP port on 127.0.0.1 free at the time of asking (bound to 0 and released), or -1. */
int hp_free_port(void);

/* The CPUs for a load run with `generators` generator threads: the server on the last CPU this
 * process may use, generator k on the k-th of the others (round robin when the others are fewer
 * than the generators), when there are two CPUs or more; -1 everywhere otherwise (nothing
 * pinned). Returns how many CPUs the generators share: min(generators, CPUs - 1), or 1 when
 * nothing is pinned. generator_cpu may be NULL when only the server's CPU is wanted. */
unsigned hp_load_cpus(unsigned generators, int *server_cpu, int *generator_cpu);

/* Pins the calling thread to cpu (-1: leaves it), saving its former mask in *saved (a
 * cpu_set_t's bytes); hp_thread_unpin restores it. */
void hp_thread_pin(int cpu, void *saved, size_t saved_size);
void hp_thread_unpin(const void *saved, size_t saved_size);

/* CPU time (user + system, ns, at the clock-tick resolution of /proc) of process pid and its
 * children and grandchildren (an nginx master and its worker); 0 when unreadable. */
uint64_t hp_process_tree_cpu_ns(pid_t pid);

/* CPU time of the calling thread (/proc/thread-self/stat, the same resolution). */
uint64_t hp_thread_cpu_ns(void);

#endif
