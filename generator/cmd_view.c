/* cmd_view.c - `msggen view`: reserved; arrives with its issue. */
#include <stdio.h>

#include "cli.h"

const char mg_help_view[] =
    "usage: msggen view ...\n"
    "\n"
    "Not available in this version of msggen yet.\n";

int mg_cmd_view(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("msggen: error: view: not available in this version yet\n", stderr);
    return MG_EXIT_USAGE;
}
