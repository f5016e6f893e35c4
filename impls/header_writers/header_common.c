/* Shared header-writer pieces: name descriptors, route plans, the per-request header table. */
#include "header_writers/header_common.h"

#include <stdlib.h>

#define TCHAR(c) [(unsigned char)(c)] = 1
const uint8_t hp_header_token_bytes[256] = {
    TCHAR('!'), TCHAR('#'), TCHAR('$'), TCHAR('%'),        TCHAR('&'),        TCHAR('\''),
    TCHAR('*'), TCHAR('+'), TCHAR('-'), TCHAR('.'),        TCHAR('^'),        TCHAR('_'),
    TCHAR('`'), TCHAR('|'), TCHAR('~'), ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['a' ... 'z'] = 1,
};
#undef TCHAR

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
        plan->values[i] = next;
        plan->value_lengths[i] = constants[i].value_length;
        next = (char *)hp_put_bytes((unsigned char *)next, constants[i].value,
                                    constants[i].value_length);
    }
    if (build_block) {
        plan->block = (unsigned char *)next;
        unsigned char *out = plan->block;
        for (size_t i = 0; i < count; i++)
            out = hp_header_put_line(out, plan->names[i].canonical, plan->names[i].canonical_length,
                                     plan->values[i], plan->value_lengths[i]);
    }
    return plan;
}

void hp_header_plan_free(struct hp_header_plan *plan)
{
    free(plan);
}

int hp_header_table_put(struct hp_header_table *table, const char *name, size_t name_length,
                        const char *value, size_t value_length)
{
    uint32_t hash = hp_header_hash(name, name_length);
    unsigned slot = hash & (HP_HEADER_TABLE_SLOTS - 1);
    for (;;) {
        unsigned index = table->slots[slot];
        if (index == 0)
            break;
        struct hp_header_entry *entry = &table->entries[index - 1];
        if (entry->hash == hash && entry->name_length == name_length &&
            memcmp(entry->name, name, name_length) == 0) {
            table->block_length = table->block_length - entry->value_length + value_length;
            entry->value = value;
            entry->value_length = (uint32_t)value_length;
            return HP_HEADER_OK;
        }
        slot = (slot + 1) & (HP_HEADER_TABLE_SLOTS - 1);
    }
    if (table->count == HP_HEADER_FIELDS_MAX)
        return HP_HEADER_FULL;
    struct hp_header_entry *entry = &table->entries[table->count];
    entry->name = name;
    entry->name_length = (uint32_t)name_length;
    entry->value = value;
    entry->value_length = (uint32_t)value_length;
    entry->hash = hash;
    table->slots[slot] = (uint8_t)(++table->count);
    table->block_length += hp_header_line_length(name_length, value_length);
    return HP_HEADER_OK;
}

unsigned char *hp_header_table_write(const struct hp_header_table *table, unsigned char *out)
{
    for (uint32_t i = 0; i < table->count; i++) {
        const struct hp_header_entry *entry = &table->entries[i];
        out = hp_header_put_line(out, entry->name, entry->name_length, entry->value,
                                 entry->value_length);
    }
    return out;
}

int hp_header_table_emit(const struct hp_header_table *table, struct hp_sink *sink)
{
    for (uint32_t i = 0; i < table->count; i++) {
        const struct hp_header_entry *entry = &table->entries[i];
        if (hp_header_emit_line(sink, entry->name, entry->name_length, entry->value,
                                entry->value_length) != 0)
            return -1;
    }
    return 0;
}
