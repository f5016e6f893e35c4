/* One-shot sources' output (one_shot_output.h). */
#include "one_shot_output.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { GO_WORDS_MAX = 32 };

/* The whole of text as a finite number; false for anything else. */
static bool finite_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end || errno || !isfinite(v))
        return false;
    *out = v;
    return true;
}

static bool usable_iterations(double v)
{
    return v >= 1 && v <= HP_ONE_SHOT_ITERATIONS_MAX && v == floor(v);
}

/* One line (modified: split into words). 1: a sample in *s; 0: not a benchmark line; -1: a
 * benchmark line with a bad figure, why set. */
static int go_line(char *line, unsigned line_no, struct hp_one_shot_sample *s, char *why,
                   size_t why_size)
{
    if (strncmp(line, "Benchmark", 9) != 0)
        return 0;
    char *words[GO_WORDS_MAX];
    size_t n = 0;
    char *save = NULL;
    for (char *w = strtok_r(line, " \t\r", &save); w && n < GO_WORDS_MAX;
         w = strtok_r(NULL, " \t\r", &save))
        words[n++] = w;
    if (n < 4 || strlen(words[0]) >= sizeof s->name)
        return 0;
    size_t ns_at = 0; /* index of the ns/op unit */
    for (size_t k = 3; k < n && !ns_at; k++)
        if (strcmp(words[k], "ns/op") == 0)
            ns_at = k;
    if (!ns_at)
        return 0; /* "BenchmarkX 1000 0 B/op": no time, so no sample */
    *s = (struct hp_one_shot_sample){.cpu_ns = NAN, .allocs = NAN, .bytes = NAN};
    if (!finite_number(words[1], &s->iterations) || !usable_iterations(s->iterations)) {
        snprintf(why, why_size,
                 "line %u of the output: %.160s: iterations '%.32s' is not a "
                 "whole number from 1 to 1e15",
                 line_no, words[0], words[1]);
        return -1;
    }
    /* Values and units in pairs from the third word: "X ns/op Y B/op Z allocs/op ...". */
    for (size_t k = 2; k + 1 < n; k += 2) {
        const char *unit = words[k + 1];
        bool time = strcmp(unit, "ns/op") == 0;
        if (!time && strcmp(unit, "B/op") != 0 && strcmp(unit, "allocs/op") != 0)
            continue; /* a custom metric (b.ReportMetric) */
        double v;
        if (!finite_number(words[k], &v) || (time ? v <= 0 : v < 0)) {
            snprintf(why, why_size, "line %u of the output: %.160s: %s '%.32s' is not a %s number",
                     line_no, words[0], unit, words[k], time ? "positive" : "non-negative");
            return -1;
        }
        if (time)
            s->ns = v;
        else if (unit[0] == 'B')
            s->bytes = v;
        else
            s->allocs = v;
    }
    if (!(s->ns > 0)) {
        /* "ns/op" stood where a value belongs: "BenchmarkX 10 ns/op 5 ns/op". */
        snprintf(why, why_size, "line %u of the output: %.160s: no number before ns/op", line_no,
                 words[0]);
        return -1;
    }
    snprintf(s->name, sizeof s->name, "%s", words[0]); /* fits: checked above */
    char *dash = strrchr(s->name, '-');
    if (dash && dash[1] && strspn(dash + 1, "0123456789") == strlen(dash + 1) &&
        strlen(dash + 1) <= 6) {
        s->procs = (unsigned)atoi(dash + 1);
        *dash = '\0';
    }
    return 1;
}

long hp_one_shot_parse_go(const char *text, struct hp_one_shot_sample *out, size_t max, char *why,
                          size_t why_size)
{
    char *copy = strdup(text);
    if (!copy) {
        snprintf(why, why_size, "out of memory");
        return -1;
    }
    size_t count = 0;
    unsigned line_no = 0;
    for (char *line = copy, *next; *line; line = next) {
        next = line + strcspn(line, "\n");
        if (*next)
            *next++ = '\0';
        line_no++;
        struct hp_one_shot_sample s;
        int rc = go_line(line, line_no, &s, why, why_size);
        if (rc < 0) {
            free(copy);
            return -1;
        }
        if (rc == 1 && count < max)
            out[count++] = s;
    }
    free(copy);
    return (long)count;
}

