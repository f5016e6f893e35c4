/* The expected-responses file (docs/external-cases.md): the requests a request case times, in
 * its order, with the response its pipeline gave each, for a peer of the workload to check its
 * own responses against before it is timed.
 *
 *     hotpath-responses 1\n
 *     request LEN\n<LEN bytes>\n
 *     response LEN\n<LEN bytes>\n
 *     ...
 *     end COUNT\n
 *
 * Limits (the reader's, peers/files.go): a request or a response at most 1 MiB, at most
 * 1,000,000 records and 64 MiB in all; a case that would exceed them is refused rather than
 * written. Written through a temporary name and a rename (files.h).
 */
#ifndef HOTPATH_EXPECTED_RESPONSES_H
#define HOTPATH_EXPECTED_RESPONSES_H

#include <stddef.h>

#include "common/error.h"
#include "runner.h"

enum {
    HP_EXPECTED_MESSAGE_MAX = 1 << 20,
    HP_EXPECTED_RECORDS_MAX = 1000000,
};
#define HP_EXPECTED_FILE_MAX ((size_t)64 << 20)

/* Writes the file of case c (set up, its workload has `exchanges`) to path. 0, or -1 with err
 * set. */
int hp_expected_responses_write(const char *path, const struct hp_case *c, struct hp_error *err);

/* "request/static" -> "request-static.responses": the file's name in RESULTS_DIR/expected/. */
void hp_expected_responses_name(const char *workload, char *out, size_t size);

#endif
