/* multi_write: the response goes to the sink piece by piece.
 *
 * Models: net/http's chunkWriter.writeHeader (server.go) and the body Write after it, through
 * the connection's bufio.Writer: writeStatusLine, Header.writeSubset (four WriteString calls
 * per field: the header writer's emit_lines), extraHeader.Write (Date and Content-Length, three
 * Writes each), the CRLF, then the body; each an indirect call and a copy.
 * Claim: the reference of C8.
 * Difference from its reference: it is the reference.
 * Cheaper than Go: writeSubset's per-response work is not modelled (the sortedKeyValues sort
 * from headerSorterPool, headerNewlineToSpace.Replace and TrimString per value,
 * ValidHeaderFieldName per key), nor the status line's strconv; so C8's gain is a lower bound.
 */
#include "http/http_format.h"
#include "response_writers/response_writer.h"

static int multi_write_write(const struct hp_response *response, struct hp_sink *sink)
{
    size_t status_length;
    const char *status_line = hp_status_line(response->status, &status_length);
    if (!status_line)
        return -1;
    if (sink->write(sink, status_line, status_length) != 0 ||
        response->header_writer->emit_lines(response->headers, sink) != 0)
        return -1;
    /* extraHeader.Write: three writes per line. */
    if (response->date && (sink->write(sink, "Date: ", 6) != 0 ||
                           sink->write(sink, response->date, HP_HTTP_DATE_LENGTH) != 0 ||
                           sink->write(sink, "\r\n", 2) != 0))
        return -1;
    if (response->content_length &&
        (sink->write(sink, "Content-Length: ", 16) != 0 ||
         sink->write(sink, response->content_length, response->content_length_digits) != 0 ||
         sink->write(sink, "\r\n", 2) != 0))
        return -1;
    if (sink->write(sink, "\r\n", 2) != 0 ||
        sink->write(sink, response->body, response->body_length) != 0)
        return -1;
    return 0;
}

const struct hp_response_writer_ops hp_response_writer_multi_write = {
    .info =
        {
            .name = "multi_write",
            .summary = "status line, each header piece, Date/Content-Length, blank line and body "
                       "as separate sink writes (Go net/http)",
            .models = "Go net/http chunkWriter.writeHeader + body Write through bufio.Writer "
                      "(net/http/server.go, header.go writeSubset)",
            .reference = NULL,
            .bound = HP_GAIN_LOWER_BOUND,
            .bound_reason = "writeSubset's sort, value sanitising and name check are not "
                            "modelled: the C reference is cheaper than net/http's write",
        },
    .write = multi_write_write,
};
