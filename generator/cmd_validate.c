/* cmd_validate.c - `msggen validate`: reserved; arrives with its issue. */
#include <stdio.h>

#include "cli.h"

const char mg_help_validate[] =
    "usage: msggen validate ...\n"
    "\n"
    "Not available in this version of msggen yet.\n";

int mg_cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("msggen: error: validate: not available in this version yet\n", stderr);
    return MG_EXIT_USAGE;
}
