/* cli.c - option parsing, help and usage errors shared by every subcommand. */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "diag.h"
#include "load.h"

const mg_cmd mg_cmds[] = {
    {"generate", "render templates for a catalogue into an output tree", mg_help_generate, mg_cmd_generate},
    {"check", "report drift between a catalogue and a generated tree (writes nothing)", mg_help_check, mg_cmd_check},
    {"view", "print the JSON context that templates receive", mg_help_view, mg_cmd_view},
    {"validate", "check a catalogue, or validate payloads against it or a schema", mg_help_validate, mg_cmd_validate},
    {"targets", "list the shipped targets", mg_help_targets, mg_cmd_targets},
    {"render", "render one mustache template with a JSON or YAML data file", mg_help_render, mg_cmd_render},
};
const int mg_ncmds = (int)(sizeof mg_cmds / sizeof mg_cmds[0]);

void mg_cli_begin(mg_cli *cli, const mg_cmd *cmd, int argc, char **argv,
                  const char *shortopts, const struct option *longopts)
{
    cli->cmd = cmd;
    cli->argc = argc;
    cli->argv = argv;
    cli->shortopts = shortopts;
    cli->longopts = longopts;
    cli->exit_code = MG_EXIT_OK;
    /* glibc re-initialises getopt when optind is 0; we parse each subcommand's
     * argv from scratch. */
    optind = 0;
    opterr = 0;
}

int mg_cli_next(mg_cli *cli)
{
    char shortopts[64];
    /* Leading ':' makes getopt tell a missing argument (':') from an unknown option ('?');
     * leading '+' stops at the first positional argument only if POSIXLY_CORRECT, so we
     * allow options and arguments in any order, as most CLIs do. */
    snprintf(shortopts, sizeof shortopts, ":h%s", cli->shortopts ? cli->shortopts : "");
    int prev = optind ? optind : 1;
    int c = getopt_long(cli->argc, cli->argv, shortopts, cli->longopts, NULL);
    if (c == -1)
        return MG_CLI_END;
    if (c == 'h') {
        fputs(cli->cmd->help, stdout);
        cli->exit_code = MG_EXIT_OK;
        return MG_CLI_STOP;
    }
    if (c == '?' || c == ':') {
        const char *arg = prev < cli->argc ? cli->argv[prev] : "";
        if (c == ':')
            cli->exit_code = mg_cli_usage(cli->cmd, "option '%s' needs an argument", arg);
        else if (optopt)
            cli->exit_code = mg_cli_usage(cli->cmd, "unknown option '-%c'", optopt);
        else
            cli->exit_code = mg_cli_usage(cli->cmd, "unknown option '%s'", arg);
        return MG_CLI_STOP;
    }
    return c;
}

int mg_cli_usage(const mg_cmd *cmd, const char *fmt, ...)
{
    va_list ap;
    mg_buf msg;
    mg_buf_init(&msg);
    if (cmd)
        mg_buf_appendf(&msg, "%s: ", cmd->name);
    va_start(ap, fmt);
    mg_buf_vappendf(&msg, fmt, ap);
    va_end(ap);
    if (cmd)
        mg_buf_appendf(&msg, " (see 'msggen %s --help')", cmd->name);
    else
        mg_buf_append_str(&msg, " (see 'msggen --help')");
    mg_diag_usage(mg_buf_cstr(&msg));
    mg_buf_fini(&msg);
    return MG_EXIT_USAGE;
}

int mg_cli_check_ref_map(const mg_cmd *cmd, const char *spec)
{
    size_t plen;
    if (mg_ref_map_split(spec, &plen) == 0)
        return 0;
    return mg_cli_usage(cmd, "--ref-map '%s': expected URL_PREFIX=DIR (URL_PREFIX starting with http:// or https://)",
                        spec);
}
