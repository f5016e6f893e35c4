#include "external_fields.h"

#include <string.h>

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes value[0, len) into out[0, size), NUL-terminated. */
static enum hp_field_result decode(const char *value, size_t len, char *out, size_t size)
{
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        char byte = value[i];
        if (byte == '%') {
            if (len - i < 3)
                return HP_FIELD_MALFORMED;
            int h = hex_digit(value[i + 1]), l = hex_digit(value[i + 2]);
            if (h < 0 || l < 0)
                return HP_FIELD_MALFORMED;
            byte = (char)(h << 4 | l);
            i += 2;
        }
        if (byte == '\0' || j + 1 >= size)
            return HP_FIELD_MALFORMED;
        out[j++] = byte;
    }
    out[j] = '\0';
    return HP_FIELD_FOUND;
}

enum hp_field_result hp_external_field(const char *line, size_t len, const char *key, char *out,
                                       size_t size)
{
    size_t key_len = strlen(key);
    out[0] = '\0';
    size_t i = 0;
    while (i < len) {
        while (i < len && line[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && line[i] != ' ')
            i++;
        /* the token is line[start, i) */
        if (i - start > key_len && memcmp(line + start, key, key_len) == 0 &&
            line[start + key_len] == '=') {
            enum hp_field_result r =
                decode(line + start + key_len + 1, i - start - key_len - 1, out, size);
            if (r != HP_FIELD_FOUND)
                out[0] = '\0';
            return r;
        }
    }
    return HP_FIELD_ABSENT;
}

bool hp_external_encode(char *out, size_t size, const char *text)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t used = strlen(out);
    size_t need = 0;
    for (const char *p = text; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        need += ch < 0x21 || ch == '%' ? 3 : 1;
    }
    if (used + need >= size)
        return false;
    for (const char *p = text; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch < 0x21 || ch == '%') {
            out[used++] = '%';
            out[used++] = hex[ch >> 4];
            out[used++] = hex[ch & 15];
        } else {
            out[used++] = (char)ch;
        }
    }
    out[used] = '\0';
    return true;
}