static double time_unit_ns(const json_t *unit)
{
    if (!unit)
        return 1;
    const char *u = json_string_value(unit);
    if (!u)
        return 0;
    if (strcmp(u, "ns") == 0)
        return 1;
    if (strcmp(u, "us") == 0)
        return 1e3;
    if (strcmp(u, "ms") == 0)
        return 1e6;
    if (strcmp(u, "s") == 0)
        return 1e9;
    return 0;
}

/* A per-op figure of run b: NAN when absent, -1 when present but not a finite non-negative
 * number. */
static double per_op(const json_t *b, const char *key, double scale)
{
    const json_t *v = json_object_get(b, key);
    if (!v)
        return NAN;
    double x = json_is_number(v) ? json_number_value(v) * scale : -1;
    return isfinite(x) && x >= 0 ? x : -1;
}

long hp_one_shot_parse_google_json(const char *text, size_t len, struct hp_one_shot_sample *out,
                                   size_t max, char *why, size_t why_size)
{
    json_error_t jerr;
    json_t *root = json_loadb(text, len, 0, &jerr);
    json_t *list = root ? json_object_get(root, "benchmarks") : NULL;
    if (!json_is_array(list)) {
        snprintf(why, why_size, "output is not Google Benchmark JSON (%s)",
                 root ? "no \"benchmarks\" array" : jerr.text);
        json_decref(root);
        return -1;
    }
    size_t count = 0, i;
    json_t *b;
    json_array_foreach(list, i, b)
    {
        json_t *type = json_object_get(b, "run_type");
        if (!json_is_object(b) ||
            (type && (!json_is_string(type) || strcmp(json_string_value(type), "iteration") != 0)))
            continue;
        if (json_is_true(json_object_get(b, "error_occurred")))
            continue; /* a benchmark that reported an error has no figures */
        json_t *name = json_object_get(b, "run_name");
        if (!json_is_string(name))
            name = json_object_get(b, "name");
        double scale = time_unit_ns(json_object_get(b, "time_unit"));
        json_t *iters = json_object_get(b, "iterations");
        struct hp_one_shot_sample s = {.procs = 0};
        const char *problem = NULL;
        if (!json_is_string(name))
            problem = "no name";
        else if (scale == 0)
            problem = "time_unit is none of ns, us, ms, s";
        else if (!(per_op(b, "real_time", scale) > 0))
            problem = "real_time is not a positive number";
        else if (per_op(b, "cpu_time", scale) < 0)
            problem = "cpu_time is not a non-negative number";
        else if (!json_is_number(iters) || !usable_iterations(json_number_value(iters)))
            problem = "iterations is not a whole number from 1 to 1e15";
        else if (per_op(b, "allocs_per_op", 1) < 0 || per_op(b, "bytes_per_op", 1) < 0)
            problem = "allocs_per_op or bytes_per_op is not a non-negative number";
        if (problem) {
            snprintf(why, why_size, "benchmarks[%zu] (%.160s): %s", i,
                     json_is_string(name) ? json_string_value(name) : "?", problem);
            json_decref(root);
            return -1;
        }
        if (count == max)
            continue;
        snprintf(s.name, sizeof s.name, "%s", json_string_value(name)); /* a long one is cut */
        s.ns = per_op(b, "real_time", scale);
        s.cpu_ns = per_op(b, "cpu_time", scale);
        s.iterations = json_number_value(iters);
        s.allocs = per_op(b, "allocs_per_op", 1);
        s.bytes = per_op(b, "bytes_per_op", 1);
        out[count++] = s;
    }
    json_decref(root);
    return (long)count;
}
