/* Where response bytes go: a tiny writer interface, the shape of Go's io.Writer.
 *
 * A sink is called through function pointers on purpose: the multi_write response writer and
 * the header writers' emit_lines make one indirect call per piece, as Go's net/http does through
 * the io.Writer / bufio.Writer chain, and that per-piece cost is part of what claim C8 measures.
 *
 * hp_buffer_sink is the one sink the project uses: an in-memory output buffer (the pipeline's
 * response buffer, for instance one obtained from the buffer_pool axis). Writes are all or
 * nothing: a write that does not fit appends nothing and returns -1.
 */
#ifndef HOTPATH_SINK_H
#define HOTPATH_SINK_H

#include <stddef.h>

struct hp_sink {
    /* Appends length bytes (length may be 0). 0, or -1 when they do not fit (nothing
     * appended). */
    int (*write)(struct hp_sink *sink, const void *bytes, size_t length);
    /* Appends length bytes that the caller fills in afterwards, and returns where they start;
     * NULL when they do not fit (nothing appended). Counts as one write: the single_write
     * response writer formats a whole response into the reserved space in place. */
    unsigned char *(*reserve)(struct hp_sink *sink, size_t length);
};

/* An output buffer as a sink. `sink` is the first member, so a `struct hp_sink *` obtained
 * from &buffer_sink->sink can be converted back. */
struct hp_buffer_sink {
    struct hp_sink sink;
    unsigned char *data; /* not owned */
    size_t capacity;
    size_t length; /* bytes written so far, at data[0..length) */
};

/* Starts an empty sink over data[0..capacity). No allocation. */
int hp_buffer_sink_write(struct hp_sink *sink, const void *bytes, size_t length);
unsigned char *hp_buffer_sink_reserve(struct hp_sink *sink, size_t length);
static inline void hp_buffer_sink_init(struct hp_buffer_sink *buffer_sink, unsigned char *data,
                                       size_t capacity)
{
    buffer_sink->sink.write = hp_buffer_sink_write;
    buffer_sink->sink.reserve = hp_buffer_sink_reserve;
    buffer_sink->data = data;
    buffer_sink->capacity = capacity;
    buffer_sink->length = 0;
}

/* Forgets what was written (length = 0), keeping the same memory: once per response. */
static inline void hp_buffer_sink_reset(struct hp_buffer_sink *buffer_sink)
{
    buffer_sink->length = 0;
}

#endif
