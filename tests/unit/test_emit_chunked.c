/* test_emit_chunked.c - test_emit.c again, every file streamed into a spill
 * as render_one does (mg_emit_stream_begin), and emit reading spilled and
 * existing files MG_EMIT_CHUNK = 3 bytes at a time, so that every compare,
 * write and hash of a file crosses chunk boundaries. */
#define MG_EMIT_CHUNK 3
#define EMIT_TEST_SPILL 1
#define EMIT_TEST_STREAM 1
#include "test_emit.c"
