/* Request lists: workloads/requests/NAME.requests, one request a line, `METHOD /path[?query]`;
 * blank lines and lines starting with `#` are ignored. Shared by the router and request
 * workloads. */
#ifndef HOTPATH_REQUEST_LIST_H
#define HOTPATH_REQUEST_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "routers/router.h"

struct hp_request_line {
    enum hp_method method;
    uint32_t len;
    const char *path; /* the request target, NUL-terminated, inside the list's text */
};

struct hp_request_list {
    struct hp_request_line *items;
    size_t count;
    char *text; /* the file, newlines turned into NULs; items point into it */
};

/* Reads and parses a request file. 0, or -1 with err naming the file (and line) and nothing
 * to free. A file without any request is refused. */
int hp_request_list_load(const char *path, struct hp_request_list *list, struct hp_error *err);
void hp_request_list_free(struct hp_request_list *list);

#endif
