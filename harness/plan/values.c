#include "values.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hp_parse_u64(const char *flag, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                 struct hp_error *err)
{
    if (!text || !*text)
        return hp_error_set(err, "%s needs a whole number from %llu to %llu", flag,
                            (unsigned long long)min, (unsigned long long)max);
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return hp_error_set(err, "%s '%s': not a whole number (expected %llu to %llu)", flag,
                                text, (unsigned long long)min, (unsigned long long)max);
    errno = 0;
    unsigned long long v = strtoull(text, NULL, 10);
    if (errno == ERANGE || v < min || v > max)
        return hp_error_set(err, "%s '%s': out of range (expected %llu to %llu)", flag, text,
                            (unsigned long long)min, (unsigned long long)max);
    *out = v;
    return 0;
}

int hp_parse_duration_ns(const char *flag, const char *text, double min_ns, double max_ns,
                         double *out, struct hp_error *err)
{
    static const struct {
        const char *suffix;
        double ns;
    } units[] = {{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
    char *end = NULL;
    if (!text || !*text)
        return hp_error_set(err, "%s needs a duration such as 10ms, 500us or 1s", flag);
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno == ERANGE || !isfinite(v) || v < 0)
        return hp_error_set(err, "%s '%s': not a duration (use e.g. 10ms, 500us, 1s)", flag, text);
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].suffix) != 0)
            continue;
        double ns = v * units[i].ns;
        if (ns < min_ns || ns > max_ns)
            return hp_error_set(err, "%s '%s': out of range (%gms to %gs)", flag, text,
                                min_ns / 1e6, max_ns / 1e9);
        *out = ns;
        return 0;
    }
    return hp_error_set(err, "%s '%s': unknown or missing unit (valid: ns, us, ms, s)", flag, text);
}

int hp_split_list(const char *flag, char *text, char **items, size_t max, struct hp_error *err)
{
    size_t count = 0;
    char *p = text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        if (!*p)
            return hp_error_set(err, "%s: empty item in list", flag);
        if (count == max)
            return hp_error_set(err, "%s: more than %zu items", flag, max);
        items[count++] = p;
        if (!comma)
            break;
        p = comma + 1;
    }
    return (int)count;
}

/* One number of a --param list: digits, then an optional k or M. */
static int param_number(const char *flag, const char *text, size_t len, uint64_t *out,
                        struct hp_error *err)
{
    uint64_t v = 0, scale = 1;
    size_t digits = 0;
    while (digits < len && text[digits] >= '0' && text[digits] <= '9') {
        v = v * 10 + (uint64_t)(text[digits] - '0');
        if (v > HP_PARAM_VALUE_MAX)
            break;
        digits++;
    }
    if (digits > 0 && digits + 1 == len && (text[digits] == 'k' || text[digits] == 'M'))
        scale = text[digits++] == 'k' ? 1000 : 1000000;
    if (digits == 0 || digits != len)
        return hp_error_set(err,
                            "%s: '%.*s' is not a number (expected digits with an optional k or "
                            "M suffix, e.g. 100, 10k, 1M)",
                            flag, (int)len, text);
    if (v > HP_PARAM_VALUE_MAX / scale)
        return hp_error_set(err, "%s: '%.*s' is too large (at most %llu)", flag, (int)len, text,
                            HP_PARAM_VALUE_MAX);
    *out = v * scale;
    return 0;
}

static int param_push(const char *flag, struct hp_param_values *out, uint64_t v,
                      struct hp_error *err)
{
    for (size_t i = 0; i < out->count; i++)
        if (out->values[i] == v)
            return hp_error_set(err, "%s: the value %llu is listed twice", flag,
                                (unsigned long long)v);
    if (out->count == HP_PARAM_VALUES_MAX)
        return hp_error_set(err, "%s: more than %d values", flag, HP_PARAM_VALUES_MAX);
    out->values[out->count++] = v;
    return 0;
}

/* A..B, A..B*F or A..B+S (values.h). */
static int param_range(const char *flag, const char *item, const char *dots,
                       struct hp_param_values *out, struct hp_error *err)
{
    const char *end_text = dots + 2;
    const char *step_at = strpbrk(end_text, "*+");
    size_t end_len = step_at ? (size_t)(step_at - end_text) : strlen(end_text);
    uint64_t first, last, step = 10;
    bool add = step_at && *step_at == '+';
    if (param_number(flag, item, (size_t)(dots - item), &first, err) != 0 ||
        param_number(flag, end_text, end_len, &last, err) != 0 ||
        (step_at && param_number(flag, step_at + 1, strlen(step_at + 1), &step, err) != 0))
        return -1;
    if (first > last)
        return hp_error_set(err, "%s: range '%s' runs backwards", flag, item);
    if ((add && step == 0) || (!add && (step < 2 || first == 0)))
        return hp_error_set(err,
                            "%s: range '%s' never grows (A..B*F needs A >= 1 and F >= 2; A..B+S "
                            "needs S >= 1)",
                            flag, item);
    for (uint64_t v = first; v < last;) {
        if (param_push(flag, out, v, err) != 0)
            return -1;
        if ((add && v > last - step) || (!add && v > last / step))
            break;
        v = add ? v + step : v * step;
    }
    return param_push(flag, out, last, err);
}

int hp_parse_param(const char *text, struct hp_param_values *out, struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    const char *eq = strchr(text, '=');
    size_t name_len = eq ? (size_t)(eq - text) : 0;
    bool identifier = name_len > 0 && name_len < HP_PARAM_NAME_MAX;
    for (size_t i = 0; i < name_len && identifier; i++)
        identifier = (text[i] >= 'a' && text[i] <= 'z') || text[i] == '_' ||
                     (i > 0 && text[i] >= '0' && text[i] <= '9');
    if (!eq || !identifier)
        return hp_error_set(err,
                            "--param '%s': expected NAME=LIST, NAME a lower-case identifier "
                            "(e.g. --param routes=10,100,1k or --param routes=10..100k)",
                            text);
    memcpy(out->name, text, name_len);
    char flag[64];
    snprintf(flag, sizeof flag, "--param %s", out->name);
    const char *p = eq + 1;
    do {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char item[64];
        if (len == 0 || len >= sizeof item)
            return hp_error_set(err, "%s: %s item in '%s'", flag, len ? "an overlong" : "an empty",
                                eq + 1);
        memcpy(item, p, len);
        item[len] = '\0';
        const char *dots = strstr(item, "..");
        uint64_t v;
        if (dots ? param_range(flag, item, dots, out, err) != 0
                 : (param_number(flag, item, len, &v, err) != 0 ||
                    param_push(flag, out, v, err) != 0))
            return -1;
        p = comma ? comma + 1 : NULL;
    } while (p);
    return 0;
}
