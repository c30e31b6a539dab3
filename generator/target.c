/* target.c - finding, reading and checking a target folder; compiling its
 * templates once.
 *
 * Errors point into target.yaml (mg_doc marks). Template file names are
 * checked like output paths: relative, no "..", so a target reads nothing
 * outside its own folder (and the override folder).
 */
#include "target.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "hmap.h"
#include "names.h"
#include "util.h"

struct mg_target_priv {
    mg_target_file *files;
    size_t nfiles;
    mg_tpl **tpls;        /* owned; one per file */
    char **strs;          /* owned strings the files point to */
    size_t nstrs, capstrs;
    mg_escape escape;
    mg_tpl_set *partials; /* owned */
    char *override_dir;   /* owned; NULL when none */
    mg_buf text;          /* every template text, each followed by a NUL, then target.yaml's;
                           * read on first mg_target_mentions or mg_target_names */
    struct text_file *texts; /* where each template text is in `text` */
    size_t ntexts, captexts;
    int text_read;
    int text_unread;      /* some file of it could not be read */
    int text_unknown;     /* a folder could not be read, or nests deeper than we look */
    int shipped;          /* found by name in the shipped folder */
    mg_buf used;          /* override files loaded as partials, each followed by '\n' */
    mg_hmap names;        /* mg_target_names: the names templates read (char * entries) */
    int names_state;      /* 0: not gathered yet; 1: in `names`; -1: cannot be known */
};

/* A template file read into mg_target_priv.text: text[off, off + len). */
struct text_file {
    char *path; /* owned; as the walk found it ("<dir>/partials/x.mustache") */
    size_t off, len;
};

static const char *const top_keys[] = {"name", "summary", "escape", "files", "types", "reserved",
                                       "reserved_escape", "reserved_catalogue", "naming", "helpers",
                                       NULL};
static const char *const naming_kinds[] = {"type", "field", "message", "method", "constant",
                                           "enum_value", "file", NULL};
static const char *const type_keys[] = {"string", "integer", "number", "boolean", "any", "null",
                                        "object", "array", "map", "ref", "enum", "union", "alias",
                                        "nullable", "formats", NULL};
static const char *const file_keys[] = {"template", "path", "per", "escape", NULL};

static const char *keep(struct mg_target_priv *p, char *s)
{
    p->strs = mg_xgrow(p->strs, p->nstrs, &p->capstrs, sizeof *p->strs);
    p->strs[p->nstrs++] = s;
    return s;
}

static int in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return 1;
    return 0;
}

static char *join_list(const char *const *list)
{
    mg_buf b;
    mg_buf_init(&b);
    for (size_t i = 0; list[i]; i++)
        mg_buf_appendf(&b, "%s%s", i ? ", " : "", list[i]);
    return mg_buf_steal(&b, NULL);
}

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* A relative file name inside a folder: no absolute path, no "..". */
static int safe_relative(const char *s)
{
    if (!*s || s[0] == '/')
        return 0;
    for (const char *p = s; *p;) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (n == 0 || (n == 2 && p[0] == '.' && p[1] == '.'))
            return 0;
        p += n + (e ? 1 : 0);
    }
    return 1;
}

/* Shipped folders live next to the binary, which we find through
 * /proc/self/exe; diagnostics name them relative to the current folder when
 * they are below it (as `make` in the repository shows them). */
static char *relative_to_cwd(const char *abs)
{
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof cwd)) {
        size_t n = strlen(cwd);
        if (strncmp(abs, cwd, n) == 0 && abs[n] == '/')
            return mg_xstrdup(abs + n + 1);
    }
    return mg_xstrdup(abs);
}

static char *path_join(const char *a, const char *b)
{
    mg_buf x;
    mg_buf_init(&x);
    mg_buf_append_str(&x, a);
    if (x.len && x.data[x.len - 1] != '/')
        mg_buf_putc(&x, '/');
    mg_buf_append_str(&x, b);
    return mg_buf_steal(&x, NULL);
}

/* Appends file `path` to `out` as mg_buf_read_file(out, path,
 * MG_MAX_INPUT_BYTES) does (0, or -1 with errno set; `out` stays
 * NUL-terminated), but reads into the buffer itself: stdio's copy through a
 * chunk was two of the three instructions per byte of reading every
 * template a few times a generate (1.4 MB per pass over the four targets). */
static int read_file(mg_buf *out, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat sb;
    int sized = fstat(fd, &sb) == 0;
    if (sized && S_ISDIR(sb.st_mode)) {
        close(fd);
        errno = EISDIR;
        return -1;
    }
    size_t start = out->len;
    mg_buf_reserve(out, sized && sb.st_size > 0 && (unsigned long long)sb.st_size <= MG_MAX_INPUT_BYTES
                            ? (size_t)sb.st_size + 1 /* room left: the next read sees the end */
                            : 4096);
    int rc = 0;
    for (;;) {
        if (out->cap - out->len - 1 == 0)
            mg_buf_reserve(out, 4096);
        size_t room = out->cap - out->len - 1, left = MG_MAX_INPUT_BYTES + (size_t)1 - (out->len - start);
        ssize_t n = read(fd, out->data + out->len, room < left ? room : left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n < 0) {
                rc = -1;
                errno = EIO;
            }
            break;
        }
        out->len += (size_t)n;
        if (out->len - start > MG_MAX_INPUT_BYTES) {
            rc = -1;
            errno = EFBIG;
            break;
        }
    }
    int e = errno;
    close(fd);
    errno = e;
    out->data[out->len] = '\0';
    return rc;
}

