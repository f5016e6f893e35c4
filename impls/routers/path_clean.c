/* Request-path cleaning (see path_clean.h). */
#include "routers/path_clean.h"

#include <stdbool.h>
#include <string.h>

static bool is_dot_segment(const char *seg, size_t n)
{
    return (n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.');
}

static bool already_clean(const char *path, size_t len)
{
    if (len == 0 || path[0] != '/')
        return false;
    size_t seg = 1;
    while (seg <= len) {
        const char *slash = memchr(path + seg, '/', len - seg);
        size_t end = slash ? (size_t)(slash - path) : len;
        if (end == seg && end != len) /* "//" (an empty last segment is the trailing slash) */
            return false;
        if (is_dot_segment(path + seg, end - seg))
            return false;
        seg = end + 1;
    }
    return true;
}

const char *hp_path_clean(const char *path, size_t len, char *buf, size_t cap, size_t *out_len)
{
    if (already_clean(path, len)) {
        *out_len = len;
        return path;
    }
    if (cap < len + 1)
        return NULL;
    size_t w = 0;
    buf[w++] = '/';
    bool trailing = len > 1 && path[len - 1] == '/';
    size_t seg = 0;
    while (seg < len) {
        const char *slash = memchr(path + seg, '/', len - seg);
        size_t end = slash ? (size_t)(slash - path) : len;
        size_t n = end - seg;
        if (n == 1 && path[seg] == '.') {
            if (end == len)
                trailing = true;
        } else if (n == 2 && path[seg] == '.' && path[seg + 1] == '.') {
            /* Drop the last written segment (and its slash), never the root. */
            while (w > 1 && buf[w - 1] != '/')
                w--;
            if (w > 1)
                w--;
        } else if (n > 0) {
            if (w > 1)
                buf[w++] = '/';
            memcpy(buf + w, path + seg, n);
            w += n;
        }
        seg = end + 1;
    }
    if (trailing && w > 1)
        buf[w++] = '/';
    *out_len = w;
    return buf;
}
