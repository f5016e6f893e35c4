#define _DEFAULT_SOURCE
/* `.external` files: see external_file.h. inih lexes; the line reader counts lines, as for phase
 * files (phases.c), so every complaint names its line. */
#include "external_file.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "ini_lines.h"
#include "workload_table.h"

struct parse_state {
    struct hp_ini_lines in;
    struct hp_external_file *file;
    struct hp_external_source *current;
};

#define fail(st, line, ...) hp_ini_fail(&(st)->in, line, __VA_ARGS__)

static bool valid_source_name(const char *s, size_t len)
{
    if (len == 0 || len >= HP_EXTERNAL_NAME_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '_' &&
            s[i] != '-')
            return false;
    return true;
}

static void open_section(void *ctx, const char *name, size_t len)
{
    struct parse_state *st = ctx;
    if (!valid_source_name(name, len)) {
        fail(st, st->in.line, "source name '%.*s': 1 to %d of a-z, 0-9, _ and -", (int)len, name,
             HP_EXTERNAL_NAME_MAX - 1);
        return;
    }
    for (size_t i = 0; i < st->file->count; i++)
        if (strlen(st->file->sources[i].name) == len &&
            memcmp(st->file->sources[i].name, name, len) == 0) {
            fail(st, st->in.line, "source [%.*s] given twice", (int)len, name);
            return;
        }
    if (st->file->count == HP_EXTERNAL_SOURCES_MAX) {
        fail(st, st->in.line, "more than %d sources", HP_EXTERNAL_SOURCES_MAX);
        return;
    }
    struct hp_external_source *s = &st->file->sources[st->file->count++];
    memset(s, 0, sizeof *s);
    memcpy(s->name, name, len);
    s->line = st->in.line;
    s->protocol = (enum hp_external_protocol) - 1;
    st->current = s;
}

const char *hp_external_protocol_name(enum hp_external_protocol p)
{
    switch (p) {
    case HP_EXTERNAL_LINE:
        return "line";
    case HP_EXTERNAL_GO_BENCH:
        return "go-bench";
    case HP_EXTERNAL_GOOGLE_BENCHMARK_JSON:
        return "google-benchmark-json";
    }
    return "?";
}

static int set_text(struct parse_state *st, char *field, size_t size, const char *key,
                    const char *value)
{
    if (field[0]) {
        fail(st, st->in.line, "%s given twice in [%s]", key, st->current->name);
        return 0;
    }
    if (!value[0] || strlen(value) >= size) {
        fail(st, st->in.line, "%s: empty or longer than %zu characters", key, size - 1);
        return 0;
    }
    strcpy(field, value);
    return 1;
}

/* bench.NAME = WORKLOAD [threads=T] */
static int add_bench(struct parse_state *st, const char *name, const char *value)
{
    struct hp_external_source *s = st->current;
    if (s->bench_count == HP_EXTERNAL_BENCH_MAX) {
        fail(st, st->in.line, "more than %d bench. keys", HP_EXTERNAL_BENCH_MAX);
        return 0;
    }
    struct hp_external_bench *b = &s->bench[s->bench_count];
    memset(b, 0, sizeof *b);
    char workload[256];
    char extra[64] = "";
    int words = sscanf(value, "%255s %63s", workload, extra);
    if (!*name || strlen(name) >= sizeof b->name || words < 1 ||
        strlen(workload) >= sizeof b->workload) {
        fail(st, st->in.line, "bench.NAME = WORKLOAD [threads=T] expected");
        return 0;
    }
    if (!hp_workload_find(workload)) { /* its figures would sit beside no case */
        fail(st, st->in.line, "bench.%s: unknown workload '%s' (`hotpath list` names them)", name,
             workload);
        return 0;
    }
    for (size_t i = 0; i < s->bench_count; i++)
        if (strcmp(s->bench[i].name, name) == 0) {
            fail(st, st->in.line, "bench.%s given twice (first at line %u)", name,
                 s->bench[i].line);
            return 0;
        }
    b->threads = 1;
    if (words == 2) {
        char *end;
        unsigned long t = strncmp(extra, "threads=", 8) == 0 ? strtoul(extra + 8, &end, 10) : 0;
        if (t < 1 || t > 64 || *end) {
            fail(st, st->in.line, "'%s': threads=T with T from 1 to 64 expected", extra);
            return 0;
        }
        b->threads = (unsigned)t;
    }
    strcpy(b->name, name);
    strcpy(b->workload, workload);
    b->line = st->in.line;
    s->bench_count++;
    return 1;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    struct parse_state *st = user;
    (void)section;
    if (st->in.failed)
        return 0;
    struct hp_external_source *s = st->current;
    if (!s) {
        fail(st, st->in.line, "'%s' outside a [source] section", key);
        return 0;
    }
    if (strcmp(key, "protocol") == 0) {
        if ((int)s->protocol != -1) {
            fail(st, st->in.line, "protocol given twice in [%s]", s->name);
            return 0;
        }
        for (int p = HP_EXTERNAL_LINE; p <= HP_EXTERNAL_GOOGLE_BENCHMARK_JSON; p++)
            if (strcmp(value, hp_external_protocol_name((enum hp_external_protocol)p)) == 0)
                s->protocol = (enum hp_external_protocol)p;
        if ((int)s->protocol == -1) {
            fail(st, st->in.line, "protocol '%s': line, go-bench or google-benchmark-json", value);
            return 0;
        }
        return 1;
    }
    if (strcmp(key, "command") == 0)
        return set_text(st, s->command, sizeof s->command, key, value);
    if (strcmp(key, "build") == 0)
        return set_text(st, s->build, sizeof s->build, key, value);
    if (strcmp(key, "declined_by") == 0)
        return set_text(st, s->declined_by, sizeof s->declined_by, key, value);
    if (strcmp(key, "peer") == 0) {
        if (!valid_source_name(value, strlen(value))) {
            fail(st, st->in.line, "peer '%s': 1 to %d of a-z, 0-9, _ and -", value,
                 HP_EXTERNAL_NAME_MAX - 1);
            return 0;
        }
        return set_text(st, s->peer, sizeof s->peer, key, value);
    }
    if (strncmp(key, "bench.", 6) == 0)
        return add_bench(st, key + 6, value);
    fail(st, st->in.line,
         "unknown key '%s' (valid: protocol, command, build, declined_by, peer, bench.NAME)", key);
    return 0;
}

