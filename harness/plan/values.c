#include "values.h"

#include <errno.h>
#include <math.h>
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
