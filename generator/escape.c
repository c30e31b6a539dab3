/* escape.c - the escape contexts of `{{x}}` (see escape.h; the rules are
 * tabled for users in docs/targets.md, "Escaping"). Each context is a table:
 * replacements for ASCII bytes, two-byte sequences replaced first (comment
 * delimiters), how the other control bytes, the invisible code points and
 * invalid UTF-8 are written. */
#include "escape.h"

#include <stdio.h>
#include <string.h>

#include "text.h"

/* How a control byte without its own entry, an invisible code point, or a
 * byte that is not valid UTF-8 is written. */
typedef enum {
    W_OCTAL,  /* C: \ooo per byte of its UTF-8 form */
    W_C,      /* C: \uXXXX / \UXXXXXXXX (below U+00A0, which C forbids in a UCN: octal bytes) */
    W_PY,     /* Python: \xHH below U+0100, else \uXXXX / \UXXXXXXXX */
    W_JS,     /* JavaScript: \xHH below U+0100, else \uXXXX / \u{X} */
    W_JSON,   /* JSON: \uXXXX, a surrogate pair above U+FFFF */
    W_TOML,   /* TOML: \uXXXX / \UXXXXXXXX */
    W_ENTITY, /* HTML/Markdown: &#xX; (C1 controls, which HTML reads as Windows-1252, as a space) */
    W_SPACE,  /* a space */
    W_UNDERSCORE,
    W_COPY    /* as is */
} write_style;

typedef struct ctx_rules {
    const char *name;
    const char *const *ascii;      /* [128]: replacement of an ASCII byte; NULL: copy (or ctl for controls) */
    const char *const (*pairs)[2]; /* sequences replaced before the byte rules; ends with {NULL, NULL} */
    const char *last_backslash;    /* a '\' ending the value (NULL: ascii['\\']) */
    write_style ctl;               /* bytes < 0x20 and 0x7F without an ascii entry */
    write_style invisible;         /* non-ASCII Cc, Cf, Zl, Zp */
    write_style bad;               /* bytes that are not valid UTF-8 */
    int keep_only_safe;            /* text: everything outside safe_ascii[] and visible UTF-8 is '_' */
} ctx_rules;

/* Unicode 14 code points of categories Cc (above ASCII), Cf, Zl and Zp: the
 * C1 controls, soft hyphen, bidi embeddings, overrides and isolates,
 * zero-width characters, the BOM, interlinear annotation, tags. */
static const uint32_t invisible_ranges[][2] = {
    {0x0080, 0x009F}, {0x00AD, 0x00AD}, {0x0600, 0x0605}, {0x061C, 0x061C}, {0x06DD, 0x06DD},
    {0x070F, 0x070F}, {0x0890, 0x0891}, {0x08E2, 0x08E2}, {0x180E, 0x180E}, {0x200B, 0x200F},
    {0x2028, 0x202E}, {0x2060, 0x2064}, {0x2066, 0x206F}, {0xFEFF, 0xFEFF}, {0xFFF9, 0xFFFB},
    {0x110BD, 0x110BD}, {0x110CD, 0x110CD}, {0x13430, 0x13438}, {0x1BCA0, 0x1BCA3},
    {0x1D173, 0x1D17A}, {0xE0001, 0xE0001}, {0xE0020, 0xE007F},
};

static const char *const c_ascii[128] = {
    ['\\'] = "\\\\", ['"'] = "\\\"", ['\''] = "\\'", ['?'] = "\\?",
    ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};
/* Exact in a literal (\057 is '/', \052 is '*'), no comment delimiter in a comment. */
static const char *const c_pairs[][2] = {{"*/", "*\\057"}, {"/*", "/\\052"}, {NULL, NULL}};

static const char *const py_ascii[128] = {
    ['\\'] = "\\\\", ['"'] = "\\\"", ['\''] = "\\'", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};

static const char *const ts_ascii[128] = {
    ['\\'] = "\\\\", ['"'] = "\\\"", ['\''] = "\\'", ['`'] = "\\`",
    ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
};
static const char *const ts_pairs[][2] = {{"*/", "*\\/"}, {"/*", "/\\*"}, {"${", "$\\{"}, {NULL, NULL}};

static const char *const json_ascii[128] = {
    ['\\'] = "\\\\", ['"'] = "\\\"", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
    ['\b'] = "\\b", ['\f'] = "\\f",
};
/* JSONC (tsconfig.json) has comments; \u002f and \u002a are also valid Go escapes. */
static const char *const json_pairs[][2] = {{"*/", "*\\u002f"}, {"/*", "/\\u002a"}, {NULL, NULL}};

