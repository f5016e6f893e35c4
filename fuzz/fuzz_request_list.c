/* `hotpath route`'s request reader (measure/inputs.h, hp_request_list_parse). Properties: a
 * refusal is one "NAME:LINE: problem" message and leaves the list empty; a list that loads
 * holds requests in line order, each a known method and a non-empty NUL-terminated path
 * without blanks whose length is its own, and reading the list written back as text gives the
 * same requests. */
#include "fuzz_check.h"

#include "inputs.h"
#include "routers/router.h"

static char *write_back(const struct hp_request_list *list, size_t *len)
{
    size_t cap = 1;
    for (size_t i = 0; i < list->count; i++)
        cap += strlen(hp_method_name(list->items[i].method)) + list->items[i].len + 2;
    char *text = malloc(cap);
    FUZZ_CHECK(text != NULL, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < list->count; i++)
        n += (size_t)snprintf(text + n, cap - n, "%s %s\n", hp_method_name(list->items[i].method),
                              list->items[i].path);
    *len = n;
    return text;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size);
    struct hp_request_list list;
    struct hp_error err = {{0}};
    if (hp_request_list_parse("fuzz.requests", text, size, &list, &err) != 0) {
        FUZZ_CHECK(strncmp(err.message, "fuzz.requests:", 14) == 0, "message: %s", err.message);
        FUZZ_CHECK(list.count == 0, "a refused list holds %zu requests", list.count);
        free(text);
        return 0;
    }
    unsigned last_line = 0;
    for (size_t i = 0; i < list.count; i++) {
        const struct hp_request_line *item = &list.items[i];
        FUZZ_CHECK(item->line > last_line, "request %zu on line %u", i, item->line);
        last_line = item->line;
        FUZZ_CHECK((unsigned)item->method < HP_METHOD_COUNT, "method %d", (int)item->method);
        FUZZ_CHECK(item->len > 0 && strlen(item->path) == item->len, "path length %u", item->len);
        FUZZ_CHECK(strpbrk(item->path, " \t\r\n") == NULL, "a blank in the path");
    }
    size_t again_len;
    char *again_text = write_back(&list, &again_len);
    struct hp_request_list again;
    FUZZ_CHECK(hp_request_list_parse("again", again_text, again_len, &again, &err) == 0,
               "the list written back is refused: %s", err.message);
    FUZZ_CHECK(again.count == list.count, "%zu requests read back as %zu", list.count, again.count);
    for (size_t i = 0; i < list.count; i++)
        FUZZ_CHECK(again.items[i].method == list.items[i].method &&
                       strcmp(again.items[i].path, list.items[i].path) == 0,
                   "request %zu differs when read back", i);
    hp_request_list_free(&again);
    free(again_text);
    hp_request_list_free(&list);
    free(text);
    return 0;
}
