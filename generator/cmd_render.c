/* cmd_render.c - `msggen render`: reserved; arrives with its issue. */
#include <stdio.h>

#include "cli.h"

const char mg_help_render[] =
    "usage: msggen render ...\n"
    "\n"
    "Not available in this version of msggen yet.\n";

int mg_cmd_render(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("msggen: error: render: not available in this version yet\n", stderr);
    return MG_EXIT_USAGE;
}
