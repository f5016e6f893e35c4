/* single_write: the whole response formatted in place into one pre-sized region.
 *
 * Technique: Bolt 3.1's single write: compute the total size (status line + header block +
 * blank line + body), take that much contiguous space with one sink reserve, and format
 * everything into it (header block through the header writer's write_block).
 * Claim: C8.
 * Difference from its reference (multi_write): one sink call and straight-line copies into a
 * region sized up front, instead of one sink call per piece.
 */
#include "response_writers/http_format.h"
#include "response_writers/response_writer.h"

static int single_write_write(const struct hp_response *response, struct hp_sink *sink)
{
    size_t status_length;
    const char *status_line = hp_status_line(response->status, &status_length);
    if (!status_line)
        return -1;
    const struct hp_header_writer_ops *headers = response->header_writer;
    size_t block_length = headers->block_length(response->headers);
    size_t total = status_length + block_length + 2 + response->body_length;
    unsigned char *out = sink->reserve(sink, total);
    if (!out)
        return -1;
    out = hp_put_bytes(out, status_line, status_length);
    out = headers->write_block(response->headers, out);
    out = hp_put_bytes(out, "\r\n", 2);
    hp_put_bytes(out, response->body, response->body_length);
    return 0;
}

const struct hp_response_writer_ops hp_response_writer_single_write = {
    .info = {"single_write", "total size computed first, whole response formatted into one "
                             "reserved region, one sink call (Bolt 3.1)"},
    .write = single_write_write,
};
