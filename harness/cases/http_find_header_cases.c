/* http/find_header: header lookup on parsed requests, claim C16's "header lookup < 10 ns/op"
 * (Shockwave's performance targets). One op = one hp_http_find_header (impls/http): a linear
 * scan of the request's inline header array, comparing lengths first and then the bytes with
 * ASCII case folded.
 *
 * What it models: Shockwave's http11 Header.Get, which the guide's inline `headers [32]Header`
 * stands for: a loop over the stored headers, `nameLens[i] == len(name)` then a bytewise
 * case-insensitive compare, and on a miss a check of its overflow map (nil for requests of at
 * most 32 headers, as every request here). The C analogue is cheaper by Go's bounds checks; it
 * is dearer by one pointer per header whose length matches, as its names stay slices into the
 * received buffer where Shockwave copies each name into a fixed 64-byte row.
 *
 * The mix: the four requests the http/parse workloads parse (http_fixtures.h: browser, curl,
 * JSON POST, line3; 3 to 13 headers), each parsed once at setup, and on each the ten names of
 * HP_FIXTURE_LOOKUP_NAMES, present and absent, canonical and lower case: 40 lookups cycled in
 * order, 15 of which find a header (an absent name costs a scan of every header). Shockwave's
 * own benchmark looks up the first of three headers in the case it was stored in: the cheapest
 * lookup there is; this mean over a server's lookups is the figure a request pays.
 * setup records header_present_share, the share of the mix's lookups that find a header.
 */
#include "http_fixtures.h"
#include "http/http_parser.h"
#include "workload.h"

#include <stdlib.h>
#include <string.h>

static const char *const request_texts[] = {HP_FIXTURE_BROWSER_GET, HP_FIXTURE_CURL_GET,
                                            HP_FIXTURE_JSON_POST, HP_FIXTURE_LINE3};
static const char *const lookup_names[] = {HP_FIXTURE_LOOKUP_NAMES};

enum {
    REQUEST_COUNT = sizeof request_texts / sizeof request_texts[0],
    NAME_COUNT = sizeof lookup_names / sizeof lookup_names[0],
    LOOKUP_COUNT = REQUEST_COUNT * NAME_COUNT,
};

struct lookup {
    const struct hp_http_request *req;
    const char *name;
    size_t len;
};

struct find_header_case {
    struct hp_http_request requests[REQUEST_COUNT];
    struct lookup lookups[LOOKUP_COUNT]; /* request-major: every name on one request, then on
                                            the next */
};

static int find_header_setup(const struct hp_case_params *params, void **shared,
                             struct hp_error *err)
{
    struct find_header_case *c = malloc(sizeof *c);
    if (!c)
        return hp_error_set(err, "http/find_header: out of memory");
    unsigned present = 0;
    for (size_t r = 0; r < REQUEST_COUNT; r++) {
        int rc = hp_http_parse_request(request_texts[r], strlen(request_texts[r]), &c->requests[r]);
        if (rc <= 0) {
            free(c);
            return hp_error_set(err, "http/find_header: built-in request %zu does not parse: %s", r,
                                hp_http_error_name(rc));
        }
        for (size_t k = 0; k < NAME_COUNT; k++) {
            struct lookup *l = &c->lookups[r * NAME_COUNT + k];
            l->req = &c->requests[r];
            l->name = lookup_names[k];
            l->len = strlen(lookup_names[k]);
            present += hp_http_find_header(l->req, l->name, l->len) != NULL;
        }
    }
    hp_metrics_add(params->metrics, "header_present_share", "fraction",
                   (double)present / LOOKUP_COUNT);
    *shared = c;
    return 0;
}

/* Read-only on the shared state: threads share it. Returns the sum over the lookups of the
 * found value's length + 1 (0 for an absent name), so that no lookup can be dropped as dead
 * and a test can check that each found the right header. */
static uint64_t find_header_run(void *local, uint64_t n)
{
    const struct find_header_case *c = local;
    uint64_t sum = 0;
    size_t k = 0;
    for (uint64_t i = 0; i < n; i++) {
        const struct lookup *l = &c->lookups[k];
        const struct hp_http_header *h = hp_http_find_header(l->req, l->name, l->len);
        sum += h ? h->value.len + 1 : 0;
        if (++k == LOOKUP_COUNT)
            k = 0;
    }
    return sum;
}

static void find_header_teardown(void *shared)
{
    free(shared);
}

const struct hp_workload hp_workload_http_find_header = {
    .name = "http/find_header",
    .summary = "look a header up by name in a parsed request (40 lookups over 4 requests, 15 "
               "found; C16's < 10 ns)",
    .setup = find_header_setup,
    .run = find_header_run,
    .teardown = find_header_teardown,
};
