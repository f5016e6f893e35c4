/* Flame graphs as SVG and folded stacks (flamegraph.h). */
#include "flamegraph.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "files.h"
#include "render.h"

enum { WIDTH = 1200, FRAME_HEIGHT = 17, TOP = 40, CHAR_WIDTH_X10 = 66 };

/* The frame tree: node 0 is the synthetic root (the whole case). */
struct node {
    const char *name;
    size_t name_length;
    size_t first_child, next_sibling; /* 0: none */
    double value, old_value;
    unsigned depth;
};

struct tree {
    struct node *nodes;
    size_t count, capacity;
    unsigned max_depth;
};

static size_t child_named(struct tree *t, size_t parent, const char *name, size_t length)
{
    for (size_t c = t->nodes[parent].first_child; c; c = t->nodes[c].next_sibling)
        if (t->nodes[c].name_length == length && memcmp(t->nodes[c].name, name, length) == 0)
            return c;
    if (t->count == t->capacity) {
        size_t next = t->capacity ? t->capacity * 2 : 256;
        struct node *more = realloc(t->nodes, next * sizeof *more);
        if (!more)
            return 0;
        t->nodes = more;
        t->capacity = next;
    }
    size_t c = t->count++;
    t->nodes[c] = (struct node){.name = name,
                                .name_length = length,
                                .next_sibling = t->nodes[parent].first_child,
                                .depth = t->nodes[parent].depth + 1};
    t->nodes[parent].first_child = c;
    if (t->nodes[c].depth > t->max_depth)
        t->max_depth = t->nodes[c].depth;
    return c;
}

static int add_profile(struct tree *t, const struct hp_profile *p, bool old)
{
    for (size_t i = 0; i < p->stack_count; i++) {
        double cost = p->stacks[i].self[0];
        size_t at = 0;
        *(old ? &t->nodes[0].old_value : &t->nodes[0].value) += cost;
        for (const char *frame = p->stacks[i].frames;;) {
            size_t length = strcspn(frame, ";");
            if (!(at = child_named(t, at, frame, length)))
                return -1;
            *(old ? &t->nodes[at].old_value : &t->nodes[at].value) += cost;
            if (frame[length] == '\0')
                break;
            frame += length + 1;
        }
    }
    return 0;
}

/* A warm colour from the name (the same function, the same colour), or the change's. */
static void colour(const struct node *n, double max_change, bool diff, char *out, size_t size)
{
    if (diff) {
        double change = n->value - n->old_value;
        int fade = max_change > 0 ? (int)(200 * fabs(change) / max_change) : 0;
        if (change > 0)
            snprintf(out, size, "rgb(255,%d,%d)", 255 - fade, 255 - fade);
        else
            snprintf(out, size, "rgb(%d,%d,255)", 255 - fade, 255 - fade);
        return;
    }
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n->name_length; i++)
        h = (h ^ (unsigned char)n->name[i]) * 16777619u;
    snprintf(out, size, "rgb(%u,%u,%u)", 205 + h % 50, (h >> 8) % 200, (h >> 16) % 55);
}

struct drawing {
    FILE *f;
    const struct tree *t;
    const struct hp_profile *p;
    double scale, max_change;
    bool diff;
};

