/* Every past version of results.json stays readable: fixtures per version in
 * tests/fixtures/results-versions/ (written by the `hotpath run` of that version; the folder's
 * README says how), picked up by name, so a new version is one new file and no edit here:
 * vN.json, a plain run of router/github/static that every version can compare with, and
 * vN-WHAT.json, a run of that version with parts a plain run lacks (v4-phases.json: a phase run
 * with groups, a claim and the Go twins). Each is read; each optional field removed from it reads
 * as absent, never as zero; compare and gate of each vN.json against the newest say which fields
 * only one side has; and a phase run's plan reads back with its groups.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gate.h"
#include "phase_tables.h"
#include "results_fields.h"
#include "results_read.h"
#include "results_write.h"

#define FIXTURES "tests/fixtures/results-versions"

/* The plain fixture of each version, by number: paths[v] or "" when none; and every fixture
 * (plain and vN-WHAT.json) with its version. */
static char paths[64][512];
static struct {
    char path[512];
    int version;
} all[128];
static size_t all_count;

static int find_fixtures(void)
{
    DIR *d = opendir(FIXTURES);
    cr_assert_not_null(d, FIXTURES " is missing");
    int newest = 0;
    all_count = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t name_len = strlen(e->d_name);
        if (name_len < 5 || strcmp(e->d_name + name_len - 5, ".json") != 0)
            continue; /* the README */
        int version = 0, end = 0;
        sscanf(e->d_name, "v%d%n", &version, &end);
        const char *rest = e->d_name + end;
        bool plain = strcmp(rest, ".json") == 0;
        bool other = rest[0] == '-' && strlen(rest) > 6;
        /* Every JSON file here is read: a name the test would pass over is refused. */
        cr_assert(end > 0 && version > 0 && version < 64 && (plain || other),
                  FIXTURES "/%s: not a fixture name (vN.json or vN-WHAT.json)", e->d_name);
        cr_assert_lt(all_count, sizeof all / sizeof all[0]);
        snprintf(all[all_count].path, sizeof all[all_count].path, FIXTURES "/%s", e->d_name);
        all[all_count++].version = version;
        if (plain) {
            snprintf(paths[version], sizeof paths[version], FIXTURES "/%s", e->d_name);
            newest = version > newest ? version : newest;
        }
    }
    closedir(d);
    return newest;
}

static void read_ok(const char *path, struct hp_results *r)
{
    struct hp_error err = {{0}};
    cr_assert_eq(hp_results_read(path, r, &err), 0, "%s", err.message);
}

Test(results_versions, a_fixture_of_every_version_reads_with_its_probe)
{
    int newest = find_fixtures();
    cr_assert_eq(newest, HP_RESULTS_VERSION,
                 "the newest fixture is version %d; this hotpath writes version %d: add " FIXTURES
                 "/v%d.json (its README says how)",
                 newest, HP_RESULTS_VERSION, HP_RESULTS_VERSION);
    for (int v = 1; v <= newest; v++)
        cr_assert(paths[v][0], "no fixture of version %d", v);
    for (size_t k = 0; k < all_count; k++) {
        struct hp_results r;
        read_ok(all[k].path, &r);
        cr_assert_eq(r.version, all[k].version, "%s says version %d", all[k].path, r.version);
        cr_assert(r.complete);
        size_t probes = 0;
        for (size_t i = 0; i < r.case_count; i++) {
            probes += r.cases[i].overhead_probe;
            cr_assert_gt(r.cases[i].samples, 0);
        }
        cr_assert_eq(probes, 1, "%s: one overhead probe", all[k].path);
        cr_assert_gt(r.case_count, 1, "%s: a case besides the probe", all[k].path);
        /* The system call floor came in version 8: a number from then on, absent before. */
        if (all[k].version >= 8) {
            cr_assert_gt(r.floors.syscall_ns, 0, "%s: floors.syscall_ns", all[k].path);
            cr_assert_gt(r.floors.wakeup_ns, 0, "%s: floors.wakeup_ns", all[k].path);
        } else {
            cr_assert(isnan(r.floors.syscall_ns), "%s: floors.syscall_ns", all[k].path);
            cr_assert(isnan(r.floors.wakeup_ns), "%s: floors.wakeup_ns", all[k].path);
        }
        hp_results_free(&r);
    }
}