/* Reads `escape` of `node` (target.yaml or a `files` entry) into *out when
 * present and valid. */
static void get_escape(mg_target *t, const cJSON *node, mg_escape *out, mg_diag *d)
{
    const cJSON *esc = mg_json_get(node, "escape");
    if (!esc)
        return;
    if (!cJSON_IsString(esc) || mg_escape_parse(esc->valuestring, out) != 0)
        mg_doc_error(d, t->doc, esc, "'escape' must be one of %s (see docs/targets.md, \"Escaping\")",
                     mg_escape_names());
}

/* ---- partials ---- */

static int try_file(const char *dir, const char *sub, const char *name, mg_buf *src, mg_buf *path,
                    mg_mark at, mg_diag *d)
{
    mg_buf p;
    mg_buf_init(&p);
    mg_buf_append_str(&p, dir);
    if (p.len && p.data[p.len - 1] != '/')
        mg_buf_putc(&p, '/');
    mg_buf_appendf(&p, "%s%s.mustache", sub, name);
    int rc = 0;
    if (is_file(mg_buf_cstr(&p))) {
        if (read_file(src, mg_buf_cstr(&p)) != 0) {
            mg_diag_error(d, at, "cannot read partial '%s': %s", mg_buf_cstr(&p), strerror(errno));
            rc = -1;
        } else {
            mg_buf_append_str(path, mg_buf_cstr(&p));
            rc = 1;
        }
    }
    mg_buf_fini(&p);
    return rc;
}

static int load_partial(void *user, const char *name, mg_buf *src, mg_buf *path, mg_buf *why,
                        mg_mark at, mg_diag *d)
{
    mg_target *t = user;
    struct mg_target_priv *p = t->priv;
    if (!safe_relative(name)) {
        mg_buf_appendf(why, "partial names are relative file names without '..'");
        return 0;
    }
    size_t tn = strlen(t->name);
    int rc;
    /* "<target>/name" always means the shipped file: how an override extends it. */
    if (strncmp(name, t->name, tn) == 0 && name[tn] == '/') {
        const char *rest = name + tn + 1;
        if ((rc = try_file(t->dir, "partials/", rest, src, path, at, d)) != 0 ||
            (rc = try_file(t->dir, "", rest, src, path, at, d)) != 0)
            return rc;
        mg_buf_appendf(why, "no %s.mustache in %s/partials/ or %s/", rest, t->dir, t->dir);
        return 0;
    }
    if (p->override_dir &&
        ((rc = try_file(p->override_dir, "partials/", name, src, path, at, d)) != 0 ||
         (rc = try_file(p->override_dir, "", name, src, path, at, d)) != 0)) {
        if (rc > 0) /* for mg_target_check_override: this file replaced or added a partial */
            mg_buf_appendf(&p->used, "%s\n", mg_buf_cstr(path));
        return rc;
    }
    if ((rc = try_file(t->dir, "partials/", name, src, path, at, d)) != 0 ||
        (rc = try_file(t->dir, "", name, src, path, at, d)) != 0)
        return rc;
    mg_buf_appendf(why, "no %s.mustache in %s/partials/ or %s/%s%s", name, t->dir, t->dir,
                   p->override_dir ? " or the override folder " : "",
                   p->override_dir ? p->override_dir : "");
    return 0;
}

/* ---- target.yaml ---- */

static const char *get_string(const mg_target *t, const cJSON *obj, const char *key, int required,
                              mg_diag *d)
{
    const cJSON *v = mg_json_get(obj, key);
    if (!v) {
        if (required)
            mg_doc_error(d, t->doc, obj, "missing '%s'", key);
        return NULL;
    }
    if (!cJSON_IsString(v)) {
        mg_doc_error(d, t->doc, v, "'%s' must be a string", key);
        return NULL;
    }
    return v->valuestring;
}

static void check_keys(const mg_target *t, const cJSON *obj, const char *const *known,
                       const char *where, mg_diag *d)
{
    for (const cJSON *c = obj->child; c; c = c->next)
        if (!in_list(known, c->string)) {
            char *k = join_list(known);
            mg_doc_key_error(d, t->doc, c, "unknown key '%s' in %s (known: %s)",
                             c->string, where, k);
            free(k);
        }
}

/* helpers.vplan asks for the validation plan (vplan.h); its one option,
 * `literal`, names the code context its *_lit strings are escaped with. */
