/* The one HTTP/1.1 request-head parser shared by every pipeline variant (claim C15).
 *
 * Zero-copy and allocation-free, in the manner of picohttpparser: every field of the result is
 * a slice (pointer + length) into the caller's buffer, headers live in an inline array of
 * HP_HTTP_MAX_HEADERS, and the parser never reads at or past buf + len (the buffer need not be
 * NUL-terminated). The caller keeps the buffer alive as long as it uses the slices.
 *
 * Incremental use: call hp_http_parse_request on everything received so far. It returns
 *   > 0                   the head is complete; the value is its length including the final
 *                         empty line, so a body (if any) starts at buf + that value;
 *   HP_HTTP_INCOMPLETE    every byte seen so far can still start a valid head: read more and
 *                         call again with the longer buffer (the parse restarts from byte 0);
 *   another negative code the head is invalid; the code names the class (hp_http_error_name).
 * A truncated prefix of a valid head is always INCOMPLETE, never an error: a byte is judged
 * only when the bytes needed to judge it are present (a CR at the very end is INCOMPLETE, not
 * a bare CR).
 *
 * Grammar accepted (RFC 9110/9112, strict where the RFC lets a recipient choose):
 *   request-line = method SP request-target SP "HTTP/1." ("0" / "1") CRLF
 *   method       = 1*tchar
 *   target       = 1*( %x21-7E ) : any visible ASCII; split into path (up to the first '?' or
 *                  '#'), query (after '?', up to '#') and fragment (after '#'). The form
 *                  (origin, absolute, authority, asterisk) is not checked; bytes >= 0x80 must be
 *                  percent-encoded and are refused.
 *   field-line   = field-name ":" OWS field-value OWS CRLF
 *   field-name   = 1*tchar (no whitespace before the colon)
 *   field-value  = bytes other than CTLs, HTAB allowed, obs-text (>= 0x80) allowed; leading and
 *                  trailing OWS (SP / HTAB) are not part of the value slice.
 *   Line ends: CRLF only. A bare LF is refused (HP_HTTP_ERR_BARE_LF) rather than accepted as
 *   RFC 9112 section 2.2 would allow: one line-end rule for every parser in front of this one
 *   leaves no room for request-smuggling disagreements. A CR not followed by LF is refused.
 *   obs-fold (a field line starting with SP/HTAB, including whitespace right after the request
 *   line) is refused. Leading empty lines before the request line are not skipped (they give
 *   HP_HTTP_ERR_METHOD).
 * Limits: the request line (with its CRLF) is at most HP_HTTP_MAX_REQUEST_LINE bytes and every
 * field line (with its CRLF, the final empty line included) at most HP_HTTP_MAX_HEADER_LINE
 * bytes; a longer line is refused as soon as the limit is crossed, whether or not its end has
 * arrived, so a client cannot make the caller buffer without bound.
 */
#ifndef HOTPATH_HTTP_PARSER_H
#define HOTPATH_HTTP_PARSER_H

#include <stddef.h>
#include <stdint.h>

#define HP_HTTP_MAX_HEADERS      32
#define HP_HTTP_MAX_REQUEST_LINE 8192
#define HP_HTTP_MAX_HEADER_LINE  8192

enum hp_http_result {
    HP_HTTP_INCOMPLETE = -1,
    HP_HTTP_ERR_METHOD = -2,  /* empty method or a non-tchar byte in it */
    HP_HTTP_ERR_TARGET = -3,  /* empty target or a byte outside %x21-7E */
    HP_HTTP_ERR_VERSION = -4, /* not "HTTP/1.0" or "HTTP/1.1" (or missing) */
    HP_HTTP_ERR_BARE_CR = -5, /* CR not followed by LF */
    HP_HTTP_ERR_BARE_LF = -6, /* LF not preceded by CR */
    HP_HTTP_ERR_REQUEST_LINE_TOO_LONG = -7,
    HP_HTTP_ERR_HEADER_LINE_TOO_LONG = -8,
    HP_HTTP_ERR_TOO_MANY_HEADERS = -9,    /* more than HP_HTTP_MAX_HEADERS field lines */
    HP_HTTP_ERR_HEADER_NAME_BYTE = -10,   /* a non-tchar byte in a field name */
    HP_HTTP_ERR_HEADER_VALUE_BYTE = -11,  /* a CTL other than HTAB (or DEL) in a field value */
    HP_HTTP_ERR_MISSING_COLON = -12,      /* a field line that ends before any colon */
    HP_HTTP_ERR_SPACE_BEFORE_COLON = -13, /* whitespace between field name and colon */
    HP_HTTP_ERR_OBS_FOLD = -14,           /* a field line starting with SP or HTAB */
    HP_HTTP_ERR_EMPTY_HEADER_NAME = -15,  /* a field line starting with ':' */
    HP_HTTP_ERR_CONTENT_LENGTH = -16,     /* hp_http_*content_length: invalid or conflicting */
    HP_HTTP_ERR_TRANSFER_ENCODING = -17,  /* hp_http_request_body: chunked bodies unsupported */
};

