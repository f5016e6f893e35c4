/* The benchmark's input files, read from disk with the bounded reads of files.h (a directory,
 * or a file or stream such as /dev/zero longer than the limit, is refused having read no more
 * than the limit): route files, parsed by the routers' own parser (impls/routers/route_set.h),
 * and request lists, the requests a case looks up or sends.
 */
#ifndef HOTPATH_INPUTS_H
#define HOTPATH_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "routers/route_set.h"
#include "routers/router.h"

/* Reads and validates a route file (hp_route_set_parse), at most HP_ROUTE_FILE_MAX bytes; one
 * without a route (empty, comments only) is refused. 0, or -1 with err set. */
int hp_route_set_load(const char *path, struct hp_route_set **out, struct hp_error *err);

/* Request lists (workloads/requests/NAME-KIND.requests, `hotpath route`'s stdin): one request
 * a line, `METHOD PATH` separated by blanks; PATH is one blank-free token taken as it is
 * (query, fragment, any bytes; it need not start with '/', so miss paths can be listed); blank
 * lines and lines whose first non-blank byte is `#` are ignored; a CR before the newline is a
 * blank; a NUL byte is refused. The same request may repeat. Every refusal is
 * "NAME:LINE: problem"; nothing is kept. A file is read up to HP_REQUEST_LIST_MAX bytes, and
 * refused beyond. */
enum { HP_REQUEST_LIST_MAX = 64 * 1024 * 1024 };

struct hp_request_line {
    enum hp_method method;
    uint32_t len;
    const char *path; /* NUL-terminated, in the list's own copy of the text */
    unsigned line;
};

struct hp_request_list {
    struct hp_request_line *items;
    size_t count;
    char *text; /* owns the paths */
};

/* `name` is used in messages. 0, or -1 with err set and *out empty. */
int hp_request_list_parse(const char *name, const char *text, size_t len,
                          struct hp_request_list *out, struct hp_error *err);
int hp_request_list_load(const char *path, struct hp_request_list *out, struct hp_error *err);
void hp_request_list_free(struct hp_request_list *list);

#endif
