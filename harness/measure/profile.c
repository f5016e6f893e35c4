/* Profiles from callgrind dumps (profile.h). The reader follows callgrind's format
 * specification (valgrind's docs, "Callgrind Format Specification"): name compression
 * "fn=(id) name" / "fn=(id)", position compression ("+n", "-n", "*"), cost lines after a
 * "calls=" line being the call's inclusive cost (skipped: the stacks give inclusive costs). */
#include "profile.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"

static int grow(void **items, size_t *capacity, size_t count, size_t size)
{
    if (count < *capacity)
        return 0;
    size_t next = *capacity ? *capacity * 2 : 64;
    void *more = realloc(*items, next * size);
    if (!more)
        return -1;
    *items = more;
    *capacity = next;
    return 0;
}

int hp_profile_add_stack(struct hp_profile *p, const char *frames, const double *self)
{
    for (size_t i = p->stack_count; i-- > 0;)
        if (strcmp(p->stacks[i].frames, frames) == 0) {
            for (size_t e = 0; e < p->event_count; e++)
                p->stacks[i].self[e] += self[e];
            return 0;
        }
    if (grow((void **)&p->stacks, &p->stack_capacity, p->stack_count, sizeof *p->stacks) != 0)
        return -1;
    struct hp_profile_stack *s = &p->stacks[p->stack_count];
    memset(s, 0, sizeof *s);
    if (!(s->frames = strdup(frames)))
        return -1;
    memcpy(s->self, self, sizeof s->self);
    p->stack_count++;
    return 0;
}

static struct hp_profile_function *function_named(struct hp_profile *p, const char *name,
                                                  size_t length)
{
    for (size_t i = 0; i < p->function_count; i++)
        if (strncmp(p->functions[i].name, name, length) == 0 &&
            p->functions[i].name[length] == '\0')
            return &p->functions[i];
    if (grow((void **)&p->functions, &p->function_capacity, p->function_count,
             sizeof *p->functions) != 0)
        return NULL;
    struct hp_profile_function *f = &p->functions[p->function_count];
    memset(f, 0, sizeof *f);
    if (!(f->name = strndup(name, length)))
        return NULL;
    p->function_count++;
    return f;
}

int hp_profile_add_calls(struct hp_profile *p, const char *name, double calls)
{
    struct hp_profile_function *f = function_named(p, name, strlen(name));
    if (!f)
        return -1;
    f->calls += calls;
    return 0;
}

/* Adds one stack's self cost to the functions on it: inclusive once per distinct frame. */
static int attribute_stack(struct hp_profile *p, const struct hp_profile_stack *s)
{
    struct hp_profile_function *seen[256];
    size_t seen_count = 0;
    const char *frame = s->frames;
    for (;;) {
        size_t length = strcspn(frame, ";");
        struct hp_profile_function *f = function_named(p, frame, length);
        if (!f)
            return -1;
        bool again = false;
        for (size_t i = 0; i < seen_count; i++)
            again |= seen[i] == f;
        if (!again && seen_count < sizeof seen / sizeof seen[0])
            seen[seen_count++] = f;
        for (size_t e = 0; !again && e < p->event_count; e++)
            f->inclusive[e] += s->self[e];
        if (frame[length] == '\0') {
            for (size_t e = 0; e < p->event_count; e++)
                f->self[e] += s->self[e];
            return 0;
        }
        frame += length + 1;
    }
}

static int by_inclusive(const void *a, const void *b)
{
    const struct hp_profile_function *x = a, *y = b;
    if (x->inclusive[0] != y->inclusive[0])
        return x->inclusive[0] < y->inclusive[0] ? 1 : -1;
    return strcmp(x->name, y->name);
}

