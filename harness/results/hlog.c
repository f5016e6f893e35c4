/* HdrHistogram V2 encoding, base64 and interval logs (format described in hlog.h). */
#include "hlog.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

enum {
    V2_ENCODING_COOKIE_BASE = 0x1c849303,
    V2_COMPRESSED_COOKIE_BASE = 0x1c849304,
    V1_ENCODING_COOKIE_BASE = 0x1c849301,
    V1_COMPRESSED_COOKIE_BASE = 0x1c849302,
    LEB128_MAX_BYTES = 9,
};

/* A decoder refuses to inflate more than this: a deflate stream can expand ~1000x, and no
 * histogram we can represent needs more (2^31 slots would not fit the int32 length anyway). */
#define MAX_INFLATED_BYTES ((size_t)256 << 20)

/* --- big-endian helpers ---------------------------------------------------------------------- */

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void put_be64(unsigned char *p, uint64_t v)
{
    put_be32(p, (uint32_t)(v >> 32));
    put_be32(p + 4, (uint32_t)v);
}

static uint32_t get_be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static uint64_t get_be64(const unsigned char *p)
{
    return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

/* --- ZigZag LEB128-64b9B --------------------------------------------------------------------- */

/* Up to 8 groups of 7 bits with a continuation bit, then (if still needed) a 9th byte carrying
 * the top 8 bits whole: HdrHistogram's 9-byte variant, not protobuf's 10-byte LEB128. */
static size_t put_zigzag(unsigned char *p, int64_t value)
{
    uint64_t v = ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
    size_t n = 0;
    while (n < 8) {
        if ((v >> 7) == 0) {
            p[n++] = (unsigned char)v;
            return n;
        }
        p[n++] = (unsigned char)((v & 0x7f) | 0x80);
        v >>= 7;
    }
    p[n++] = (unsigned char)v;
    return n;
}

/* Returns bytes consumed, or 0 if the varint runs past end. */
static size_t get_zigzag(const unsigned char *p, const unsigned char *end, int64_t *value)
{
    uint64_t v = 0;
    size_t n = 0;
    for (;;) {
        if (p + n >= end)
            return 0;
        uint64_t byte = p[n];
        if (n == 8) {
            v |= byte << 56;
            n++;
            break;
        }
        v |= (byte & 0x7f) << (7 * n);
        n++;
        if (!(byte & 0x80))
            break;
    }
    *value = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
    return n;
}

/* --- V2 encoding ----------------------------------------------------------------------------- */

int hp_hdr_encode(const struct hp_hdr *h, unsigned char **out, size_t *len)
{
    /* Like Java, only slots up to the one holding the max value are written. */
    int32_t limit = h->max_value > 0 ? hp_hdr_counts_index(h, h->max_value) + 1 : 1;
    if (limit > h->counts_len)
        limit = h->counts_len;
    unsigned char *buf = malloc(HP_HDR_V2_HEADER_SIZE + (size_t)limit * LEB128_MAX_BYTES);
    if (!buf)
        return -1;
    unsigned char *p = buf + HP_HDR_V2_HEADER_SIZE;
    for (int32_t i = 0; i < limit;) {
        int64_t count = h->counts[i++];
        if (count == 0) {
            int64_t zeros = 1;
            while (i < limit && h->counts[i] == 0) {
                zeros++;
                i++;
            }
            /* A single zero is written as 0, a run as its negated length. */
            p += put_zigzag(p, zeros > 1 ? -zeros : 0);
        } else {
            p += put_zigzag(p, count);
        }
    }
    size_t payload = (size_t)(p - (buf + HP_HDR_V2_HEADER_SIZE));
    union {
        double d;
        uint64_t u;
    } ratio = {.d = 1.0};
    put_be32(buf, HP_HDR_V2_ENCODING_COOKIE);
    put_be32(buf + 4, (uint32_t)payload);
    put_be32(buf + 8, 0); /* normalizing index offset */
    put_be32(buf + 12, (uint32_t)h->significant_figures);
    put_be64(buf + 16, (uint64_t)h->lowest_discernible_value);
    put_be64(buf + 24, (uint64_t)h->highest_trackable_value);
    put_be64(buf + 32, ratio.u);
    *out = buf;
    *len = HP_HDR_V2_HEADER_SIZE + payload;
    return 0;
}

int hp_hdr_decode(const unsigned char *data, size_t len, struct hp_hdr *out, struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    if (len < HP_HDR_V2_HEADER_SIZE)
        return hp_error_set(err, "histogram encoding truncated: %zu bytes, the V2 header needs %d",
                            len, HP_HDR_V2_HEADER_SIZE);
    uint32_t cookie = get_be32(data);
    if ((cookie & ~0xf0u) != V2_ENCODING_COOKIE_BASE) {
        if ((cookie & ~0xf0u) == V1_ENCODING_COOKIE_BASE)
            return hp_error_set(err, "histogram encoding is V1 (cookie 0x%08x); only V2 is read",
                                cookie);
        return hp_error_set(err, "bad histogram encoding cookie 0x%08x (V2 is 0x%08x)", cookie,
                            HP_HDR_V2_ENCODING_COOKIE);
    }
    int32_t payload_len = (int32_t)get_be32(data + 4);
    int32_t normalizing_offset = (int32_t)get_be32(data + 8);
    int32_t sigfigs = (int32_t)get_be32(data + 12);
    int64_t lowest = (int64_t)get_be64(data + 16);
    int64_t highest = (int64_t)get_be64(data + 24);
    if (payload_len < 0 || (size_t)payload_len > len - HP_HDR_V2_HEADER_SIZE)
        return hp_error_set(err,
                            "histogram encoding truncated: payload length %d, %zu bytes present",
                            payload_len, len - HP_HDR_V2_HEADER_SIZE);
    /* The payload lists counts in logical index order whatever the offset: Java applies the offset
     * only to where a count is stored (setCountAtIndex normalizes), and hdr-histogram-js writes 1
     * here for plain histograms. So the offset, like the conversion ratio (which hdr-histogram-js
     * writes as the integer 1), does not change what an integer histogram holds. */
    (void)normalizing_offset;
    struct hp_error init_err;
    if (hp_hdr_init(out, lowest, highest, sigfigs, &init_err) != 0)
        return hp_error_set(err, "bad histogram header: %s", init_err.message);

    const unsigned char *p = data + HP_HDR_V2_HEADER_SIZE;
    const unsigned char *end = p + payload_len;
    int32_t index = 0;
    while (p < end) {
        int64_t value;
        size_t n = get_zigzag(p, end, &value);
        if (n == 0) {
            hp_hdr_destroy(out);
            return hp_error_set(err, "histogram payload truncated inside a count at byte %zu",
                                (size_t)(p - data));
        }
        p += n;
        int64_t slots = value < 0 ? -(value + 1) + 1 : 1; /* -(INT64_MIN) without overflow */
        if (slots > (int64_t)(out->counts_len - index)) {
            hp_hdr_destroy(out);
            return hp_error_set(err,
                                "histogram payload has more counts than its %d slots (byte %zu)",
                                out->counts_len, (size_t)(p - data));
        }
        if (value >= 0)
            out->counts[index] = value;
        index += (int32_t)slots;
    }
    hp_hdr_reset_internal_counters(out);
    return 0;
}

int hp_hdr_encode_compressed(const struct hp_hdr *h, unsigned char **out, size_t *len)
{
    unsigned char *raw;
    size_t raw_len;
    if (hp_hdr_encode(h, &raw, &raw_len) != 0)
        return -1;
    uLongf bound = compressBound((uLong)raw_len);
    unsigned char *buf = malloc(8 + bound);
    if (!buf) {
        free(raw);
        return -1;
    }
    /* Best compression, as Java's HistogramLogWriter. */
    int rc = compress2(buf + 8, &bound, raw, (uLong)raw_len, Z_BEST_COMPRESSION);
    free(raw);
    if (rc != Z_OK || bound > INT32_MAX) {
        free(buf);
        return -1;
    }
    put_be32(buf, HP_HDR_V2_COMPRESSED_COOKIE);
    put_be32(buf + 4, (uint32_t)bound);
    *out = buf;
    *len = 8 + bound;
    return 0;
}

int hp_hdr_decode_compressed(const unsigned char *data, size_t len, struct hp_hdr *out,
                             struct hp_error *err)
{
    memset(out, 0, sizeof *out);
    if (len < 8)
        return hp_error_set(err, "compressed histogram truncated: %zu bytes, the header needs 8",
                            len);
    uint32_t cookie = get_be32(data);
    if ((cookie & ~0xf0u) != V2_COMPRESSED_COOKIE_BASE) {
        if ((cookie & ~0xf0u) == V1_COMPRESSED_COOKIE_BASE)
            return hp_error_set(err, "compressed histogram is V1 (cookie 0x%08x); only V2 is read",
                                cookie);
        return hp_error_set(err, "bad compressed histogram cookie 0x%08x (V2 is 0x%08x)", cookie,
                            HP_HDR_V2_COMPRESSED_COOKIE);
    }
    int32_t compressed_len = (int32_t)get_be32(data + 4);
    if (compressed_len < 0 || (size_t)compressed_len != len - 8)
        return hp_error_set(err,
                            "compressed histogram length field says %d bytes, %zu bytes follow",
                            compressed_len, len - 8);

    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit(&zs) != Z_OK)
        return hp_error_set(err, "compressed histogram: zlib inflateInit failed");
    size_t cap = 4096, used = 0;
    unsigned char *raw = malloc(cap);
    int rc = Z_OK;
    zs.next_in = (Bytef *)(uintptr_t)(data + 8);
    zs.avail_in = (uInt)compressed_len;
    while (raw) {
        zs.next_out = raw + used;
        zs.avail_out = (uInt)(cap - used);
        rc = inflate(&zs, Z_NO_FLUSH);
        used = cap - zs.avail_out;
        if (rc == Z_STREAM_END || (rc != Z_OK && rc != Z_BUF_ERROR))
            break;
        if (zs.avail_out != 0) { /* no progress possible: input exhausted before stream end */
            rc = Z_DATA_ERROR;
            break;
        }
        if (cap >= MAX_INFLATED_BYTES) {
            rc = Z_MEM_ERROR;
            break;
        }
        unsigned char *grown = realloc(raw, cap * 2);
        if (!grown) {
            free(raw);
            raw = NULL;
            break;
        }
        raw = grown;
        cap *= 2;
    }
    inflateEnd(&zs);
    if (!raw)
        return hp_error_set(err, "compressed histogram: out of memory while inflating");
    if (rc != Z_STREAM_END) {
        free(raw);
        return hp_error_set(err, "compressed histogram: zlib data %s",
                            rc == Z_MEM_ERROR ? "inflates beyond 256 MiB"
                                              : "is corrupt or truncated");
    }
    int result = hp_hdr_decode(raw, used, out, err);
    free(raw);
    return result;
}

