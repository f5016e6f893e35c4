/* Replacing several entries of one directory together (replace_set.h). */
#define _GNU_SOURCE
#include "replace_set.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "files.h"

enum {
    UNTOUCHED,
    EXCHANGED, /* the old entry is at tmp */
    MOVED,     /* there was no old entry */
    SET_ASIDE, /* the old entry is at aside */
};

void hp_replace_entry_init(struct hp_replace_entry *e, const char *dir, const char *name,
                           bool is_dir)
{
    snprintf(e->dest, sizeof e->dest, "%s/%s", dir, name);
    snprintf(e->tmp, sizeof e->tmp, "%s/.%s.tmp", dir, name);
    snprintf(e->aside, sizeof e->aside, "%s.old", e->tmp);
    e->is_dir = is_dir;
    e->state = UNTOUCHED;
}

int hp_replace_check(const struct hp_replace_entry *entries, size_t count, struct hp_error *err)
{
    for (size_t i = 0; i < count; i++) {
        const struct hp_replace_entry *e = &entries[i];
        struct stat st;
        if (stat(e->dest, &st) != 0) {
            if (errno == ENOENT)
                continue;
            return hp_error_set(err, "%s: %s", e->dest, strerror(errno));
        }
        if (e->is_dir && !S_ISDIR(st.st_mode))
            return hp_error_set(err, "%s: not a directory", e->dest);
        if (!e->is_dir && S_ISDIR(st.st_mode))
            return hp_error_set(err, "%s: is a directory", e->dest);
        if (!e->is_dir && !S_ISREG(st.st_mode))
            return hp_error_set(err, "%s: not a regular file", e->dest);
    }
    return 0;
}

/* A file or symbolic link is unlinked, a directory removed with the files in it. */
static void remove_entry(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode))
        hp_dir_remove(path);
    else
        unlink(path);
}

static int move_in(struct hp_replace_entry *e)
{
    if (renameat2(AT_FDCWD, e->tmp, AT_FDCWD, e->dest, RENAME_EXCHANGE) == 0) {
        e->state = EXCHANGED;
        return 0;
    }
    if (errno == EINVAL) { /* a file system without the exchange: move the old entry aside */
        remove_entry(e->aside);
        if (rename(e->dest, e->aside) == 0)
            e->state = SET_ASIDE;
        else if (errno != ENOENT)
            return -1;
    } else if (errno != ENOENT) {
        return -1;
    }
    if (rename(e->tmp, e->dest) == 0) {
        if (e->state == UNTOUCHED)
            e->state = MOVED;
        return 0;
    }
    int saved = errno;
    if (e->state == SET_ASIDE && rename(e->aside, e->dest) == 0)
        e->state = UNTOUCHED;
    errno = saved;
    return -1;
}

/* The old entry back in place, the new one back at tmp (best effort: this follows a failure). */
static void move_back(struct hp_replace_entry *e)
{
    if (e->state == EXCHANGED)
        renameat2(AT_FDCWD, e->tmp, AT_FDCWD, e->dest, RENAME_EXCHANGE);
    else if (e->state == MOVED)
        rename(e->dest, e->tmp);
    else if (e->state == SET_ASIDE && rename(e->dest, e->tmp) == 0)
        rename(e->aside, e->dest);
    e->state = UNTOUCHED;
}

int hp_replace_install(struct hp_replace_entry *entries, size_t count, struct hp_error *err)
{
    if (hp_replace_check(entries, count, err) != 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        if (move_in(&entries[i]) == 0)
            continue;
        hp_error_set(err, "cannot move %s to %s: %s", entries[i].tmp, entries[i].dest,
                     strerror(errno));
        while (i-- > 0)
            move_back(&entries[i]);
        return -1;
    }
    return 0;
}

void hp_replace_cleanup(const struct hp_replace_entry *entries, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        remove_entry(entries[i].tmp);
        remove_entry(entries[i].aside);
    }
}