int hp_profile_finish(struct hp_profile *p)
{
    for (size_t i = 0; i < p->function_count; i++) {
        memset(p->functions[i].self, 0, sizeof p->functions[i].self);
        memset(p->functions[i].inclusive, 0, sizeof p->functions[i].inclusive);
    }
    for (size_t i = 0; i < p->stack_count; i++)
        if (attribute_stack(p, &p->stacks[i]) != 0)
            return -1;
    /* Functions callgrind saw called but that are on no stack of the region (the calls that
     * led to it) are not the region's. */
    size_t kept = 0;
    for (size_t i = 0; i < p->function_count; i++) {
        bool on_stack = false;
        for (size_t e = 0; e < p->event_count; e++)
            on_stack |= p->functions[i].inclusive[e] != 0;
        if (on_stack)
            p->functions[kept++] = p->functions[i];
        else
            free(p->functions[i].name);
    }
    p->function_count = kept;
    qsort(p->functions, p->function_count, sizeof *p->functions, by_inclusive);
    return 0;
}

int hp_profile_event(const struct hp_profile *p, const char *name)
{
    for (size_t e = 0; e < p->event_count; e++)
        if (strcmp(p->events[e], name) == 0)
            return (int)e;
    return -1;
}

double hp_profile_estimated_cycles(const struct hp_profile *p, const double *cost)
{
    static const char *const needed[] = {"Ir",   "Dr",   "Dw",   "I1mr", "D1mr",
                                         "D1mw", "ILmr", "DLmr", "DLmw"};
    double v[9];
    for (size_t i = 0; i < 9; i++) {
        int e = hp_profile_event(p, needed[i]);
        if (e < 0)
            return NAN;
        v[i] = cost[e];
    }
    double l1_misses = v[3] + v[4] + v[5], ll_misses = v[6] + v[7] + v[8];
    double l1_hits = v[0] + v[1] + v[2] - l1_misses;
    return l1_hits + 5 * (l1_misses - ll_misses) + 35 * ll_misses;
}

void hp_profile_free(struct hp_profile *p)
{
    for (size_t i = 0; i < p->stack_count; i++)
        free(p->stacks[i].frames);
    for (size_t i = 0; i < p->function_count; i++)
        free(p->functions[i].name);
    free(p->stacks);
    free(p->functions);
    memset(p, 0, sizeof *p);
}

/* ---- the callgrind reader ---- */

/* Compressed names: "(id) name" defines id, "(id)" refers to it. */
struct name_table {
    char **names;
    size_t capacity;
};

struct reader {
    const char *path;
    unsigned line;
    struct hp_profile *p;
    struct name_table fn_names;
    char *context;  /* the current fn= context, uncompressed */
    char *callee;   /* the current cfn= context */
    bool skip_cost; /* the next cost line is a call's inclusive cost */
    bool have_case;
    unsigned position_columns; /* "positions: line" 1, "positions: instr line" 2 */
    struct hp_error *err;
};

static int bad(struct reader *r, const char *problem)
{
    return hp_error_set(r->err, "%s:%u: %s", r->path, r->line, problem);
}

/* The name of "(id) name" or "(id)" or "name"; NULL with err set. Returned pointer is owned by
 * the table (or is value itself). */
static const char *resolve_name(struct reader *r, struct name_table *t, char *value)
{
    if (value[0] != '(')
        return value;
    char *end;
    unsigned long id = strtoul(value + 1, &end, 10);
    if (*end != ')' || id > 10000000)
        return bad(r, "malformed compressed name"), NULL;
    const char *name = end + 1;
    while (*name == ' ')
        name++;
    if (id >= t->capacity) {
        size_t next = id * 2 + 64;
        char **more = realloc(t->names, next * sizeof *more);
        if (!more)
            return bad(r, "out of memory"), NULL;
        memset(more + t->capacity, 0, (next - t->capacity) * sizeof *more);
        t->names = more;
        t->capacity = next;
    }
    if (*name) {
        free(t->names[id]);
        if (!(t->names[id] = strdup(name)))
            return bad(r, "out of memory"), NULL;
    }
    if (!t->names[id])
        return bad(r, "compressed name used before it was defined"), NULL;
    return t->names[id];
}

/* "leaf'caller'...'outermost" -> "ROOT;...;leaf" cut at HP_PROFILE_ROOT_FRAME (kept), or the
 * whole chain under "[outside run()]" when the root is not on it. ';' in names becomes ':'. */
