/* Flame graphs of profiles (measure/profile.h) as self-contained SVG, written by hotpath itself:
 * an icicle (the root, the runner's frame that calls run(), at the top; callees below), one
 * rectangle per frame (per distinct call path) of width proportional to its inclusive cost of
 * the first event (Ir), siblings in name order. Hovering a frame shows its title: the function
 * and its inclusive cost per op and share of the case. No script, no external resource.
 *
 * The differential graph (old given) draws the new profile's frames, as flamegraph.pl's
 * difffolded does, coloured by the change of each frame's inclusive cost: red grew, blue shrank,
 * white unchanged, the more saturated the larger the change; the title gives both costs. Frames
 * only in the old profile are not drawn (their cost is in the title of their parent's change).
 */
#ifndef HOTPATH_FLAMEGRAPH_H
#define HOTPATH_FLAMEGRAPH_H

#include <stdio.h>

#include "common/error.h"
#include "profile.h"

/* Writes the SVG of p (or of the change old -> p) to f. 0, or -1 (out of memory). */
int hp_flamegraph_svg(FILE *f, const struct hp_profile *p, const struct hp_profile *old,
                      const char *title);

/* The same written to PATH atomically (files.h). 0, or -1 with err set. */
int hp_flamegraph_write(const char *path, const struct hp_profile *p, const struct hp_profile *old,
                        const char *title, struct hp_error *err);

/* The folded stacks ("frame;frame;frame COUNT" a line, the format flamegraph.pl, speedscope and
 * inferno read) of p, the count being the stack's self cost of the first event over the whole
 * measured region (per op x ops: whole instructions, as the tools expect integers). 0, or -1
 * on a write error. */
int hp_folded_write(FILE *f, const struct hp_profile *p);

#endif