/* What a section must hold, checked once it is complete. */
static int check_sources(struct parse_state *st)
{
    for (size_t i = 0; i < st->file->count && !st->in.failed; i++) {
        const struct hp_external_source *s = &st->file->sources[i];
        if ((int)s->protocol == -1)
            fail(st, s->line, "[%s] has no protocol (line, go-bench or google-benchmark-json)",
                 s->name);
        else if (!s->command[0])
            fail(st, s->line, "[%s] has no command", s->name);
        else if (s->protocol == HP_EXTERNAL_LINE && (s->peer[0] || s->bench_count))
            fail(st, s->line, "[%s]: peer and bench. keys are for one-shot sources only", s->name);
        else if (s->protocol != HP_EXTERNAL_LINE && (!s->peer[0] || !s->bench_count))
            fail(st, s->line, "[%s]: a one-shot source needs peer and at least one bench. key",
                 s->name);
    }
    return st->in.failed ? -1 : 0;
}

int hp_external_file_read(const char *path, struct hp_external_file *out, struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    char *text;
    size_t len;
    if (hp_file_read(path, 64 * 1024, &text, &len, err) != 0)
        return -1;
    if (memchr(text, '\0', len)) {
        free(text);
        return hp_error_set(err, "%s: contains a NUL byte", path);
    }
    snprintf(out->path, sizeof out->path, "%s", path);
    char resolved[PATH_MAX];
    if (!realpath(path, resolved)) {
        free(text);
        return hp_error_set(err, "%s: cannot resolve its directory", path);
    }
    char *slash = strrchr(resolved, '/');
    if (slash == resolved)
        slash[1] = '\0';
    else
        *slash = '\0';
    snprintf(out->dir, sizeof out->dir, "%s", resolved);
    struct parse_state st = {.file = out};
    st.in = (struct hp_ini_lines){
        .name = path, .cursor = text, .err = err, .on_section = open_section, .ctx = &st};
    hp_ini_parse(&st.in, on_key, &st, "[source], key = value, or a comment");
    free(text);
    if (!st.in.failed && out->count == 0) { /* the whole file's fault, not a line's */
        hp_error_set(err, "%s: no [source] section", path);
        st.in.failed = true;
    }
    if (st.in.failed || check_sources(&st) != 0) {
        out->count = 0;
        return -1;
    }
    return 0;
}

int hp_external_expand(const char *text, const char *dir, const char *out_dir, char *result,
                       size_t size)
{
    size_t used = 0;
    for (const char *p = text; *p;) {
        const char *with = NULL;
        size_t skip = 1;
        if (strncmp(p, "{dir}", 5) == 0)
            with = dir, skip = 5;
        else if (strncmp(p, "{out}", 5) == 0)
            with = out_dir, skip = 5;
        size_t add = with ? strlen(with) : 1;
        if (used + add >= size)
            return -1;
        memcpy(result + used, with ? with : p, add);
        used += add;
        p += skip;
    }
    result[used] = '\0';
    return 0;
}