static char *fold_context(const char *context)
{
    size_t length = strlen(context);
    char *out = malloc(length + 32);
    if (!out)
        return NULL;
    const char *frames[512];
    size_t count = 0;
    for (const char *f = context; count < 512;) {
        frames[count++] = f;
        const char *quote = strchr(f, '\'');
        if (!quote)
            break;
        f = quote + 1;
    }
    size_t root = count, used = 0, root_length = strlen(HP_PROFILE_ROOT_FRAME);
    for (size_t i = 0; i < count; i++)
        if (strncmp(frames[i], HP_PROFILE_ROOT_FRAME, root_length) == 0 &&
            (frames[i][root_length] == '\'' || frames[i][root_length] == '\0')) {
            root = i;
            break;
        }
    if (root == count)
        used += (size_t)sprintf(out, "[outside run()];");
    for (size_t i = root == count ? count : root + 1; i-- > 0;) {
        size_t n = strcspn(frames[i], "'");
        for (size_t k = 0; k < n; k++)
            out[used++] = frames[i][k] == ';' ? ':' : frames[i][k];
        out[used++] = i ? ';' : '\0';
    }
    return out;
}

static int parse_costs(struct reader *r, const char *text, double *cost)
{
    memset(cost, 0, sizeof(double) * HP_PROFILE_MAX_EVENTS);
    char *end;
    for (size_t e = 0; e < r->p->event_count; e++) {
        while (*text == ' ' || *text == '\t')
            text++;
        if (*text == '\0')
            return 0; /* trailing zero costs may be left out */
        cost[e] = (double)strtoull(text, &end, 10);
        if (end == text)
            return bad(r, "malformed cost");
        text = end;
    }
    return 0;
}

static int set_context(struct reader *r, char **slot, char *value)
{
    const char *name = resolve_name(r, &r->fn_names, value);
    if (!name)
        return -1;
    free(*slot);
    if (!(*slot = strdup(name)))
        return bad(r, "out of memory");
    return 0;
}

static int read_events(struct reader *r, char *value)
{
    r->p->event_count = 0;
    for (char *save = NULL, *e = strtok_r(value, " ", &save); e; e = strtok_r(NULL, " ", &save)) {
        if (r->p->event_count == HP_PROFILE_MAX_EVENTS || strlen(e) >= HP_PROFILE_EVENT_NAME)
            return bad(r, "too many or too long event names");
        strcpy(r->p->events[r->p->event_count++], e);
    }
    return r->p->event_count ? 0 : bad(r, "no events");
}

static int cost_line(struct reader *r, char *line)
{
    if (r->skip_cost) {
        r->skip_cost = false;
        return 0;
    }
    if (!r->context)
        return bad(r, "cost line before any fn= line");
    char *costs = line;
    for (unsigned k = 0; k < r->position_columns; k++) {
        while (*costs == ' ' || *costs == '\t')
            costs++;
        while (*costs && *costs != ' ' && *costs != '\t')
            costs++; /* a position */
    }
    double cost[HP_PROFILE_MAX_EVENTS];
    if (parse_costs(r, costs, cost) != 0)
        return -1;
    char *frames = fold_context(r->context);
    if (!frames || hp_profile_add_stack(r->p, frames, cost) != 0) {
        free(frames);
        return bad(r, "out of memory");
    }
    free(frames);
    return 0;
}

/* Whether a context "leaf'caller'..." runs under HP_PROFILE_ROOT_FRAME (the root not the leaf:
 * the runner's own calls into run() are made there, the harness's bracketing calls too). */
static bool under_root(const char *context)
{
    size_t length = strlen(HP_PROFILE_ROOT_FRAME);
    for (const char *at = strchr(context, '\''); at; at = strchr(at + 1, '\''))
        if (strncmp(at + 1, HP_PROFILE_ROOT_FRAME, length) == 0 &&
            (at[1 + length] == '\'' || at[1 + length] == '\0'))
            return true;
    return false;
}

