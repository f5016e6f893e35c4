/* One error channel for everything that can refuse input.
 *
 * Every refusal (bad flag, bad route file, bad phase file, bad results file) is reported as a
 * single message that names where the problem is ("FILE:LINE: problem") and what would have been
 * valid. Functions that can fail take a `struct hp_error *` and return non-zero after filling it;
 * the caller decides whether to print and exit. Nothing is printed from deep inside a module.
 */
#ifndef HOTPATH_ERROR_H
#define HOTPATH_ERROR_H

#include <stddef.h>

struct hp_error {
    char message[1024];
};

/* printf-style; always returns -1 so that `return hp_error_set(err, ...)` reads naturally.
 * A NULL err is allowed and ignored. */
int hp_error_set(struct hp_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Up to max_in bytes of input, quoted for a message into out (NUL-terminated, truncated to
 * size): printable ASCII as is, any other byte as \xNN, so that a binary file's bytes reach the
 * terminal as text. Returns out. */
const char *hp_error_quote(char *out, size_t size, const char *bytes, size_t len, size_t max_in);

/* Exit status for refused input, everywhere in hotpath. */
enum { HP_EXIT_USAGE = 2 };

#endif