static int draw(const struct drawing *d, size_t at, double x)
{
    const struct node *n = &d->t->nodes[at];
    double width = n->value * d->scale, total = d->t->nodes[0].value;
    char fill[40];
    colour(n, d->max_change, d->diff, fill, sizeof fill);
    fputs("<g><title>", d->f);
    hp_markup_escape(d->f, at ? n->name : "all", at ? n->name_length : 3);
    fprintf(d->f, ": %.1f %s/op (%.2f%%)", n->value, d->p->events[0],
            total > 0 ? 100 * n->value / total : 0);
    if (d->diff)
        fprintf(d->f, ", was %.1f (%+.1f)", n->old_value, n->value - n->old_value);
    fprintf(d->f, "</title><rect x=\"%.2f\" y=\"%u\" width=\"%.2f\" height=\"%d\" fill=\"%s\"/>", x,
            TOP + n->depth * FRAME_HEIGHT, width, FRAME_HEIGHT - 1, fill);
    size_t fits = (size_t)(width * 10 / CHAR_WIDTH_X10);
    if (fits >= 3) {
        const char *name = at ? n->name : "all";
        size_t length = at ? n->name_length : 3;
        fprintf(d->f, "<text x=\"%.2f\" y=\"%u\">", x + 3, TOP + n->depth * FRAME_HEIGHT + 12);
        hp_markup_escape(d->f, name, length < fits - 1 ? length : fits - 2);
        fputs(length < fits - 1 ? "" : "..", d->f);
        fputs("</text>", d->f);
    }
    fputs("</g>\n", d->f);
    /* Children in name order, left to right. */
    size_t count = 0, capacity = 0;
    for (size_t c = n->first_child; c; c = d->t->nodes[c].next_sibling)
        capacity++;
    size_t *children = malloc((capacity ? capacity : 1) * sizeof *children);
    if (!children)
        return -1;
    for (size_t c = n->first_child; c; c = d->t->nodes[c].next_sibling)
        if (d->t->nodes[c].value > 0)
            children[count++] = c;
    for (size_t i = 1; i < count; i++)
        for (size_t j = i; j > 0; j--) {
            const struct node *a = &d->t->nodes[children[j - 1]], *b = &d->t->nodes[children[j]];
            size_t m = a->name_length < b->name_length ? a->name_length : b->name_length;
            int cmp = memcmp(a->name, b->name, m);
            if (cmp < 0 || (cmp == 0 && a->name_length <= b->name_length))
                break;
            size_t swap = children[j];
            children[j] = children[j - 1];
            children[j - 1] = swap;
        }
    int rc = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        rc = draw(d, children[i], x);
        x += d->t->nodes[children[i]].value * d->scale;
    }
    free(children);
    return rc;
}

int hp_flamegraph_svg(FILE *f, const struct hp_profile *p, const struct hp_profile *old,
                      const char *title)
{
    struct tree t = {0};
    struct node root = {0};
    if (!(t.nodes = malloc(sizeof root)))
        return -1;
    t.nodes[0] = root;
    t.count = t.capacity = 1;
    if (add_profile(&t, p, false) != 0 || (old && add_profile(&t, old, true) != 0)) {
        free(t.nodes);
        return -1;
    }
    struct drawing d = {.f = f, .t = &t, .p = p, .diff = old != NULL};
    d.scale = t.nodes[0].value > 0 ? (WIDTH - 20) / t.nodes[0].value : 0;
    for (size_t i = 0; i < t.count; i++)
        if (fabs(t.nodes[i].value - t.nodes[i].old_value) > d.max_change)
            d.max_change = fabs(t.nodes[i].value - t.nodes[i].old_value);
    unsigned height = TOP + (t.max_depth + 1) * FRAME_HEIGHT + 20;
    fprintf(f,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%u\" "
            "font-family=\"monospace\" font-size=\"11\">\n"
            "<style>text{pointer-events:none}</style>\n"
            "<rect width=\"100%%\" height=\"100%%\" fill=\"rgb(250,250,240)\"/>\n"
            "<text x=\"10\" y=\"20\" font-size=\"14\">",
            WIDTH, height);
    hp_markup_escape(f, title, strlen(title));
    fputs("</text>\n", f);
    int rc = t.nodes[0].value > 0 ? draw(&d, 0, 10) : 0;
    fputs("</svg>\n", f);
    free(t.nodes);
    return rc != 0 || ferror(f) ? -1 : 0;
}

struct svg_job {
    const struct hp_profile *p, *old;
    const char *title;
};

static int write_svg(FILE *f, const void *ctx)
{
    const struct svg_job *job = ctx;
    return hp_flamegraph_svg(f, job->p, job->old, job->title);
}

int hp_flamegraph_write(const char *path, const struct hp_profile *p, const struct hp_profile *old,
                        const char *title, struct hp_error *err)
{
    struct svg_job job = {p, old, title};
    return hp_file_write(path, write_svg, &job, err);
}

int hp_folded_write(FILE *f, const struct hp_profile *p)
{
    for (size_t i = 0; i < p->stack_count; i++)
        fprintf(f, "%s %.0f\n", p->stacks[i].frames, round(p->stacks[i].self[0] * p->ops));
    return ferror(f) ? -1 : 0;
}
