/* The in-memory output buffer as a sink (sink.h). */
#include "http/sink.h"

#include "http/http_format.h"

int hp_buffer_sink_write(struct hp_sink *sink, const void *bytes, size_t length)
{
    struct hp_buffer_sink *buffer_sink = (struct hp_buffer_sink *)sink;
    if (length > buffer_sink->capacity - buffer_sink->length)
        return -1;
    hp_put_bytes(buffer_sink->data + buffer_sink->length, bytes, length);
    buffer_sink->length += length;
    return 0;
}

unsigned char *hp_buffer_sink_reserve(struct hp_sink *sink, size_t length)
{
    struct hp_buffer_sink *buffer_sink = (struct hp_buffer_sink *)sink;
    if (length > buffer_sink->capacity - buffer_sink->length)
        return NULL;
    unsigned char *start = buffer_sink->data + buffer_sink->length;
    buffer_sink->length += length;
    return start;
}
