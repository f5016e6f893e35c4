#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

int hp_error_set(struct hp_error *err, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return -1;
}

const char *hp_error_quote(char *out, size_t size, const char *bytes, size_t len, size_t max_in)
{
    size_t used = 0;
    for (size_t i = 0; i < len && i < max_in && used + 5 <= size; i++) {
        unsigned char c = (unsigned char)bytes[i];
        if (c >= 0x20 && c < 0x7f)
            out[used++] = (char)c;
        else
            used += (size_t)snprintf(out + used, size - used, "\\x%02x", c);
    }
    if (size > 0)
        out[used < size ? used : size - 1] = '\0';
    return out;
}