/* --- base64 ---------------------------------------------------------------------------------- */

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t hp_base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

void hp_base64_encode(const unsigned char *data, size_t n, char *out)
{
    size_t i = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
        *out++ = base64_alphabet[v >> 18];
        *out++ = base64_alphabet[(v >> 12) & 63];
        *out++ = base64_alphabet[(v >> 6) & 63];
        *out++ = base64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)data[i] << 16;
        *out++ = base64_alphabet[v >> 18];
        *out++ = base64_alphabet[(v >> 12) & 63];
        *out++ = '=';
        *out++ = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
        *out++ = base64_alphabet[v >> 18];
        *out++ = base64_alphabet[(v >> 12) & 63];
        *out++ = base64_alphabet[(v >> 6) & 63];
        *out++ = '=';
    }
    *out = '\0';
}

static int base64_digit(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int hp_base64_decode(const char *text, size_t len, unsigned char **out, size_t *out_len,
                     struct hp_error *err)
{
    if (len % 4 != 0)
        return hp_error_set(err, "bad base64: length %zu is not a multiple of 4", len);
    size_t padding = 0;
    if (len > 0 && text[len - 1] == '=')
        padding = text[len - 2] == '=' ? 2 : 1;
    unsigned char *buf = malloc(len / 4 * 3 + 1);
    if (!buf)
        return hp_error_set(err, "bad base64: out of memory for %zu characters", len);
    size_t n = 0;
    for (size_t i = 0; i < len; i += 4) {
        uint32_t v = 0;
        for (size_t j = 0; j < 4; j++) {
            size_t pos = i + j;
            int d;
            if (pos >= len - padding) {
                d = 0; /* padding, only allowed at the very end (checked by the bound above) */
            } else if ((d = base64_digit((unsigned char)text[pos])) < 0) {
                free(buf);
                unsigned char c = (unsigned char)text[pos];
                if (c >= 0x20 && c < 0x7f)
                    return hp_error_set(err, "bad base64: character '%c' at offset %zu", c, pos);
                return hp_error_set(err, "bad base64: byte 0x%02x at offset %zu", c, pos);
            }
            v = v << 6 | (uint32_t)d;
        }
        buf[n++] = (unsigned char)(v >> 16);
        buf[n++] = (unsigned char)(v >> 8);
        buf[n++] = (unsigned char)v;
    }
    *out = buf;
    *out_len = n - padding;
    return 0;
}

/* --- log writing ----------------------------------------------------------------------------- */

int hp_hlog_write_header(FILE *f, double start_time_epoch_s, double base_time_s,
                         const char *comment)
{
    char date[64] = "";
    time_t seconds = (time_t)floor(start_time_epoch_s);
    struct tm tm;
    if (gmtime_r(&seconds, &tm))
        strftime(date, sizeof date, "%a %b %d %H:%M:%S UTC %Y", &tm);
    if (comment && fprintf(f, "#%s\n", comment) < 0)
        return -1;
    if (fprintf(f, "#[Histogram log format version 1.3]\n") < 0 ||
        fprintf(f, "#[StartTime: %.3f (seconds since epoch), %s]\n", start_time_epoch_s, date) <
            0 ||
        fprintf(f, "#[BaseTime: %.3f (seconds since epoch)]\n", base_time_s) < 0 ||
        fprintf(f, "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
                   "\"Interval_Compressed_Histogram\"\n") < 0)
        return -1;
    return 0;
}

static bool tag_is_valid(const char *tag)
{
    if (*tag == '\0')
        return false;
    for (const char *c = tag; *c; c++)
        if (*c == ',' || *c == ' ' || *c == '\t' || *c == '\n' || *c == '\r')
            return false;
    return true;
}

int hp_hlog_write_interval(FILE *f, const struct hp_hdr *h, double start_s, double length_s,
                           double max_value_divisor, const char *tag)
{
    if (tag && !tag_is_valid(tag)) {
        errno = EINVAL;
        return -1;
    }
    unsigned char *compressed;
    size_t compressed_len;
    if (hp_hdr_encode_compressed(h, &compressed, &compressed_len) != 0)
        return -1;
    char *text = malloc(hp_base64_encoded_len(compressed_len) + 1);
    if (!text) {
        free(compressed);
        return -1;
    }
    hp_base64_encode(compressed, compressed_len, text);
    free(compressed);
    int rc = 0;
    if (tag && fprintf(f, "Tag=%s,", tag) < 0)
        rc = -1;
    if (rc == 0 && fprintf(f, "%.3f,%.3f,%.3f,%s\n", start_s, length_s,
                           (double)hp_hdr_max(h) / max_value_divisor, text) < 0)
        rc = -1;
    free(text);
    return rc;
}

/* --- log reading ----------------------------------------------------------------------------- */

static bool parse_double(const char *text, double *out)
{
    if (*text == '\0')
        return false;
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        return false;
    *out = v;
    return true;
}

/* Parses the number after "#[StartTime: " / "#[BaseTime: ". */
static bool parse_time_comment(const char *after_prefix, double *out)
{
    char *end;
    double v = strtod(after_prefix, &end);
    if (end == after_prefix || !isfinite(v) || (*end != ' ' && *end != ']' && *end != '\0'))
        return false;
    *out = v;
    return true;
}

static int parse_interval_line(char *line, const char *name, int line_no, double start_time,
                               double base_time, hp_hlog_interval_fn on_interval, void *ctx,
                               struct hp_error *err)
{
    static const char *const columns[] = {"StartTimestamp", "Interval_Length", "Interval_Max",
                                          "Interval_Compressed_Histogram"};
    char *fields[5];
    int count = 0;
    const char *tag = NULL;
    char *cursor = line;
    if (strncmp(cursor, "Tag=", 4) == 0) {
        char *comma = strchr(cursor, ',');
        if (!comma)
            return hp_error_set(err, "%s:%d: Tag= field without the interval fields after it", name,
                                line_no);
        *comma = '\0';
        tag = cursor + 4;
        if (!tag_is_valid(tag))
            return hp_error_set(err, "%s:%d: empty or blank tag in Tag= field", name, line_no);
        cursor = comma + 1;
    }
    for (;;) {
        char *comma = strchr(cursor, ',');
        if (count < 5)
            fields[count] = cursor;
        count++;
        if (!comma)
            break;
        *comma = '\0';
        cursor = comma + 1;
    }
    if (count != 4)
        return hp_error_set(err,
                            "%s:%d: expected 4 comma-separated fields "
                            "(StartTimestamp,Interval_Length,Interval_Max,Interval_Compressed_"
                            "Histogram) after the optional Tag=, found %d",
                            name, line_no, count);
    double numbers[3];
    for (int i = 0; i < 3; i++)
        if (!parse_double(fields[i], &numbers[i]))
            return hp_error_set(err, "%s:%d: %s '%s' is not a number", name, line_no, columns[i],
                                fields[i]);

    struct hp_error inner;
    unsigned char *compressed;
    size_t compressed_len;
    if (hp_base64_decode(fields[3], strlen(fields[3]), &compressed, &compressed_len, &inner) != 0)
        return hp_error_set(err, "%s:%d: %s: %s", name, line_no, columns[3], inner.message);
    struct hp_hdr histogram;
    int rc = hp_hdr_decode_compressed(compressed, compressed_len, &histogram, &inner);
    free(compressed);
    if (rc != 0)
        return hp_error_set(err, "%s:%d: %s: %s", name, line_no, columns[3], inner.message);

    struct hp_hlog_interval interval = {
        .line = line_no,
        .tag = tag,
        .start_s = numbers[0],
        .length_s = numbers[1],
        .max = numbers[2],
        .start_time_s = start_time,
        .base_time_s = base_time,
        .histogram = &histogram,
    };
    rc = on_interval(&interval, ctx);
    hp_hdr_destroy(&histogram);
    return rc;
}

int hp_hlog_read(FILE *f, const char *name, hp_hlog_interval_fn on_interval, void *ctx,
                 struct hp_error *err)
{
    static const char start_prefix[] = "#[StartTime: ";
    static const char base_prefix[] = "#[BaseTime: ";
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int line_no = 0, rc = 0;
    double start_time = 0.0, base_time = 0.0;
    errno = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        line_no++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if ((size_t)n != strlen(line)) {
            rc = hp_error_set(err, "%s:%d: NUL byte in line", name, line_no);
            break;
        }
        if (n == 0)
            continue;
        if (strncmp(line, start_prefix, sizeof start_prefix - 1) == 0) {
            if (!parse_time_comment(line + sizeof start_prefix - 1, &start_time)) {
                rc = hp_error_set(err, "%s:%d: StartTime comment without a number of seconds", name,
                                  line_no);
                break;
            }
        } else if (strncmp(line, base_prefix, sizeof base_prefix - 1) == 0) {
            if (!parse_time_comment(line + sizeof base_prefix - 1, &base_time)) {
                rc = hp_error_set(err, "%s:%d: BaseTime comment without a number of seconds", name,
                                  line_no);
                break;
            }
        } else if (line[0] == '#' || line[0] == '"') {
            continue; /* comments and the legend line */
        } else {
            rc = parse_interval_line(line, name, line_no, start_time, base_time, on_interval, ctx,
                                     err);
            if (rc != 0)
                break;
        }
    }
    if (rc == 0 && ferror(f))
        rc = hp_error_set(err, "%s:%d: read error: %s", name, line_no + 1, strerror(errno));
    free(line);
    return rc;
}
