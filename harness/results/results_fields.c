/* The fields of a results file, and which only one of two files has (results_fields.h). */
#include "results_fields.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Members that hold data (names of axes, metrics, phases), not fields of the format. */
static bool holds_data(const char *key)
{
    return strcmp(key, "implementations") == 0 || strcmp(key, "metrics") == 0 ||
           strcmp(key, "phases") == 0 || strcmp(key, "parameters") == 0;
}

static void add_field(json_t *set, const char *prefix, const char *key)
{
    char path[256];
    snprintf(path, sizeof path, "%s%s", prefix, key);
    json_object_set_new(set, path, json_true());
}

static void add_members(json_t *set, const char *prefix, const char *key, json_t *obj)
{
    char inner[256];
    snprintf(inner, sizeof inner, "%s%s.", prefix, key);
    const char *member;
    json_t *v;
    json_object_foreach(obj, member, v) add_field(set, inner, member);
}

/* Is `key` an object in every case? */
static bool object_in_every_case(json_t *cases, const char *key)
{
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c) if (!json_is_object(json_object_get(c, key))) return false;
    return json_array_size(cases) > 0;
}

static void add_case_fields(json_t *set, json_t *cases)
{
    size_t i;
    json_t *c;
    json_array_foreach(cases, i, c)
    {
        const char *key;
        json_t *v;
        json_object_foreach(c, key, v)
        {
            add_field(set, "cases[].", key);
            if (json_is_object(v) && !holds_data(key) && object_in_every_case(cases, key))
                add_members(set, "cases[].", key, v);
        }
    }
}

/* The set of a run's fields: a JSON object whose keys are the paths. */
static json_t *fields_of(const struct hp_results *r)
{
    json_t *set = json_object();
    json_t *root = r->json;
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        add_field(set, "", key);
        if (strcmp(key, "cases") == 0 && json_is_array(v))
            add_case_fields(set, v);
        else if (json_is_object(v) && !holds_data(key))
            add_members(set, "", key, v);
    }
    return set;
}

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of `a` that `b` lacks, sorted, ", "-separated. */
static size_t set_difference(json_t *a, json_t *b, char *out, size_t size)
{
    size_t n = 0, count = 0;
    const char **keys = malloc((json_object_size(a) + 1) * sizeof *keys);
    const char *key;
    json_t *v;
    json_object_foreach(a, key, v) if (!json_object_get(b, key)) keys[count++] = key;
    qsort(keys, count, sizeof *keys, compare_strings);
    if (size > 0)
        out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        int w = snprintf(out + (n < size ? n : size), n < size ? size - n : 0, "%s%s",
                         i ? ", " : "", keys[i]);
        n += (size_t)w;
    }
    free(keys);
    return n;
}

size_t hp_results_fields_only_in(const struct hp_results *a, const struct hp_results *b, char *out,
                                 size_t size)
{
    json_t *fa = fields_of(a), *fb = fields_of(b);
    size_t n = set_difference(fa, fb, out, size);
    json_decref(fa);
    json_decref(fb);
    return n;
}

size_t hp_results_fields_note(const struct hp_results *old, const struct hp_results *new_,
                              const char *old_name, const char *new_name, char *out, size_t size)
{
    char only_old[1024], only_new[1024];
    hp_results_fields_only_in(old, new_, only_old, sizeof only_old);
    hp_results_fields_only_in(new_, old, only_new, sizeof only_new);
    if (size > 0)
        out[0] = '\0';
    if (old->version == new_->version && !only_old[0] && !only_new[0])
        return 0;
    int n = snprintf(out, size, "%s is format version %d, %s version %d", old_name, old->version,
                     new_name, new_->version);
    const char *names[2] = {old_name, new_name};
    const char *only[2] = {only_old, only_new};
    for (int i = 0; i < 2; i++)
        if (only[i][0])
            n += snprintf(out + ((size_t)n < size ? (size_t)n : size),
                          (size_t)n < size ? size - (size_t)n : 0, "; fields only in %s: %s",
                          names[i], only[i]);
    if (only_old[0] || only_new[0])
        n += snprintf(out + ((size_t)n < size ? (size_t)n : size),
                      (size_t)n < size ? size - (size_t)n : 0,
                      " (read as absent where missing, never as zero)");
    return (size_t)n;
}
