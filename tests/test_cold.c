/* Cold caches (cold.h): the last-level cache read from fixture /sys files (or given), the number
 * of instances, the cold loop visiting every instance in turn, and a cold run whose working set
 * exceeds the last-level cache it reports, shown beside its warm twin. */
#include "results_fixture.h"

#include <errno.h>
#include <stdint.h>

#include "cold.h"
#include "runner.h"

static void write_fixture(const char *sub, const char *text)
{
    char path[1024], cmd[1200];
    snprintf(path, sizeof path, "%s/%s", fx_dir, sub);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
    cr_assert_eq(system(cmd), 0);
    *slash = '/';
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* cpu0's caches: L1d 48K, L1i 32K, L2 1M and an L3 of `l3`. */
static void write_caches(const char *l3)
{
    static const char *const rows[][3] = {
        {"Data", "1", "48K"}, {"Instruction", "1", "32K"}, {"Unified", "2", "1024K"}};
    char sub[128];
    for (int i = 0; i < 4; i++) {
        const char *type = i < 3 ? rows[i][0] : "Unified";
        const char *level = i < 3 ? rows[i][1] : "3";
        const char *size = i < 3 ? rows[i][2] : l3;
        snprintf(sub, sizeof sub, "sys/devices/system/cpu/cpu0/cache/index%d/type", i);
        write_fixture(sub, type);
        snprintf(sub, sizeof sub, "sys/devices/system/cpu/cpu0/cache/index%d/level", i);
        write_fixture(sub, level);
        snprintf(sub, sizeof sub, "sys/devices/system/cpu/cpu0/cache/index%d/size", i);
        write_fixture(sub, size);
    }
}

Test(cold, the_last_level_cache_comes_from_sys_or_the_override, .init = fx_setup,
     .fini = fx_teardown)
{
    write_caches("2048K\n");
    struct hp_system_paths p;
    snprintf(p.proc, sizeof p.proc, "%s/proc", fx_dir);
    snprintf(p.sys, sizeof p.sys, "%s/sys", fx_dir);
    uint64_t bytes = 0;
    char source[640];
    cr_assert_eq(hp_llc_detect(&p, 0, &bytes, source, sizeof source), 0);
    cr_assert_eq(bytes, 2048u << 10);
    cr_assert_not_null(strstr(source, "index3/size (level 3)"), "%s", source);
    cr_assert_eq(hp_llc_detect(&p, 32u << 20, &bytes, source, sizeof source), 0);
    cr_assert_eq(bytes, 32u << 20, "--llc-size wins (a VM may report its host's whole L3)");
    cr_assert_str_eq(source, "--llc-size");
}

Test(cold, instances_fill_twice_the_cache_within_their_bounds)
{
    cr_assert_eq(hp_cold_instance_count(1 << 20, 10 << 10), 205, "2 MiB / 10 KiB, rounded up");
    cr_assert_eq(hp_cold_instance_count(1 << 20, 0), HP_COLD_MIN_INSTANCES, "no data: a probe");
    cr_assert_eq(hp_cold_instance_count(1 << 20, 8 << 20), HP_COLD_MIN_INSTANCES);
    cr_assert_eq(hp_cold_instance_count(1ull << 30, 64), HP_COLD_MAX_INSTANCES);
    cr_assert_eq(hp_cold_instance_count(8ull << 30, 1ull << 20), HP_COLD_MAX_BYTES >> 20,
                 "at most HP_COLD_MAX_BYTES in all");
}

/* A workload of independent instances, each 4 KiB, counting the ops each instance ran. */
struct counted {
    char data[4096];
    uint64_t ops;
};

static int counted_setup(const struct hp_case_params *p, void **shared, struct hp_error *err)
{
    (void)p;
    struct counted *c = calloc(1, sizeof *c);
    if (!c)
        return hp_error_set(err, "out of memory");
    *shared = c;
    return 0;
}

static uint64_t counted_run(void *local, uint64_t n)
{
    struct counted *c = local;
    c->ops += n;
    return c->ops + (uint64_t)c->data[c->ops % sizeof c->data];
}

static struct counted *instances_seen[HP_COLD_MAX_INSTANCES];
static size_t instances_torn_down;

static void counted_teardown(void *shared)
{
    instances_seen[instances_torn_down++] = shared;
}

Test(cold, each_op_runs_on_the_next_instance_and_every_instance_in_turn)
{
    struct hp_workload counted = {.name = "t/counted",
                                  .flags = HP_WORKLOAD_INSTANCES,
                                  .setup = counted_setup,
                                  .run = counted_run,
                                  .teardown = counted_teardown};
    struct hp_case c;
    memset(&c, 0, sizeof c);
    c.workload = &counted;
    c.threads = 1;
    c.cold = true;
    hp_case_name(&c);
    cr_assert_str_eq(c.name, "t/counted/threads=1/cold");
    static struct hp_run run;
    memset(&run, 0, sizeof run);
    hp_run_config_defaults(&run.config);
    run.config.samples = 3;
    run.config.fixed_n = 1000;
    run.config.quiet = true;
    run.config.llc_bytes = 64 << 10;
    run.cases = &c;
    run.case_count = 1;
    instances_torn_down = 0;
    struct hp_error err;
    cr_assert_eq(hp_run_execute(&run, &err), 0, "%s", err.message);
    cr_assert_geq(c.cold_instance_bytes, sizeof(struct counted));
    cr_assert_eq(c.cold_instances, hp_cold_instance_count(64 << 10, c.cold_instance_bytes));
    cr_assert_gt(c.cold_instances, 8);
    cr_assert(c.cold_exceeds_llc);
    cr_assert_gt((uint64_t)c.cold_instances * c.cold_instance_bytes, run.llc_bytes);
    cr_assert_eq(instances_torn_down, c.cold_instances, "every instance torn down");
    /* A warm-up and 3 samples of 1000 ops (the drift check measures warm cases only), cycling:
     * no instance ran more than one op more than another. */
    uint64_t least = UINT64_MAX, most = 0, total = 0;
    for (size_t i = 0; i < instances_torn_down; i++) {
        uint64_t ops = instances_seen[i]->ops;
        least = ops < least ? ops : least;
        most = ops > most ? ops : most;
        total += ops;
        free(instances_seen[i]);
    }
    cr_assert_eq(total, 4 * 1000);
    cr_assert_leq(most - least, 1, "ops per instance from %llu to %llu", (unsigned long long)least,
                  (unsigned long long)most);
    hp_run_release(&run);
}

Test(cold, a_cold_run_exceeds_the_cache_it_reports_and_stands_beside_its_warm_twin,
     .init = fx_setup, .fini = fx_teardown)
{
    write_caches("1024K\n");
    char prefix[600];
    snprintf(prefix, sizeof prefix, "HOTPATH_SYS_DIR='%s/sys'", fx_dir);
    cr_assert_eq(fx_hotpath_with(prefix,
                                 "run --workload router/github/static --router radix --cache both "
                                 "--samples 3 --target-time 1ms --quiet --out r",
                                 "out"),
                 0, "%s", fx_read("err"));
    const char *out = fx_read("out");
    cr_assert_not_null(strstr(out, "Warm and cold caches"), "%s", out);
    cr_assert_not_null(strstr(out, "cold / warm"), "%s", out);
    json_error_t jerr;
    json_t *root = json_load_file(fx_path("r/results.json"), 0, &jerr);
    cr_assert_not_null(root, "%s", jerr.text);
    json_t *cache = json_object_get(root, "cache");
    json_int_t llc = json_integer_value(json_object_get(cache, "llc_bytes"));
    cr_assert_eq(llc, 1 << 20);
    cr_assert_not_null(strstr(json_string_value(json_object_get(cache, "llc_source")), "index3"));
    size_t i, cold_cases = 0;
    json_t *c;
    json_array_foreach(json_object_get(root, "cases"), i, c)
    {
        const char *name = json_string_value(json_object_get(c, "name"));
        json_t *cold = json_object_get(c, "cold");
        if (strcmp(json_string_value(json_object_get(c, "cache")), "cold") != 0) {
            cr_assert_null(cold, "%s", name);
            continue;
        }
        if (strncmp(name, "router/", 7) != 0)
            continue; /* the probe's cold twin holds no data */
        cold_cases++;
        json_int_t working = json_integer_value(json_object_get(cold, "working_set_bytes"));
        cr_assert_gt(working, llc, "%s: %lld bytes", name, (long long)working);
        cr_assert(json_is_true(json_object_get(cold, "exceeds_llc")));
        cr_assert_gt(json_integer_value(json_object_get(cold, "instances")), 2);
    }
    cr_assert_eq(cold_cases, 1);
    json_decref(root);
}

Test(cold, refusals, .init = fx_setup, .fini = fx_teardown)
{
    cr_assert_eq(fx_hotpath("run --workload pool/get_put --cache cold --out r"), 2);
    cr_assert_not_null(strstr(fx_read("err"), "none of the selected workloads runs cold"), "%s",
                       fx_read("err"));
    cr_assert_eq(fx_hotpath("run --workload null --cache lukewarm --out r"), 2);
    cr_assert_not_null(strstr(fx_read("err"), "valid: warm, cold, both"), "%s", fx_read("err"));
    cr_assert_eq(fx_hotpath("run --workload null --cache cold --llc-size 0 --out r"), 2);
    cr_assert_eq(fx_hotpath("run --workload null --cache cold --llc-size 12X --out r"), 2);
    cr_assert_not_null(strstr(fx_read("err"), "--llc-size '12X'"), "%s", fx_read("err"));
    cr_assert_eq(fx_hotpath("run --phases bolt.phases --cache cold --out r"), 2);
    cr_assert_not_null(strstr(fx_read("err"), "--cache cannot be combined with --phases"), "%s",
                       fx_read("err"));
    struct stat st;
    cr_assert_neq(stat(fx_path("r"), &st), 0, "nothing written");
}