/* The newest phase-run fixture (phase groups came in version 4; a version that changed nothing
 * in them need not add one): its plan, with the groups of every step, reads back. */
Test(results_versions, the_newest_phase_run_reads_back_its_groups)
{
    int newest = find_fixtures();
    char path[512] = "";
    for (int v = newest; v >= 4; v--) {
        snprintf(path, sizeof path, FIXTURES "/v%d-phases.json", v);
        if (access(path, R_OK) == 0)
            break;
    }
    struct hp_results r;
    read_ok(path, &r);
    struct hp_phase_view view;
    struct hp_error err = {{0}};
    cr_assert_eq(hp_phase_view_build(&r, &view, &err), 0, "%s", err.message);
    cr_assert_geq(view.phase_count, 2, "%s", path);
    for (size_t i = 0; i < view.phase_count; i++)
        cr_assert(view.phases[i].group && view.phases[i].group[0], "%s: phase %s has no group",
                  path, view.phases[i].name);
    cr_assert_gt(view.peer_count, 0, "%s: no external peer", path);
    hp_phase_view_free(&view);
    hp_results_free(&r);
}

/* An optional field removed from a fixture, and how the reader must show it absent. */
struct optional_field {
    const char *key; /* in every case ("cases[].KEY") or at the top level */
    bool in_case;
    bool (*absent)(const struct hp_results *r);
};

static bool no_cpu_time(const struct hp_results *r)
{
    return r->cases[0].cpu_ns_per_op == NULL;
}
static bool no_allocations(const struct hp_results *r)
{
    return isnan(r->cases[0].allocs_per_op) && isnan(r->cases[0].bytes_per_op) &&
           isnan(r->cases[0].frees_per_op);
}
static bool no_perf(const struct hp_results *r)
{
    return !r->cases[0].has_perf && isnan(r->cases[0].cycles_per_op);
}
static bool no_instructions(const struct hp_results *r)
{
    return isnan(r->cases[0].instructions) && r->cases[0].instructions_source == NULL;
}
static bool no_latency(const struct hp_results *r)
{
    return !r->cases[0].has_latency && r->cases[0].latency.hlog == NULL;
}
static bool no_metrics(const struct hp_results *r)
{
    return r->cases[0].metric_count == 0;
}
static bool no_overhead(const struct hp_results *r)
{
    return isnan(r->harness_overhead_ns);
}
static bool no_floors(const struct hp_results *r)
{
    return isnan(r->floors.monotonic_read_ns) && isnan(r->floors.cas_ns) &&
           isnan(r->floors.handoff_ns) && isnan(r->floors.syscall_ns) && isnan(r->floors.wakeup_ns);
}
static bool no_validity(const struct hp_results *r)
{
    return !r->validity.recorded && r->validity.reliable && r->validity.finding_count == 0;
}
static bool no_cache(const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (r->cases[i].cold)
            return false;
    return true;
}
static bool no_fairness(const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (!isnan(r->cases[i].thread_spread))
            return false;
    return true;
}
static bool no_time_sliced(const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (r->cases[i].time_sliced)
            return false;
    return true;
}
static bool no_llc(const struct hp_results *r)
{
    return r->llc_bytes == 0 && r->llc_source == NULL;
}
static bool no_build_details(const struct hp_results *r)
{
    return r->compiler == NULL;
}

static bool no_parameters(const struct hp_results *r)
{
    for (size_t i = 0; i < r->case_count; i++)
        if (r->cases[i].param_count != 0)
            return false;
    return true;
}
static bool no_complexity(const struct hp_results *r)
{
    return r->fit_count == 0 && r->fits == NULL;
}

static const struct optional_field optional_fields[] = {
    {"cpu_ns_per_op", true, no_cpu_time},
    {"allocations", true, no_allocations},
    {"perf", true, no_perf},
    {"instructions", true, no_instructions},
    {"latency", true, no_latency},
    {"metrics", true, no_metrics},
    {"harness_overhead_ns_per_op", false, no_overhead},
    {"floors", false, no_floors},
    {"validity", false, no_validity},
    {"cache", true, no_cache},
    {"fairness", true, no_fairness},
    {"time_sliced", true, no_time_sliced},
    {"cache", false, no_llc},
    {"parameters", true, no_parameters},
    {"complexity", false, no_complexity},
};

