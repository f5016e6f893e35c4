/* The gate's config: defaults, the INI file, the limits of one case (gate.h). */
#include "gate.h"

#include <errno.h>
#include <fnmatch.h>
#include <ini.h>
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

/* What a [gate] or [case] value must be, for the message refusing one. */
static const char *valid_value(const char *name)
{
    return strcmp(name, "ignore") == 0 ? "not yes or no" : "not a valid non-negative value";
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
            return config_problem(p, "%s '%s': %s", name, value, valid_value(name));
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
            return config_problem(p, "%s '%s': %s", name, value, valid_value(name));
        return 1;
    }
    return config_problem(p, "'%s' %s (valid: [gate], [case PATTERN])", name,
                          *section ? "in an unknown section" : "before any section");
}

/* A section header is judged at its own line: inih hands the handler keys only. */
static void check_section_header(struct config_parse *p, const char *line)
{
    size_t n = strcspn(line + 1, "]");
    char name[CONFIG_MAX_LINE];
    snprintf(name, sizeof name, "%.*s", (int)n, line + 1);
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        name[--n] = '\0';
    bool is_case = strncmp(name, "case ", 5) == 0 && name[5 + strspn(name + 5, " \t")] != '\0';
    if (strcmp(name, "gate") != 0 && !is_case)
        config_problem(p, "unknown section [%s] (valid: [gate], [case PATTERN])%s", name, "");
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
    if (out[0] == '[')
        check_section_header(p, out);
    return p->problem_line ? NULL : out; /* the first problem is the one reported */
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
    if (p->problem_line && (rc <= 0 || p->problem_line <= rc))
        hp_error_set(err, "%s:%d: %s", path, p->problem_line, p->problem);
    else if (rc > 0)
        hp_error_set(err, "%s:%d: not an INI line (expected [section] or key = value)", path, rc);
    else if (rc < 0)
        hp_error_set(err, "%s: cannot parse: out of memory", path);
    bool refused = rc != 0 || p->problem_line; /* a header's problem stops the reading */
    free(p);
    free(text);
    return refused ? -1 : 0;
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
