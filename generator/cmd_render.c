/* cmd_render.c - `msggen render`: one mustache template, one data file, output
 * byte for byte to stdout or to a file (written through a temp file and a
 * rename, only after the whole template rendered). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "cli.h"
#include "config.h"
#include "diag.h"
#include "load.h"
#include "mustache.h"

const char mg_help_render[] =
    "usage: msggen render TEMPLATE [DATA.json|DATA.yaml|-] [--partials DIR]...\n"
    "                     [--escape CONTEXT] [--missing-partials error|empty] [--strict]\n"
    "                     [-o FILE]\n"
    "\n"
    "Renders one mustache template (spec v1.4, with the inheritance and dynamic-names\n"
    "modules) with the data in DATA (JSON or YAML; '-' reads standard input; no\n"
    "DATA: an empty context) and writes the result, byte for byte, to standard\n"
    "output or FILE.\n"
    "\n"
    "options:\n"
    "  -p, --partials DIR       look up {{>name}} and {{<name}} as DIR/name.mustache;\n"
    "                           repeat to search several folders in order\n"
    "                           (default: the template's own folder)\n"
    "  -e, --escape MODE        html (default, as the spec says): {{x}} escapes & < > \";\n"
    "                           none: {{x}} is written as is; or a file context of\n"
    "                           docs/targets.md (c, python, typescript, json, toml,\n"
    "                           makefile, pkgconfig, shell, markdown, text)\n"
    "      --missing-partials M error (default): an unknown partial is an error;\n"
    "                           empty: it renders as nothing, as the spec says\n"
    "      --strict             a name the data does not have ({{x}}, {{#x}}, {{^x}})\n"
    "                           is an error naming the nearest keys, as in generate\n"
    "                           (default: empty / false, as the spec says)\n"
    "  -o, --output FILE        write to FILE (via a temp file and rename; nothing is\n"
    "                           written when rendering fails)\n"
    "  -h, --help               show this help\n"
    "\n"
    "Errors are one line, 'file:line:col: error: message'. Exit status: 0 ok,\n"
    "1 error in the template, a partial or the data, 2 usage error.\n"
    "\n"
    "examples:\n"
    "  msggen render greeting.mustache data.json\n"
    "  echo '{\"name\": \"x\"}' | msggen render t.mustache - --escape none -o out.c\n"
    "  msggen render page.mustache data.json --partials partials/ --partials shared/\n";

static const mg_cmd *render_cmd(void)
{
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, "render") == 0)
            return &mg_cmds[i];
    return NULL;
}

typedef struct {
    const char **dirs;
    int ndirs;
} partial_dirs;

static void join_path(mg_buf *b, const char *dir, const char *name)
{
    if (strcmp(dir, ".") != 0) {
        mg_buf_append_str(b, dir);
        if (b->len && b->data[b->len - 1] != '/')
            mg_buf_putc(b, '/');
    }
    mg_buf_append_str(b, name);
    mg_buf_append_str(b, ".mustache");
}

/* A partial name may name a file in a subfolder ("c/header"), but never a file
 * outside the partials folders. */
static int name_stays_inside(const char *name)
{
    if (name[0] == '/' || name[0] == '\0')
        return 0;
    for (const char *p = name; *p;) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return 0;
        p += n + (slash ? 1 : 0);
    }
    return 1;
}

static int load_partial(void *user, const char *name, mg_buf *src, mg_buf *path, mg_buf *why,
                        mg_mark at, mg_diag *d)
{
    const partial_dirs *pd = user;
    if (!name_stays_inside(name)) {
        mg_buf_append_str(why, "a partial name must be a relative path without '..'");
        return 0;
    }
    for (int i = 0; i < pd->ndirs; i++) {
        mg_buf_reset(path);
        join_path(path, pd->dirs[i], name);
        struct stat st;
        if (stat(mg_buf_cstr(path), &st) < 0 && errno == ENOENT)
            continue;
        if (mg_buf_read_file(src, mg_buf_cstr(path), MG_MAX_INPUT_BYTES) < 0) {
            mg_diag_error(d, at, "cannot read partial '%s' from %s: %s", name, mg_buf_cstr(path),
                          strerror(errno));
            return -1;
        }
        return 1;
    }
    mg_buf_appendf(why, "no %s.mustache in ", name);
    for (int i = 0; i < pd->ndirs; i++)
        mg_buf_appendf(why, "%s%s", i ? ", " : "", pd->dirs[i]);
    return 0;
}

/* Reads the data file, JSON or YAML ("-" is standard input), through the
 * loader, so its errors carry the same positions and wording as a catalogue's. */
static cJSON *read_data(const char *path, mg_diag *d)
{
    return mg_load_data_file(path, d);
}

/* Writes `out` to `path` through a temp file in the same folder, renamed over
 * `path` only once everything is written. */
