/* cmd_targets.c - `msggen targets`: reserved; arrives with its issue. */
#include <stdio.h>

#include "cli.h"

const char mg_help_targets[] =
    "usage: msggen targets ...\n"
    "\n"
    "Not available in this version of msggen yet.\n";

int mg_cmd_targets(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("msggen: error: targets: not available in this version yet\n", stderr);
    return MG_EXIT_USAGE;
}