static void check_vplan(const mg_target *t, const cJSON *vplan, mg_diag *d)
{
    static const char *const vplan_keys[] = {"literal", NULL};
    if (!vplan)
        return;
    if (!cJSON_IsObject(vplan)) {
        mg_diag_error(d, mg_doc_mark(t->doc, vplan), "'helpers.vplan' must be a mapping (see docs/templates.md)");
        return;
    }
    for (const cJSON *k = vplan->child; k; k = k->next)
        if (!strcmp(k->string, "string_escapes") || !strcmp(k->string, "byte_escape") ||
            !strcmp(k->string, "escape_non_ascii") || !strcmp(k->string, "unicode_escape")) {
            /* The options of msggen before 'literal': say what replaced them. */
            mg_diag_error(d, mg_doc_key_mark(t->doc, k),
                          "'%s' is no longer read: literals follow the code context named by 'literal' "
                          "(see docs/templates.md, \"Literals\")",
                          k->string);
            return;
        }
    check_keys(t, vplan, vplan_keys, "'helpers.vplan'", d);
    const cJSON *lit = mg_json_get(vplan, "literal");
    mg_escape e;
    if (!lit)
        mg_diag_error(d, mg_doc_mark(t->doc, vplan),
                      "'helpers.vplan' needs 'literal': the code context of its string literals (c, python, typescript or json)");
    else if (!cJSON_IsString(lit) || mg_escape_parse(lit->valuestring, &e) != 0 ||
             (e != MG_ESCAPE_C && e != MG_ESCAPE_PYTHON && e != MG_ESCAPE_TS && e != MG_ESCAPE_JSON))
        mg_diag_error(d, mg_doc_mark(t->doc, lit),
                      "'literal' must be a code context: c, python, typescript or json (see docs/targets.md, \"Escaping\")");
}

/* Keeps the first diagnostic of a nested parse (without its "name: error: "
 * prefix), so that we can report it at the string's place in target.yaml. */
static void first_error(void *user, const char *line)
{
    mg_buf *b = user;
    if (b->len)
        return;
    const char *e = strstr(line, "error: ");
    mg_buf_append_str(b, e ? e + 7 : line);
}

/* Parses a mustache string of target.yaml (an output path, a type-map entry),
 * to report its syntax errors now rather than when the view uses it. */
static void check_mustache_string(const mg_target *t, const cJSON *v, const char *what, mg_diag *d)
{
    /* Without an opening "{{" a template is one text: nothing to report
     * (most type-map entries: "int32_t"). */
    if (!strstr(v->valuestring, "{{"))
        return;
    mg_buf why;
    mg_buf_init(&why);
    mg_diag inner;
    mg_diag_init_sink(&inner, first_error, &why);
    if (mg_tpl_check(what, v->valuestring, strlen(v->valuestring), &inner) != 0)
        mg_doc_error(d, t->doc, v, "%s '%s' is not a valid mustache template: %s", what,
                     v->valuestring, mg_buf_cstr(&why));
    mg_buf_fini(&why);
}

