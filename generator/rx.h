/* rx.h - JSON Schema patterns compiled to a linear-time matching program.
 *
 * A backtracking matcher (PCRE2, Python's re, JavaScript's RegExp) takes
 * exponential time on patterns such as '^(a+)+$'. The patterns that need no
 * backtracking feature (no backreferences, no lookaround) are compiled here
 * into a program for a Thompson NFA / Pike VM that matches in O(n * m) time
 * (n code points of the subject, m instructions), with PCRE2's meaning as
 * msggen validate runs it (UTF, PCRE2_DOLLAR_ENDONLY, PCRE2_ALT_BSUX): \d \w
 * \s and \b are ASCII, '.' is any code point but '\n', '^' is the start and
 * '$' the very end of the subject, and a match is searched anywhere (not
 * anchored). msggen validate and every generated validator run this program;
 * the generated ones carry it as a table of integers (validation.patterns[]
 * .prog in the view), so each target needs only the small VM of mg_rx_search.
 *
 * A program is a flat array of integers; an instruction is its opcode and
 * operands, and a jump target is an index into the array:
 *   MG_RX_MATCH                      the subject matches
 *   MG_RX_SET  n lo1 hi1 .. lon hin  one code point in one of n ranges
 *   MG_RX_SPLIT x y                  continue at both x and y
 *   MG_RX_JMP x
 *   MG_RX_BOL, MG_RX_EOL             at the start / the very end
 *   MG_RX_WORDB, MG_RX_NWORDB        at / not at an ASCII word boundary
 *
 * Owns nothing: a compiled program belongs to the caller (free()).
 */
#ifndef MG_RX_H
#define MG_RX_H

#include <stddef.h>
#include <stdint.h>

enum { MG_RX_MATCH, MG_RX_SET, MG_RX_SPLIT, MG_RX_JMP, MG_RX_BOL, MG_RX_EOL, MG_RX_WORDB, MG_RX_NWORDB };

/* Programs stop growing here (counted repetition is expanded). */
#define MG_RX_MAX_PROGRAM 20000

/* Compiles `pattern` (UTF-8). Returns 0 and sets *prog (free()) and *len; or
 * -1 and sets *why to what keeps it from being compiled (a static string:
 * "a backreference", "lookaround", "invalid", ...): such a pattern is matched
 * by PCRE2 with its backtracking limit only. */
int mg_rx_compile(const char *pattern, int **prog, size_t *len, const char **why);

/* Whether the program matches somewhere in the UTF-8 string s (n bytes);
 * -1 when s is not valid UTF-8 (PCRE2 in UTF mode never matches it). */
int mg_rx_search(const int *prog, size_t len, const char *s, size_t n);

#endif
