#include "complexity.h"

#include <math.h>
#include <string.h>

static const char *const big_o_names[HP_BIG_O_COUNT] = {"O(1)", "O(log n)", "O(n)", "O(n log n)"};

const char *hp_big_o_name(enum hp_big_o shape)
{
    return shape < HP_BIG_O_COUNT ? big_o_names[shape] : "?";
}

int hp_big_o_find(const char *name)
{
    for (int i = 0; i < HP_BIG_O_COUNT; i++)
        if (strcmp(big_o_names[i], name) == 0)
            return i;
    return -1;
}

double hp_big_o_eval(enum hp_big_o shape, double n)
{
    switch (shape) {
    case HP_O_LOG_N:
        return log2(n);
    case HP_O_N:
        return n;
    case HP_O_N_LOG_N:
        return n * log2(n);
    default:
        return 1;
    }
}

/* Least squares through the origin for one shape, in relative error: c minimises
 * sum ((t - c g) / t)^2, so c = sum (g / t) / sum (g / t)^2; the RMS of those relative errors. */
static struct hp_fit_shape fit_shape(enum hp_big_o shape, const double *n, const double *t,
                                     size_t count)
{
    double sum_r = 0, sum_rr = 0;
    for (size_t i = 0; i < count; i++) {
        double r = hp_big_o_eval(shape, n[i]) / t[i];
        sum_r += r;
        sum_rr += r * r;
    }
    struct hp_fit_shape out = {.shape = shape, .coefficient = sum_rr > 0 ? sum_r / sum_rr : 0};
    double squares = 0;
    for (size_t i = 0; i < count; i++) {
        double e = 1 - out.coefficient * hp_big_o_eval(shape, n[i]) / t[i];
        squares += e * e;
    }
    out.rms = sqrt(squares / (double)count);
    return out;
}

int hp_fit_complexity(const double *n, const double *t, size_t count, struct hp_fit *out)
{
    size_t distinct = 0;
    for (size_t i = 0; i < count; i++) {
        if (!(n[i] >= 1) || !isfinite(n[i]) || !isfinite(t[i]) || !(t[i] > 0))
            return -1;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = n[k] == n[i];
        distinct += !seen;
    }
    if (distinct < HP_FIT_MIN_POINTS)
        return -1;
    memset(out, 0, sizeof *out);
    for (int s = 0; s < HP_BIG_O_COUNT; s++) {
        out->shapes[s] = fit_shape((enum hp_big_o)s, n, t, count);
        if (out->shapes[s].rms < out->shapes[out->best].rms)
            out->best = (enum hp_big_o)s;
    }
    out->runner_up = out->best == HP_O_1 ? HP_O_LOG_N : HP_O_1;
    for (int s = 0; s < HP_BIG_O_COUNT; s++)
        if (s != (int)out->best && out->shapes[s].rms < out->shapes[out->runner_up].rms)
            out->runner_up = (enum hp_big_o)s;
    out->ambiguous =
        out->shapes[out->runner_up].rms - out->shapes[out->best].rms < HP_FIT_AMBIGUOUS_RMS;
    return 0;
}