static int check_description(mg_target *t, mg_diag *d)
{
    struct mg_target_priv *p = t->priv;
    const cJSON *root = t->desc;
    int before = d->errors;
    if (!cJSON_IsObject(root)) {
        mg_doc_error(d, t->doc, root, "target.yaml must be a mapping with at least 'files'");
        return -1;
    }
    check_keys(t, root, top_keys, "target.yaml", d);

    const char *name = get_string(t, root, "name", 0, d);
    if (name && t->priv->shipped && strcmp(name, t->name) != 0)
        mg_doc_error(d, t->doc, mg_json_get(root, "name"),
                     "target.yaml names the target '%s', but a shipped target is called by its folder name '%s'",
                     name, t->name);
    else if (name) {
        free(t->name);
        t->name = mg_xstrdup(name);
    }
    const char *summary = get_string(t, root, "summary", 0, d);
    t->summary = mg_xstrdup(summary ? summary : "");

    p->escape = MG_ESCAPE_AUTO;
    get_escape(t, root, &p->escape, d);

    check_vplan(t, mg_json_get(mg_json_get(root, "helpers"), "vplan"), d);

    const cJSON *naming = mg_json_get(root, "naming");
    if (naming && !cJSON_IsObject(naming))
        mg_doc_error(d, t->doc, naming, "'naming' must be a mapping of identifier kind to style");
    else if (naming)
        for (const cJSON *c = naming->child; c; c = c->next) {
            mg_case cs;
            if (!in_list(naming_kinds, c->string)) {
                char *k = join_list(naming_kinds);
                mg_doc_key_error(d, t->doc, c, "unknown identifier kind '%s' in 'naming' (known: %s)",
                                 c->string, k);
                free(k);
            } else if (!cJSON_IsString(c) || mg_case_parse(c->valuestring, &cs) != 0)
                mg_doc_error(d, t->doc, c,
                             "unknown naming style for '%s' (use snake, camel, pascal, screaming, kebab or raw)",
                             c->string);
        }

    const cJSON *types = mg_json_get(root, "types");
    if (types && !cJSON_IsObject(types))
        mg_doc_error(d, t->doc, types, "'types' must be a mapping of model kind to mustache string");
    else if (types) {
        check_keys(t, types, type_keys, "'types'", d);
        for (const cJSON *c = types->child; c; c = c->next) {
            if (strcmp(c->string, "formats") == 0) {
                if (!cJSON_IsObject(c))
                    mg_doc_error(d, t->doc, c, "'types.formats' must be a mapping of format to mustache string");
                else
                    for (const cJSON *f = c->child; f; f = f->next)
                        if (!cJSON_IsString(f))
                            mg_doc_error(d, t->doc, f, "'types.formats.%s' must be a string", f->string);
                        else
                            check_mustache_string(t, f, "type", d);
            } else if (!cJSON_IsString(c))
                mg_doc_error(d, t->doc, c, "'types.%s' must be a string", c->string);
            else if (in_list(type_keys, c->string))
                check_mustache_string(t, c, "type", d);
        }
    }

    const cJSON *reserved = mg_json_get(root, "reserved");
    if (reserved) {
        if (!cJSON_IsArray(reserved))
            mg_doc_error(d, t->doc, reserved, "'reserved' must be a list of words");
        else
            for (const cJSON *c = reserved->child; c; c = c->next)
                if (!cJSON_IsString(c))
                    mg_doc_error(d, t->doc, c, "reserved words must be strings");
    }
    const cJSON *rcat = mg_json_get(root, "reserved_catalogue");
    if (rcat) {
        if (!cJSON_IsArray(rcat))
            mg_doc_error(d, t->doc, rcat, "'reserved_catalogue' must be a list of mustache strings");
        else
            for (const cJSON *c = rcat->child; c; c = c->next)
                if (!cJSON_IsString(c))
                    mg_doc_error(d, t->doc, c, "reserved_catalogue entries must be strings");
                else
                    check_mustache_string(t, c, "reserved_catalogue", d);
    }
    const cJSON *rescape = mg_json_get(root, "reserved_escape");
    if (rescape && !cJSON_IsString(rescape))
        mg_doc_error(d, t->doc, rescape, "'reserved_escape' must be a string");
    else if (rescape)
        check_mustache_string(t, rescape, "reserved_escape", d);

    const cJSON *files = mg_json_get(root, "files");
    if (!files) {
        mg_doc_error(d, t->doc, root, "missing 'files' (the list of templates to render)");
        return -1;
    }
    if (!cJSON_IsArray(files) || !files->child) {
        mg_doc_error(d, t->doc, files,
                     "'files' must be a non-empty list of {template, path, per}");
        return -1;
    }
    size_t n = (size_t)cJSON_GetArraySize(files);
    p->files = calloc(n, sizeof *p->files);
    p->tpls = calloc(n, sizeof *p->tpls);
    if (!p->files || !p->tpls)
        abort();
    for (const cJSON *f = files->child; f; f = f->next) {
        if (!cJSON_IsObject(f)) {
            mg_doc_error(d, t->doc, f, "each entry of 'files' must be a mapping {template, path, per}");
            continue;
        }
        check_keys(t, f, file_keys, "a 'files' entry", d);
        const char *tn = get_string(t, f, "template", 1, d);
        const char *path = get_string(t, f, "path", 1, d);
        const char *per = get_string(t, f, "per", 0, d);
        mg_per pv = MG_PER_CATALOGUE;
        if (per) {
            if (strcmp(per, "catalogue") == 0)
                pv = MG_PER_CATALOGUE;
            else if (strcmp(per, "message") == 0)
                pv = MG_PER_MESSAGE;
            else if (strcmp(per, "type") == 0)
                pv = MG_PER_TYPE;
            else if (strcmp(per, "enum") == 0)
                pv = MG_PER_ENUM;
            else {
                mg_doc_error(d, t->doc, mg_json_get(f, "per"),
                             "unknown 'per: %s' (use catalogue, message, type or enum)", per);
                continue;
            }
        }
        if (!tn || !path)
            continue;
        const cJSON *tnode = mg_json_get(f, "template");
        if (!safe_relative(tn)) {
            mg_doc_error(d, t->doc, tnode,
                         "template '%s' must be a relative file name inside the target folder (no '..')", tn);
            continue;
        }
        const cJSON *pnode = mg_json_get(f, "path");
        check_mustache_string(t, pnode, "output path", d);
        mg_target_file *tf = &p->files[p->nfiles];
        tf->template_name = tn;
        tf->path = path;
        tf->per = pv;
        tf->escape = p->escape;
        get_escape(t, f, &tf->escape, d);
        tf->at = mg_doc_mark(t->doc, pnode);
        mg_buf ptr;
        mg_buf_init(&ptr);
        mg_doc_pointer(t->doc, pnode, &ptr);
        tf->pointer = keep(p, mg_xstrdup(mg_buf_cstr(&ptr)));
        mg_buf_fini(&ptr);

        /* The template: from the override folder when it has one. */
        char *file = NULL;
        if (p->override_dir) {
            file = path_join(p->override_dir, tn);
            if (!is_file(file)) {
                free(file);
                file = NULL;
            }
        }
        if (!file)
            file = path_join(t->dir, tn);
        keep(p, file);
        mg_buf src;
        mg_buf_init(&src);
        if (!is_file(file) || read_file(&src, file) != 0) {
            mg_doc_error(d, t->doc, tnode, "template file '%s' %s", file,
                         is_file(file) ? strerror(errno) : "does not exist");
            mg_buf_fini(&src);
            continue;
        }
        size_t len;
        char *text = mg_buf_steal(&src, &len);
        p->tpls[p->nfiles] = mg_tpl_parse_take(file, text, len, d);
        tf->tpl = p->tpls[p->nfiles];
        p->nfiles++;
    }
    return d->errors > before ? -1 : 0;
}

