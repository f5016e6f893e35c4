/* profile.json: the profiles of `hotpath profile` (docs/results-format.md, "profile.json"), a
 * file of its own beside (or instead of) results.json, with its own format version. Written
 * atomically (files.h) and read back with the same limits and refusals as results.json: one
 * message naming the file (and the JSON line where jansson knows it).
 */
#ifndef HOTPATH_PROFILE_JSON_H
#define HOTPATH_PROFILE_JSON_H

#include <stddef.h>

#include "common/error.h"
#include "profile.h"

#define HP_PROFILE_FORMAT         "hotpath-profile"
/* 2: calls per op are the measured region's (version 1's included calls outside it and read
 * as absent), "calls" left out when the source cannot count them, sampled profiles ("source":
 * "sampling", "samples"). */
#define HP_PROFILE_VERSION        2
#define HP_PROFILE_FILE           "profile.json"
#define HP_PROFILE_MAX_FILE_BYTES ((size_t)512 << 20)

/* What one profile.json holds besides the profiles. */
struct hp_profile_set {
    char command[4096];
    char date[64];
    char sampling_note[512]; /* how the sampled profiles were sampled, or "" */
    struct hp_profile *profiles;
    size_t count;
};

/* Writes DIR/profile.json. 0, or -1 with err set. */
int hp_profile_json_write(const char *dir, const struct hp_profile_set *set, struct hp_error *err);

/* Reads PATH (a profile.json, a directory holding one, or a results directory whose profile/
 * holds one) into set. 0, or -1 with err naming the file and the problem. */
int hp_profile_json_read(const char *path, struct hp_profile_set *set, struct hp_error *err);

void hp_profile_set_free(struct hp_profile_set *set);

#endif
