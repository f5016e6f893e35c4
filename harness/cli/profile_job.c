/* `hotpath profile`'s work (profile_job.h). */
#include "profile_job.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "files.h"
#include "flamegraph.h"
#include "instructions.h"
#include "profile_json.h"
#include "profile_match.h"
#include "profile_view.h"
#include "render.h"
#include "results_write.h"
#include "sampler.h"

/* The index of the case of `run` a dump names; run->case_count when none. */
static size_t case_index(const struct hp_run *run, const char *name)
{
    size_t i = 0;
    while (i < run->case_count && strcmp(run->cases[i].name, name) != 0)
        i++;
    return i;
}

static int write_folded(FILE *f, const void *ctx)
{
    return hp_folded_write(f, ctx);
}

/* NAME.folded and NAME.svg. */
static int write_graphs(const char *dir, const struct hp_profile *p, struct hp_error *err)
{
    char name[512], path[4800], title[400];
    hp_results_case_file_name(p->case_name, ".folded", name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (hp_file_write(path, write_folded, p, err) != 0)
        return -1;
    hp_results_case_file_name(p->case_name, ".svg", name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(title, sizeof title, "%s: %.1f %s/op (%s)", p->case_name, p->total[0], p->events[0],
             p->source);
    return hp_flamegraph_write(path, p, NULL, title, err);
}

/* NAME.callgrind.out (renamed from the dump), NAME.folded and NAME.svg. */
static int write_case_files(const char *dir, const char *dump, const struct hp_profile *p,
                            struct hp_error *err)
{
    char name[512], path[4800];
    hp_results_case_file_name(p->case_name, ".callgrind.out", name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (rename(dump, path) != 0)
        return hp_error_set(err, "cannot rename %s to %s: %s", dump, path, strerror(errno));
    return write_graphs(dir, p, err);
}

/* One dump: read, then read again with its case's ops (costs per op), into its case's slot. */
static int read_dump(const char *dir, const char *path, const struct hp_run *run, uint64_t ops,
                     struct hp_profile *slots, struct hp_error *err)
{
    struct hp_profile p;
    int rc = hp_profile_read_callgrind(path, 1, &p, err);
    if (rc == 1) /* the dump at exit: no case */
        return remove(path), 0;
    if (rc != 0)
        return -1;
    size_t i = case_index(run, p.case_name);
    if (i == run->case_count || slots[i].case_name[0])
        rc = hp_error_set(err, "%s: a dump of no selected case ('%s')", path, p.case_name);
    hp_profile_free(&p);
    if (rc != 0 ||
        hp_profile_read_callgrind(path, (double)ops * run->cases[i].threads, &slots[i], err) != 0)
        return -1;
    return write_case_files(dir, path, &slots[i], err);
}

/* Reads every dump of dir into set, in the order of run's cases (phases in plan order). */
static int read_dumps(const char *dir, const struct hp_run *run, uint64_t ops,
                      struct hp_profile_set *set, struct hp_error *err)
{
    if (!(set->profiles = calloc(run->case_count + 1, sizeof *set->profiles)))
        return hp_error_set(err, "out of memory");
    set->count = run->case_count; /* freed whole on failure: empty slots free as nothing */
    DIR *d = opendir(dir);
    if (!d)
        return hp_error_set(err, "%s: cannot read callgrind's output: %s", dir, strerror(errno));
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        if (strncmp(e->d_name, "callgrind.out", 13) != 0)
            continue;
        char path[4400];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        rc = read_dump(dir, path, run, ops, set->profiles, err);
    }
    closedir(d);
    size_t kept = 0;
    for (size_t i = 0; i < set->count; i++)
        if (set->profiles[i].case_name[0])
            set->profiles[kept++] = set->profiles[i];
    set->count = kept;
    if (rc == 0 && kept == 0)
        rc = hp_error_set(err, "callgrind wrote no profile of any case");
    return rc;
}

static void describe(struct hp_profile_set *set, const struct hp_run_options *o,
                     const struct hp_sampler_event *event)
{
    snprintf(set->command, sizeof set->command, "%s", o->command);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(set->date, sizeof set->date, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (event)
        snprintf(set->sampling_note, sizeof set->sampling_note,
                 "perf_event_open: %s, a sample every %llu %s of the measured region's run() "
                 "on every worker thread, user space only, call chains by frame pointers",
                 event->name, (unsigned long long)event->period,
                 strcmp(event->name, "cycles") == 0 ? "cycles" : "ns");
    else
        set->sampling_note[0] = '\0';
}

/* Prints the function tables of the profile.json in dir. */
static int print_tables(const char *dir, size_t top, struct hp_error *err)
{
    struct hp_profile_set set;
    if (hp_profile_json_read(dir, &set, err) != 0)
        return -1;
    struct hp_doc doc;
    hp_doc_init(&doc, "profile");
    hp_doc_heading(&doc, 2, "Profile: %s", dir);
    for (size_t i = 0; i < set.count; i++)
        hp_profile_doc_case(&doc, &set.profiles[i], top);
    bool dumps = set.count && strcmp(set.profiles[0].source, "callgrind") == 0;
    if (set.sampling_note[0])
        hp_doc_para(&doc, "Sampled: %s.", set.sampling_note);
    hp_doc_para(&doc, "Flame graphs (NAME.svg), folded stacks (NAME.folded)%s are in %s.",
                dumps ? " and callgrind's dumps (NAME.callgrind.out)" : "", dir);
    int rc = hp_doc_render(stdout, &doc, HP_RENDER_TEXT, err);
    hp_doc_free(&doc);
    hp_profile_set_free(&set);
    return rc;
}

static int profile_into(struct hp_profile_options *o, const struct hp_run *run,
                        struct hp_results_dir *out, struct hp_error *err)
{
    const char *options[8];
    size_t n = 0;
    options[n++] = "--separate-callers=60";
    options[n++] = "--separate-recs=1";
    options[n++] = "--dump-instr=no";
    if (o->cache_sim) {
        options[n++] = "--cache-sim=yes";
        options[n++] = "--branch-sim=yes";
    }
    printf("profiling %zu case%s under callgrind (%llu ops per thread per case)\n", run->case_count,
           run->case_count == 1 ? "" : "s", (unsigned long long)o->run.instructions_ops);
    int ran = hp_callgrind_run(out->partial, options, n, o->run.argc, o->run.argv,
                               o->run.instructions_ops, err);
    if (ran != 0)
        return ran;
    static struct hp_profile_set set; /* large */
    memset(&set, 0, sizeof set);
    describe(&set, &o->run, NULL);
    int rc = read_dumps(out->partial, run, o->run.instructions_ops, &set, err);
    if (rc == 0)
        rc = hp_profile_json_write(out->partial, &set, err);
    hp_profile_set_free(&set);
    if (rc == 0 && rename(out->partial, out->path) != 0)
        rc = hp_error_set(err, "cannot rename %s to %s: %s", out->partial, out->path,
                          strerror(errno));
    return rc;
}

/* The profiles of every case from its sampled chains, and their graphs, into set. */
static int sampled_profiles(const char *dir, const struct hp_run *run,
                            const struct hp_sampler_event *event, struct hp_profile_set *set,
                            struct hp_error *err)
{
    if (!(set->profiles = calloc(run->case_count + 1, sizeof *set->profiles)))
        return hp_error_set(err, "out of memory");
    for (size_t i = 0; i < run->case_count; i++) {
        const struct hp_case *c = &run->cases[i];
        uint64_t lost = 0;
        for (unsigned t = 0; t < c->threads; t++) {
            lost += c->sample_chains[t].lost;
            if (c->sample_chains[t].unsampled)
                fprintf(stderr,
                        "hotpath: %s: thread %u took no samples (its perf_event_open or the "
                        "mmap of its ring buffer failed: kernel.perf_event_mlock_kb?)\n",
                        c->name, t);
        }
        if (lost > 0)
            fprintf(stderr, "hotpath: %s: %llu samples lost (the ring buffer filled)\n", c->name,
                    (unsigned long long)lost);
        if (c->measured_ops == 0)
            continue; /* interrupted before it was measured */
        struct hp_profile *p = &set->profiles[set->count];
        if (hp_sampler_profile(c->name, c->sample_chains, c->threads, (double)c->measured_ops,
                               event, p, err) != 0)
            return -1;
        set->count++;
        if (write_graphs(dir, p, err) != 0)
            return -1;
    }
    return set->count ? 0 : hp_error_set(err, "no case was sampled");
}

static int sample_into(struct hp_profile_options *o, struct hp_run *run,
                       const struct hp_sampler_event *event, struct hp_results_dir *out,
                       struct hp_error *err)
{
    for (size_t i = 0; i < run->case_count; i++)
        run->cases[i].mode = HP_MODE_BATCH; /* the name keeps "/latency", as under callgrind */
    run->config.sampling = event;
    run->config.quiet = true;
    printf("profiling %zu case%s by sampling (%s), %u samples of %.0f ms each\n", run->case_count,
           run->case_count == 1 ? "" : "s", event->name, run->config.samples,
           run->config.target_sample_ns / 1e6);
    static struct hp_profile_set set; /* large */
    memset(&set, 0, sizeof set);
    int rc = hp_run_execute(run, err);
    describe(&set, &o->run, event);
    if (rc == 0)
        rc = sampled_profiles(out->partial, run, event, &set, err);
    hp_run_release(run);
    if (rc == 0)
        rc = hp_profile_json_write(out->partial, &set, err);
    hp_profile_set_free(&set);
    if (rc == 0 && rename(out->partial, out->path) != 0)
        rc = hp_error_set(err, "cannot rename %s to %s: %s", out->partial, out->path,
                          strerror(errno));
    return rc;
}

int hp_profile_job(struct hp_profile_options *o, struct hp_error *err)
{
    static struct hp_run run; /* large */
    memset(&run, 0, sizeof run);
    if (hp_run_job_cases(&o->run, &run, err) != 0)
        return HP_EXIT_USAGE;
    int rc = HP_EXIT_USAGE;
    static struct hp_results_dir out;
    char name[300], why[512];
    struct hp_sampler_event event;
    if (o->sampling && !hp_sampler_probe(&event, why, sizeof why)) {
        hp_error_set(err,
                     "--source sampling: %s; --source callgrind (the default) needs no "
                     "permission",
                     why);
    } else if (!o->sampling && !hp_instructions_available()) {
        hp_error_set(err, "profile needs valgrind (not found in PATH; the Debian package is "
                          "valgrind), or --source sampling");
    } else if (o->run.out_dir) {
        rc = hp_results_dir_reserve(&out, o->run.out_dir, err) == 0 ? 0 : HP_EXIT_USAGE;
    } else {
        hp_results_default_dir(name, sizeof name);
        strncat(name, "-profile", sizeof name - strlen(name) - 1);
        rc = hp_results_dir_reserve(&out, name, err) == 0 ? 0 : HP_EXIT_USAGE;
    }
    int profiled = rc != 0       ? 0
                   : o->sampling ? sample_into(o, &run, &event, &out, err)
                                 : profile_into(o, &run, &out, err);
    if (profiled != 0) {
        hp_results_dir_release(&out);
        rc = profiled == HP_CALLGRIND_REFUSED ? HP_EXIT_USAGE : 1;
    }
    free(run.cases);
    if (rc != 0)
        return rc;
    return print_tables(out.path, o->top, err) == 0 ? 0 : 1;
}

/* ---- differential ---- */

static int write_diff_graphs(const char *dir, const struct hp_profile_pair *pairs, size_t count,
                             struct hp_error *err)
{
    for (size_t i = 0; i < count; i++) {
        char name[512], path[4800], title[700];
        hp_results_case_file_name(pairs[i].new_->case_name, ".diff.svg", name, sizeof name);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        snprintf(title, sizeof title, "%s -> %s: red grew, blue shrank", pairs[i].old->case_name,
                 pairs[i].new_->case_name);
        if (hp_flamegraph_write(path, pairs[i].new_, pairs[i].old, title, err) != 0)
            return -1;
    }
    return 0;
}

static int diff_output(const struct hp_profile_options *o, const struct hp_profile_pair *pairs,
                       size_t count, struct hp_error *err)
{
    struct hp_doc doc;
    hp_doc_init(&doc, "profile diff");
    hp_doc_heading(&doc, 2, "Profile change by function");
    for (size_t i = 0; i < count; i++) {
        char title[600];
        snprintf(title, sizeof title, "%s -> %s", pairs[i].old->case_name,
                 pairs[i].new_->case_name);
        hp_profile_doc_diff(&doc, title, pairs[i].old, pairs[i].new_, o->top);
    }
    static struct hp_results_dir out;
    int rc = 0;
    if (o->run.out_dir) {
        if (hp_results_dir_reserve(&out, o->run.out_dir, err) != 0)
            rc = HP_EXIT_USAGE;
        else if (write_diff_graphs(out.partial, pairs, count, err) != 0 ||
                 rename(out.partial, out.path) != 0) {
            hp_results_dir_release(&out);
            rc = 1;
        }
    }
    if (rc == 0 && hp_doc_render(stdout, &doc, HP_RENDER_TEXT, err) != 0)
        rc = 1;
    hp_doc_free(&doc);
    return rc;
}

int hp_profile_diff_job(const struct hp_profile_options *o, struct hp_error *err)
{
    struct hp_profile_set old, new_;
    bool phases = o->diff_dir != NULL;
    if (hp_profile_json_read(phases ? o->diff_dir : o->diff_old, &old, err) != 0)
        return HP_EXIT_USAGE;
    if (!phases && hp_profile_json_read(o->diff_new, &new_, err) != 0) {
        hp_profile_set_free(&old);
        return HP_EXIT_USAGE;
    }
    struct hp_profile_pair *pairs = NULL;
    size_t count = 0;
    int rc = phases ? hp_profile_match_phases(&old, o->old_phase, o->new_phase, &pairs, &count, err)
                    : hp_profile_match(&old, &new_, &pairs, &count, err);
    rc = rc == 0 ? diff_output(o, pairs, count, err) : HP_EXIT_USAGE;
    free(pairs);
    hp_profile_set_free(&old);
    if (!phases)
        hp_profile_set_free(&new_);
    return rc;
}