static const char *const toml_ascii[128] = {
    ['\\'] = "\\\\", ['"'] = "\\\"", ['\n'] = "\\n", ['\r'] = "\\r", ['\t'] = "\\t",
    ['\b'] = "\\b", ['\f'] = "\\f",
};

/* make: $ expands, # starts a comment, \ before a line break or # is
 * special; a line break would end the value. */
static const char *const make_ascii[128] = {
    ['$'] = "$$", ['#'] = "\\#", ['\\'] = "/", ['\n'] = " ", ['\r'] = " ", ['\t'] = " ",
};

static const char *const shell_ascii[128] = {
    ['\\'] = "\\\\", ['"'] = "\\\"", ['$'] = "\\$", ['`'] = "\\`",
    ['\n'] = " ", ['\r'] = " ", ['\t'] = " ",
};

static const char *const html_ascii[128] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;",
};

static const char *const md_ascii[128] = {
    ['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['`'] = "&#96;",
    ['\\'] = "&#92;", ['*'] = "&#42;", ['['] = "&#91;", [']'] = "&#93;", ['|'] = "&#124;",
    ['\n'] = " ", ['\r'] = " ", ['\t'] = " ",
};

static const char *const no_ascii[128] = {0};
static const char *const no_pairs[][2] = {{NULL, NULL}};

/* text: letters, digits, space and punctuation that no language we know of
 * gives a meaning inside a string or a comment. */
static int safe_ascii(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && strchr(" .,:-_+=@/~^!()", c) != NULL);
}

/* Indexed by mg_escape. */
static const ctx_rules rules[] = {
    [MG_ESCAPE_HTML] = {"html", html_ascii, no_pairs, NULL, W_COPY, W_COPY, W_COPY, 0},
    [MG_ESCAPE_NONE] = {"none", no_ascii, no_pairs, NULL, W_COPY, W_COPY, W_COPY, 0},
    [MG_ESCAPE_C] = {"c", c_ascii, c_pairs, "\\134", W_OCTAL, W_C, W_OCTAL, 0},
    [MG_ESCAPE_PYTHON] = {"python", py_ascii, no_pairs, NULL, W_PY, W_PY, W_PY, 0},
    [MG_ESCAPE_TS] = {"typescript", ts_ascii, ts_pairs, NULL, W_JS, W_JS, W_JS, 0},
    [MG_ESCAPE_JSON] = {"json", json_ascii, json_pairs, NULL, W_JSON, W_JSON, W_JSON, 0},
    [MG_ESCAPE_TOML] = {"toml", toml_ascii, no_pairs, NULL, W_TOML, W_TOML, W_TOML, 0},
    [MG_ESCAPE_MAKEFILE] = {"makefile", make_ascii, no_pairs, NULL, W_SPACE, W_SPACE, W_UNDERSCORE, 0},
    [MG_ESCAPE_PKGCONFIG] = {"pkgconfig", make_ascii, no_pairs, NULL, W_SPACE, W_SPACE, W_UNDERSCORE, 0},
    [MG_ESCAPE_SHELL] = {"shell", shell_ascii, no_pairs, NULL, W_SPACE, W_SPACE, W_UNDERSCORE, 0},
    [MG_ESCAPE_MARKDOWN] = {"markdown", md_ascii, no_pairs, NULL, W_SPACE, W_ENTITY, W_ENTITY, 0},
    [MG_ESCAPE_TEXT] = {"text", no_ascii, no_pairs, NULL, W_SPACE, W_SPACE, W_UNDERSCORE, 1},
    [MG_ESCAPE_AUTO] = {"auto", no_ascii, no_pairs, NULL, W_SPACE, W_SPACE, W_UNDERSCORE, 1},
};
#define NRULES (sizeof rules / sizeof rules[0])

/* Writes code point cp (whose UTF-8 form is s[0..len)) in style w. */
static void write_cp(mg_buf *b, write_style w, uint32_t cp, const char *s, size_t len)
{
    switch (w) {
    case W_OCTAL:
        for (size_t k = 0; k < len; k++)
            mg_buf_appendf(b, "\\%03o", (unsigned char)s[k]);
        break;
    case W_C:
        if (cp < 0xA0)
            write_cp(b, W_OCTAL, cp, s, len);
        else if (cp <= 0xFFFF)
            mg_buf_appendf(b, "\\u%04x", (unsigned)cp);
        else
            mg_buf_appendf(b, "\\U%08x", (unsigned)cp);
        break;
    case W_PY:
    case W_JS:
        if (cp < 0x100)
            mg_buf_appendf(b, "\\x%02x", (unsigned)cp);
        else if (cp <= 0xFFFF)
            mg_buf_appendf(b, "\\u%04x", (unsigned)cp);
        else
            mg_buf_appendf(b, w == W_PY ? "\\U%08x" : "\\u{%x}", (unsigned)cp);
        break;
    case W_JSON:
        if (cp <= 0xFFFF)
            mg_buf_appendf(b, "\\u%04x", (unsigned)cp);
        else
            mg_buf_appendf(b, "\\u%04x\\u%04x", (unsigned)(0xD800 + ((cp - 0x10000) >> 10)),
                           (unsigned)(0xDC00 + ((cp - 0x10000) & 0x3FF)));
        break;
    case W_TOML:
        mg_buf_appendf(b, cp <= 0xFFFF ? "\\u%04X" : "\\U%08X", (unsigned)cp);
        break;
    case W_ENTITY:
        if (cp >= 0x80 && cp <= 0x9F)
            mg_buf_putc(b, ' ');
        else
            mg_buf_appendf(b, "&#x%X;", (unsigned)cp);
        break;
    case W_SPACE:
        mg_buf_putc(b, ' ');
        break;
    case W_UNDERSCORE:
        mg_buf_putc(b, '_');
        break;
    case W_COPY:
        mg_buf_append(b, s, len);
        break;
    }
}

int mg_escape_invisible(uint32_t cp)
{
    for (size_t k = 0; k < sizeof invisible_ranges / sizeof invisible_ranges[0]; k++)
        if (cp >= invisible_ranges[k][0] && cp <= invisible_ranges[k][1])
            return 1;
    return 0;
}

int mg_escape_parse(const char *name, mg_escape *out)
{
    for (size_t k = 0; k < NRULES; k++)
        if (strcmp(rules[k].name, name) == 0) {
            *out = (mg_escape)k;
            return 0;
        }
    return -1;
}

const char *mg_escape_name(mg_escape e)
{
    return (size_t)e < NRULES ? rules[e].name : "?";
}

const char *mg_escape_names(void)
{
    return "auto, c, python, typescript, json, toml, makefile, pkgconfig, shell, markdown, html, text, none";
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && memcmp(s + n - k, suffix, k) == 0;
}

mg_escape mg_escape_for_path(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    static const struct {
        const char *suffix;
        mg_escape e;
    } by_suffix[] = {
        {".c", MG_ESCAPE_C},         {".h", MG_ESCAPE_C},           {".py", MG_ESCAPE_PYTHON},
        {".pyi", MG_ESCAPE_PYTHON},  {".ts", MG_ESCAPE_TS},         {".tsx", MG_ESCAPE_TS},
        {".js", MG_ESCAPE_TS},       {".mjs", MG_ESCAPE_TS},        {".cjs", MG_ESCAPE_TS},
        {".json", MG_ESCAPE_JSON},   {".toml", MG_ESCAPE_TOML},     {".mk", MG_ESCAPE_MAKEFILE},
        {".pc", MG_ESCAPE_PKGCONFIG}, {".pc.in", MG_ESCAPE_PKGCONFIG}, {".sh", MG_ESCAPE_SHELL},
        {".md", MG_ESCAPE_MARKDOWN}, {".html", MG_ESCAPE_HTML},     {".htm", MG_ESCAPE_HTML},
    };
    if (strcmp(base, "Makefile") == 0 || strcmp(base, "makefile") == 0 || strcmp(base, "GNUmakefile") == 0)
        return MG_ESCAPE_MAKEFILE;
    if (strcmp(base, "Dockerfile") == 0)
        return MG_ESCAPE_SHELL;
    for (size_t k = 0; k < sizeof by_suffix / sizeof by_suffix[0]; k++)
        if (ends_with(base, n, by_suffix[k].suffix) && n > strlen(by_suffix[k].suffix))
            return by_suffix[k].e;
    return MG_ESCAPE_TEXT;
}

/* A byte that every rule of `r` copies as it is (most of any text). */
static int ordinary(const ctx_rules *r, unsigned char c)
{
    if (c >= 0x80 || c < 0x20 || c == 0x7F || r->ascii[c])
        return 0;
    for (size_t k = 0; r->pairs[k][0]; k++)
        if ((unsigned char)r->pairs[k][0][0] == c)
            return 0;
    return !r->keep_only_safe || safe_ascii(c);
}

/* Per context, made on first use: ordinary() of every byte (the scan for the
 * next byte to replace was ordinary()'s loop over the pairs for each byte of
 * the output: 37 M instructions of rendering worker-backend), which bytes
 * start a pair, and the lengths of the ASCII replacements (a strlen per
 * replaced byte). */
typedef struct ctx_table {
    unsigned char plain[256];
    unsigned char pair_first[256];
    unsigned char ascii_len[128];
    unsigned char made;
} ctx_table;

static ctx_table tables[NRULES];

static const ctx_table *table_of(mg_escape e)
{
    ctx_table *t = &tables[e];
    if (!t->made) {
        const ctx_rules *r = &rules[e];
        for (int c = 0; c < 256; c++)
            t->plain[c] = (unsigned char)ordinary(r, (unsigned char)c);
        for (size_t k = 0; r->pairs[k][0]; k++)
            t->pair_first[(unsigned char)r->pairs[k][0][0]] = 1;
        for (int c = 0; c < 128; c++)
            t->ascii_len[c] = (unsigned char)(r->ascii[c] ? strlen(r->ascii[c]) : 0);
        t->made = 1;
    }
    return t;
}

/* The length of the run of ordinary bytes at s[0..n): four bytes a step
 * while all four are (most text has none to replace). */
static size_t plain_run(const unsigned char *plain, const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i + 4 <= n && (plain[s[i]] & plain[s[i + 1]] & plain[s[i + 2]] & plain[s[i + 3]]))
        i += 4;
    while (i < n && plain[s[i]])
        i++;
    return i;
}

int mg_escape_is_plain(mg_escape e, const char *s, size_t n)
{
    if ((size_t)e >= NRULES || e == MG_ESCAPE_NONE)
        return 1;
    return plain_run(table_of(e)->plain, (const unsigned char *)s, n) == n;
}

void mg_escape_append(mg_buf *b, mg_escape e, const char *s, size_t n)
{
    if ((size_t)e >= NRULES || e == MG_ESCAPE_NONE) {
        mg_buf_append(b, s, n);
        return;
    }
    const ctx_rules *r = &rules[e];
    const ctx_table *tab = table_of(e);
    const unsigned char *u = (const unsigned char *)s;
    /* Room for the text as it is, once: a replacement reserves its own. */
    mg_buf_reserve(b, n);
    size_t i = 0;
    while (i < n) {
        size_t run = plain_run(tab->plain, u + i, n - i);
        if (run) {
            mg_buf_reserve(b, run);
            memcpy(b->data + b->len, s + i, run);
            b->len += run;
            b->data[b->len] = '\0';
            i += run;
            if (i == n)
                break;
        }
        unsigned char c = u[i];
        if (tab->pair_first[c]) {
            int matched = 0;
            for (size_t k = 0; r->pairs[k][0]; k++) {
                const char *from = r->pairs[k][0];
                size_t flen = strlen(from);
                if (flen <= n - i && memcmp(s + i, from, flen) == 0) {
                    mg_buf_append_str(b, r->pairs[k][1]);
                    i += flen;
                    matched = 1;
                    break;
                }
            }
            if (matched)
                continue;
        }
        if (c < 0x80) {
            if (c == '\\' && i + 1 == n && r->last_backslash)
                mg_buf_append_str(b, r->last_backslash);
            else if (tab->ascii_len[c])
                mg_buf_append(b, r->ascii[c], tab->ascii_len[c]);
            else if (c < 0x20 || c == 0x7F)
                write_cp(b, r->ctl, c, s + i, 1);
            else if (r->keep_only_safe && !safe_ascii(c))
                mg_buf_putc(b, '_');
            else
                mg_buf_putc(b, (char)c);
            i++;
            continue;
        }
        uint32_t cp;
        size_t len = mg_utf8_decode(u + i, n - i, &cp);
        if (len == 0) {
            write_cp(b, r->bad, 0xFFFD, s + i, 1);
            i++;
        } else {
            if (mg_escape_invisible(cp))
                write_cp(b, r->invisible, cp, s + i, len);
            else
                mg_buf_append(b, s + i, len);
            i += len;
        }
    }
}
