/* cli.h - the subcommand table and what every subcommand shares: exit codes,
 * option parsing on top of getopt_long, help and usage-error output.
 *
 * Each subcommand lives in generator/cmd_<name>.c and exports one
 * `int mg_cmd_<name>(int argc, char **argv)` that returns an mg_exit code.
 * argv[0] is the subcommand's name. Nothing here allocates.
 */
#ifndef MG_CLI_H
#define MG_CLI_H

#include <getopt.h>

typedef enum {
    MG_EXIT_OK = 0,     /* success; for `check`: everything in sync */
    MG_EXIT_INPUT = 1,  /* bad input (template, data, catalogue), or drift found by `check` */
    MG_EXIT_USAGE = 2   /* bad command line */
} mg_exit;

typedef struct mg_cmd {
    const char *name;
    const char *summary;   /* one line, for `msggen --help` */
    const char *help;      /* the full `msggen NAME --help` text */
    int (*run)(int argc, char **argv);
} mg_cmd;

/* Result of mg_cli_next besides an option character. */
enum {
    MG_CLI_END = -1,   /* no more options; positional arguments start at *optind_out */
    MG_CLI_STOP = -2   /* --help was printed or a usage error reported: return *exit_code */
};

typedef struct mg_cli {
    const mg_cmd *cmd;
    int argc;
    char **argv;
    const char *shortopts;          /* getopt string; "h" is added for --help */
    const struct option *longopts;  /* must contain {"help", no_argument, 0, 'h'} */
    int exit_code;                  /* set when MG_CLI_STOP is returned */
} mg_cli;

/* Prepares option parsing for one subcommand (resets getopt's state). */
void mg_cli_begin(mg_cli *cli, const mg_cmd *cmd, int argc, char **argv,
                  const char *shortopts, const struct option *longopts);

/* Returns the next option character (optarg as getopt sets it), MG_CLI_END, or
 * MG_CLI_STOP after printing help (exit 0) or a usage error (exit 2). */
int mg_cli_next(mg_cli *cli);

/* Reports a usage error for the current subcommand on stderr as one line and
 * returns MG_EXIT_USAGE. */
int mg_cli_usage(const mg_cmd *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Checks the shape of a --ref-map value (URL_PREFIX=DIR, see load.h): returns
 * 0 when it is well formed, else reports the usage error and returns
 * MG_EXIT_USAGE. */
int mg_cli_check_ref_map(const mg_cmd *cmd, const char *spec);

/* The table of subcommands, in the order `msggen --help` lists them. */
extern const mg_cmd mg_cmds[];
extern const int mg_ncmds;

/* Subcommands. */
int mg_cmd_render(int argc, char **argv);
int mg_cmd_generate(int argc, char **argv);
int mg_cmd_check(int argc, char **argv);
int mg_cmd_view(int argc, char **argv);
int mg_cmd_validate(int argc, char **argv);
int mg_cmd_targets(int argc, char **argv);

/* Help texts, defined beside each subcommand. */
extern const char mg_help_render[];
extern const char mg_help_generate[];
extern const char mg_help_check[];
extern const char mg_help_view[];
extern const char mg_help_validate[];
extern const char mg_help_targets[];

#endif
