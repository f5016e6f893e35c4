#include "files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Flushes, optionally fsyncs, and closes f; ok and saved_errno carry an earlier failure. */
static int finish(FILE *f, const char *path, bool ok, int saved_errno, bool sync,
                  struct hp_error *err)
{
    if (ok && (fflush(f) != 0 || ferror(f))) {
        ok = false;
        saved_errno = errno;
    }
    if (ok && sync && fsync(fileno(f)) != 0) {
        ok = false;
        saved_errno = errno;
    }
    if (fclose(f) != 0 && ok) {
        ok = false;
        saved_errno = errno;
    }
    if (!ok)
        return hp_error_set(err, "cannot write %s: %s", path,
                            saved_errno ? strerror(saved_errno) : "write error");
    return 0;
}

int hp_file_close(FILE *f, const char *path, struct hp_error *err)
{
    return finish(f, path, true, 0, false, err);
}

int hp_file_write(const char *path, int (*write_fn)(FILE *f, const void *ctx), const void *ctx,
                  struct hp_error *err)
{
    if (!*path)
        return hp_error_set(err, "cannot write '': an empty file name");
    struct stat st;
    bool in_place = stat(path, &st) == 0 && !S_ISREG(st.st_mode);
    if (in_place && S_ISDIR(st.st_mode))
        return hp_error_set(err, "cannot write %s: it is a directory", path);
    char tmp[4096];
    const char *slash = strrchr(path, '/');
    int n = slash ? snprintf(tmp, sizeof tmp, "%.*s/.%s.tmp", (int)(slash - path), path, slash + 1)
                  : snprintf(tmp, sizeof tmp, ".%s.tmp", path);
    if (n < 0 || (size_t)n >= sizeof tmp)
        return hp_error_set(err, "cannot write %s: path too long", path);
    const char *target = in_place ? path : tmp;
    FILE *f = fopen(target, "w");
    if (!f) /* named as given: the temporary beside it is this function's business */
        return hp_error_set(err, "cannot write %s: %s", path, strerror(errno));
    errno = 0;
    bool ok = write_fn(f, ctx) == 0;
    if (finish(f, path, ok, errno, !in_place, err) != 0) {
        if (!in_place)
            unlink(tmp);
        return -1;
    }
    if (!in_place && rename(tmp, path) != 0) {
        int saved = errno;
        unlink(tmp);
        return hp_error_set(err, "cannot rename %s to %s: %s", tmp, path, strerror(saved));
    }
    return 0;
}

struct text {
    const char *bytes;
    size_t len;
};

static int write_text(FILE *f, const void *ctx)
{
    const struct text *t = ctx;
    return fwrite(t->bytes, 1, t->len, f) == t->len ? 0 : -1;
}

int hp_file_write_text(const char *path, const char *text, size_t len, struct hp_error *err)
{
    struct text t = {text, len};
    return hp_file_write(path, write_text, &t, err);
}

static void format_size(size_t bytes, char *out, size_t size)
{
    if (bytes >= (1u << 20) && bytes % (1u << 20) == 0)
        snprintf(out, size, "%zu MiB", bytes >> 20);
    else if (bytes >= 1024 && bytes % 1024 == 0)
        snprintf(out, size, "%zu KiB", bytes >> 10);
    else
        snprintf(out, size, "%zu bytes", bytes);
}

static int too_large(const char *path, size_t max_bytes, struct hp_error *err)
{
    char limit[32];
    format_size(max_bytes, limit, sizeof limit);
    return hp_error_set(err, "%s: longer than %s, the limit for this file", path, limit);
}

/* Opens PATH for hp_file_read: an fd, or -1 with err set. With regular_only, a FIFO is opened
 * without waiting for a writer (O_NONBLOCK, cleared once the file is known to be regular) and
 * anything but a regular file is refused. */
static int open_for_read(const char *path, bool regular_only, struct stat *st, struct hp_error *err)
{
    if (!*path)
        return hp_error_set(err, "'': an empty file name");
    int fd = open(path, O_RDONLY | O_CLOEXEC | (regular_only ? O_NONBLOCK : 0));
    if (fd < 0)
        return hp_error_set(err, "%s: cannot open: %s", path, strerror(errno));
    const char *problem = NULL;
    int saved = 0;
    if (fstat(fd, st) != 0)
        saved = errno;
    else if (S_ISDIR(st->st_mode))
        problem = "is a directory, not a file";
    else if (regular_only && !S_ISREG(st->st_mode))
        problem = "is not a regular file (a FIFO, socket or device), which this file must be";
    else if (regular_only && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0)
        saved = errno;
    if (!problem && !saved)
        return fd;
    close(fd);
    if (problem)
        return hp_error_set(err, "%s: %s", path, problem);
    return hp_error_set(err, "%s: cannot read: %s", path, strerror(saved));
}

static int read_limited(const char *path, bool regular_only, size_t max_bytes, char **text,
                        size_t *len, struct hp_error *err)
{
    struct stat st;
    int fd = open_for_read(path, regular_only, &st, err);
    if (fd < 0)
        return -1;
    if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max_bytes) {
        close(fd);
        return too_large(path, max_bytes, err);
    }
    /* A device or pipe says nothing of its size: read one byte past the limit to know. */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 2 : 4096, used = 0;
    char *buf = malloc(cap);
    int rc = 0;
    while (buf) {
        if (used + 1 == cap) {
            size_t grown_cap = cap * 2 > max_bytes + 2 ? max_bytes + 2 : cap * 2;
            char *grown = grown_cap > cap ? realloc(buf, grown_cap) : NULL;
            if (!grown) {
                rc = hp_error_set(err, "%s: out of memory reading it", path);
                break;
            }
            buf = grown;
            cap = grown_cap;
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = hp_error_set(err, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (n == 0)
            break;
        used += (size_t)n;
        if (used > max_bytes) {
            rc = too_large(path, max_bytes, err);
            break;
        }
    }
    close(fd);
    if (!buf)
        return hp_error_set(err, "%s: out of memory reading it", path);
    if (rc != 0) {
        free(buf);
        return -1;
    }
    buf[used] = '\0';
    *text = buf;
    *len = used;
    return 0;
}

int hp_file_read(const char *path, size_t max_bytes, char **text, size_t *len, struct hp_error *err)
{
    return read_limited(path, false, max_bytes, text, len, err);
}

int hp_file_read_regular(const char *path, size_t max_bytes, char **text, size_t *len,
                         struct hp_error *err)
{
    return read_limited(path, true, max_bytes, text, len, err);
}

void hp_dir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            unlinkat(dirfd(d), e->d_name, 0);
        }
        closedir(d);
    }
    rmdir(dir);
}
