/* The gate config reader (views/gate.h, hp_gate_config_read). Properties: a refusal is one
 * message naming the file; a config that loads has finite, non-negative limits and a level in
 * (0, 1), at most HP_GATE_MAX_RULES NUL-terminated patterns, limits for any case name that
 * come from the defaults or a rule, and reading the same file again gives the same config. */
#include "fuzz_check.h"

#include <math.h>

#include "gate.h"

static void check_limits(const struct hp_gate_limits *l)
{
    FUZZ_CHECK(isfinite(l->threshold) && l->threshold >= 0, "threshold %g", l->threshold);
    FUZZ_CHECK(isfinite(l->allocs_budget) && l->allocs_budget >= 0, "allocs_budget %g",
               l->allocs_budget);
    FUZZ_CHECK(isfinite(l->bytes_budget) && l->bytes_budget >= 0, "bytes_budget %g",
               l->bytes_budget);
    FUZZ_CHECK(isfinite(l->instructions_tolerance) && l->instructions_tolerance >= 0,
               "instructions_tolerance %g", l->instructions_tolerance);
}

static void read_config(const char *path, struct hp_gate_config *c, int *rc, struct hp_error *err)
{
    memset(c, 0, sizeof *c);
    hp_gate_config_defaults(c);
    *rc = hp_gate_config_read(path, c, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    static struct hp_gate_config config, again;
    struct hp_error err = {{0}};
    int rc;
    read_config(path, &config, &rc, &err);
    if (rc != 0) {
        FUZZ_CHECK(strncmp(err.message, path, strlen(path)) == 0, "message: %s", err.message);
        return 0;
    }
    check_limits(&config.defaults);
    FUZZ_CHECK(config.level > 0 && config.level < 1, "level %g", config.level);
    FUZZ_CHECK(config.rule_count <= HP_GATE_MAX_RULES, "%zu rules", config.rule_count);
    for (size_t i = 0; i < config.rule_count; i++) {
        FUZZ_CHECK(memchr(config.rules[i].pattern, '\0', sizeof config.rules[i].pattern),
                   "rule %zu: pattern not terminated", i);
        check_limits(&config.rules[i].limits);
        struct hp_gate_limits l = hp_gate_limits_for(&config, config.rules[i].pattern);
        check_limits(&l);
    }
    struct hp_gate_limits any = hp_gate_limits_for(&config, "router/github/static/threads=1");
    check_limits(&any);
    read_config(path, &again, &rc, &err);
    FUZZ_CHECK(rc == 0 && memcmp(&config, &again, sizeof config) == 0,
               "a second read gives another config");
    return 0;
}
