/* Complexity fits, as Google Benchmark offers them: how a case's cost grows with a parameter it
 * was swept over (`hotpath run --param routes=10..100k`).
 *
 * For each shape g in O(1), O(log n), O(n), O(n log n) (log base 2), the coefficient c of the
 * curve t = c g(n) through the origin (no constant term: a fixed per-op cost shows as error)
 * that minimises the squared relative errors sum ((t_i - c g(n_i)) / t_i)^2, and the RMS of those
 * relative errors (0.05: the curve is off by 5% on a typical point). The best shape is the one of
 * least RMS. Google Benchmark minimises absolute errors and divides their RMS by the mean time;
 * on a sweep over decades that lets the largest n alone decide the fit (one noisy point at
 * n = 100k outweighs four exact ones below), so here every point counts alike.
 * The fit is `ambiguous` when another shape's RMS is within HP_FIT_AMBIGUOUS_RMS of the best's:
 * the points cannot tell the two apart (too narrow a range, too few points, too much noise), and
 * the label should not be trusted.
 *
 * Points with n < 1 or a non-finite or non-positive t are refused, and so are fewer than
 * HP_FIT_MIN_POINTS distinct values of n (through two points most shapes fit about as well).
 */
#ifndef HOTPATH_COMPLEXITY_H
#define HOTPATH_COMPLEXITY_H

#include <stdbool.h>
#include <stddef.h>

enum hp_big_o { HP_O_1, HP_O_LOG_N, HP_O_N, HP_O_N_LOG_N, HP_BIG_O_COUNT };

enum { HP_FIT_MIN_POINTS = 3 };
#define HP_FIT_AMBIGUOUS_RMS 0.05

struct hp_fit_shape {
    enum hp_big_o shape;
    double coefficient; /* t ~ coefficient * g(n), in t's unit (ns) per unit of g */
    double rms;         /* RMS of the relative errors (t - c g(n)) / t */
};

struct hp_fit {
    struct hp_fit_shape shapes[HP_BIG_O_COUNT]; /* in enum order */
    enum hp_big_o best;
    enum hp_big_o runner_up;
    bool ambiguous;
};

/* "O(1)", "O(log n)", "O(n)", "O(n log n)". */
const char *hp_big_o_name(enum hp_big_o shape);
/* The shape named by hp_big_o_name, or -1. */
int hp_big_o_find(const char *name);
/* g(n) for the shape. */
double hp_big_o_eval(enum hp_big_o shape, double n);

/* Fits the points; 0, or -1 when they are refused (above). */
int hp_fit_complexity(const double *n, const double *t, size_t count, struct hp_fit *out);

#endif
