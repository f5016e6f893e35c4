/* The load runs' view (the load workloads, cases/load_cases.c), rendered from results files:
 * the closed-loop table (req/s per server, both sides' CPU, what limited the figure, response
 * size, p99 at half the closed-loop maximum, the anchors' declined rows), wrk's cross-check, and
 * the data of the "hockey stick" chart (p99 latency against the rate achieved, one line per
 * server: each phase's `hotpath serve`, nginx, h2o).
 *
 * What limited a closed-loop figure: the server's, only when the server was at least
 * HP_LOAD_SERVER_BUSY busy and the generator below HP_LOAD_GENERATOR_BUSY (both from /proc,
 * recorded as server_cpu_busy and generator_cpu_busy); otherwise "generator-bound", with the
 * side that saturated.
 */
#ifndef HOTPATH_LOAD_VIEW_H
#define HOTPATH_LOAD_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "doc.h"
#include "results_read.h"

#define HP_LOAD_SERVER_BUSY    0.95
#define HP_LOAD_GENERATOR_BUSY 0.80

/* Whether the results hold load cases (measured or declined). */
bool hp_load_present(const struct hp_results *r);

/* "server (server 97%, generator 60%)" or "generator-bound: ..." for busy figures; "" when
 * either is NAN. */
void hp_load_limit(double server_busy, double generator_busy, char *out, size_t size);

/* The table, wrk's cross-check and the declined rows, into doc. */
void hp_load_doc(struct hp_doc *doc, const struct hp_results *r);

/* The hockey stick's data: one block per server (two blank lines between), rows "req/s achieved
 * \t p99 us \t p50 us", by rising rate; its line titles, space-separated (spaces in a name
 * become U+00A0, which gnuplot's word() does not split at), into titles. Returns the number of
 * blocks (0: no open-loop latency cases). */
size_t hp_load_hockey_data(FILE *f, const struct hp_results *r, char *titles, size_t size);

#endif
