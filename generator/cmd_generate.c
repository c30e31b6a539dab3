/* cmd_generate.c - `msggen generate`: the pipeline of run.h, writing. */
#include "cli.h"
#include "config.h"
#include "run.h"

const char mg_help_generate[] =
    "usage: msggen generate [-i CATALOGUE] [-t TARGET]... [-o OUT] [--templates-override DIR]\n"
    "                       [--dry-run | --check] [--force] [--view VIEW.json]\n"
    "                       [--ref-map URL_PREFIX=DIR]...\n"
    "\n"
    "Renders the templates of each TARGET for CATALOGUE and writes the files.\n"
    "With no arguments: every shipped target for " MG_DEFAULT_CATALOGUE ",\n"
    "each into " MG_DEFAULT_OUT "/<target>/ (what `make` runs).\n"
    "\n"
    "  -i, --input CATALOGUE      AsyncAPI 2.x/3.x or JSON Schema file (YAML or JSON)\n"
    "  -t, --target TARGET        a shipped target name (see `msggen targets`) or a\n"
    "                             folder with a target.yaml (any path with a '/');\n"
    "                             repeatable; default: every shipped target\n"
    "  -o, --output OUT           with one -t: the target's output folder; with several\n"
    "                             (or none): each target goes to OUT/<target>/\n"
    "                             (default: " MG_DEFAULT_OUT "/<target>/)\n"
    "      --templates-override DIR\n"
    "                             DIR/<template> replaces a template of the target,\n"
    "                             DIR/[partials/]<name>.mustache a partial; an override\n"
    "                             extends the shipped file with {{<TARGET/name}}...\n"
    "      --dry-run              print create/update/delete/unchanged PATH; write nothing\n"
    "      --check                compare instead of writing (= msggen check)\n"
    "      --stat                 with --check: line counts per file instead of diffs\n"
    "      --force                overwrite files that msggen did not generate\n"
    "      --view VIEW.json       render from a saved view (`msggen view`) instead of -i\n"
    "      --ref-map URL_PREFIX=DIR\n"
    "                             read a remote $ref whose URL starts with URL_PREFIX\n"
    "                             from DIR + the rest of the URL (repeatable; nothing\n"
    "                             is fetched: other remote refs are errors)\n"
    "\n"
    "All templates are compiled and every file is rendered before anything is written.\n"
    "Files are written atomically; unchanged files are not touched. OUT/.msggen-manifest\n"
    "lists the generated files, so that files no longer produced are deleted and files\n"
    "msggen did not write are never overwritten or deleted.\n"
    "Exit status: 0 ok, 1 error (or drift with --check), 2 usage error.\n";

int mg_cmd_generate(int argc, char **argv)
{
    return mg_run_cmd("generate", argc, argv, MG_EMIT_WRITE);
}
