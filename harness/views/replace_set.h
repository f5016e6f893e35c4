/* Replacing several entries of one directory together (hotpath report: charts/, phases.md,
 * report.html and report.md). Each new entry is made whole under its temporary name first
 * (DIR/.NAME.tmp); hp_replace_install then checks that every destination can be replaced and
 * moves the new entries into place, each by an atomic exchange where the file system has one.
 * When one cannot be moved, those already moved are moved back: the directory holds all the new
 * entries or all the old ones, never a mix. */
#ifndef HOTPATH_REPLACE_SET_H
#define HOTPATH_REPLACE_SET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"

struct hp_replace_entry {
    char dest[4096];  /* DIR/NAME */
    char tmp[4200];   /* DIR/.NAME.tmp: the new entry before the install, the old one after */
    char aside[4300]; /* where the old entry waits on a file system without the exchange */
    bool is_dir;
    int state; /* hp_replace_install's own */
};

/* Names DIR/NAME and its temporary. */
void hp_replace_entry_init(struct hp_replace_entry *e, const char *dir, const char *name,
                           bool is_dir);

/* Each destination may be replaced: missing, or a directory (is_dir) or a regular file (not).
 * 0, or -1 with "DIR/NAME: not a directory", "DIR/NAME: is a directory" or "DIR/NAME: not a
 * regular file". */
int hp_replace_check(const struct hp_replace_entry *entries, size_t count, struct hp_error *err);

/* Checks, then moves every entry's temporary into place. 0, or -1 with err and every
 * destination as it was. */
int hp_replace_install(struct hp_replace_entry *entries, size_t count, struct hp_error *err);

/* Removes what is left under the temporary names: the old entries after an install, the new
 * ones after a failure. A directory is removed with the files directly in it. */
void hp_replace_cleanup(const struct hp_replace_entry *entries, size_t count);

#endif
