/* diff.h - a bounded unified line diff, for `msggen check`.
 *
 * Owns nothing the caller sees: the diff is appended to the caller's mg_buf.
 * The edit script is the histogram diff that git and JGit use: split both
 * texts at the longest common run around the rarest line they share, and
 * recurse on both sides; a region whose common lines are all frequent (or
 * that has none) falls back to Myers' O(ND) shortest script, bounded by
 * MG_DIFF_MAX_EDITS. Unlike a whole-file Myers search it does not give up on
 * large files that differ in many places: a generated file where 2 000 lines
 * moved still diffs into small hunks. A region past the bounds is shown as a
 * replacement (a correct diff, only not minimal), so time and memory stay
 * bounded for any input.
 */
#ifndef MG_DIFF_H
#define MG_DIFF_H

#include <stddef.h>

#include "buf.h"

/* Edit distance beyond which a Myers search gives up (see above). */
#define MG_DIFF_MAX_EDITS 1000
/* A line that occurs more often than this in a region is never an anchor. */
#define MG_DIFF_MAX_CHAIN 64
/* Steps (line comparisons, table probes) of one diff before every region
 * still open becomes a replacement: about a second for adversarial input. */
#define MG_DIFF_MAX_WORK 200000000ull

/* Appends a unified diff (3 lines of context) turning `a` into `b`, with the
 * headers "--- a_name" and "+++ b_name". At most `max_lines` lines follow the
 * two headers; the rest is summarised as "... N more lines", followed by
 * " (H of T hunks not shown)" when whole hunks were left out. Appends nothing
 * when the texts are equal. Returns the number of diff lines produced in all
 * (before truncation), 0 when equal. */
size_t mg_diff_unified(mg_buf *out, const char *a, size_t alen, const char *b, size_t blen,
                       const char *a_name, const char *b_name, size_t max_lines);

/* Counts the lines the same script adds and removes (`check --stat`).
 * Returns 0 when the texts are equal (both counts 0), else 1. */
int mg_diff_stat(const char *a, size_t alen, const char *b, size_t blen, size_t *added,
                 size_t *removed);

#endif
