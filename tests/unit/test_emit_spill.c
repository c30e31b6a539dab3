/* test_emit_spill.c - test_emit.c again, with every run()'s files written to
 * a spill file as they are added and read back by emit (emit.h), as
 * `generate` and `check` do. */
#define EMIT_TEST_SPILL 1
#include "test_emit.c"
