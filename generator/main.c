/* main.c - the msggen command line: finds the subcommand and runs it.
 *
 * Every subcommand parses its own options (cli.h) and returns an mg_exit code.
 * The options that choose how diagnostics are written apply to every
 * subcommand, so we take them out of argv here, wherever they stand (before
 * a "--"), and set up diag.h's output before the subcommand runs.
 */
#include <errno.h>
#include <limits.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "diag.h"
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

/* The value of option `name` at argv[*i] ("--name=V" or "--name V"), or NULL
 * when argv[*i] is not that option; advances *i past a separate value.
 * *missing is set when the value is absent. */
static const char *take_option(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return a;
    }
    return argv[++*i];
}

/* Removes the diagnostics options from argv (updating *argc) and sets up the
 * output. Returns MG_EXIT_OK or a usage error; *out gets the opened file. */
static int diagnostics_options(int *argc, char **argv, FILE **out)
{
    const char *format = NULL, *file = NULL;
    int j = 1, i, missing = 0;
    for (i = 1; i < *argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--") == 0)
            break;
        if ((v = take_option(*argc, argv, &i, "--diagnostics-format", &missing)))
            format = v;
        else if ((v = take_option(*argc, argv, &i, "--diagnostics-output", &missing)))
            file = v;
        else
            argv[j++] = argv[i];
        if (missing)
            return mg_cli_usage(NULL, "option '%s' needs an argument", v);
    }
    while (i < *argc)
        argv[j++] = argv[i++];
    argv[j] = NULL;
    *argc = j;
    mg_diag_format fmt = MG_DIAG_TEXT;
    if (format && mg_diag_format_parse(format, &fmt) != 0)
        return mg_cli_usage(NULL, "unknown diagnostics format '%s' (use text, json or sarif)", format);
    if (file) {
        *out = fopen(file, "w");
        if (!*out)
            return mg_cli_usage(NULL, "cannot write diagnostics to '%s': %s", file, strerror(errno));
    }
    mg_diag_output_begin(fmt, *out);
    return MG_EXIT_OK;
}

/* glibc gives a freed block of 128 KiB or more back to the kernel (munmap,
 * or a trim of the heap's top), and the next one is touched afresh: a page
 * fault (5-9 us here) per 4 KiB. A generate frees such blocks all the time
 * (each rendered file's buffer, emit's read-back buffer, up to 170 MB at
 * 10 000 messages), so every big block came from the heap and stays there to
 * be reused: synth-10000 took 1.14 M page faults with glibc's defaults, 0.82 M
 * with these, at the same peak RSS. */
static void malloc_keep_freed(void)
{
#if defined(__GLIBC__) && defined(M_MMAP_MAX) && defined(M_TRIM_THRESHOLD)
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
#endif
}

int main(int argc, char **argv)
{
    malloc_keep_freed();
    mg_pool_install();
    FILE *out = NULL;
    int rc = diagnostics_options(&argc, argv, &out);
    if (rc == MG_EXIT_OK)
        rc = run(argc, argv);
    if (mg_diag_output_end() != 0 && rc == MG_EXIT_OK)
        rc = MG_EXIT_INPUT;
    if (out && fclose(out) != 0 && rc == MG_EXIT_OK)
        rc = MG_EXIT_INPUT;
    /* Blocks a single generate or check did not free (run.h,
     * mg_run_opts.exit_after) go with the pool; stdio is flushed and closed
     * by the return. */
    mg_pool_release();
    return rc;
}
