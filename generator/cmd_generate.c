/* cmd_generate.c - `msggen generate`: reserved; arrives with its issue. */
#include <stdio.h>

#include "cli.h"

const char mg_help_generate[] =
    "usage: msggen generate ...\n"
    "\n"
    "Not available in this version of msggen yet.\n";

int mg_cmd_generate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("msggen: error: generate: not available in this version yet\n", stderr);
    return MG_EXIT_USAGE;
}
