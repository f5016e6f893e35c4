#include "gate.h"

#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"

void hp_gate_config_defaults(struct hp_gate_config *c)
{
    memset(c, 0, sizeof *c);
    c->defaults = (struct hp_gate_limits){
        .threshold = HP_GATE_DEFAULT_THRESHOLD,
        .allocs_budget = 0,
        .bytes_budget = 0,
        .instructions_tolerance = HP_GATE_DEFAULT_INSTRUCTIONS_TOLERANCE,
        .ignore = false,
    };
    c->level = 0.95;
    c->fail_on_missing = false;
}

/* ---- config ----------------------------------------------------------------------------- */

/* A config is a few lines; inih reads a line into a buffer of INI_MAX_LINE bytes. */
enum {
    CONFIG_MAX_BYTES = 64 << 10,
    CONFIG_MAX_LINE = INI_MAX_LINE - 1,
    CONFIG_MAX_KEYS = 16 * (HP_GATE_MAX_RULES + 1),
};

struct config_parse {
    struct hp_gate_config *config;
    const char *path;
    const char *rest; /* the text not yet given to inih */
    int line;         /* the line inih is working on */
    /* Every key set so far: in which section (-1 for [gate], else the rule) and on which line. */
    struct {
        int section;
        char name[32];
        int line;
    } keys[CONFIG_MAX_KEYS];
    size_t key_count;
    char problem[512];
    int problem_line;
};

/* "5%", "0.05", "5 %": a non-negative fraction. Percent values are divided by 100. */
static int parse_fraction(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno != 0 || !isfinite(v) || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    if (*end == '%') {
        v /= 100;
        end++;
    }
    if (*end != '\0')
        return -1;
    *out = v;
    return 0;
}

static int parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !isfinite(v) || v < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcmp(text, yes[i]) == 0)
            return *out = true, 0;
        if (strcmp(text, no[i]) == 0)
            return *out = false, 0;
    }
    return -1;
}

__attribute__((format(printf, 2, 3))) static int config_problem(struct config_parse *p,
                                                                const char *fmt, ...)
{
    if (!p->problem_line) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->problem, sizeof p->problem, fmt, ap);
        va_end(ap);
        p->problem_line = p->line;
    }
    return 0; /* inih: an error on this line */
}

/* Refuses a key given twice in one section ([gate], or one [case] rule): the first value
 * would be lost without a word. */
static bool repeated_key(struct config_parse *p, int section, const char *name)
{
    for (size_t i = 0; i < p->key_count; i++) {
        if (p->keys[i].section == section && strcmp(p->keys[i].name, name) == 0) {
            config_problem(p, "'%s' is set again (first at line %d); give each key once", name,
                           p->keys[i].line);
            return true;
        }
    }
    if (p->key_count < CONFIG_MAX_KEYS) {
        p->keys[p->key_count].section = section;
        snprintf(p->keys[p->key_count].name, sizeof p->keys[0].name, "%s", name);
        p->keys[p->key_count].line = p->line;
        p->key_count++;
    }
    return false;
}

/* The limit keys, shared by [gate] and [case] sections. Returns 1 when the key was one of them,
 * 0 when unknown, -1 when its value is bad. */
static int set_limit(struct hp_gate_limits *l, bool *has[5], const char *name, const char *value)
{
    double v;
    bool b;
    if (strcmp(name, "threshold") == 0) {
        if (parse_fraction(value, &v) != 0 || v >= 10)
            return -1;
        l->threshold = v;
        if (has)
            *has[0] = true;
    } else if (strcmp(name, "allocs_budget") == 0) {
        if (parse_number(value, &v) != 0)
            return -1;
        l->allocs_budget = v;
        if (has)
            *has[1] = true;
    } else if (strcmp(name, "bytes_budget") == 0) {
        if (parse_number(value, &v) != 0)
            return -1;
        l->bytes_budget = v;
        if (has)
            *has[2] = true;
    } else if (strcmp(name, "instructions_tolerance") == 0) {
        if (parse_fraction(value, &v) != 0 || v >= 10)
            return -1;
        l->instructions_tolerance = v;
        if (has)
            *has[3] = true;
    } else if (strcmp(name, "ignore") == 0) {
        if (parse_bool(value, &b) != 0)
            return -1;
        l->ignore = b;
        if (has)
            *has[4] = true;
    } else {
        return 0;
    }
    return 1;
}

