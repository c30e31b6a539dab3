/* cmd_targets.c - `msggen targets`: the shipped targets and their summaries. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "target.h"

const char mg_help_targets[] =
    "usage: msggen targets\n"
    "\n"
    "Lists the shipped targets, sorted by name, one per line: NAME  SUMMARY.\n"
    "Shipped targets are read from $MSGGEN_TEMPLATES, else <msggen's folder>/templates,\n"
    "else <msggen's folder>/../share/msggen/templates, else <msggen's folder>/../templates.\n"
    "Any folder with a target.yaml can be used as a target too:\n"
    "msggen generate -t ./my-target\n";

int mg_cmd_targets(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const mg_cmd *cmd = &mg_cmds[0];
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, "targets") == 0)
            cmd = &mg_cmds[i];
    mg_cli cli;
    mg_cli_begin(&cli, cmd, argc, argv, "", opts);
    int c;
    while ((c = mg_cli_next(&cli)) != MG_CLI_END)
        if (c == MG_CLI_STOP)
            return cli.exit_code;
    if (optind < argc)
        return mg_cli_usage(cmd, "unexpected argument '%s'", argv[optind]);
    mg_diag d;
    mg_diag_init(&d);
    char **names = mg_target_names_new(&d);
    if (!names)
        return MG_EXIT_INPUT;
    size_t width = 0;
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) > width)
            width = strlen(names[i]);
    for (size_t i = 0; names[i]; i++) {
        mg_target *t = mg_target_load(names[i], &d);
        if (t)
            printf("%-*s  %s\n", (int)width, names[i], t->summary);
        mg_target_free(t);
    }
    mg_target_names_free(names);
    return d.errors ? MG_EXIT_INPUT : MG_EXIT_OK;
}
