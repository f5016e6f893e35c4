/* The null case, the overhead probe (HP_WORKLOAD_OVERHEAD_PROBE): an empty operation. Its ns/op
 * is what the harness itself costs per op in batch mode (the loop around run's body), and every
 * results file records it. */
#include "workload.h"

static int null_setup(const struct hp_case_params *params, void **shared, struct hp_error *err)
{
    (void)params;
    (void)err;
    *shared = NULL;
    return 0;
}

static uint64_t null_run(void *local, uint64_t n)
{
    (void)local;
    uint64_t i;
    for (i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory"); /* keep the loop: one iteration per op */
    return i;
}

const struct hp_workload hp_workload_null = {
    .name = "null",
    .summary = "an empty operation: the harness's own cost per op",
    .flags = HP_WORKLOAD_OVERHEAD_PROBE | HP_WORKLOAD_INSTANCES,
    .setup = null_setup,
    .run = null_run,
};