static int config_handler(void *user, const char *section, const char *name, const char *value)
{
    struct config_parse *p = user;
    struct hp_gate_config *c = p->config;
    if (strcmp(section, "gate") == 0) {
        if (!name)
            return 1;
        if (repeated_key(p, -1, name))
            return 0;
        if (strcmp(name, "level") == 0) {
            double v;
            if (parse_number(value, &v) != 0 || v <= 0 || v >= 1)
                return config_problem(p, "level '%s': not a number in (0, 1)%s", value, "");
            c->level = v;
            return 1;
        }
        if (strcmp(name, "time_rule") == 0) {
            if (strcmp(value, "point") == 0)
                c->time_rule = HP_GATE_RULE_POINT;
            else if (strcmp(value, "bound") == 0)
                c->time_rule = HP_GATE_RULE_BOUND;
            else
                return config_problem(p, "time_rule '%s': unknown (valid: point, bound)%s", value,
                                      "");
            return 1;
        }
        if (strcmp(name, "clock") == 0) {
            if (hp_gate_clock_parse(value, &c->clock) != 0)
                return config_problem(p, "clock '%s': unknown (valid: auto, wall, cpu)%s", value,
                                      "");
            return 1;
        }
        if (strcmp(name, "fail_on_missing") == 0) {
            if (parse_bool(value, &c->fail_on_missing) != 0)
                return config_problem(p, "fail_on_missing '%s': not yes or no%s", value, "");
            return 1;
        }
        int rc = set_limit(&c->defaults, NULL, name, value);
        if (rc == 0)
            return config_problem(p,
                                  "unknown key '%s' in [gate] (valid: threshold, level, "
                                  "allocs_budget, bytes_budget, instructions_tolerance, "
                                  "fail_on_missing, clock, time_rule)%s",
                                  name, "");
        if (rc < 0)
            return config_problem(p, "%s '%s': not a valid non-negative value", name, value);
        return 1;
    }
    if (strncmp(section, "case ", 5) == 0 && section[5] != '\0') {
        const char *pattern = section + 5;
        /* inih passes every key with its section name: a section starts a new rule when the
         * previous key belonged to another one. */
        if (c->rule_count == 0 || strcmp(c->rules[c->rule_count - 1].pattern, pattern) != 0) {
            if (c->rule_count == HP_GATE_MAX_RULES)
                return config_problem(p, "too many [case] sections (at most 64)%s%s", "", "");
            if (strlen(pattern) >= sizeof c->rules[0].pattern)
                return config_problem(p, "[case %s]: pattern too long%s", pattern, "");
            memset(&c->rules[c->rule_count], 0, sizeof c->rules[0]);
            strcpy(c->rules[c->rule_count].pattern, pattern);
            c->rule_count++;
        }
        if (!name)
            return 1;
        if (repeated_key(p, (int)c->rule_count - 1, name))
            return 0;
        typeof(c->rules[0]) *rule = &c->rules[c->rule_count - 1];
        bool *has[5] = {&rule->has_threshold, &rule->has_allocs_budget, &rule->has_bytes_budget,
                        &rule->has_instructions_tolerance, &rule->has_ignore};
        int rc = set_limit(&rule->limits, has, name, value);
        if (rc == 0)
            return config_problem(p,
                                  "unknown key '%s' in [case %s] (valid: threshold, allocs_budget, "
                                  "bytes_budget, instructions_tolerance, ignore)",
                                  name, pattern);
        if (rc < 0)
            return config_problem(p, "%s '%s': not a valid non-negative value", name, value);
        return 1;
    }
    return config_problem(p, "unknown section [%s] (valid: [gate], [case PATTERN])%s", section, "");
}

/* inih's reader: the next line of p->rest (checked to fit by hp_gate_config_read). */
static char *next_line(char *out, int size, void *stream)
{
    struct config_parse *p = stream;
    if (!*p->rest)
        return NULL;
    size_t len = strcspn(p->rest, "\n");
    size_t take = len < (size_t)size - 1 ? len : (size_t)size - 1;
    memcpy(out, p->rest, take);
    out[take] = '\0';
    p->rest += len + (p->rest[len] == '\n');
    p->line++;
    return out;
}

