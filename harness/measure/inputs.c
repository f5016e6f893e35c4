/* Route files and request lists read from disk (see inputs.h). */
#include "inputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bytes.h"
#include "files.h"

int hp_route_set_load(const char *path, struct hp_route_set **out, struct hp_error *err)
{
    *out = NULL;
    size_t len;
    char *text;
    if (hp_file_read(path, HP_ROUTE_FILE_MAX, &text, &len, err) != 0)
        return -1;
    int rc = hp_route_set_parse(path, text, len, out, err);
    free(text);
    if (rc == 0 && (*out)->count == 0) { /* every request would be a 404: a wrong file */
        hp_route_set_free(*out);
        *out = NULL;
        rc = hp_error_set(err, "%s: no routes in the file (expected lines 'METHOD /path')", path);
    }
    return rc;
}

int hp_request_list_parse(const char *name, const char *text, size_t len,
                          struct hp_request_list *out, struct hp_error *err)
{
    *out = (struct hp_request_list){0};
    size_t lines = 1;
    for (size_t i = 0; i < len; i++)
        lines += text[i] == '\n';
    char *copy = malloc(len + 1);
    struct hp_request_line *items = malloc(lines * sizeof *items);
    if (!copy || !items) {
        free(copy);
        free(items);
        return hp_error_set(err, "%s: out of memory", name);
    }
    memcpy(copy, text, len);
    copy[len] = '\0';
    size_t n = 0;
    unsigned line = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(copy + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - copy) : len;
        size_t i = at;
        at = end + 1;
        line++;
        if (memchr(copy + i, '\0', end - i)) { /* it would end the path early, or be printed */
            free(copy);
            free(items);
            return hp_error_set(err, "%s:%u: NUL byte in the line (requests are text)", name, line);
        }
        while (i < end && hp_is_blank(copy[i]))
            i++;
        if (i == end || copy[i] == '#')
            continue;
        size_t m0 = i;
        while (i < end && !hp_is_blank(copy[i]))
            i++;
        size_t m1 = i;
        while (i < end && hp_is_blank(copy[i]))
            i++;
        size_t p0 = i;
        while (i < end && !hp_is_blank(copy[i]))
            i++;
        size_t p1 = i;
        while (i < end && hp_is_blank(copy[i]))
            i++;
        int method = hp_method_parse(copy + m0, m1 - m0);
        int rc = 0;
        if (method < 0) {
            char valid[128], shown[200];
            hp_method_list(valid, sizeof valid);
            rc = hp_error_set(err, "%s:%u: unknown method '%s' (valid: %s)", name, line,
                              hp_error_quote(shown, sizeof shown, copy + m0, m1 - m0, 40), valid);
        } else if (p0 == p1 || i != end) {
            rc = hp_error_set(err, "%s:%u: expected 'METHOD PATH'", name, line);
        } else if (p1 - p0 > UINT32_MAX) {
            rc = hp_error_set(err, "%s:%u: request path longer than 4 GiB", name, line);
        }
        if (rc < 0) {
            free(copy);
            free(items);
            return rc;
        }
        copy[p1] = '\0'; /* a blank, the newline or the end: the path becomes a C string */
        items[n++] =
            (struct hp_request_line){(enum hp_method)method, (uint32_t)(p1 - p0), copy + p0, line};
    }
    *out = (struct hp_request_list){items, n, copy};
    return 0;
}

int hp_request_list_load(const char *path, struct hp_request_list *out, struct hp_error *err)
{
    *out = (struct hp_request_list){0};
    size_t len;
    char *text;
    if (hp_file_read(path, HP_REQUEST_LIST_MAX, &text, &len, err) != 0)
        return -1;
    int rc = hp_request_list_parse(path, text, len, out, err);
    free(text);
    return rc;
}

void hp_request_list_free(struct hp_request_list *list)
{
    free(list->items);
    free(list->text);
    *list = (struct hp_request_list){0};
}
