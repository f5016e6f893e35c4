#include "request_list.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len, struct hp_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        hp_error_set(err, "%s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        char *grown = realloc(buf, cap + 1);
        if (!grown)
            free(buf);
        buf = grown;
    }
    bool failed = ferror(f);
    fclose(f);
    if (!buf || failed) {
        free(buf);
        hp_error_set(err, "%s: %s", path, buf ? "read error" : "out of memory");
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Parses `METHOD /path` lines in place (newlines become NULs). */
static int parse_lines(struct hp_request_list *list, char *text, size_t len, const char *path,
                       struct hp_error *err)
{
    size_t cap = 64;
    list->items = malloc(cap * sizeof *list->items);
    if (!list->items)
        return hp_error_set(err, "out of memory");
    unsigned line_no = 0;
    for (char *line = text; line < text + len;) {
        char *end = memchr(line, '\n', (size_t)(text + len - line));
        if (!end)
            end = text + len;
        *end = '\0';
        line_no++;
        size_t n = (size_t)(end - line);
        if (n > 0 && line[n - 1] == '\r')
            line[--n] = '\0';
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p != '\0' && *p != '#') {
            char *space = strchr(p, ' ');
            int method = space ? hp_method_parse(p, (size_t)(space - p)) : -1;
            if (method < 0)
                return hp_error_set(err, "%s:%u: expected `METHOD /path`, got \"%.60s\"", path,
                                    line_no, p);
            char *target = space + 1;
            while (*target == ' ')
                target++;
            size_t target_len = strlen(target);
            while (target_len > 0 &&
                   (target[target_len - 1] == ' ' || target[target_len - 1] == '\t'))
                target[--target_len] = '\0';
            if (target_len == 0 || target_len > UINT32_MAX)
                return hp_error_set(err, "%s:%u: missing request path", path, line_no);
            if (list->count == cap) {
                cap *= 2;
                struct hp_request_line *grown = realloc(list->items, cap * sizeof *grown);
                if (!grown)
                    return hp_error_set(err, "out of memory");
                list->items = grown;
            }
            list->items[list->count++] =
                (struct hp_request_line){(enum hp_method)method, (uint32_t)target_len, target};
        }
        line = end + 1;
    }
    if (list->count == 0)
        return hp_error_set(err, "%s: no requests", path);
    return 0;
}

int hp_request_list_load(const char *path, struct hp_request_list *list, struct hp_error *err)
{
    *list = (struct hp_request_list){0};
    size_t len;
    char *text = read_file(path, &len, err);
    if (!text)
        return -1;
    list->text = text;
    if (parse_lines(list, text, len, path, err) != 0) {
        hp_request_list_free(list);
        return -1;
    }
    return 0;
}

void hp_request_list_free(struct hp_request_list *list)
{
    free(list->items);
    free(list->text);
    *list = (struct hp_request_list){0};
}