int hp_gate_config_read(const char *path, struct hp_gate_config *c, struct hp_error *err)
{
    char *text;
    size_t len;
    if (hp_file_read(path, CONFIG_MAX_BYTES, &text, &len, err) != 0)
        return -1;
    /* Lines inih would cut (and then count wrong) are refused here, with their own number. */
    int line = 1;
    for (const char *l = text; l < text + len; line++) {
        const char *nl = memchr(l, '\n', (size_t)(text + len - l));
        size_t n = nl ? (size_t)(nl - l) : (size_t)(text + len - l);
        int rc = 0;
        if (memchr(l, '\0', n))
            rc = hp_error_set(err, "%s:%d: a NUL byte (not a text file)", path, line);
        else if (n > CONFIG_MAX_LINE)
            rc = hp_error_set(err, "%s:%d: line too long: %zu characters, the limit is %d", path,
                              line, n, CONFIG_MAX_LINE);
        if (rc != 0) {
            free(text);
            return -1;
        }
        l += n + 1;
    }
    struct config_parse *p = calloc(1, sizeof *p);
    if (!p) {
        free(text);
        return hp_error_set(err, "out of memory");
    }
    p->config = c;
    p->path = path;
    p->rest = text;
    int rc = ini_parse_stream(next_line, p, config_handler, p);
    if (rc > 0 && p->problem_line == rc)
        hp_error_set(err, "%s:%d: %s", path, p->problem_line, p->problem);
    else if (rc > 0)
        hp_error_set(err, "%s:%d: not an INI line (expected [section] or key = value)", path, rc);
    else if (rc < 0)
        hp_error_set(err, "%s: cannot parse: out of memory", path);
    free(p);
    free(text);
    return rc == 0 ? 0 : -1;
}

struct hp_gate_limits hp_gate_limits_for(const struct hp_gate_config *c, const char *case_name)
{
    struct hp_gate_limits l = c->defaults;
    for (size_t i = 0; i < c->rule_count; i++) {
        if (fnmatch(c->rules[i].pattern, case_name, 0) != 0)
            continue;
        const struct hp_gate_limits *r = &c->rules[i].limits;
        if (c->rules[i].has_threshold)
            l.threshold = r->threshold;
        if (c->rules[i].has_allocs_budget)
            l.allocs_budget = r->allocs_budget;
        if (c->rules[i].has_bytes_budget)
            l.bytes_budget = r->bytes_budget;
        if (c->rules[i].has_instructions_tolerance)
            l.instructions_tolerance = r->instructions_tolerance;
        if (c->rules[i].has_ignore)
            l.ignore = r->ignore;
    }
    return l;
}

/* ---- evaluation ------------------------------------------------------------------------- */

const char *hp_gate_status_name(enum hp_gate_status s)
{
    switch (s) {
    case HP_GATE_UNCHANGED:
        return "unchanged";
    case HP_GATE_IMPROVED:
        return "improved";
    case HP_GATE_REGRESSED:
        return "REGRESSED";
    case HP_GATE_NEW:
        return "new";
    case HP_GATE_MISSING:
        return "missing";
    case HP_GATE_IGNORED:
        return "ignored";
    }
    return "?";
}

