#include "formats.h"

#include <math.h>
#include <string.h>

void hp_csv_field(FILE *f, const char *s, bool always_quote)
{
    if (!always_quote && !strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

json_t *hp_json_real_or_null(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}
