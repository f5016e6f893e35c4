/* profile.json, written and read (profile_json.h). */
#include "profile_json.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "files.h"
#include "results_write.h"

static json_t *costs_json(const struct hp_profile *p, const double *v)
{
    json_t *a = json_array();
    for (size_t e = 0; e < p->event_count; e++)
        json_array_append_new(a, json_real(v[e]));
    return a;
}

static json_t *profile_json(const struct hp_profile *p)
{
    json_t *o = json_object(), *events = json_array(), *functions = json_array(),
           *stacks = json_array(), *files = json_object();
    json_object_set_new(o, "name", json_string(p->case_name));
    json_object_set_new(o, "source", json_string(p->source));
    json_object_set_new(o, "ops", json_real(p->ops));
    if (p->samples > 0)
        json_object_set_new(o, "samples", json_real(p->samples));
    for (size_t e = 0; e < p->event_count; e++)
        json_array_append_new(events, json_string(p->events[e]));
    json_object_set_new(o, "events", events);
    json_object_set_new(o, "total", costs_json(p, p->total));
    double cycles = hp_profile_estimated_cycles(p, p->total);
    json_object_set_new(o, "estimated_cycles", isnan(cycles) ? json_null() : json_real(cycles));
    static const char *const kinds[][2] = {
        {"folded", ".folded"}, {"flamegraph", ".svg"}, {"callgrind", ".callgrind.out"}};
    for (size_t k = 0; k < (strcmp(p->source, "callgrind") == 0 ? 3 : 2); k++) {
        char name[512];
        hp_results_case_file_name(p->case_name, kinds[k][1], name, sizeof name);
        json_object_set_new(files, kinds[k][0], json_string(name));
    }
    json_object_set_new(o, "files", files);
    for (size_t i = 0; i < p->function_count; i++) {
        const struct hp_profile_function *f = &p->functions[i];
        json_t *fo = json_object();
        json_object_set_new(fo, "name", json_string(f->name));
        json_object_set_new(fo, "self", costs_json(p, f->self));
        json_object_set_new(fo, "inclusive", costs_json(p, f->inclusive));
        if (p->calls_known)
            json_object_set_new(fo, "calls", json_real(f->calls));
        json_array_append_new(functions, fo);
    }
    json_object_set_new(o, "functions", functions);
    for (size_t i = 0; i < p->stack_count; i++) {
        json_t *so = json_object();
        json_object_set_new(so, "frames", json_string(p->stacks[i].frames));
        json_object_set_new(so, "self", costs_json(p, p->stacks[i].self));
        json_array_append_new(stacks, so);
    }
    json_object_set_new(o, "stacks", stacks);
    return o;
}

static int write_root(FILE *f, const void *ctx)
{
    return json_dumpf((const json_t *)ctx, f, JSON_INDENT(1) | JSON_REAL_PRECISION(12));
}

int hp_profile_json_write(const char *dir, const struct hp_profile_set *set, struct hp_error *err)
{
    json_t *root = json_object(), *cases = json_array();
    json_object_set_new(root, "format", json_string(HP_PROFILE_FORMAT));
    json_object_set_new(root, "version", json_integer(HP_PROFILE_VERSION));
    json_object_set_new(root, "command", json_string(set->command));
    json_object_set_new(root, "date", json_string(set->date));
    json_object_set_new(root, "machine", hp_results_machine_json());
    json_object_set_new(root, "build", hp_results_build_json());
    json_object_set_new(root, "sampling", json_string(set->sampling_note));
    for (size_t i = 0; i < set->count; i++)
        json_array_append_new(cases, profile_json(&set->profiles[i]));
    json_object_set_new(root, "cases", cases);
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, HP_PROFILE_FILE);
    int rc = hp_file_write(path, write_root, root, err);
    json_decref(root);
    return rc;
}

/* ---- reading ---- */

struct source {
    const char *file;
    struct hp_error *err;
    json_int_t version;
};

static int refuse(const struct source *s, const char *where, const char *problem)
{
    return hp_error_set(s->err, "%s: %s%s%s", s->file, where, *where ? ": " : "", problem);
}

/* One cost per event, each a finite number >= 0 (a count or a time, per op); `what` says which
 * cost ("\"total\"", "function F's \"self\"") in the message. */
