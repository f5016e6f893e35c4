/* The in-memory output buffer as a sink (sink.h). */
#include "response_writers/sink.h"

#include "response_writers/http_format.h"

static int buffer_sink_write(struct hp_sink *sink, const void *bytes, size_t length)
{
    struct hp_buffer_sink *buffer_sink = (struct hp_buffer_sink *)sink;
    if (length > buffer_sink->capacity - buffer_sink->length)
        return -1;
    hp_put_bytes(buffer_sink->data + buffer_sink->length, bytes, length);
    buffer_sink->length += length;
    return 0;
}

static unsigned char *buffer_sink_reserve(struct hp_sink *sink, size_t length)
{
    struct hp_buffer_sink *buffer_sink = (struct hp_buffer_sink *)sink;
    if (length > buffer_sink->capacity - buffer_sink->length)
        return NULL;
    unsigned char *start = buffer_sink->data + buffer_sink->length;
    buffer_sink->length += length;
    return start;
}

void hp_buffer_sink_init(struct hp_buffer_sink *buffer_sink, unsigned char *data, size_t capacity)
{
    buffer_sink->sink.write = buffer_sink_write;
    buffer_sink->sink.reserve = buffer_sink_reserve;
    buffer_sink->data = data;
    buffer_sink->capacity = capacity;
    buffer_sink->length = 0;
}
