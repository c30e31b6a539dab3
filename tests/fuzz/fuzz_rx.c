/* fuzz_rx.c - libFuzzer harness for the pattern compiler and its VM (rx.h).
 *
 * The input is a pattern, a NUL byte, then a subject. The pattern is
 * compiled; a compiled program must stay within MG_RX_MAX_PROGRAM and be run
 * on the subject, which must answer 1, 0 or -1 (not UTF-8). Any crash,
 * sanitizer report or other answer is a bug. (tests/unit/test_rx.c checks the
 * verdicts against PCRE2 on random patterns.)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t plen = nul ? (size_t)(nul - data) : size;
    char *pattern = malloc(plen + 1);
    if (!pattern)
        return 0;
    memcpy(pattern, data, plen);
    pattern[plen] = '\0';
    const char *subject = nul ? (const char *)nul + 1 : "";
    size_t slen = nul ? size - plen - 1 : 0;
    int *prog = NULL;
    size_t len = 0;
    const char *why = NULL;
    if (mg_rx_compile(pattern, &prog, &len, &why) == 0) {
        if (len == 0 || len > MG_RX_MAX_PROGRAM)
            abort();
        int r = mg_rx_search(prog, len, subject, slen);
        if (r < -1 || r > 1)
            abort();
        free(prog);
    } else if (!why) {
        abort(); /* a refusal always says why */
    }
    free(pattern);
    return 0;
}