static int read_costs(const struct source *s, const char *where, const char *what, json_t *a,
                      size_t n, double *out)
{
    char problem[700];
    if (!json_is_array(a)) {
        snprintf(problem, sizeof problem, "%s is not an array of one cost per event", what);
        return refuse(s, where, problem);
    }
    if (json_array_size(a) != n) {
        snprintf(problem, sizeof problem,
                 "%s holds %zu costs where the case has %zu events (one cost per event)", what,
                 json_array_size(a), n);
        return refuse(s, where, problem);
    }
    for (size_t e = 0; e < n; e++) {
        json_t *v = json_array_get(a, e);
        double x = json_is_number(v) ? json_number_value(v) : NAN;
        if (!isfinite(x)) {
            snprintf(problem, sizeof problem, "%s: a cost is not a finite number", what);
            return refuse(s, where, problem);
        }
        if (x < 0) {
            snprintf(problem, sizeof problem,
                     "%s: a cost is %g; costs are counts or times per op, never negative", what, x);
            return refuse(s, where, problem);
        }
        out[e] = x;
    }
    return 0;
}

static int read_events(const struct source *s, json_t *o, struct hp_profile *p)
{
    json_t *events = json_object_get(o, "events");
    if (!json_is_array(events) || json_array_size(events) == 0 ||
        json_array_size(events) > HP_PROFILE_MAX_EVENTS)
        return refuse(s, p->case_name, "\"events\" must be an array of 1 to 16 names");
    p->event_count = json_array_size(events);
    for (size_t e = 0; e < p->event_count; e++) {
        const char *name = json_string_value(json_array_get(events, e));
        if (!name || strlen(name) >= HP_PROFILE_EVENT_NAME)
            return refuse(s, p->case_name, "an event name must be a short string");
        strcpy(p->events[e], name);
    }
    return read_costs(s, p->case_name, "\"total\"", json_object_get(o, "total"), p->event_count,
                      p->total);
}

static int read_stacks(const struct source *s, json_t *stacks, struct hp_profile *p)
{
    if (!json_is_array(stacks))
        return refuse(s, p->case_name, "\"stacks\" must be an array");
    for (size_t i = 0; i < json_array_size(stacks); i++) {
        json_t *so = json_array_get(stacks, i);
        const char *frames = json_string_value(json_object_get(so, "frames"));
        double self[HP_PROFILE_MAX_EVENTS] = {0};
        if (!frames || !*frames)
            return refuse(s, p->case_name, "a stack needs \"frames\"");
        char what[300];
        snprintf(what, sizeof what, "stack %zu's \"self\"", i);
        if (read_costs(s, p->case_name, what, json_object_get(so, "self"), p->event_count, self) !=
            0)
            return -1;
        if (hp_profile_add_stack(p, frames, self) != 0)
            return refuse(s, p->case_name, "out of memory");
    }
    return 0;
}

/* A function's "self" and "inclusive": not read (the table is rebuilt from the stacks), but a
 * file whose figures are impossible is refused rather than shown as no change. */
static int check_function_costs(const struct source *s, json_t *fo, const char *name,
                                const struct hp_profile *p)
{
    static const char *const keys[] = {"self", "inclusive"};
    double ignored[HP_PROFILE_MAX_EVENTS];
    for (size_t k = 0; k < 2; k++) {
        char what[300];
        snprintf(what, sizeof what, "function %.200s's \"%s\"", name, keys[k]);
        if (read_costs(s, p->case_name, what, json_object_get(fo, keys[k]), p->event_count,
                       ignored) != 0)
            return -1;
    }
    return 0;
}

/* The call counts of the functions: known when every function has one, in version 2 (version
 * 1's counted calls outside the measured region too, and are not read). */
static int read_calls(const struct source *s, json_t *functions, struct hp_profile *p)
{
    if (!json_is_array(functions))
        return refuse(s, p->case_name, "\"functions\" must be an array");
    p->calls_known = s->version >= 2 && json_array_size(functions) > 0;
    for (size_t i = 0; i < json_array_size(functions); i++) {
        json_t *fo = json_array_get(functions, i);
        const char *name = json_string_value(json_object_get(fo, "name"));
        json_t *calls = json_object_get(fo, "calls");
        if (!name || (calls && (!json_is_number(calls) || json_number_value(calls) < 0)))
            return refuse(s, p->case_name, "a function needs \"name\", and \"calls\" >= 0");
        if (check_function_costs(s, fo, name, p) != 0)
            return -1;
        p->calls_known &= calls != NULL;
        if (hp_profile_add_calls(p, name, calls ? json_number_value(calls) : 0) != 0)
            return refuse(s, p->case_name, "out of memory");
    }
    return 0;
}

/* One case: the stacks are the data; the function table is rebuilt from them, as it was
 * built when the file was written, with the call counts the file records. */