static mg_target *load(const char *name_or_path, const char *override_dir, mg_diag *d)
{
    int is_path = strchr(name_or_path, '/') || strcmp(name_or_path, ".") == 0 ||
                  strcmp(name_or_path, "..") == 0;
    char *dir = NULL;
    if (is_path) {
        /* "./x" names x: diagnostics then match the loader's normalised paths. */
        while (name_or_path[0] == '.' && name_or_path[1] == '/') {
            name_or_path += 2;
            while (*name_or_path == '/')
                name_or_path++;
        }
        if (!*name_or_path)
            name_or_path = ".";
        size_t n = strlen(name_or_path);
        while (n > 1 && name_or_path[n - 1] == '/')
            n--;
        dir = malloc(n + 1);
        if (!dir)
            abort();
        memcpy(dir, name_or_path, n);
        dir[n] = '\0';
        if (!is_dir(dir)) {
            mg_diag_error(d, mg_mark_at(dir, 0, 0), "target folder does not exist");
            free(dir);
            return NULL;
        }
    } else {
        mg_buf sd;
        mg_buf_init(&sd);
        if (mg_target_shipped_dir(&sd) != 0) {
            mg_diag_error(d, mg_mark_at(NULL, 0, 0), "unknown target '%s': no shipped templates folder (looked in %s; set MSGGEN_TEMPLATES)",
                          name_or_path, mg_buf_cstr(&sd));
            mg_buf_fini(&sd);
            return NULL;
        }
        char *abs = path_join(mg_buf_cstr(&sd), name_or_path);
        mg_buf_fini(&sd);
        if (!safe_relative(name_or_path) || !is_dir(abs)) {
            char **names = mg_target_names_new(d);
            mg_buf list;
            mg_buf_init(&list);
            for (size_t i = 0; names && names[i]; i++)
                mg_buf_appendf(&list, "%s%s", i ? ", " : "", names[i]);
            mg_diag_error(d, mg_mark_at(NULL, 0, 0), "unknown target '%s' (shipped: %s; a folder path needs a '/', e.g. ./%s)",
                          name_or_path, list.len ? mg_buf_cstr(&list) : "none", name_or_path);
            mg_buf_fini(&list);
            mg_target_names_free(names);
            free(abs);
            return NULL;
        }
        dir = relative_to_cwd(abs);
        free(abs);
    }
    if (override_dir && !is_dir(override_dir)) {
        mg_diag_error(d, mg_mark_at(override_dir, 0, 0), "templates override folder does not exist");
        free(dir);
        return NULL;
    }

    mg_target *t = calloc(1, sizeof *t);
    struct mg_target_priv *p = calloc(1, sizeof *p);
    if (p) {
        mg_buf_init(&p->text);
        mg_buf_init(&p->used);
    }
    if (!t || !p)
        abort();
    t->priv = p;
    t->dir = dir;
    const char *base = strrchr(dir, '/');
    t->name = mg_xstrdup(base ? base + 1 : dir);
    if (override_dir)
        p->override_dir = mg_xstrdup(override_dir);
    p->shipped = !is_path;
    char *yaml = path_join(dir, "target.yaml");
    t->docs = mg_docset_new(dir);
    if (!is_file(yaml)) {
        mg_diag_error(d, mg_mark_at(dir, 0, 0), "not a target folder: it has no target.yaml");
        free(yaml);
        mg_target_free(t);
        return NULL;
    }
    t->doc = mg_docset_load(t->docs, yaml, mg_mark_at(NULL, 0, 0), d);
    free(yaml);
    if (!t->doc) {
        mg_target_free(t);
        return NULL;
    }
    t->desc = t->doc->root;
    p->partials = mg_tpl_set_new(load_partial, t);
    mg_tpl_set_strict(p->partials, 1);
    if (check_description(t, d) != 0) {
        mg_target_free(t);
        return NULL;
    }
    return t;
}

/* ---- the override folder ---- */

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The regular files of `dir` (not dot files), sorted; NULL-terminated, or
 * NULL when the folder cannot be read. Free each and the array. */
static char **list_files(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return NULL;
    char **v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *full = path_join(dir, e->d_name);
        if (is_file(full)) {
            v = mg_xgrow(v, n, &cap, sizeof *v);
            v[n++] = mg_xstrdup(e->d_name);
        }
        free(full);
    }
    closedir(dh);
    v = mg_xgrow(v, n, &cap, sizeof *v);
    v[n] = NULL;
    qsort(v, n, sizeof *v, cmp_str);
    return v;
}

