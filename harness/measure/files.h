/* Whole files, written and read so that a failure leaves nothing half done.
 *
 * Writing: hp_file_write puts the content in a temporary file beside the target (".NAME.tmp"),
 * checks every write, flushes, fsyncs and renames it over the target, so a reader sees the old
 * file or the whole new one, and a failure (a full disk) leaves neither a partial file nor the
 * temporary. A target that exists and is not a regular file (a device such as /dev/stdout or
 * /dev/full, a FIFO) is written in place instead, since a rename would replace the device
 * itself; the write is checked all the same.
 *
 * Reading: hp_file_read takes a size limit; a directory, and a file or stream (/dev/zero, a
 * pipe) longer than the limit, are refused with one message naming the file.
 * hp_file_read_regular reads regular files only: a FIFO (refused without waiting for a writer),
 * a device or a socket is refused too, for files that are always written as regular files.
 */
#ifndef HOTPATH_FILES_H
#define HOTPATH_FILES_H

#include <stddef.h>
#include <stdio.h>

#include "common/error.h"

/* Writes PATH with write_fn (non-zero return: failure). 0, or -1 with "cannot write PATH: ...". */
int hp_file_write(const char *path, int (*write_fn)(FILE *f, const void *ctx), const void *ctx,
                  struct hp_error *err);

/* The same for text already in memory. */
int hp_file_write_text(const char *path, const char *text, size_t len, struct hp_error *err);

/* Flushes and closes f, which was written as PATH; 0, or -1 with "cannot write PATH: reason"
 * when any write to it failed. f is closed either way. */
int hp_file_close(FILE *f, const char *path, struct hp_error *err);

/* Reads all of PATH (at most max_bytes) into *text, NUL-terminated and malloc'ed (caller
 * frees); *len is its length without the NUL. 0, or -1 with err naming PATH (cannot open, is a
 * directory, longer than the limit, read error). */
int hp_file_read(const char *path, size_t max_bytes, char **text, size_t *len,
                 struct hp_error *err);

/* The same for a file that must be a regular file: anything else is refused ("PATH: is not a
 * regular file ..."), and a FIFO without a writer does not block. */
int hp_file_read_regular(const char *path, size_t max_bytes, char **text, size_t *len,
                         struct hp_error *err);

/* Removes DIR and the files directly in it (no subdirectories); errors are ignored. */
void hp_dir_remove(const char *dir);

#endif
