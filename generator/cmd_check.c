/* cmd_check.c - `msggen check`: reserved; arrives with its issue. */
#include <stdio.h>

#include "cli.h"

const char mg_help_check[] =
    "usage: msggen check ...\n"
    "\n"
    "Not available in this version of msggen yet.\n";

int mg_cmd_check(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("msggen: error: check: not available in this version yet\n", stderr);
    return MG_EXIT_USAGE;
}
