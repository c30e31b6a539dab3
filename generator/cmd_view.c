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

const char mg_help_view[] =
    "usage: msggen view [-i CATALOGUE] [-t TARGET] [--message NAME] [--config FILE]\n"
    "\n"
    "Prints the view: the exact JSON context that templates receive for a catalogue\n"
    "(docs/templates.md describes every key). With -t, identifiers, printed types\n"
    "and doc text follow that target's target.yaml; without it, neutral defaults.\n"
    "\n"
    "options:\n"
    "  -i, --input CATALOGUE  AsyncAPI 2.x/3.0 or JSON Schema file (YAML or JSON);\n"
    "                         default: the catalogue of msggen.yaml\n"
    "      --config FILE      the project configuration (default: msggen.yaml here or\n"
    "                         in the nearest parent folder; docs/config.md)\n"
    "  -t, --target TARGET    a shipped target name or a target folder\n"
    "  -m, --message NAME     print only the view of message NAME (any casing)\n"
    "  -h, --help             show this help\n";

int mg_cmd_view(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"input", required_argument, 0, 'i'},
        {"target", required_argument, 0, 't'},
        {"message", required_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},
        {"config", required_argument, 0, 'C'},
        {0, 0, 0, 0},
    };
    const mg_cmd *self = NULL;
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, "view") == 0)
            self = &mg_cmds[i];
    mg_cli cli;
    mg_cli_begin(&cli, self, argc, argv, "i:t:m:", longopts);
    const char *input = NULL, *target = NULL, *message = NULL, *config = NULL;
    int c;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END) {
        if (c == MG_CLI_STOP)
            return cli.exit_code;
        if (c == 'i')
            input = optarg;
        else if (c == 't')
            target = optarg;
        else if (c == 'm')
            message = optarg;
        else if (c == 'C')
            config = optarg;
    }
    if (optind < argc)
        return mg_cli_usage(self, "unexpected argument '%s'", argv[optind]);
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
    mg_model *m = mg_model_load(input, &set, &d);
    cJSON *view = m ? mg_view_build(m, t, &d) : NULL;
    int rc = view ? MG_EXIT_OK : MG_EXIT_INPUT;
    const cJSON *out = view;
    if (view && message) {
        const mg_message *g = mg_model_find_message(m, message);
        if (!g) {
            mg_diag_error(&d, mg_mark_at(input, 0, 0), "no message '%s' in the catalogue", message);
            rc = MG_EXIT_INPUT;
            out = NULL;
        } else {
            out = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(view, "messages"), g->index);
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