/* A view of bytes inside the parsed buffer. An absent optional part (no query, no fragment)
 * has ptr == NULL; a present but empty one ("/a?") has ptr != NULL and len == 0. */
struct hp_http_slice {
    const char *ptr;
    size_t len;
};

struct hp_http_header {
    struct hp_http_slice name;  /* as received; compare case-insensitively */
    struct hp_http_slice value; /* OWS-trimmed; may be empty */
};

struct hp_http_request {
    struct hp_http_slice method;
    struct hp_http_slice target;   /* the whole request-target */
    struct hp_http_slice path;     /* target up to the first '?' or '#' */
    struct hp_http_slice query;    /* after '?', up to '#'; ptr NULL when there is no '?' */
    struct hp_http_slice fragment; /* after '#'; ptr NULL when there is no '#' */
    int minor_version;             /* 0 or 1 */
    size_t header_count;
    struct hp_http_header headers[HP_HTTP_MAX_HEADERS]; /* only [0, header_count) are set */
};

/* Parses the request head in buf[0, len). See the file comment for the return value. On
 * success every field of req is set; on INCOMPLETE or an error its contents are unspecified. */
int hp_http_parse_request(const char *buf, size_t len, struct hp_http_request *req);

/* "incomplete", "bad method", ... for every hp_http_result; "success" for a positive value and
 * "unknown error" for anything else. */
const char *hp_http_error_name(int code);

enum hp_http_method {
    HP_HTTP_METHOD_OTHER = 0, /* a valid token that is none of the below (methods are
                                 case-sensitive: "get" is OTHER) */
    HP_HTTP_METHOD_GET,
    HP_HTTP_METHOD_HEAD,
    HP_HTTP_METHOD_POST,
    HP_HTTP_METHOD_PUT,
    HP_HTTP_METHOD_PATCH,
    HP_HTTP_METHOD_DELETE,
    HP_HTTP_METHOD_OPTIONS,
    HP_HTTP_METHOD_CONNECT,
    HP_HTTP_METHOD_TRACE,
};

enum hp_http_method hp_http_method_from_token(const char *token, size_t len);
const char *hp_http_method_name(enum hp_http_method method); /* "GET", ...; "OTHER" */

/* The first header whose name equals name[0, len) ignoring ASCII case, or NULL. */
const struct hp_http_header *hp_http_find_header(const struct hp_http_request *req,
                                                 const char *name, size_t len);

/* Parses a Content-Length field value: 1*DIGIT, no sign, no whitespace, no list, at most
 * UINT64_MAX. Returns 0 and sets *out, or HP_HTTP_ERR_CONTENT_LENGTH. */
int hp_http_parse_content_length(const char *value, size_t len, uint64_t *out);

/* The request's Content-Length: 1 and *out set when present, 0 (and *out = 0) when absent,
 * HP_HTTP_ERR_CONTENT_LENGTH when a value is invalid or two Content-Length fields disagree. */
int hp_http_request_content_length(const struct hp_http_request *req, uint64_t *out);

/* The body that follows a head of head_len bytes (the value hp_http_parse_request returned)
 * in buf[0, len). Returns 0 and sets *body (len 0 when there is no Content-Length),
 * HP_HTTP_INCOMPLETE when fewer than Content-Length bytes follow the head,
 * HP_HTTP_ERR_CONTENT_LENGTH, or HP_HTTP_ERR_TRANSFER_ENCODING when the request has a
 * Transfer-Encoding field (chunked bodies are not supported here). */
int hp_http_request_body(const struct hp_http_request *req, const char *buf, size_t len,
                         size_t head_len, struct hp_http_slice *body);

#endif