static void free_list(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* Does override file `file` (in `sub`: "" or "partials/") of `dir` replace a
 * shipped file of `t`, or was it loaded as a partial while rendering? Also
 * keeps the nearest shipped name in *near (owned by the caller). */
static int override_matches(const mg_target *t, const char *dir, const char *sub, const char *file,
                            char **near, size_t *best)
{
    struct mg_target_priv *p = t->priv;
    int hit = 0;
    const char *subs[] = {"", "partials/"};
    for (size_t i = 0; i < 2 && !hit; i++) {
        mg_buf f;
        mg_buf_init(&f);
        mg_buf_appendf(&f, "%s%s", subs[i], file);
        char *shipped = path_join(t->dir, mg_buf_cstr(&f));
        hit = is_file(shipped);
        free(shipped);
        mg_buf_fini(&f);
        char *sdir = path_join(t->dir, subs[i]);
        char **names = list_files(sdir);
        free(sdir);
        for (size_t j = 0; names && names[j]; j++) {
            size_t dist = mg_edit_distance(file, strlen(file), names[j]);
            if (dist < *best && strstr(names[j], ".mustache")) {
                *best = dist;
                free(*near);
                *near = mg_xstrdup(names[j]);
            }
        }
        free_list(names);
    }
    if (!hit && p) {
        mg_buf f;
        mg_buf_init(&f);
        mg_buf_appendf(&f, "%s%s\n", sub, file);
        char *full = path_join(dir, mg_buf_cstr(&f));
        const char *u = mg_buf_cstr(&p->used);
        for (const char *at = strstr(u, full); at && !hit; at = strstr(at + 1, full))
            hit = at == u || at[-1] == '\n';
        free(full);
        mg_buf_fini(&f);
    }
    return hit;
}

int mg_target_check_override(mg_target *const *ts, size_t n, const char *dir, mg_diag *d)
{
    int rc = 0;
    const char *subs[] = {"", "partials/"};
    for (size_t s = 0; s < 2; s++) {
        char *sdir = path_join(dir, subs[s]);
        char **files = list_files(sdir);
        free(sdir);
        for (size_t i = 0; files && files[i]; i++) {
            char *near = NULL;
            size_t best = (size_t)-1;
            int hit = 0;
            mg_buf names;
            mg_buf_init(&names);
            for (size_t k = 0; k < n; k++) {
                if (!ts[k])
                    continue;
                hit |= override_matches(ts[k], dir, subs[s], files[i], &near, &best);
                mg_buf_appendf(&names, "%s'%s'", names.len ? ", " : "", ts[k]->name);
            }
            if (!hit) {
                char *full = path_join(dir, subs[s]);
                char *file = path_join(full, files[i]);
                size_t limit = mg_typo_distance(strlen(files[i]));
                mg_diag_error(d, mg_mark_at(file, 0, 0),
                              "this override replaces nothing: no template or partial of that name in "
                              "target%s %s%s%s%s",
                              n > 1 ? "s" : "", mg_buf_cstr(&names),
                              near && best <= limit ? " (did you mean '" : "",
                              near && best <= limit ? near : "", near && best <= limit ? "'?)" : "");
                free(file);
                free(full);
                rc = -1;
            }
            free(near);
            mg_buf_fini(&names);
        }
        free_list(files);
    }
    return rc;
}

/* ---- public ---- */

mg_target *mg_target_load(const char *name_or_path, mg_diag *d)
{
    return load(name_or_path, NULL, d);
}

mg_target *mg_target_load_override(const char *name_or_path, const char *override_dir, mg_diag *d)
{
    return load(name_or_path, override_dir, d);
}

/* Appends the contents of file `path` to `out`, and a NUL so that words cannot
 * run across files. Returns -1 when it cannot be read. */
static int append_file(mg_buf *out, const char *path)
{
    int rc = read_file(out, path);
    mg_buf_putc(out, '\0');
    return rc;
}

/* Lists every .mustache file under `dir` (subfolders too, 8 levels) in
 * p->texts, with its size in `len` (read_texts reads them); a folder that
 * cannot be read (other than one that does not exist) or a deeper one sets
 * text_unknown. */
static void list_templates(struct mg_target_priv *p, const char *dir, int depth)
{
    DIR *d = depth < 8 ? opendir(dir) : NULL;
    if (!d) {
        if (depth >= 8 || errno != ENOENT)
            p->text_unknown = 1;
        return;
    }
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = path_join(dir, e->d_name);
        size_t n = strlen(e->d_name);
        struct stat sb;
        if (is_dir(sub)) {
            list_templates(p, sub, depth + 1);
        } else if (n > 9 && strcmp(e->d_name + n - 9, ".mustache") == 0 && stat(sub, &sb) == 0 &&
                   S_ISREG(sb.st_mode)) {
            p->texts = mg_xgrow(p->texts, p->ntexts, &p->captexts, sizeof *p->texts);
            p->texts[p->ntexts++] = (struct text_file){sub, 0, sb.st_size > 0 ? (size_t)sb.st_size : 0};
            sub = NULL;
        }
        free(sub);
    }
    closedir(d);
}

/* The texts mg_target_mentions searches and mg_target_names reads: the
 * target folder's templates, the override folder's, then target.yaml; read
 * once for both, into one buffer sized from the files' sizes (growing it
 * file by file copied it over and over). A file that cannot be read sets
 * text_unread and stays out of p->texts. */
static void read_texts(const mg_target *t)
{
    struct mg_target_priv *p = t->priv;
    if (p->text_read)
        return;
    p->text_read = 1;
    list_templates(p, t->dir, 0);
    if (p->override_dir)
        list_templates(p, p->override_dir, 0);
    size_t want = 4096;
    for (size_t i = 0; i < p->ntexts; i++)
        want += p->texts[i].len < MG_MAX_INPUT_BYTES ? p->texts[i].len + 1 : 0;
    mg_buf_reserve(&p->text, want);
    size_t k = 0;
    for (size_t i = 0; i < p->ntexts; i++) {
        struct text_file f = p->texts[i];
        f.off = p->text.len;
        if (append_file(&p->text, f.path) != 0) {
            p->text_unread = 1;
            free(f.path);
            continue;
        }
        f.len = p->text.len - 1 - f.off;
        p->texts[k++] = f;
    }
    p->ntexts = k;
    if (t->doc && append_file(&p->text, t->doc->path) != 0)
        p->text_unread = 1;
}

static void free_texts(struct mg_target_priv *p)
{
    mg_buf_fini(&p->text);
    mg_buf_init(&p->text);
    for (size_t i = 0; i < p->ntexts; i++)
        free(p->texts[i].path);
    free(p->texts);
    p->texts = NULL;
    p->ntexts = p->captexts = 0;
    p->text_read = p->text_unread = p->text_unknown = 0;
}

