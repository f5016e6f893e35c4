/* Constructed results files for the compare and gate tests: a valid "hotpath-results" document
 * with the cases, samples and deterministic metrics a test needs, written into a temp dir, and
 * a way to run the hotpath binary on them. */
#ifndef HOTPATH_TEST_RESULTS_FIXTURE_H
#define HOTPATH_TEST_RESULTS_FIXTURE_H

#include <criterion/criterion.h>

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

struct fx_case {
    const char *name;     /* default: workload + "/threads=1" */
    const char *workload; /* default: name */
    const char *phase;    /* NULL: none */
    unsigned threads;     /* 0: 1 */
    const double *samples;
    size_t n;
    double allocs, bytes;     /* per op */
    double instructions;      /* 0: not recorded */
    const char *instr_source; /* default "callgrind" */
    bool overhead_probe;      /* written as "overhead_probe" from version 2 on */
};

struct fx_run {
    const char *fingerprint; /* default "machine-a" */
    const char *build_type;  /* default "Release" */
    bool incomplete;
    int version;       /* 0: 1, the oldest format readers accept */
    double handoff_ns; /* floors.handoff_ns; 0: no floors written (null when floors_scale) */
    /* From version 6: the validity block, with one unreliable finding when set. */
    bool unreliable;
    /* > 0: floors written, each a base figure times this (the gate's drift check). */
    double floors_scale;
};

static char fx_dir[] = "/tmp/hotpath-fixture-XXXXXX";

__attribute__((unused)) static void fx_setup(void)
{
    strcpy(fx_dir, "/tmp/hotpath-fixture-XXXXXX");
    cr_assert_not_null(mkdtemp(fx_dir));
}

__attribute__((unused)) static void fx_teardown(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", fx_dir);
    cr_assert_eq(system(cmd), 0);
}

/* fx_dir/NAME */
__attribute__((unused)) static const char *fx_path(const char *name)
{
    static char paths[8][512];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 512, "%s/%s", fx_dir, name);
    return p;
}

__attribute__((unused)) static json_t *fx_number(double v)
{
    return isnan(v) ? json_null() : json_real(v);
}