static int calls_line(struct reader *r, const char *value)
{
    if (!r->callee)
        return bad(r, "calls= without cfn=");
    char *end;
    double calls = (double)strtoull(value, &end, 10);
    if (end == value)
        return bad(r, "malformed calls= line");
    r->skip_cost = true;
    if (!under_root(r->callee))
        return 0; /* a call outside the measured region (another thread's, the harness's) */
    size_t leaf = strcspn(r->callee, "'");
    char saved = r->callee[leaf];
    r->callee[leaf] = '\0';
    int rc = hp_profile_add_calls(r->p, r->callee, calls);
    r->callee[leaf] = saved;
    return rc == 0 ? 0 : bad(r, "out of memory");
}

static int header_line(struct reader *r, char *line)
{
    static const char trigger[] = "desc: Trigger: Client Request: ";
    if (strncmp(line, trigger, sizeof trigger - 1) == 0) {
        snprintf(r->p->case_name, sizeof r->p->case_name, "%s", line + sizeof trigger - 1);
        r->have_case = strcmp(r->p->case_name, HP_PROFILE_DISCARDED_DUMP) != 0;
    } else if (strncmp(line, "positions: ", 11) == 0) {
        r->position_columns = 0;
        for (const char *at = line + 11; *at;) {
            at += strspn(at, " ");
            r->position_columns += *at != '\0';
            at += strcspn(at, " ");
        }
        if (r->position_columns == 0 || r->position_columns > 2)
            return bad(r, "\"positions:\" must name one or two position columns");
    } else if (strncmp(line, "events: ", 8) == 0) {
        return read_events(r, line + 8);
    } else if (strncmp(line, "totals: ", 8) == 0 || strncmp(line, "summary: ", 9) == 0) {
        return parse_costs(r, strchr(line, ' '), r->p->total);
    }
    return 0;
}

static int read_line(struct reader *r, char *line)
{
    if (line[0] == '\0' || line[0] == '#')
        return 0;
    if (isdigit((unsigned char)line[0]) || line[0] == '+' || line[0] == '-' || line[0] == '*')
        return cost_line(r, line);
    if (strncmp(line, "fn=", 3) == 0) {
        r->skip_cost = false;
        return set_context(r, &r->context, line + 3);
    }
    if (strncmp(line, "cfn=", 4) == 0)
        return set_context(r, &r->callee, line + 4);
    if (strncmp(line, "calls=", 6) == 0)
        return calls_line(r, line + 6);
    return header_line(r, line);
}

static void divide(struct hp_profile *p, double ops)
{
    p->ops = ops;
    for (size_t e = 0; e < p->event_count; e++) {
        p->total[e] /= ops;
        for (size_t i = 0; i < p->stack_count; i++)
            p->stacks[i].self[e] /= ops;
    }
    for (size_t i = 0; i < p->function_count; i++)
        p->functions[i].calls /= ops;
}

int hp_profile_read_callgrind(const char *path, double ops, struct hp_profile *p,
                              struct hp_error *err)
{
    memset(p, 0, sizeof *p);
    snprintf(p->source, sizeof p->source, "callgrind");
    p->calls_known = true;
    char *text;
    size_t length;
    if (hp_file_read(path, HP_PROFILE_MAX_DUMP_BYTES, &text, &length, err) != 0)
        return -1;
    struct reader r = {.path = path, .p = p, .position_columns = 1, .err = err};
    int rc = 0;
    for (char *line = text, *next; rc == 0 && line < text + length; line = next) {
        next = strchr(line, '\n');
        next = next ? next + 1 : text + length;
        next[-1] = next[-1] == '\n' ? '\0' : next[-1];
        r.line++;
        rc = read_line(&r, line);
    }
    for (size_t i = 0; i < r.fn_names.capacity; i++)
        free(r.fn_names.names[i]);
    free(r.fn_names.names);
    free(r.context);
    free(r.callee);
    free(text);
    if (rc == 0 && !r.have_case)
        rc = 1;
    if (rc == 0)
        divide(p, ops);
    if (rc == 0 && hp_profile_finish(p) != 0)
        rc = hp_error_set(err, "%s: out of memory", path);
    if (rc != 0)
        hp_profile_free(p);
    return rc;
}