void mg_target_free(mg_target *t)
{
    if (!t)
        return;
    struct mg_target_priv *p = t->priv;
    if (p) {
        for (size_t i = 0; i < p->nfiles; i++)
            mg_tpl_free(p->tpls[i]);
        free(p->tpls);
        free(p->files);
        for (size_t i = 0; i < p->nstrs; i++)
            free(p->strs[i]);
        free(p->strs);
        mg_tpl_set_free(p->partials);
        free(p->override_dir);
        free_texts(p);
        mg_buf_fini(&p->text);
        mg_buf_fini(&p->used);
        if (p->names_state > 0)
            mg_hmap_fini(&p->names);
        free(p);
    }
    if (t->docs)
        mg_docset_free(t->docs);
    free(t->name);
    free(t->summary);
    free(t->dir);
    free(t);
}

size_t mg_target_nfiles(const mg_target *t)
{
    return t->priv->nfiles;
}

const mg_target_file *mg_target_file_get(const mg_target *t, size_t i)
{
    return i < t->priv->nfiles ? &t->priv->files[i] : NULL;
}

mg_escape mg_target_file_escape(const mg_target_file *f, const char *path)
{
    return f->escape == MG_ESCAPE_AUTO ? mg_escape_for_path(path) : f->escape;
}

mg_tpl_set *mg_target_partials(const mg_target *t)
{
    return t->priv->partials;
}

int mg_target_shipped_dir(mg_buf *out)
{
    const char *env = getenv("MSGGEN_TEMPLATES");
    if (env && *env) {
        if (is_dir(env)) {
            mg_buf_append_str(out, env);
            return 0;
        }
        mg_buf_appendf(out, "$MSGGEN_TEMPLATES=%s", env);
        return -1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0) {
        mg_buf_append_str(out, "/proc/self/exe (unreadable)");
        return -1;
    }
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    /* ./msggen in the source tree, an installed bin/msggen, and a binary in a
     * build folder of the source tree (build-asan/msggen). */
    static const char *const rel[] = {"templates", "../share/msggen/templates", "../templates"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        char *p = path_join(exe, rel[i]);
        if (is_dir(p)) {
            char *r = realpath(p, NULL);
            mg_buf_reset(out);
            mg_buf_append_str(out, r ? r : p);
            free(r);
            free(p);
            return 0;
        }
        mg_buf_appendf(out, "%s%s", i ? (i + 1 < sizeof rel / sizeof rel[0] ? ", " : " and ") : "", p);
        free(p);
    }
    return -1;
}

char **mg_target_names_new(mg_diag *d)
{
    mg_buf sd;
    mg_buf_init(&sd);
    if (mg_target_shipped_dir(&sd) != 0) {
        mg_diag_error(d, mg_mark_at(NULL, 0, 0), "no shipped templates folder (looked in %s; set MSGGEN_TEMPLATES)",
                      mg_buf_cstr(&sd));
        mg_buf_fini(&sd);
        return NULL;
    }
    size_t n = 0, cap = 8;
    char **v = malloc(cap * sizeof *v);
    if (!v)
        abort();
    DIR *dir = opendir(mg_buf_cstr(&sd));
    for (struct dirent *e; dir && (e = readdir(dir));) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = path_join(mg_buf_cstr(&sd), e->d_name);
        char *yaml = path_join(sub, "target.yaml");
        if (is_file(yaml)) {
            if (n + 1 >= cap) {
                cap *= 2;
                v = realloc(v, cap * sizeof *v);
                if (!v)
                    abort();
            }
            v[n++] = mg_xstrdup(e->d_name);
        }
        free(sub);
        free(yaml);
    }
    if (dir)
        closedir(dir);
    qsort(v, n, sizeof *v, cmp_str);
    v[n] = NULL;
    mg_buf_fini(&sd);
    return v;
}

void mg_target_names_free(char **names)
{
    if (!names)
        return;
    for (size_t i = 0; names[i]; i++)
        free(names[i]);
    free(names);
}

/* Whether word[0..wl) occurs in text[0..n), wl > 0. Each view build asks
 * about 6 words, each a scan of every template: a byte loop was 18 M
 * instructions of a 4-target generate, memchr on the word's first letter (a
 * common one: 83 000 false starts) and memcmp 7.0 M. Horspool's search looks
 * at the byte under the word's last position and skips by how far that byte
 * is from the word's end (the whole length for a byte not in it). */
static int find_word(const char *text, size_t n, const char *word, size_t wl)
{
    if (wl > n)
        return 0;
    size_t skip[256];
    for (size_t i = 0; i < 256; i++)
        skip[i] = wl;
    for (size_t i = 0; i + 1 < wl; i++)
        skip[(unsigned char)word[i]] = wl - 1 - i;
    const unsigned char last = (unsigned char)word[wl - 1];
    for (size_t at = 0; at + wl <= n;) {
        unsigned char c = (unsigned char)text[at + wl - 1];
        if (c == last && memcmp(text + at, word, wl - 1) == 0)
            return 1;
        at += skip[c];
    }
    return 0;
}

int mg_target_mentions(const mg_target *t, const char *word)
{
    struct mg_target_priv *p = t->priv;
    if (!p) /* made in memory, not loaded from a folder: it may name anything */
        return 1;
    read_texts(t);
    if (p->text_unread) /* it may name anything; its own load reports it */
        return 1;
    size_t wl = strlen(word);
    return wl && p->text.data && find_word(p->text.data, p->text.len, word, wl);
}

