/* config.h - the generator's version and every limit and default, in one place.
 *
 * Nothing here allocates; these are compile-time constants only.
 */
#ifndef MG_CONFIG_H
#define MG_CONFIG_H

#define MG_VERSION "0.1.0"

/* Stop reporting after this many errors (flatcc stops at 10; we allow a little more). */
#define MG_MAX_ERRORS 20

/* Largest input file we read: a catalogue file, template, or data file. */
#define MG_MAX_INPUT_BYTES (32u * 1024u * 1024u)

/* Nesting depth of YAML/JSON documents and of partial/parent template expansion. */
#define MG_MAX_NESTING 256
#define MG_MAX_PARTIAL_DEPTH 64

/* Work and output bounds of one template render (against templates whose
 * partials fan out exponentially, e.g. "{{>p}}{{>p}}" inside p). */
#define MG_MAX_RENDER_STEPS (1L << 22)
#define MG_MAX_OUTPUT_BYTES (64u * 1024u * 1024u)
/* ...raised for `generate` in proportion to the view's size (members), so that
 * big catalogues render: the shipped C target writes about 12 bytes per member
 * of its view, far below these bounds. */
#define MG_RENDER_STEPS_PER_NODE 64
#define MG_OUTPUT_BYTES_PER_NODE 1024

/* Total nodes an alias expansion may produce per document (against alias bombs). */
#define MG_MAX_ALIAS_NODES 100000

/* Hops through $ref chains before we call it a cycle. */
#define MG_MAX_REF_DEPTH 64

/* Where targets go when neither -o nor msggen.yaml says (relative to the
 * current folder). The catalogue has no default: -i or msggen.yaml names it. */
#define MG_DEFAULT_OUT "out"

/* `generate --watch` regenerates once this long has passed without a
 * further change (an editor's save or a checkout is a burst of events). */
#define MG_WATCH_DEBOUNCE_MS 150

/* The interpreting validator (validate.h): errors kept per validation, and
 * nesting of schema evaluation (subschemas and $ref hops together) before we
 * call it a loop; far below what the C stack can take. */
#define MG_MAX_VALIDATE_ERRORS 100
#define MG_MAX_VALIDATE_DEPTH 512

/* PCRE2 match limit per pattern match (backtracking steps), against patterns
 * that would take exponential time on some strings. */
#define MG_MAX_REGEX_STEPS 1000000

#endif
