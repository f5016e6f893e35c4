/* HdrHistogram interval logs (.hlog, "Histogram log format version 1.3") and the V2 histogram
 * encoding inside them, byte-compatible with Java's HistogramLogWriter/HistogramLogReader,
 * HdrHistogram_c and hdr-histogram-js, so their tools (HistogramLogProcessor, HdrHistogram
 * plotters, hdr-histogram-js) read our logs and we read theirs.
 *
 * V2 encoding (all integers big-endian):
 *     int32  cookie 0x1c849313 (V2 encoding base 0x1c849303 | 0x10)
 *     int32  payload length in bytes
 *     int32  normalizing index offset (we write 0; ignored when reading, see hlog.c)
 *     int32  significant figures
 *     int64  lowest discernible value
 *     int64  highest trackable value
 *     double integer-to-double conversion ratio (we write 1.0; ignored when reading)
 *     payload: counts[0 .. index(max)] as ZigZag LEB128-64b9B varints; a negative number -k
 *              stands for k consecutive zero counts (k >= 2).
 * Compressed form: int32 cookie 0x1c849314 (V2 compressed base 0x1c849304 | 0x10), int32 length
 * of what follows, then the V2 encoding deflated with zlib (RFC 1950 wrapper). A log line carries
 * the compressed form in standard base64 with padding.
 *
 * Log layout written by hp_hlog_write_header / hp_hlog_write_interval:
 *     #<comment>                                      (only when a comment is given)
 *     #[Histogram log format version 1.3]
 *     #[StartTime: 1700000000.000 (seconds since epoch), Tue Nov 14 22:13:20 UTC 2023]
 *     #[BaseTime: 1700000000.000 (seconds since epoch)]
 *     "StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"
 *     [Tag=<tag>,]<start>,<length>,<max/divisor>,<base64>      (%.3f for the three numbers)
 * Interval start times are relative to BaseTime.
 */
#ifndef HOTPATH_HLOG_H
#define HOTPATH_HLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/error.h"
#include "hdr_histogram.h"

enum {
    HP_HDR_V2_ENCODING_COOKIE = 0x1c849313,
    HP_HDR_V2_COMPRESSED_COOKIE = 0x1c849314,
    HP_HDR_V2_HEADER_SIZE = 40,
};

/* Uncompressed V2 encoding into a malloc'ed buffer (*out, caller frees). 0, or -1 if out of
 * memory. */
int hp_hdr_encode(const struct hp_hdr *h, unsigned char **out, size_t *len);
/* Decodes a V2 encoding into *out, which this initializes (caller hp_hdr_destroy's it on
 * success; nothing to free on failure). min/max/total are re-established from the counts. */
int hp_hdr_decode(const unsigned char *data, size_t len, struct hp_hdr *out, struct hp_error *err);

/* Compressed V2 encoding (cookie, length, zlib stream), malloc'ed. 0, or -1 on failure. */
int hp_hdr_encode_compressed(const struct hp_hdr *h, unsigned char **out, size_t *len);
int hp_hdr_decode_compressed(const unsigned char *data, size_t len, struct hp_hdr *out,
                             struct hp_error *err);

/* Standard base64 (RFC 4648 alphabet, '=' padding). encode writes base64_encoded_len(n) chars
 * plus a NUL into out. decode refuses anything but complete padded quads of the alphabet;
 * *out is malloc'ed (caller frees). */
size_t hp_base64_encoded_len(size_t n);
void hp_base64_encode(const unsigned char *data, size_t n, char *out);
int hp_base64_decode(const char *text, size_t len, unsigned char **out, size_t *out_len,
                     struct hp_error *err);

/* Writes the header lines shown above (comment may be NULL). 0, or -1 on an I/O error. */
int hp_hlog_write_header(FILE *f, double start_time_epoch_s, double base_time_s,
                         const char *comment);
/* Writes one interval line. max_value_divisor scales the Interval_Max column (e.g. 1e6 for ns
 * recorded, ms shown, as Java's default); tag may be NULL and must not contain ',' or
 * whitespace. 0, or -1 (bad tag, out of memory or I/O error). */
int hp_hlog_write_interval(FILE *f, const struct hp_hdr *h, double start_s, double length_s,
                           double max_value_divisor, const char *tag);

struct hp_hlog_interval {
    int line;                       /* 1-based line number in the log */
    const char *tag;                /* NULL when the line has no Tag= field */
    double start_s;                 /* StartTimestamp column, relative to base_time_s */
    double length_s;                /* Interval_Length column */
    double max;                     /* Interval_Max column as written (already divided) */
    double start_time_s;            /* #[StartTime: ...] seen so far, 0 if none */
    double base_time_s;             /* #[BaseTime: ...] seen so far, 0 if none */
    const struct hp_hdr *histogram; /* valid during the callback only; merge it to keep it */
};

/* Called once per interval line; a non-zero return stops the read and is returned as is (err is
 * left to the callback). */
typedef int (*hp_hlog_interval_fn)(const struct hp_hlog_interval *interval, void *ctx);

/* Reads a whole log. Comment lines (#...), the legend line and blank lines are skipped; StartTime
 * and BaseTime comments are parsed. Any malformed line stops the read with one message
 * "<name>:<line>: <problem>" in err and -1. Intervals before the bad line have already been
 * passed to the callback. */
int hp_hlog_read(FILE *f, const char *name, hp_hlog_interval_fn on_interval, void *ctx,
                 struct hp_error *err);

#endif
