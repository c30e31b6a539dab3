/* harness.c - roundtrip.c and serialize.c in one program, built once per
 * catalogue (a build is a compile and a link against the library; c-target
 * built two programs per catalogue).
 *
 * Usage: harness roundtrip MANIFEST | harness serialize MANIFEST: the main of
 * roundtrip.c or of serialize.c, with the same arguments and output. Built
 * with the macros both need: -DPFX=PREFIX_ -DCATALOGUE_HEADER='"PREFIX.h"'
 * -DINTERNAL_HEADER='"PREFIX_internal.h"'.
 */
#include <string.h>

/* Each file keeps its own main and slurp, under another name. */
#define main roundtrip_main
#define slurp roundtrip_slurp
#include "roundtrip.c"
#undef main
#undef slurp

#define main serialize_main
#define slurp serialize_slurp
#include "serialize.c"
#undef main
#undef slurp

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "roundtrip") == 0)
        return roundtrip_main(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "serialize") == 0)
        return serialize_main(argc - 1, argv + 1);
    fprintf(stderr, "usage: harness roundtrip|serialize MANIFEST\n");
    return 2;
}
