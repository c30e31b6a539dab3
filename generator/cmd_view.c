/* cmd_view.c - `msggen view`: prints the JSON context templates receive. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "model.h"
#include "project.h"
#include "target.h"
#include "view.h"
#include "util.h"

const char mg_help_view[] =
    "usage: msggen view [-i CATALOGUE] [-t TARGET] [--message NAME] [--config FILE]\n"
    "                   [--ref-map URL_PREFIX=DIR]...\n"
    "\n"
    "Prints the view: the exact JSON context that templates receive for a catalogue\n"
    "(docs/templates.md describes every key). With -t, identifiers, printed types\n"
    "and doc text follow that target's target.yaml; without it, neutral defaults.\n"
    "\n"
    "options:\n"
    "  -i, --input CATALOGUE  AsyncAPI 2.x/3.x or JSON Schema file (YAML or JSON);\n"
    "                         default: the catalogue of msggen.yaml\n"
    "      --config FILE      the project configuration (default: msggen.yaml here or\n"
    "                         in the nearest parent folder; docs/config.md)\n"
    "  -t, --target TARGET    a shipped target name or a target folder\n"
    "  -m, --message NAME     print only the view of message NAME (any casing)\n"
    "      --ref-map URL_PREFIX=DIR\n"
    "                         serve remote $refs from DIR (see msggen generate --help)\n"
    "  -h, --help             show this help\n";

static int view_catalogue(const mg_cmd *self, const char *config, const char *input,
                          const char *target, const char *message, const char *const *maps,
                          size_t nmaps)
{
    mg_diag d;
    mg_diag_init(&d);
    mg_project *project = NULL;
    int prc = mg_project_open(self, config, 0, input, 1, &project, &input, &d);
    if (prc != MG_EXIT_OK)
        return prc;
    mg_target *t = NULL;
    if (target) {
        t = mg_target_load(target, &d);
        if (!t) {
            mg_project_free(project);
            return MG_EXIT_INPUT;
        }
    }
    mg_docset *set = NULL;
    mg_model *m = mg_model_load(input, maps, nmaps, &set, &d);
    cJSON *view = m ? mg_view_build(m, t, &d) : NULL;
    int rc = view ? MG_EXIT_OK : MG_EXIT_INPUT;
    const cJSON *out = view;
    if (view && message) {
        const mg_message *g = mg_model_find_message(m, message);
        if (!g) {
            mg_model_report_no_message(m, message, &d);
            rc = MG_EXIT_INPUT;
            out = NULL;
        } else {
            out = cJSON_GetArrayItem(mg_json_get(view, "messages"), g->index);
        }
    }
    if (out) {
        char *s = mg_view_print_new(out);
        if (s)
            fputs(s, stdout);
        free(s);
    }
    cJSON_Delete(view);
    mg_model_free(m);
    mg_docset_free(set);
    mg_target_free(t);
    mg_project_free(project);
    return rc;
}

int mg_cmd_view(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"input", required_argument, 0, 'i'},
        {"target", required_argument, 0, 't'},
        {"message", required_argument, 0, 'm'},
        {"ref-map", required_argument, 0, 'r'},
        {"config", required_argument, 0, 'C'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    const mg_cmd *self = NULL;
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, "view") == 0)
            self = &mg_cmds[i];
    mg_cli cli;
    mg_cli_begin(&cli, self, argc, argv, "i:t:m:", longopts);
    const char *input = NULL, *target = NULL, *message = NULL, *config = NULL;
    const char **maps = calloc((size_t)argc + 1, sizeof *maps);
    if (!maps)
        abort();
    size_t nmaps = 0;
    int c;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END) {
        if (c == MG_CLI_STOP) {
            free(maps);
            return cli.exit_code;
        }
        int bad = c == 'r' ? mg_cli_check_ref_map(self, optarg) : 0;
        if (bad) {
            free(maps);
            return bad;
        }
        if (c == 'r')
            maps[nmaps++] = optarg;
        else if (c == 'i')
            input = optarg;
        else if (c == 't')
            target = optarg;
        else if (c == 'm')
            message = optarg;
        else if (c == 'C')
            config = optarg;
    }
    int rc = optind < argc ? mg_cli_usage(self, "unexpected argument '%s'", argv[optind])
                           : view_catalogue(self, config, input, target, message, maps, nmaps);
    free(maps);
    return rc;
}
