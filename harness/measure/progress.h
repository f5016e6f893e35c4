/* The progress line: which case is in hand and how long the run has left, redrawn in place on
 * stderr. Silent when stderr is not a terminal or with --quiet, so logs and CI output stay
 * clean. */
#ifndef HOTPATH_PROGRESS_H
#define HOTPATH_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hp_progress {
    bool enabled;
    size_t total_steps;
    size_t done_steps;
    uint64_t started_ns;
};

void hp_progress_begin(struct hp_progress *p, bool quiet, size_t total_steps);
/* One step (a sample of one case) is about to start. */
void hp_progress_step(struct hp_progress *p, const char *case_name, const char *phase);
void hp_progress_end(struct hp_progress *p);

#endif
