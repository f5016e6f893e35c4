/* Pieces the buffer pools share: byte accounting and one size class (a bounded stack of idle
 * buffers of one capacity), so single_class and tiered differ only in their class table. */
#ifndef HOTPATH_BUFFER_CLASS_H
#define HOTPATH_BUFFER_CLASS_H

#include <stdlib.h>

#include "buffer_pools/buffer_pool.h"

#define HP_BUFFER_DEFAULT_RETAIN 1024

static inline void hp_buffer_account_out(struct hp_buffer_pool_stats *s, size_t capacity)
{
    s->bytes_outstanding += capacity;
    uint64_t total = s->bytes_outstanding + s->bytes_retained;
    if (total > s->peak_bytes)
        s->peak_bytes = total;
}

struct hp_buffer_class {
    size_t capacity;     /* every buffer of the class has exactly this capacity */
    size_t retain_limit; /* idle buffers kept at most */
    size_t idle_count;
    unsigned char **idle; /* retain_limit entries */
};

static inline int hp_buffer_class_init(struct hp_buffer_class *c, size_t capacity,
                                       size_t retain_limit)
{
    c->capacity = capacity;
    c->retain_limit = retain_limit;
    c->idle_count = 0;
    c->idle = malloc((retain_limit ? retain_limit : 1) * sizeof *c->idle);
    return c->idle ? 0 : -1;
}

static inline void hp_buffer_class_fini(struct hp_buffer_class *c)
{
    if (!c->idle)
        return;
    for (size_t i = 0; i < c->idle_count; i++)
        free(c->idle[i]);
    free(c->idle);
    c->idle = NULL;
}

/* A buffer of the class: an idle one, or a new one from malloc. */
static inline int hp_buffer_class_get(struct hp_buffer_class *c, struct hp_buffer_pool_stats *s,
                                      struct hp_buffer *out)
{
    unsigned char *data;
    if (c->idle_count > 0) {
        data = c->idle[--c->idle_count];
        s->bytes_retained -= c->capacity;
    } else {
        data = malloc(c->capacity);
        if (!data)
            return -1;
        s->allocations++;
    }
    out->data = data;
    out->capacity = c->capacity;
    hp_buffer_account_out(s, c->capacity);
    return 0;
}

/* Keeps the buffer if the class has room under its retain limit, frees it otherwise. */
static inline void hp_buffer_class_put(struct hp_buffer_class *c, struct hp_buffer_pool_stats *s,
                                       struct hp_buffer buffer)
{
    s->bytes_outstanding -= buffer.capacity;
    if (c->idle_count < c->retain_limit) {
        c->idle[c->idle_count++] = buffer.data;
        s->bytes_retained += buffer.capacity;
    } else {
        free(buffer.data);
    }
}

/* Sizes no class holds: malloc'd at their exact size, freed on put. */
static inline int hp_buffer_oversize_get(struct hp_buffer_pool_stats *s, size_t size,
                                         struct hp_buffer *out)
{
    unsigned char *data = malloc(size ? size : 1);
    if (!data)
        return -1;
    s->allocations++;
    out->data = data;
    out->capacity = size;
    hp_buffer_account_out(s, size);
    return 0;
}

static inline void hp_buffer_oversize_put(struct hp_buffer_pool_stats *s, struct hp_buffer buffer)
{
    s->bytes_outstanding -= buffer.capacity;
    free(buffer.data);
}

#endif
