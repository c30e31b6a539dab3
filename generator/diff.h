/* diff.h - a bounded unified line diff, for `msggen check`.
 *
 * Owns nothing the caller sees: the diff is appended to the caller's mg_buf.
 * The edit script is Myers' O(ND) algorithm over lines after trimming the
 * common prefix and suffix; when the two texts differ in more than
 * MG_DIFF_MAX_EDITS lines we stop searching for the shortest script and show
 * the remaining middle as one replacement (still a correct diff, only not
 * minimal), so time and memory stay bounded for any input.
 */
#ifndef MG_DIFF_H
#define MG_DIFF_H

#include <stddef.h>

#include "buf.h"

/* Edit distance beyond which we give up on a minimal script (see above). */
#define MG_DIFF_MAX_EDITS 1000

/* Appends a unified diff (3 lines of context) turning `a` into `b`, with the
 * headers "--- a_name" and "+++ b_name". At most `max_lines` lines follow the
 * two headers; the rest is summarised as "... N more lines". Appends nothing
 * when the texts are equal. Returns the number of diff lines produced in all
 * (before truncation), 0 when equal. */
size_t mg_diff_unified(mg_buf *out, const char *a, size_t alen, const char *b, size_t blen,
                       const char *a_name, const char *b_name, size_t max_lines);

#endif