/* Writes the fixture without `f->key` (in every case, and without perf too for instructions,
 * whose reader falls back on perf, and without the complexity fits for parameters, which they
 * name) to a temporary file and reads it. */
static void read_without(const char *fixture, const struct optional_field *f, struct hp_results *r)
{
    json_error_t jerr;
    json_t *root = json_load_file(fixture, 0, &jerr);
    cr_assert_not_null(root, "%s: %s", fixture, jerr.text);
    if (f->in_case) {
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(root, "cases"), i, c)
        {
            json_object_del(c, f->key);
            if (strcmp(f->key, "instructions") == 0)
                json_object_del(c, "perf");
        }
        if (strcmp(f->key, "parameters") == 0) /* the fits name the parameter of their cases */
            json_object_del(root, "complexity");
    } else {
        json_object_del(root, f->key);
    }
    char path[64];
    snprintf(path, sizeof path, "results-versions-%d.json", (int)getpid());
    cr_assert_eq(json_dump_file(root, path, 0), 0);
    json_decref(root);
    read_ok(path, r);
    unlink(path);
}

Test(results_versions, a_missing_optional_field_reads_as_absent_never_zero)
{
    int newest = find_fixtures();
    for (size_t k = 0; k < all_count; k++)
        for (size_t i = 0; i < sizeof optional_fields / sizeof optional_fields[0]; i++) {
            const struct optional_field *f = &optional_fields[i];
            struct hp_results r;
            read_without(all[k].path, f, &r);
            cr_assert(f->absent(&r), "%s without %s: not read as absent", all[k].path, f->key);
            hp_results_free(&r);
        }
    /* ...and a field left out of the build block. */
    struct hp_results r;
    read_ok(paths[newest], &r);
    cr_assert_not(no_build_details(&r), "the newest fixture names its compiler");
    hp_results_free(&r);
}

/* The notes of compare and gate when one side lacks a field the other has. */
Test(results_versions, compare_and_gate_across_versions_name_one_sided_fields)
{
    int newest = find_fixtures();
    struct hp_results current;
    read_ok(paths[newest], &current);
    for (int v = 1; v <= newest; v++) {
        struct hp_results old;
        read_ok(paths[v], &old);
        char note[2048];
        size_t n = hp_results_fields_note(&old, &current, "old", "new", note, sizeof note);
        if (v == newest) {
            cr_assert_eq(n, 0, "a file against itself: %s", note);
        } else {
            char versions[64];
            snprintf(versions, sizeof versions, "old is format version %d, new version %d", v,
                     newest);
            cr_assert(strstr(note, versions), "%s", note);
        }
        struct hp_gate_config config;
        hp_gate_config_defaults(&config);
        struct hp_gate_result gate;
        struct hp_error err = {{0}};
        cr_assert_eq(hp_gate_evaluate(&old, &current, &config, &gate, &err), 0, "%s", err.message);
        bool noted = false;
        for (size_t i = 0; i < gate.note_count; i++)
            noted |= strstr(gate.notes[i], "results format: ") != NULL;
        cr_assert_eq(noted, v != newest, "version %d against %d: the gate's notes", v, newest);
        hp_gate_result_free(&gate);
        hp_results_free(&old);
    }
    hp_results_free(&current);
}

/* Version 2 added the overhead probe's flag: the version-1 fixture lacks it, and says so. */
Test(results_versions, version_1_lacks_the_probe_flag)
{
    find_fixtures();
    struct hp_results v1, v2;
    read_ok(paths[1], &v1);
    read_ok(paths[2], &v2);
    char only[1024];
    hp_results_fields_only_in(&v2, &v1, only, sizeof only);
    cr_assert(strstr(only, "cases[].overhead_probe"), "fields only in version 2: %s", only);
    hp_results_fields_only_in(&v1, &v2, only, sizeof only);
    cr_assert_str_empty(only, "fields only in version 1: %s", only);
    hp_results_free(&v1);
    hp_results_free(&v2);
}
