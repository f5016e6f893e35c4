/* External cases in `hotpath run` (docs/external-cases.md): the sources of an `.external` file
 * built, started and asked which cases they have; the cases that stand beside the run's
 * workloads (or the plan's claims) added to the run; the expected responses written and each
 * case set up; the adapters stopped after the rounds. A source or a case that fails gets one
 * message on stderr and a status in the results, and the run goes on without it.
 */
#ifndef HOTPATH_RUN_EXTERNAL_H
#define HOTPATH_RUN_EXTERNAL_H

#include "common/error.h"
#include "phases.h"
#include "runner.h"

/* Reads FILE (bad input: -1 with err, "FILE:LINE: problem", before anything runs). */
int hp_external_load(const char *file, struct hp_error *err);

/* Builds and starts the sources, lists their cases and appends those this run measures to
 * run->cases (one-shot sources: with their samples already taken). work_dir: where adapters'
 * stderr and the expected responses go (the results directory being written). Never fails the
 * run: a failing source is reported and recorded in run->external. -1 only when memory runs out. */
int hp_external_prepare(struct hp_run *run, const struct hp_phase_plan *plan, const char *work_dir,
                        struct hp_error *err);

/* After hp_run_setup: writes each request workload's expected responses (from a C case of the
 * workload) and sets every line-protocol case up (`case`), before the first round. */
void hp_external_setup_cases(struct hp_run *run, const char *work_dir);

/* After the rounds: releases the cases and stops the adapters. */
void hp_external_finish(struct hp_run *run);

#endif