static void add_why(struct hp_gate_row *row, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void add_why(struct hp_gate_row *row, const char *fmt, ...)
{
    size_t used = strlen(row->why);
    if (used + 3 >= sizeof row->why)
        return;
    if (used > 0) {
        strcpy(row->why + used, "; ");
        used += 2;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(row->why + used, sizeof row->why - used, fmt, ap);
    va_end(ap);
}

static void add_note(struct hp_gate_result *r, const char *text)
{
    if (r->note_count < sizeof r->notes / sizeof r->notes[0])
        snprintf(r->notes[r->note_count++], sizeof r->notes[0], "%s", text);
}

static bool same_string(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

int hp_gate_clock_parse(const char *text, enum hp_gate_clock *out)
{
    if (strcmp(text, "auto") == 0)
        *out = HP_GATE_CLOCK_AUTO;
    else if (strcmp(text, "wall") == 0)
        *out = HP_GATE_CLOCK_WALL;
    else if (strcmp(text, "cpu") == 0)
        *out = HP_GATE_CLOCK_CPU;
    else
        return -1;
    return 0;
}

static bool use_cpu_clock(const struct hp_gate_row *row, enum hp_gate_clock clock)
{
    if (clock == HP_GATE_CLOCK_WALL || !row->old->cpu_ns_per_op || !row->new_->cpu_ns_per_op)
        return false;
    return clock == HP_GATE_CLOCK_CPU || (row->old->threads == 1 && row->new_->threads == 1);
}

/* A shallow copy of c whose ns/op samples are its CPU-time samples. */
static int cpu_view(const struct hp_result_case *c, struct hp_result_case *view)
{
    *view = *c;
    view->ns_per_op = c->cpu_ns_per_op;
    if (c->samples == 0)
        return 0;
    return hp_summarize(view->ns_per_op, view->samples, 0.95, &view->summary);
}

static void gate_time(struct hp_gate_row *row, const struct hp_gate_config *config, bool time_gated,
                      struct hp_error *err, int *failed)
{
    struct hp_compare_options options;
    hp_compare_options_defaults(&options);
    options.level = config->level;
    const struct hp_result_case *old = row->old, *new_ = row->new_;
    struct hp_result_case old_cpu, new_cpu;
    row->cpu_clock = use_cpu_clock(row, config->clock);
    if (row->cpu_clock) {
        if (cpu_view(row->old, &old_cpu) != 0 || cpu_view(row->new_, &new_cpu) != 0) {
            hp_error_set(err, "%s: the CPU-time samples cannot be summarised", row->name);
            *failed = 1;
            return;
        }
        old = &old_cpu;
        new_ = &new_cpu;
    }
    if (hp_compare_cases(old, new_, &options, &row->cmp, err) != 0) {
        *failed = 1;
        return;
    }
    row->has_comparison = true;
    if (!time_gated)
        return;
    if (row->cmp.change == HP_CHANGE_TOO_FEW_SAMPLES) {
        add_why(row, "time not gated: fewer than %d samples", HP_COMPARE_MIN_SAMPLES);
        return;
    }
    double t = row->limits.threshold;
    /* Significant: compare.h's verdict (the rank test below alpha and the ratio interval
     * excluding 1). Large enough: the point estimate beyond the threshold (rule "point"), or
     * the whole interval beyond it (rule "bound", stricter, needs narrower intervals). */
    bool slower_beyond = config->time_rule == HP_GATE_RULE_BOUND ? row->cmp.ratio_low > 1 + t
                                                                 : row->cmp.ratio > 1 + t;
    bool faster_beyond = config->time_rule == HP_GATE_RULE_BOUND ? row->cmp.ratio_high < 1 - t
                                                                 : row->cmp.ratio < 1 - t;
    if (row->cmp.change == HP_CHANGE_SLOWER && slower_beyond) {
        row->time = HP_METRIC_REGRESSED;
        add_why(row, "time x%.3f [%.3f, %.3f] p=%.2g: slower, beyond x%.3f", row->cmp.ratio,
                row->cmp.ratio_low, row->cmp.ratio_high, row->cmp.p_value, 1 + t);
    } else if (row->cmp.change == HP_CHANGE_FASTER && faster_beyond) {
        row->time = HP_METRIC_IMPROVED;
        add_why(row, "time x%.3f [%.3f, %.3f]", row->cmp.ratio, row->cmp.ratio_low,
                row->cmp.ratio_high);
    } else {
        row->time = HP_METRIC_OK;
    }
}

static enum hp_gate_metric_state gate_growth(double old, double new_, double allowed,
                                             double resolution)
{
    if (isnan(old) || isnan(new_))
        return HP_METRIC_NOT_GATED;
    if (new_ - old > allowed + resolution)
        return HP_METRIC_REGRESSED;
    if (old - new_ > resolution)
        return HP_METRIC_IMPROVED;
    return HP_METRIC_OK;
}

static void gate_deterministic(struct hp_gate_row *row)
{
    const struct hp_result_case *o = row->old, *n = row->new_;
    row->allocs = gate_growth(o->allocs_per_op, n->allocs_per_op, row->limits.allocs_budget,
                              HP_GATE_ALLOC_RESOLUTION);
    if (row->allocs == HP_METRIC_REGRESSED)
        add_why(row, "allocs/op %.4g -> %.4g", o->allocs_per_op, n->allocs_per_op);
    row->bytes = gate_growth(
        o->bytes_per_op, n->bytes_per_op, row->limits.bytes_budget,
        fmax(HP_GATE_BYTES_RESOLUTION, 0.01 * (isnan(o->bytes_per_op) ? 0 : o->bytes_per_op)));
    if (row->bytes == HP_METRIC_REGRESSED)
        add_why(row, "B/op %.4g -> %.4g", o->bytes_per_op, n->bytes_per_op);

    row->old_instructions = row->new_instructions = NAN;
    if (!isnan(o->instructions) && !isnan(n->instructions)) {
        if (!same_string(o->instructions_source, n->instructions_source)) {
            add_why(row, "instructions not gated: measured by %s and by %s",
                    o->instructions_source ? o->instructions_source : "?",
                    n->instructions_source ? n->instructions_source : "?");
        } else {
            row->old_instructions = o->instructions;
            row->new_instructions = n->instructions;
            double limit = o->instructions * (1 + row->limits.instructions_tolerance);
            if (n->instructions > limit) {
                row->instructions = HP_METRIC_REGRESSED;
                add_why(row, "instructions/op %.6g -> %.6g (+%.2f%%)", o->instructions,
                        n->instructions, 100 * (n->instructions / o->instructions - 1));
            } else if (n->instructions <
                       o->instructions * (1 - row->limits.instructions_tolerance)) {
                row->instructions = HP_METRIC_IMPROVED;
            } else {
                row->instructions = HP_METRIC_OK;
            }
        }
    }
}

static void settle_status(struct hp_gate_row *row)
{
    enum hp_gate_metric_state m[] = {row->time, row->allocs, row->bytes, row->instructions};
    bool regressed = false, improved = false;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        regressed |= m[i] == HP_METRIC_REGRESSED;
        improved |= m[i] == HP_METRIC_IMPROVED;
    }
    row->status = regressed ? HP_GATE_REGRESSED : improved ? HP_GATE_IMPROVED : HP_GATE_UNCHANGED;
}

int hp_gate_evaluate(const struct hp_results *baseline, const struct hp_results *current,
                     const struct hp_gate_config *config, struct hp_gate_result *out,
                     struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    out->baseline = baseline;
    out->current = current;
    out->level = config->level;
    const struct hp_results *sides[2] = {baseline, current};
    for (int i = 0; i < 2; i++)
        if (!sides[i]->complete)
            return hp_error_set(err, "%s: an interrupted run (complete: false) cannot be gated",
                                sides[i]->path);
    if (!same_string(baseline->build_type, current->build_type))
        return hp_error_set(err,
                            "%s: build type %s, but %s is %s: only runs of the same build type "
                            "can be gated",
                            current->path, current->build_type ? current->build_type : "?",
                            baseline->path, baseline->build_type ? baseline->build_type : "?");

    out->time_gated = same_string(baseline->machine_fingerprint, current->machine_fingerprint);
    if (config->deterministic_only) {
        out->time_gated = false;
        add_note(out, "--deterministic: times are not gated, only allocations, bytes and "
                      "instructions per op");
    } else if (!out->time_gated) {
        char note[256];
        snprintf(note, sizeof note,
                 "different machines (fingerprints %.16s and %.16s): times are not gated, only "
                 "allocations, bytes and instructions per op",
                 baseline->machine_fingerprint ? baseline->machine_fingerprint : "?",
                 current->machine_fingerprint ? current->machine_fingerprint : "?");
        add_note(out, note);
    }

    out->rows = calloc(baseline->case_count + current->case_count + 1, sizeof *out->rows);
    if (!out->rows)
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < baseline->case_count; i++) {
        struct hp_gate_row *row = &out->rows[out->row_count++];
        row->old = &baseline->cases[i];
        row->name = row->old->name;
        row->new_ = hp_results_find(current, row->name);
        row->limits = hp_gate_limits_for(config, row->name);
        row->old_instructions = row->new_instructions = NAN;
        if (!row->new_) {
            row->status = HP_GATE_MISSING;
            add_why(row, "in the baseline only%s",
                    config->fail_on_missing ? " (fail_on_missing)" : ", not gated");
            continue;
        }
        if (!row->old->overhead_probe)
            out->compared++;
        int failed = 0;
        gate_time(row, config, out->time_gated, err, &failed);
        if (failed) {
            hp_gate_result_free(out);
            return -1;
        }
        gate_deterministic(row);
        if (row->limits.ignore) {
            row->status = HP_GATE_IGNORED;
            continue;
        }
        settle_status(row);
    }
    for (size_t i = 0; i < current->case_count; i++) {
        if (hp_results_find(baseline, current->cases[i].name))
            continue;
        struct hp_gate_row *row = &out->rows[out->row_count++];
        row->new_ = &current->cases[i];
        row->name = row->new_->name;
        row->limits = hp_gate_limits_for(config, row->name);
        row->status = HP_GATE_NEW;
        row->old_instructions = row->new_instructions = NAN;
        add_why(row, "in the current run only, not gated");
    }
    if (out->compared == 0) {
        hp_gate_result_free(out);
        return hp_error_set(err,
                            "%s and %s have no case in common besides the overhead probe: "
                            "nothing to gate",
                            baseline->path, current->path);
    }
    for (size_t i = 0; i < out->row_count; i++) {
        switch (out->rows[i].status) {
        case HP_GATE_REGRESSED:
            out->regressed++;
            out->failed = true;
            break;
        case HP_GATE_IMPROVED:
            out->improved++;
            break;
        case HP_GATE_UNCHANGED:
            out->unchanged++;
            break;
        case HP_GATE_NEW:
            out->added++;
            break;
        case HP_GATE_MISSING:
            out->missing++;
            if (config->fail_on_missing)
                out->failed = true;
            break;
        case HP_GATE_IGNORED:
            out->ignored++;
            break;
        }
    }
    return 0;
}

void hp_gate_result_free(struct hp_gate_result *r)
{
    free(r->rows);
    r->rows = NULL;
    r->row_count = 0;
}

/* ---- output ----------------------------------------------------------------------------- */

/* The median the time rule compared (CPU time marked "c"), or the wall-time median of a case
 * present on one side only. */
static void format_ns(char *out, size_t size, const struct hp_gate_row *row, bool old_side)
{
    const struct hp_result_case *c = old_side ? row->old : row->new_;
    if (!c || c->samples == 0)
        snprintf(out, size, "-");
    else if (row->has_comparison)
        snprintf(out, size, "%.4g%s", old_side ? row->cmp.old_median : row->cmp.new_median,
                 row->cpu_clock ? "c" : "");
    else
        snprintf(out, size, "%.4g", c->summary.median);
}

static void format_change(char *out, size_t size, const struct hp_gate_row *row)
{
    if (!row->has_comparison || isnan(row->cmp.ratio)) {
        snprintf(out, size, "-");
        return;
    }
    if (row->cmp.change == HP_CHANGE_TOO_FEW_SAMPLES)
        snprintf(out, size, "%+.1f%% (too few samples)", 100 * (row->cmp.ratio - 1));
    else
        snprintf(out, size, "%+.1f%% [%+.1f%%, %+.1f%%]", 100 * (row->cmp.ratio - 1),
                 100 * (row->cmp.ratio_low - 1), 100 * (row->cmp.ratio_high - 1));
}

static void format_pair(char *out, size_t size, double a, double b, int digits)
{
    if (isnan(a) && isnan(b))
        snprintf(out, size, "-");
    else if (isnan(a))
        snprintf(out, size, "- -> %.*g", digits, b);
    else if (isnan(b))
        snprintf(out, size, "%.*g -> -", digits, a);
    else
        snprintf(out, size, "%.*g -> %.*g", digits, a, digits, b);
}

static double allocs_of(const struct hp_result_case *c)
{
    return c ? c->allocs_per_op : NAN;
}

static double bytes_of(const struct hp_result_case *c)
{
    return c ? c->bytes_per_op : NAN;
}

static double instructions_of(const struct hp_result_case *c)
{
    return c ? c->instructions : NAN;
}

void hp_gate_print(FILE *f, const struct hp_gate_result *r, enum hp_gate_format format)
{
    const bool md = format == HP_GATE_MARKDOWN;
    size_t width = 4;
    for (size_t i = 0; i < r->row_count; i++)
        if (strlen(r->rows[i].name) > width)
            width = strlen(r->rows[i].name);
    if (md) {
        fprintf(f, "### hotpath gate: %s\n\n", r->failed ? "**FAILED**" : "passed");
        fprintf(f, "Baseline `%s` (commit %.12s), current `%s` (commit %.12s).\n\n",
                r->baseline->path, r->baseline->git_commit ? r->baseline->git_commit : "?",
                r->current->path, r->current->git_commit ? r->current->git_commit : "?");
        for (size_t i = 0; i < r->note_count; i++)
            fprintf(f, "> %s\n\n", r->notes[i]);
        fprintf(f,
                "| case | status | old ns/op | new ns/op | change [95%% CI] | allocs/op | B/op | "
                "instructions/op | why |\n");
        fprintf(f, "|---|---|---:|---:|---:|---:|---:|---:|---|\n");
    } else {
        fprintf(f, "baseline: %s (commit %.12s)\ncurrent:  %s (commit %.12s)\n", r->baseline->path,
                r->baseline->git_commit ? r->baseline->git_commit : "?", r->current->path,
                r->current->git_commit ? r->current->git_commit : "?");
        for (size_t i = 0; i < r->note_count; i++)
            fprintf(f, "note: %s\n", r->notes[i]);
        fprintf(f, "\n%-*s  %-9s %10s %10s  %-26s %-16s %-16s %-22s %s\n", (int)width, "case",
                "status", "old ns/op", "new ns/op", "change [95% CI]", "allocs/op", "B/op",
                "instructions/op", "why");
    }
    for (size_t i = 0; i < r->row_count; i++) {
        const struct hp_gate_row *row = &r->rows[i];
        char old_ns[32], new_ns[32], change[96], allocs[64], bytes[64], instr[80];
        format_ns(old_ns, sizeof old_ns, row, true);
        format_ns(new_ns, sizeof new_ns, row, false);
        format_change(change, sizeof change, row);
        format_pair(allocs, sizeof allocs, allocs_of(row->old), allocs_of(row->new_), 4);
        format_pair(bytes, sizeof bytes, bytes_of(row->old), bytes_of(row->new_), 4);
        format_pair(instr, sizeof instr, instructions_of(row->old), instructions_of(row->new_), 8);
        if (md)
            fprintf(f, "| `%s` | %s%s%s | %s | %s | %s | %s | %s | %s | %s |\n", row->name,
                    row->status == HP_GATE_REGRESSED ? "**" : "", hp_gate_status_name(row->status),
                    row->status == HP_GATE_REGRESSED ? "**" : "", old_ns, new_ns, change, allocs,
                    bytes, instr, row->why);
        else
            fprintf(f, "%-*s  %-9s %10s %10s  %-26s %-16s %-16s %-22s %s\n", (int)width, row->name,
                    hp_gate_status_name(row->status), old_ns, new_ns, change, allocs, bytes, instr,
                    row->why);
    }
    fprintf(f,
            "%s%s: compared %zu case%s besides the overhead probe; %zu regressed, %zu improved, "
            "%zu unchanged, %zu new, %zu missing, %zu ignored; time %s "
            "(regression: slower at %.0f%% confidence and by more than the threshold)\n",
            md ? "\n" : "\n", r->failed ? "FAILED" : "passed", r->compared,
            r->compared == 1 ? "" : "s", r->regressed, r->improved, r->unchanged, r->added,
            r->missing, r->ignored, r->time_gated ? "gated" : "NOT gated", 100 * r->level);
    if (r->time_gated)
        fprintf(f,
                "%sns/op marked c: CPU time per op (one-thread cases that recorded it on both "
                "sides; --clock wall compares wall time)\n",
                md ? "\n" : "");
}

static json_t *real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static const char *metric_state_name(enum hp_gate_metric_state s)
{
    switch (s) {
    case HP_METRIC_NOT_GATED:
        return "not gated";
    case HP_METRIC_OK:
        return "unchanged";
    case HP_METRIC_IMPROVED:
        return "improved";
    case HP_METRIC_REGRESSED:
        return "regressed";
    }
    return "?";
}

static int write_verdict(FILE *f, const void *root)
{
    return json_dumpf(root, f, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
}

int hp_gate_write_json(const char *path, const struct hp_gate_result *r, struct hp_error *err)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("hotpath-gate"));
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "verdict", json_string(r->failed ? "fail" : "pass"));
    json_object_set_new(root, "baseline", json_string(r->baseline->path));
    json_object_set_new(root, "current", json_string(r->current->path));
    json_object_set_new(root, "time_gated", json_boolean(r->time_gated));
    json_t *notes = json_array();
    for (size_t i = 0; i < r->note_count; i++)
        json_array_append_new(notes, json_string(r->notes[i]));
    json_object_set_new(root, "notes", notes);
    json_t *counts = json_object();
    json_object_set_new(counts, "regressed", json_integer((json_int_t)r->regressed));
    json_object_set_new(counts, "improved", json_integer((json_int_t)r->improved));
    json_object_set_new(counts, "unchanged", json_integer((json_int_t)r->unchanged));
    json_object_set_new(counts, "new", json_integer((json_int_t)r->added));
    json_object_set_new(counts, "missing", json_integer((json_int_t)r->missing));
    json_object_set_new(counts, "ignored", json_integer((json_int_t)r->ignored));
    json_object_set_new(root, "counts", counts);
    json_t *cases = json_array();
    for (size_t i = 0; i < r->row_count; i++) {
        const struct hp_gate_row *row = &r->rows[i];
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(row->name));
        json_object_set_new(o, "status", json_string(hp_gate_status_name(row->status)));
        json_object_set_new(o, "threshold", json_real(row->limits.threshold));
        json_t *t = json_object();
        json_object_set_new(t, "state", json_string(metric_state_name(row->time)));
        json_object_set_new(t, "clock", json_string(row->cpu_clock ? "cpu" : "wall"));
        json_object_set_new(t, "old_median_ns",
                            real_or_null(row->has_comparison ? row->cmp.old_median : NAN));
        json_object_set_new(t, "new_median_ns",
                            real_or_null(row->has_comparison ? row->cmp.new_median : NAN));
        json_object_set_new(t, "ratio", real_or_null(row->has_comparison ? row->cmp.ratio : NAN));
        json_object_set_new(t, "ratio_low",
                            real_or_null(row->has_comparison ? row->cmp.ratio_low : NAN));
        json_object_set_new(t, "ratio_high",
                            real_or_null(row->has_comparison ? row->cmp.ratio_high : NAN));
        json_object_set_new(t, "p_value",
                            real_or_null(row->has_comparison ? row->cmp.p_value : NAN));
        json_object_set_new(o, "time", t);
        struct {
            const char *key;
            enum hp_gate_metric_state state;
            double old, new_;
        } det[] = {
            {"allocs_per_op", row->allocs, allocs_of(row->old), allocs_of(row->new_)},
            {"bytes_per_op", row->bytes, bytes_of(row->old), bytes_of(row->new_)},
            {"instructions_per_op", row->instructions, instructions_of(row->old),
             instructions_of(row->new_)},
        };
        for (size_t k = 0; k < sizeof det / sizeof det[0]; k++) {
            json_t *m = json_object();
            json_object_set_new(m, "state", json_string(metric_state_name(det[k].state)));
            json_object_set_new(m, "old", real_or_null(det[k].old));
            json_object_set_new(m, "new", real_or_null(det[k].new_));
            json_object_set_new(o, det[k].key, m);
        }
        json_object_set_new(o, "why", json_string(row->why));
        json_array_append_new(cases, o);
    }
    json_object_set_new(root, "cases", cases);
    int rc = hp_file_write(path, write_verdict, root, err);
    json_decref(root);
    return rc;
}