/* Writes fx_dir/DIR/results.json. */
__attribute__((unused)) static void fx_write(const char *dir, const struct fx_run *run,
                                             const struct fx_case *cases, size_t count)
{
    json_t *root = json_object();
    json_object_set_new(root, "format", json_string("hotpath-results"));
    int version = run && run->version ? run->version : 1;
    json_object_set_new(root, "version", json_integer(version));
    json_object_set_new(root, "complete", json_boolean(!(run && run->incomplete)));
    json_object_set_new(root, "started", json_string("2026-11-23T12:00:00Z"));
    json_object_set_new(root, "started_epoch_s", json_real(1.0));
    json_object_set_new(root, "duration_s", json_real(2.0));
    json_object_set_new(root, "command", json_string("hotpath run (constructed by a test)"));
    json_t *machine = json_object();
    json_object_set_new(machine, "fingerprint",
                        json_string(run && run->fingerprint ? run->fingerprint : "machine-a"));
    json_object_set_new(machine, "cpu_model", json_string("Test CPU"));
    json_object_set_new(machine, "cpus_online", json_integer(2));
    json_object_set_new(root, "machine", machine);
    json_t *build = json_object();
    json_object_set_new(build, "type",
                        json_string(run && run->build_type ? run->build_type : "Release"));
    json_object_set_new(build, "git_commit", json_string("0123456789abcdef"));
    json_object_set_new(build, "git_dirty", json_false());
    json_object_set_new(root, "build", build);
    json_t *config = json_object();
    json_object_set_new(config, "seed", json_integer(1));
    json_object_set_new(config, "samples", json_integer(10));
    json_object_set_new(config, "target_sample_ns", json_real(1e7));
    json_object_set_new(root, "config", config);
    if (run && (run->handoff_ns > 0 || run->floors_scale > 0)) {
        json_t *floors = json_object();
        if (run->floors_scale > 0) {
            json_object_set_new(floors, "monotonic_read_ns", json_real(20 * run->floors_scale));
            json_object_set_new(floors, "tsc_read_ns", json_real(10 * run->floors_scale));
            json_object_set_new(floors, "l1_load_ns", json_real(1 * run->floors_scale));
            json_object_set_new(floors, "cas_ns", json_real(5 * run->floors_scale));
        }
        json_object_set_new(floors, "handoff_ns",
                            run->handoff_ns > 0 ? json_real(run->handoff_ns) : json_null());
        json_object_set_new(root, "floors", floors);
    }
    if (version >= 6) {
        json_t *validity = json_object(), *findings = json_array();
        json_object_set_new(validity, "reliable", json_boolean(!run->unreliable));
        if (run->unreliable) {
            json_t *f = json_object();
            json_object_set_new(f, "severity", json_string("unreliable"));
            json_object_set_new(f, "check", json_string("steal"));
            json_object_set_new(f, "text", json_string("steal 12% during samples 4-7"));
            json_t *range = json_array();
            json_array_append_new(range, json_integer(4));
            json_array_append_new(range, json_integer(7));
            json_object_set_new(f, "samples", range);
            json_array_append_new(findings, f);
        }
        json_object_set_new(validity, "findings", findings);
        json_object_set_new(root, "validity", validity);
    }
    json_t *array = json_array();
    for (size_t i = 0; i < count; i++) {
        const struct fx_case *c = &cases[i];
        char name[256];
        const char *workload = c->workload ? c->workload : c->name;
        if (c->name)
            snprintf(name, sizeof name, "%s", c->name);
        else
            snprintf(name, sizeof name, "%s/threads=%u", workload, c->threads ? c->threads : 1);
        json_t *o = json_object();
        json_object_set_new(o, "name", json_string(name));
        json_object_set_new(o, "workload", json_string(workload));
        if (version >= 2)
            json_object_set_new(o, "overhead_probe", json_boolean(c->overhead_probe));
        if (c->phase)
            json_object_set_new(o, "phase", json_string(c->phase));
        json_object_set_new(o, "implementations", json_object());
        json_object_set_new(o, "threads", json_integer(c->threads ? c->threads : 1));
        json_object_set_new(o, "mode", json_string("batch"));
        json_object_set_new(o, "ops_per_thread_per_sample", json_integer(1000));
        json_object_set_new(o, "measured_ops", json_integer((json_int_t)(1000 * c->n)));
        json_t *ns = json_array(), *ops = json_array();
        for (size_t k = 0; k < c->n; k++) {
            json_array_append_new(ns, json_real(c->samples[k]));
            json_array_append_new(ops, json_real(1e9 / c->samples[k]));
        }
        json_object_set_new(o, "samples", json_integer((json_int_t)c->n));
        json_object_set_new(o, "ns_per_op", ns);
        json_object_set_new(o, "ops_per_sec", ops);
        json_t *alloc = json_object();
        json_object_set_new(alloc, "allocs_per_op", fx_number(c->allocs));
        json_object_set_new(alloc, "bytes_per_op", fx_number(c->bytes));
        json_object_set_new(alloc, "frees_per_op", fx_number(c->allocs));
        json_object_set_new(o, "allocations", alloc);
        if (c->instructions > 0) {
            json_t *ins = json_object();
            json_object_set_new(ins, "per_op", json_real(c->instructions));
            json_object_set_new(ins, "source",
                                json_string(c->instr_source ? c->instr_source : "callgrind"));
            json_object_set_new(o, "instructions", ins);
        }
        json_array_append_new(array, o);
    }
    json_object_set_new(root, "cases", array);
    const char *d = fx_path(dir);
    mkdir(d, 0755);
    char file[600];
    snprintf(file, sizeof file, "%s/results.json", d);
    cr_assert_eq(json_dump_file(root, file, JSON_INDENT(1)), 0);
    json_decref(root);
}

__attribute__((unused)) static void fx_write_text(const char *name, const char *text)
{
    FILE *f = fopen(fx_path(name), "w");
    cr_assert_not_null(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* The whole of fx_dir/NAME (static buffer). */
__attribute__((unused)) static const char *fx_read(const char *name)
{
    static char text[65536];
    FILE *f = fopen(fx_path(name), "r");
    cr_assert_not_null(f, "cannot read %s", name);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

/* Runs `SHELL_PREFIX hotpath ARGS` in fx_dir (shell_prefix: shell words before it, such as
 * "ulimit -f 1;"), stdout to STDOUT_PATH (relative to fx_dir), stderr to fx_dir/err; its exit
 * status. */
__attribute__((unused)) static int fx_hotpath_with(const char *shell_prefix, const char *args,
                                                   const char *stdout_path)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s '%s' %s >%s 2>err </dev/null", fx_dir, shell_prefix,
             HOTPATH_BINARY, args, stdout_path);
    int raw = system(cmd);
    cr_assert(WIFEXITED(raw), "hotpath %s did not exit normally", args);
    return WEXITSTATUS(raw);
}

/* Runs `hotpath ARGS` in fx_dir (stdout to fx_dir/out, stderr to fx_dir/err); its exit status. */
__attribute__((unused)) static int fx_hotpath(const char *args)
{
    return fx_hotpath_with("", args, "out");
}

/* n samples evenly spread over [center - spread, center + spread]. */
__attribute__((unused)) static void fx_samples(double *out, size_t n, double center, double spread)
{
    for (size_t i = 0; i < n; i++)
        out[i] = center - spread + 2 * spread * (double)i / (double)(n - 1);
}

#endif
