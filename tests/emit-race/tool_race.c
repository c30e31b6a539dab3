/* tool_race.c - races `msggen generate` against a folder swapped for a symbolic link.
 *
 *   tool_race RUNS WORK FILES -- COMMAND...
 *
 * In WORK (prepared by run.sh: a target ./t writing sub/<name>.txt per
 * message, and an empty folder `outside`), makes out/sub (a real folder) and
 * out/lnk (a link to ../outside). A child process then swaps the two names
 * atomically (renameat2 RENAME_EXCHANGE) over and over, so out/sub is a real
 * folder at one moment and a link leading out of the output folder the next,
 * while the parent runs COMMAND followed by
 *   generate --force --view view.json -t ./t -o out
 * RUNS times. Before each run it writes a view of FILES messages whose
 * content carries the run number, so that every run has every file to write.
 * After each run it looks into `outside`: any entry there is a file msggen
 * created through the link (a breach); it is counted and removed.
 *
 * msggen may refuse a run (exit 1, saying it saw the link out/sub, or saw
 * out/sub change while opening it); any other outcome is a failure. Prints one line:
 *   runs N, written N, refused N, other N, breached N
 * and exits 0 when nothing was breached, no run ended otherwise, and at least
 * one run wrote its files (else the race was never exercised), 1 otherwise.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
    fprintf(stderr, "tool_race: %s: %s\n", what, strerror(errno));
    exit(2);
}

/* Swaps out/sub and out/lnk until killed, each state lasting a random time
 * up to `max_us` microseconds, so that a check and a later write by path
 * often see different states. */
static void swapper(long max_us)
{
    unsigned long long x = (unsigned long long)getpid() * 0x9e3779b97f4a7c15ull | 1;
    for (;;) {
        if (renameat2(AT_FDCWD, "out/sub", AT_FDCWD, "out/lnk", RENAME_EXCHANGE) != 0)
            die("renameat2");
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        struct timespec pause = {0, (long)(x % (unsigned long long)max_us) * 1000};
        nanosleep(&pause, NULL);
    }
}

static void write_view(int run, int files)
{
    FILE *f = fopen("view.json.tmp", "w");
    if (!f)
        die("view.json.tmp");
    fprintf(f, "{\"messages\": [");
    for (int i = 0; i < files; i++)
        fprintf(f, "%s{\"name\": \"m%d\", \"n\": %d}", i ? ", " : "", i, run);
    fprintf(f, "]}\n");
    if (fclose(f) != 0 || rename("view.json.tmp", "view.json") != 0)
        die("view.json");
}

/* Removes every entry of `outside` (files only: msggen makes no folders
 * there before writing into them); returns how many there were. */
static int sweep_outside(void)
{
    DIR *d = opendir("outside");
    if (!d)
        die("outside");
    int n = 0;
    for (struct dirent *de; (de = readdir(d));) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        n++;
        if (n == 1)
            fprintf(stderr, "tool_race: found outside/%s\n", de->d_name);
        unlinkat(dirfd(d), de->d_name, 0);
    }
    closedir(d);
    return n;
}

/* Did the run stop because it saw the link (and for no other reason, such as
 * a sanitizer's report, which also exits 1)? */
static int refused_for_the_link(void)
{
    char text[65536];
    FILE *f = fopen("last-stderr", "r");
    if (!f)
        return 0;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return (strstr(text, "out/sub', a symbolic link; msggen does not follow") != NULL ||
            strstr(text, "out/sub' changed while msggen opened it") != NULL) &&
           strstr(text, "Sanitizer") == NULL && strstr(text, "runtime error") == NULL;
}

int main(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[4], "--") != 0) {
        fprintf(stderr, "usage: tool_race RUNS WORK FILES -- COMMAND...\n");
        return 2;
    }
    int runs = atoi(argv[1]), files = atoi(argv[3]);
    if (chdir(argv[2]) != 0)
        die(argv[2]);
    int ncmd = argc - 5;
    char **cmd = calloc((size_t)ncmd + 10, sizeof *cmd);
    if (!cmd)
        die("calloc");
    memcpy(cmd, argv + 5, (size_t)ncmd * sizeof *cmd);
    const char *tail[] = {"generate", "--force", "--view", "view.json", "-t", "./t", "-o", "out", NULL};
    memcpy(cmd + ncmd, tail, sizeof tail);

    if (mkdir("out", 0777) != 0 || mkdir("out/sub", 0777) != 0 || symlink("../outside", "out/lnk") != 0)
        die("setting up out/");
    pid_t sw = fork();
    if (sw < 0)
        die("fork");
    if (sw == 0)
        swapper(getenv("RACE_PAUSE_US") ? atol(getenv("RACE_PAUSE_US")) : 3000);

    int written = 0, refused = 0, other = 0, breached = 0;
    for (int run = 0; run < runs; run++) {
        write_view(run, files);
        pid_t p = fork();
        if (p < 0)
            die("fork");
        if (p == 0) {
            int null = open("/dev/null", O_WRONLY);
            int err = open("last-stderr", O_WRONLY | O_CREAT | O_TRUNC, 0666);
            if (null < 0 || err < 0 || dup2(null, 1) < 0 || dup2(err, 2) < 0)
                _exit(127);
            execvp(cmd[0], cmd);
            _exit(127);
        }
        int status;
        if (waitpid(p, &status, 0) != p)
            die("waitpid");
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
            written++;
        else if (WIFEXITED(status) && WEXITSTATUS(status) == 1 && refused_for_the_link())
            refused++;
        else {
            if (other++ == 0) {
                fprintf(stderr, "tool_race: run %d ended with status %#x; its stderr:\n", run, status);
                FILE *f = fopen("last-stderr", "r");
                for (int c; f && (c = fgetc(f)) != EOF;)
                    fputc(c, stderr);
                if (f)
                    fclose(f);
            }
        }
        breached += sweep_outside() > 0;
    }
    kill(sw, SIGKILL);
    waitpid(sw, NULL, 0);
    breached += sweep_outside() > 0;
    printf("runs %d, written %d, refused %d, other %d, breached %d\n", runs, written, refused, other, breached);
    free(cmd);
    return breached == 0 && other == 0 && written > 0 ? 0 : 1;
}
