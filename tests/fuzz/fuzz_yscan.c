/* fuzz_yscan.c - libFuzzer harness for the fast YAML path (yscan.c),
 * differential against libyaml.
 *
 * For each input, yscan must either give up (leaving no events) or give
 * exactly libyaml's event stream: types, start marks, scalar styles,
 * lengths and bytes, with libyaml reading the whole stream without error
 * (the comparison is tests/unit/yscan_diff.h, shared with the unit test).
 * Built and run by `make fuzz` (ASan + UBSan); any difference aborts.
 * Seeds: tests/fuzz/seeds/fuzz_load (and any YAML given on the command line).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/yscan_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mg_yscan s; /* kept across inputs: reuse is part of what is tested */
    char why[512];
    if (yscan_diff(&s, (const char *)data, size, why, sizeof why) == YSCAN_DIFFERENT) {
        fprintf(stderr, "yscan differs from libyaml: %s\n", why);
        abort();
    }
    return 0;
}