/* ---- the names templates read ---- */

/* The set being gathered, and the names put last by a cheap hash of their
 * length and ends: most names come again and again ("name", "fields"), and
 * the set's own lookup of each (hash, probe, compare) was two thirds of
 * gathering a compiled template's names. */
#define NAME_SEEN 256
struct name_set {
    mg_hmap *h;
    const char *seen[NAME_SEEN]; /* keys of h */
};

static void put_name(void *user, const char *name, size_t len)
{
    struct name_set *s = user;
    size_t slot = len ? (len * 31u + (unsigned char)name[0] * 7u + (unsigned char)name[len - 1]) % NAME_SEEN : 0;
    const char *seen = s->seen[slot];
    if (seen && strncmp(seen, name, len) == 0 && seen[len] == '\0')
        return;
    char key[256];
    void *e;
    if (len >= sizeof key) { /* no view key is this long: keep it anyway */
        char *k = mg_xstrndup(name, len);
        e = mg_hmap_put_str(s->h, k, NULL);
        free(k);
    } else {
        memcpy(key, name, len);
        key[len] = '\0';
        e = mg_hmap_put_str(s->h, key, NULL);
    }
    memcpy(&s->seen[slot], e, sizeof(char *));
}

/* Adds the names template text src[0..len) reads. Returns -1 when its tags
 * do not read (a render that used it would fail; we cannot know what it
 * reads). */
static int names_of_text(struct name_set *h, const char *src, size_t len)
{
    return mg_tpl_names_text(src, len, put_name, h);
}

/* The mustache strings of target.yaml under `node` (types, reserved_escape,
 * reserved_catalogue: the view renders them). */
static int names_of_yaml(struct name_set *h, const cJSON *node)
{
    if (cJSON_IsString(node))
        return names_of_text(h, node->valuestring, strlen(node->valuestring));
    const cJSON *c;
    cJSON_ArrayForEach(c, node)
        if (names_of_yaml(h, c) < 0)
            return -1;
    return 0;
}

/* The names of every .mustache file under the target and override folders
 * (as the partial loader may find them), of the compiled templates of
 * `files` and their output paths, and of target.yaml's mustache strings. A
 * file compiled as one of `files` (its name in `compiled`: mg_tpl_name)
 * whose compiled template gives all its names is not tokenized again: that
 * was 7.9 M instructions of the four shipped targets' 10.7 M, and reading it
 * again (to look for a parent tag) most of the rest. */
static int gather_names(const mg_target *t, struct name_set *h)
{
    struct mg_target_priv *p = t->priv;
    read_texts(t);
    if (p->text_unread || p->text_unknown)
        return -1;
    mg_hmap compiled; /* the file names of the compiled templates of `files` */
    mg_hmap_init_str(&compiled, sizeof(char *));
    for (size_t i = 0; i < p->nfiles; i++)
        if (p->files[i].tpl && mg_tpl_names_complete(p->files[i].tpl))
            mg_hmap_put_str(&compiled, mg_tpl_name(p->files[i].tpl), NULL);
    int rc = 0;
    for (size_t i = 0; i < p->ntexts && rc == 0; i++)
        if (!mg_hmap_get_str(&compiled, p->texts[i].path))
            rc = names_of_text(h, p->text.data + p->texts[i].off, p->texts[i].len);
    mg_hmap_fini(&compiled);
    if (rc)
        return -1;
    for (size_t i = 0; i < p->nfiles; i++) {
        const mg_target_file *f = &p->files[i];
        if (f->tpl)
            mg_tpl_names(f->tpl, put_name, h);
        if (f->path && names_of_text(h, f->path, strlen(f->path)) < 0)
            return -1;
    }
    static const char *const rendered[] = {"types", "reserved_escape", "reserved_catalogue"};
    for (size_t i = 0; i < sizeof rendered / sizeof rendered[0]; i++)
        if (names_of_yaml(h, mg_json_get(t->desc, rendered[i])) < 0)
            return -1;
    return 0;
}

const mg_hmap *mg_target_names(const mg_target *t)
{
    struct mg_target_priv *p = t->priv;
    if (!p || !t->dir) /* made in memory: it may read anything */
        return NULL;
    if (p->names_state == 0) {
        mg_hmap_init_str(&p->names, sizeof(char *));
        p->names_state = 1;
        struct name_set set = {&p->names, {NULL}};
        if (gather_names(t, &set) < 0) {
            mg_hmap_fini(&p->names);
            p->names_state = -1;
        }
    }
    return p->names_state > 0 ? &p->names : NULL;
}

void mg_target_reset_partials(mg_target *t)
{
    struct mg_target_priv *p = t->priv;
    if (!p)
        return;
    mg_tpl_set_free(p->partials);
    p->partials = mg_tpl_set_new(load_partial, t);
    mg_tpl_set_strict(p->partials, 1);
}

void mg_target_release_templates(mg_target *t)
{
    struct mg_target_priv *p = t->priv;
    if (!p)
        return;
    for (size_t i = 0; i < p->nfiles; i++) {
        mg_tpl_free(p->tpls[i]);
        p->tpls[i] = NULL;
        p->files[i].tpl = NULL;
    }
    mg_target_reset_partials(t);
    /* Read again if asked (nothing asks after the renders). */
    free_texts(p);
    if (p->names_state > 0)
        mg_hmap_fini(&p->names);
    p->names_state = 0;
}
