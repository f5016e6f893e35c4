/* multi_write: the response goes to the sink piece by piece.
 *
 * Technique: Go's net/http response path: the status line, then each header field as four
 * writes (name, ": ", value, "\r\n", the header writer's emit_lines), the blank line, then the
 * body, each an indirect call on the writer and a copy into the output buffer.
 * Claim: the reference of C8.
 * Difference from its reference: it is the reference.
 */
#include "response_writers/http_format.h"
#include "response_writers/response_writer.h"

static int multi_write_write(const struct hp_response *response, struct hp_sink *sink)
{
    size_t status_length;
    const char *status_line = hp_status_line(response->status, &status_length);
    if (!status_line)
        return -1;
    if (sink->write(sink, status_line, status_length) != 0 ||
        response->header_writer->emit_lines(response->headers, sink) != 0 ||
        sink->write(sink, "\r\n", 2) != 0 ||
        sink->write(sink, response->body, response->body_length) != 0)
        return -1;
    return 0;
}

const struct hp_response_writer_ops hp_response_writer_multi_write = {
    .info = {"multi_write", "status line, each header piece, blank line and body as separate "
                            "sink writes (Go net/http)"},
    .write = multi_write_write,
};
