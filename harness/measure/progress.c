#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "timer.h"

void hp_progress_begin(struct hp_progress *p, bool quiet, size_t total_steps)
{
    p->enabled = !quiet && isatty(STDERR_FILENO);
    p->total_steps = total_steps;
    p->done_steps = 0;
    p->started_ns = hp_monotonic_ns();
}

void hp_progress_step(struct hp_progress *p, const char *case_name, const char *phase)
{
    size_t done = p->done_steps++;
    if (!p->enabled)
        return;
    double elapsed_s = (double)(hp_monotonic_ns() - p->started_ns) / 1e9;
    char left[32] = "";
    if (done > 0 && p->total_steps > done)
        snprintf(left, sizeof left, ", ~%.0f s left",
                 elapsed_s / (double)done * (double)(p->total_steps - done));
    fprintf(stderr, "\r\033[K[%zu/%zu%s] %s: %s", done + 1, p->total_steps, left, phase, case_name);
    fflush(stderr);
}

void hp_progress_end(struct hp_progress *p)
{
    if (p->enabled)
        fprintf(stderr, "\r\033[K");
}
