/* main.c - the msggen command line: finds the subcommand and runs it.
 *
 * Every subcommand parses its own options (cli.h) and returns an mg_exit code.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "pool.h"

static void print_help(FILE *f)
{
    fputs("usage: msggen SUBCOMMAND [OPTIONS] [ARGS]\n"
          "       msggen --help | --version\n"
          "\n"
          "msggen reads a message catalogue (AsyncAPI 2.x/3.x or JSON Schema, YAML or JSON)\n"
          "and renders code and docs for it from mustache templates.\n"
          "\n"
          "subcommands:\n", f);
    for (int i = 0; i < mg_ncmds; i++)
        fprintf(f, "  %-10s %s\n", mg_cmds[i].name, mg_cmds[i].summary);
    fputs("\nRun 'msggen SUBCOMMAND --help' for the options of one subcommand.\n"
          "Exit status: 0 ok, 1 error in the input (or drift, for check), 2 usage error.\n", f);
}

static int run(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return MG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        if (argc > 2) {
            for (int i = 0; i < mg_ncmds; i++)
                if (strcmp(mg_cmds[i].name, argv[2]) == 0) {
                    fputs(mg_cmds[i].help, stdout);
                    return MG_EXIT_OK;
                }
            return mg_cli_usage(NULL, "unknown subcommand '%s'", argv[2]);
        }
        print_help(stdout);
        return MG_EXIT_OK;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        printf("msggen %s\n", MG_VERSION);
        return MG_EXIT_OK;
    }
    for (int i = 0; i < mg_ncmds; i++)
        if (strcmp(mg_cmds[i].name, name) == 0)
            return mg_cmds[i].run(argc - 1, argv + 1);
    if (name[0] == '-')
        return mg_cli_usage(NULL, "unknown option '%s'", name);
    return mg_cli_usage(NULL, "unknown subcommand '%s'", name);
}

int main(int argc, char **argv)
{
    mg_pool_install();
    int rc = run(argc, argv);
    mg_pool_release();
    return rc;
}