static int read_profile(const struct source *s, json_t *o, struct hp_profile *p)
{
    const char *name = json_string_value(json_object_get(o, "name"));
    const char *source = json_string_value(json_object_get(o, "source"));
    json_t *ops = json_object_get(o, "ops");
    if (!name || !source || !json_is_number(ops) || json_number_value(ops) <= 0)
        return refuse(s, "", "a case needs \"name\", \"source\" and \"ops\" > 0");
    snprintf(p->case_name, sizeof p->case_name, "%s", name);
    snprintf(p->source, sizeof p->source, "%s", source);
    p->ops = json_number_value(ops);
    json_t *samples = json_object_get(o, "samples");
    if (samples && (!json_is_number(samples) || json_number_value(samples) < 0))
        return refuse(s, name, "\"samples\" must be a number >= 0");
    p->samples = samples ? json_number_value(samples) : 0;
    if (read_events(s, o, p) != 0 || read_calls(s, json_object_get(o, "functions"), p) != 0 ||
        read_stacks(s, json_object_get(o, "stacks"), p) != 0)
        return -1;
    return hp_profile_finish(p) == 0 ? 0 : refuse(s, name, "out of memory");
}

static void find_file(const char *path, char *out, size_t size)
{
    struct stat st;
    snprintf(out, size, "%s", path);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return;
    snprintf(out, size, "%s/%s", path, HP_PROFILE_FILE);
    if (stat(out, &st) != 0)
        snprintf(out, size, "%s/profile/%s", path, HP_PROFILE_FILE);
}

static int read_header(struct source *s, json_t *root, struct hp_profile_set *set)
{
    const char *format = json_string_value(json_object_get(root, "format"));
    json_t *version = json_object_get(root, "version");
    if (!format || strcmp(format, HP_PROFILE_FORMAT) != 0)
        return refuse(s, "", "not a hotpath profile (\"format\" is not \"hotpath-profile\")");
    if (!json_is_integer(version) || json_integer_value(version) < 1 ||
        json_integer_value(version) > HP_PROFILE_VERSION)
        return hp_error_set(s->err, "%s: unknown \"version\" (this hotpath reads versions 1 to %d)",
                            s->file, HP_PROFILE_VERSION);
    s->version = json_integer_value(version);
    const char *command = json_string_value(json_object_get(root, "command"));
    const char *date = json_string_value(json_object_get(root, "date"));
    const char *sampling = json_string_value(json_object_get(root, "sampling"));
    snprintf(set->command, sizeof set->command, "%s", command ? command : "");
    snprintf(set->date, sizeof set->date, "%s", date ? date : "");
    snprintf(set->sampling_note, sizeof set->sampling_note, "%s", sampling ? sampling : "");
    return 0;
}

static int read_cases(const struct source *s, json_t *cases, struct hp_profile_set *set)
{
    if (!json_is_array(cases) || json_array_size(cases) == 0)
        return refuse(s, "", "\"cases\" must be a non-empty array");
    set->profiles = calloc(json_array_size(cases), sizeof *set->profiles);
    if (!set->profiles)
        return refuse(s, "", "out of memory");
    for (size_t i = 0; i < json_array_size(cases); i++) {
        set->count = i + 1;
        if (read_profile(s, json_array_get(cases, i), &set->profiles[i]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(set->profiles[j].case_name, set->profiles[i].case_name) == 0)
                return refuse(s, set->profiles[i].case_name, "case listed twice");
    }
    return 0;
}

int hp_profile_json_read(const char *path, struct hp_profile_set *set, struct hp_error *err)
{
    memset(set, 0, sizeof *set);
    char file[4300];
    find_file(path, file, sizeof file);
    char *text;
    size_t length;
    if (hp_file_read(file, HP_PROFILE_MAX_FILE_BYTES, &text, &length, err) != 0)
        return -1;
    json_error_t jerr;
    json_t *root = json_loadb(text, length, 0, &jerr);
    free(text);
    if (!root)
        return hp_error_set(err, "%s:%d: not valid JSON: %s", file, jerr.line, jerr.text);
    struct source s = {file, err, 0};
    int rc = read_header(&s, root, set);
    if (rc == 0)
        rc = read_cases(&s, json_object_get(root, "cases"), set);
    json_decref(root);
    if (rc != 0)
        hp_profile_set_free(set);
    return rc;
}

void hp_profile_set_free(struct hp_profile_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        hp_profile_free(&set->profiles[i]);
    free(set->profiles);
    set->profiles = NULL;
    set->count = 0;
}