static int write_atomic(const char *path, const mg_buf *out, mg_diag *d)
{
    mg_buf tmp;
    mg_buf_init(&tmp);
    mg_buf_appendf(&tmp, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        mg_diag_error(d, mg_mark_at(path, 0, 0), "cannot create a temp file next to it: %s",
                      strerror(errno));
        mg_buf_fini(&tmp);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    int ok = fchmod(fd, 0666 & ~mask) == 0;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        ok = 0;
    } else {
        if (out->len && fwrite(out->data, 1, out->len, f) != out->len)
            ok = 0;
        if (fclose(f) != 0)
            ok = 0;
    }
    int err = errno;
    if (ok && rename(tmp.data, path) != 0) {
        err = errno;
        ok = 0;
    }
    if (!ok) {
        unlink(tmp.data);
        mg_diag_error(d, mg_mark_at(path, 0, 0), "cannot write output: %s", strerror(err));
    }
    mg_buf_fini(&tmp);
    return ok ? 0 : -1;
}

int mg_cmd_render(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"help", no_argument, 0, 'h'},
        {"partials", required_argument, 0, 'p'},
        {"escape", required_argument, 0, 'e'},
        {"missing-partials", required_argument, 0, 'm'},
        {"strict", no_argument, 0, 'S'},
        {"output", required_argument, 0, 'o'},
        {0, 0, 0, 0},
    };
    const mg_cmd *cmd = render_cmd();
    mg_cli cli;
    mg_cli_begin(&cli, cmd, argc, argv, "p:e:o:", longopts);
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    int ndirs = 0, strict = 1, strict_names = 0, c, rc = MG_EXIT_OK;
    mg_escape esc = MG_ESCAPE_HTML;
    const char *output = NULL;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END) {
        if (c == MG_CLI_STOP) {
            free(dirs);
            return cli.exit_code;
        }
        if (c == 'p') {
            dirs[ndirs++] = optarg;
        } else if (c == 'e') {
            if (mg_escape_parse(optarg, &esc) != 0 || esc == MG_ESCAPE_AUTO) {
                free(dirs);
                return mg_cli_usage(cmd, "bad value '%s' for --escape (use html, none, c, python, typescript, json, toml, makefile, pkgconfig, shell, markdown or text)", optarg);
            }
        } else if (c == 'm') {
            if (strcmp(optarg, "error") == 0)
                strict = 1;
            else if (strcmp(optarg, "empty") == 0)
                strict = 0;
            else {
                free(dirs);
                return mg_cli_usage(cmd, "bad value '%s' for --missing-partials (use error or empty)",
                                    optarg);
            }
        } else if (c == 'o') {
            output = optarg;
        } else if (c == 'S') {
            strict_names = 1;
        }
    }
    int npos = argc - optind;
    if (npos < 1 || npos > 2) {
        free(dirs);
        return mg_cli_usage(cmd, npos < 1 ? "missing the TEMPLATE argument"
                                          : "too many arguments: want TEMPLATE [DATA]");
    }
    const char *tpl_path = argv[optind], *data_path = npos > 1 ? argv[optind + 1] : NULL;
    char *tpl_dir = mg_path_dir(tpl_path);
    if (ndirs == 0)
        dirs[ndirs++] = tpl_dir;

    mg_diag d;
    mg_diag_init(&d);
    mg_buf src, out;
    mg_buf_init(&src);
    mg_buf_init(&out);
    mg_tpl *tpl = NULL;
    mg_tpl_set *set = NULL;
    cJSON *data = NULL;
    if (mg_buf_read_file(&src, tpl_path, MG_MAX_INPUT_BYTES) < 0) {
        mg_diag_error(&d, mg_mark_at(tpl_path, 0, 0), "cannot read template: %s", strerror(errno));
        rc = MG_EXIT_INPUT;
        goto done;
    }
    /* Template syntax first: its errors do not depend on the data. */
    tpl = mg_tpl_parse(tpl_path, src.data ? src.data : "", src.len, &d);
    if (!tpl) {
        rc = MG_EXIT_INPUT;
        goto done;
    }
    if (data_path && !(data = read_data(data_path, &d))) {
        rc = MG_EXIT_INPUT;
        goto done;
    }
    partial_dirs pd = {dirs, ndirs};
    set = mg_tpl_set_new(load_partial, &pd);
    mg_tpl_set_strict(set, strict);
    if ((strict_names ? mg_tpl_render_strict : mg_tpl_render)(tpl, data, set, esc, &out, &d) < 0) {
        rc = MG_EXIT_INPUT;
        goto done;
    }
    if (output) {
        if (write_atomic(output, &out, &d) < 0)
            rc = MG_EXIT_INPUT;
    } else if ((out.len && fwrite(out.data, 1, out.len, stdout) != out.len) || fflush(stdout) != 0) {
        mg_diag_error(&d, mg_mark_at("<stdout>", 0, 0), "cannot write output: %s", strerror(errno));
        rc = MG_EXIT_INPUT;
    }
done:
    mg_tpl_set_free(set);
    mg_tpl_free(tpl);
    cJSON_Delete(data);
    mg_buf_fini(&src);
    mg_buf_fini(&out);
    free(tpl_dir);
    free(dirs);
    return rc;
}
