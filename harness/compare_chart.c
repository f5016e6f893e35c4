#include "compare_chart.h"

#include <stdlib.h>

void hp_compare_rows_free(struct hp_compare_rows *rows)
{
    for (size_t i = 0; i < rows->count; i++)
        free(rows->rows[i].label);
    free(rows->rows);
    rows->rows = NULL;
    rows->count = 0;
}

int hp_compare_chart_write(const struct hp_compare_rows *rows, const char *prefix,
                           struct hp_error *err)
{
    (void)rows;
    return hp_error_set(err, "%s: charts are not implemented yet", prefix);
}
