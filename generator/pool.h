/* pool.h - the small-block allocator behind msggen's cJSON trees.
 *
 * A `generate` of the worker-backend catalogue builds about 1.4 million cJSON
 * nodes and strings (four views, the validation plans, the loaded documents)
 * and frees them again; with glibc's malloc that was a third of the run
 * (callgrind). mg_pool_install() routes cJSON's allocations through size-class
 * free lists carved from 64 KiB chunks: a block is taken and given back in a
 * few instructions, and what one view frees the next one reuses.
 *
 * Blocks up to MG_POOL_MAX bytes come from the pool, bigger ones from malloc.
 * The pool is one reservation of address space (MAP_NORESERVE: pages are
 * committed as they are first used; in huge pages where the system has them
 * on request) cut into 64 KiB chunks, each holding
 * blocks of one size (a multiple of 8 bytes). A block has no header: its
 * chunk is its address rounded down, and whether it is a pool block at all is
 * whether its address is in the reservation. A cJSON node takes its 64 bytes
 * and no more (80 with the per-block header this replaced: 20% of a view).
 * A chunk whose blocks are all freed is reused by any size. Single-threaded, as msggen
 * is. mg_pool_release() unmaps everything. Where no address space can be
 * reserved (64 MiB at least), every block comes from malloc; blocks past the
 * end of the reservation do too.
 *
 * MSGGEN_MALLOC=system in the environment leaves cJSON on malloc, so that
 * valgrind and the sanitizers see every block (`make valgrind` sets it; ASan
 * builds never install the pool).
 */
#ifndef MG_POOL_H
#define MG_POOL_H

#include <stddef.h>

#define MG_POOL_MAX 248

/* Makes cJSON allocate from the pool, unless MSGGEN_MALLOC=system or the build
 * is sanitized. Call before any cJSON allocation; returns 1 if installed. */
int mg_pool_install(void);

/* 1 when mg_pool_install() installed the pool. Only msggen's main() installs
 * it, and not under MSGGEN_MALLOC=system (valgrind) or in sanitized builds:
 * where the pool is installed nobody checks for leaks, so a caller that knows
 * the process exits next (run.c, a single generate or check) may leave its
 * frees to the exit. Where it is not, everything must still be freed. */
int mg_pool_installed(void);

/* Frees every chunk. Only at exit: a block still in use (a single generate
 * leaves its frees to the exit: run.c) is gone with its chunk. */
void mg_pool_release(void);

/* Gives the pages of the empty chunks back to the system (madvise, where
 * there is MADV_DONTNEED; the chunks are reused as fresh ones), and malloc's
 * free pages (glibc's malloc_trim; elsewhere nothing). For the moments
 * between a big free and a big allocation of the other allocator: the pool
 * and malloc do not reuse each other's freed memory, and main.c keeps
 * malloc from giving it back on its own. Costs a system call per run of
 * adjacent empty chunks and the page faults of reusing them; returns the
 * number of runs (calls). */
size_t mg_pool_trim(void);

/* The allocator itself (also usable without cJSON, e.g. by the unit tests).
 * mg_pool_free(NULL) does nothing; allocation failure aborts. */
void *mg_pool_alloc(size_t n);
void mg_pool_free(void *p);

/* Bytes of chunks in use, and bytes handed out (pool blocks only; counted
 * by walking the chunks, for tests and measurements). */
size_t mg_pool_chunk_bytes(void);
size_t mg_pool_used_bytes(void);

#endif
