/* Shared header-writer pieces: field syntax, name descriptors, route plans, value holders and
 * the per-request header table. */
#include "header_writers/header_common.h"

#include <stdlib.h>

#include "common/route_hash.h"

#define TCHAR(c) [(unsigned char)(c)] = 1
const uint8_t hp_header_token_bytes[256] = {
    TCHAR('!'), TCHAR('#'), TCHAR('$'), TCHAR('%'),        TCHAR('&'),        TCHAR('\''),
    TCHAR('*'), TCHAR('+'), TCHAR('-'), TCHAR('.'),        TCHAR('^'),        TCHAR('_'),
    TCHAR('`'), TCHAR('|'), TCHAR('~'), ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};
#undef TCHAR

bool hp_header_name_valid(const char *text, size_t length)
{
    if (length == 0 || length > HP_HEADER_NAME_MAX)
        return false;
    for (size_t i = 0; i < length; i++)
        if (!hp_header_token_bytes[(unsigned char)text[i]])
            return false;
    return true;
}

bool hp_header_value_valid(const char *value, size_t length)
{
    if (length > UINT32_MAX)
        return false;
    for (size_t i = 0; i < length; i++) {
        unsigned char c = (unsigned char)value[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

/* noinline: the calls stay calls (and countable) whatever the compiler decides. */
__attribute__((noinline)) void hp_header_canonicalise(char *out, const char *text, size_t length)
{
    bool upper = true;
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (char)(c - ('a' - 'A'));
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (char)(c + ('a' - 'A'));
        out[i] = c;
        upper = c == '-';
    }
}

__attribute__((noinline)) int hp_header_name_check(const char *text, size_t length)
{
    if (length == 0 || length > HP_HEADER_NAME_MAX)
        return -1;
    bool upper = true;
    int needs_change = 0;
    for (size_t i = 0; i < length; i++) {
        char c = text[i];
        if (!hp_header_token_bytes[(unsigned char)c])
            return -1;
        if ((upper && c >= 'a' && c <= 'z') || (!upper && c >= 'A' && c <= 'Z'))
            needs_change = 1;
        upper = c == '-';
    }
    return needs_change;
}

int hp_header_name_init(struct hp_header_name *name, const char *text, size_t length,
                        struct hp_error *err)
{
    name->text = text;
    name->length = length;
    name->canonical_length = 0;
    if (length == 0)
        return hp_error_set(err, "header name: empty");
    if (length > HP_HEADER_NAME_MAX)
        return hp_error_set(err, "header name: %zu bytes, longer than the %d accepted", length,
                            (int)HP_HEADER_NAME_MAX);
    if (!hp_header_name_valid(text, length)) {
        for (size_t i = 0; i < length; i++)
            if (!hp_header_token_bytes[(unsigned char)text[i]])
                return hp_error_set(err,
                                    "header name \"%.*s\": byte 0x%02x at offset %zu is not a "
                                    "token character (RFC 7230)",
                                    (int)length, text, (unsigned char)text[i], i);
    }
    hp_header_canonicalise(name->canonical, text, length);
    for (size_t i = 0; i < length; i++)
        name->lower[i] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + ('a' - 'A') : text[i]);
    name->canonical_length = length;
    return 0;
}

struct hp_header_plan *hp_header_plan_copy(const struct hp_header_field *constants, size_t count,
                                           bool build_block, struct hp_error *err)
{
    if (count > HP_HEADER_FIELDS_MAX) {
        hp_error_set(err, "header plan: %zu constant fields, more than the %d a response holds",
                     count, (int)HP_HEADER_FIELDS_MAX);
        return NULL;
    }
    size_t text_bytes = 0, block_length = 0;
    for (size_t i = 0; i < count; i++) {
        const struct hp_header_name *name = constants[i].name;
        if (name->canonical_length == 0 || !hp_header_name_valid(name->text, name->length)) {
            hp_error_set(err, "header plan: field %zu: \"%.*s\" is not a valid field name", i + 1,
                         (int)(name->length > 80 ? 80 : name->length), name->text);
            return NULL;
        }
        if (!hp_header_value_valid(constants[i].value, constants[i].value_length)) {
            hp_error_set(err, "header plan: field %zu (%.*s): the value holds a control byte",
                         i + 1, (int)name->canonical_length, name->canonical);
            return NULL;
        }
        for (size_t j = 0; j < i; j++) {
            const struct hp_header_name *other = constants[j].name;
            if (other->canonical_length == name->canonical_length &&
                memcmp(other->canonical, name->canonical, name->canonical_length) == 0) {
                hp_error_set(err, "header plan: field %zu: %.*s is already field %zu", i + 1,
                             (int)name->canonical_length, name->canonical, j + 1);
                return NULL;
            }
        }
        text_bytes += name->length + constants[i].value_length;
        block_length += hp_header_line_length(name->canonical_length, constants[i].value_length);
    }

    size_t storage = text_bytes + (build_block ? block_length : 0);
    struct hp_header_plan *plan = malloc(sizeof *plan + storage);
    if (!plan) {
        hp_error_set(err, "header plan: out of memory");
        return NULL;
    }
    memset(plan, 0, sizeof *plan);
    plan->count = count;
    plan->block_length = block_length;
    char *next = plan->storage;
    for (size_t i = 0; i < count; i++) {
        plan->names[i] = *constants[i].name;
        plan->names[i].text = next;
        next = (char *)hp_put_bytes((unsigned char *)next, constants[i].name->text,
                                    constants[i].name->length);
        plan->values[i] = (struct hp_header_values){next, constants[i].value_length};
        next = (char *)hp_put_bytes((unsigned char *)next, constants[i].value,
                                    constants[i].value_length);
    }
    if (build_block) {
        plan->block = (unsigned char *)next;
        unsigned char *out = plan->block;
        for (size_t i = 0; i < count; i++)
            out = hp_header_put_line(out, plan->names[i].canonical, plan->names[i].canonical_length,
                                     plan->values[i].value, plan->values[i].length);
    }
    return plan;
}

void hp_header_plan_free(struct hp_header_plan *plan)
{
    free(plan);
}

struct hp_header_values *hp_header_values_new(const char *value, size_t length)
{
    struct hp_header_values *values = malloc(sizeof *values);
    if (values)
        *values = (struct hp_header_values){value, length};
    return values;
}

int hp_header_table_put(struct hp_header_table *table, const char *name, size_t name_length,
                        const struct hp_header_values *values, bool owned)
{
    uint64_t hash = hp_route_hash_bytes(name, name_length);
    unsigned slot = (unsigned)hash & (HP_HEADER_TABLE_SLOTS - 1);
    for (;;) {
        unsigned index = table->slots[slot];
        if (index == 0)
            break;
        struct hp_header_entry *entry = &table->entries[index - 1];
        if (entry->hash == hash && entry->name_length == name_length &&
            memcmp(entry->name, name, name_length) == 0) {
            table->block_length = table->block_length - entry->values->length + values->length;
            if (entry->owned)
                free((void *)entry->values);
            entry->values = values;
            entry->owned = owned;
            return HP_HEADER_OK;
        }
        slot = (slot + 1) & (HP_HEADER_TABLE_SLOTS - 1);
    }
    if (table->count == HP_HEADER_FIELDS_MAX) {
        if (owned)
            free((void *)values);
        return HP_HEADER_FULL;
    }
    struct hp_header_entry *entry = &table->entries[table->count];
    entry->name = name;
    entry->name_length = (uint32_t)name_length;
    entry->values = values;
    entry->owned = owned;
    entry->hash = hash;
    table->slots[slot] = (uint8_t)(++table->count);
    table->block_length += hp_header_line_length(name_length, values->length);
    return HP_HEADER_OK;
}

int hp_header_canonical_set_text(struct hp_header_table *table, const char *text, size_t length,
                                 const char *value, size_t value_length)
{
    int check = hp_header_name_check(text, length);
    if (check < 0)
        return HP_HEADER_INVALID;
    const char *name = text;
    uint32_t copied = 0;
    if (check > 0) {
        if (table->arena_used + length > sizeof table->arena)
            return HP_HEADER_FULL;
        char *canonical = table->arena + table->arena_used;
        hp_header_canonicalise(canonical, text, length);
        name = canonical;
        copied = (uint32_t)length;
    }
    struct hp_header_values *values = hp_header_values_new(value, value_length);
    if (!values)
        return HP_HEADER_NO_MEMORY;
    uint32_t count_before = table->count;
    int result = hp_header_table_put(table, name, length, values, true);
    if (table->count != count_before) /* a new entry keeps the copy; a replacement does not */
        table->arena_used += copied;
    return result;
}

void hp_header_table_begin(struct hp_header_table *table, const struct hp_header_plan *plan,
                           bool copy_values)
{
    hp_header_table_reset(table);
    if (!plan)
        return;
    for (size_t i = 0; i < plan->count; i++) {
        const struct hp_header_name *name = &plan->names[i];
        if (copy_values)
            (void)hp_header_table_set_precomputed(table, name, plan->values[i].value,
                                                  plan->values[i].length);
        else
            (void)hp_header_table_put(table, name->canonical, name->canonical_length,
                                      &plan->values[i], false);
    }
}

int hp_header_table_set_precomputed(struct hp_header_table *table,
                                    const struct hp_header_name *name, const char *value,
                                    size_t value_length)
{
    /* canonical_length 0: hp_header_name_init refused the name. */
    if (name->canonical_length == 0)
        return HP_HEADER_INVALID;
    struct hp_header_values *values = hp_header_values_new(value, value_length);
    if (!values)
        return HP_HEADER_NO_MEMORY;
    return hp_header_table_put(table, name->canonical, name->canonical_length, values, true);
}

void hp_header_table_end(struct hp_header_state *state)
{
    struct hp_header_table *table = hp_header_table_of(state);
    for (uint32_t i = 0; i < table->count; i++)
        if (table->entries[i].owned)
            free((void *)table->entries[i].values);
    table->count = 0;
}

size_t hp_header_table_block_length(const struct hp_header_state *state)
{
    return hp_header_table_of_const(state)->block_length;
}

unsigned char *hp_header_table_write(const struct hp_header_state *state, unsigned char *out)
{
    const struct hp_header_table *table = hp_header_table_of_const(state);
    for (uint32_t i = 0; i < table->count; i++) {
        const struct hp_header_entry *entry = &table->entries[i];
        out = hp_header_put_line(out, entry->name, entry->name_length, entry->values->value,
                                 entry->values->length);
    }
    return out;
}

int hp_header_table_emit(const struct hp_header_state *state, struct hp_sink *sink)
{
    const struct hp_header_table *table = hp_header_table_of_const(state);
    for (uint32_t i = 0; i < table->count; i++) {
        const struct hp_header_entry *entry = &table->entries[i];
        if (hp_header_emit_line(sink, entry->name, entry->name_length, entry->values->value,
                                entry->values->length) != 0)
            return -1;
    }
    return 0;
}
