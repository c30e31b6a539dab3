/* watch.c - inotify behind `msggen generate --watch`. */
#include "watch.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "buf.h"
#include "load.h"
#include "util.h"

#ifdef __linux__
#include <sys/inotify.h>
#endif

typedef struct folder {
    char *dir;      /* owned */
    int wd;         /* inotify watch, -1 when the folder could not be watched */
    int templates;  /* any *.mustache or target.yaml counts */
    int data;       /* any *.yaml, *.yml or *.json counts */
    char **names;   /* owned: the files asked for in this folder */
    size_t n, cap;
} folder;

struct mg_watch {
    int fd;
    folder *folders;
    size_t n, cap;
    int nfiles;
};

static volatile sig_atomic_t stop_signal;
static sigset_t blocked, unblocked;

static void on_signal(int sig)
{
    stop_signal = sig;
}

void mg_watch_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGINT);
    sigaddset(&blocked, SIGTERM);
    sigprocmask(SIG_BLOCK, &blocked, &unblocked);
    sigdelset(&unblocked, SIGINT);
    sigdelset(&unblocked, SIGTERM);
}

static folder *folder_for(mg_watch *w, const char *dir)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(w->folders[i].dir, dir) == 0)
            return &w->folders[i];
    w->folders = mg_xgrow(w->folders, w->n, &w->cap, sizeof *w->folders);
    folder *f = &w->folders[w->n++];
    memset(f, 0, sizeof *f);
    f->dir = mg_xstrdup(dir);
    f->wd = -1;
#ifdef __linux__
    f->wd = inotify_add_watch(w->fd, dir,
                              IN_CLOSE_WRITE | IN_MODIFY | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE);
#endif
    return f;
}

mg_watch *mg_watch_new(mg_diag *d)
{
#ifdef __linux__
    int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (fd < 0) {
        mg_diag_error(d, mg_mark_at(NULL, 0, 0), "--watch: cannot start inotify: %s", strerror(errno));
        return NULL;
    }
    mg_watch *w = mg_xcalloc(1, sizeof *w);
    w->fd = fd;
    return w;
#else
    mg_diag_error(d, mg_mark_at(NULL, 0, 0), "--watch needs Linux inotify, which this system does not have");
    return NULL;
#endif
}

void mg_watch_free(mg_watch *w)
{
    if (!w)
        return;
    for (size_t i = 0; i < w->n; i++) {
        for (size_t k = 0; k < w->folders[i].n; k++)
            free(w->folders[i].names[k]);
        free(w->folders[i].names);
        free(w->folders[i].dir);
    }
    free(w->folders);
    close(w->fd);
    free(w);
}

void mg_watch_add_file(mg_watch *w, const char *path)
{
    if (strcmp(path, "-") == 0)
        return;
    char *dir = mg_path_dir(path);
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    folder *f = folder_for(w, dir);
    free(dir);
    for (size_t k = 0; k < f->n; k++)
        if (strcmp(f->names[k], base) == 0)
            return;
    f->names = mg_xgrow(f->names, f->n, &f->cap, sizeof *f->names);
    f->names[f->n++] = mg_xstrdup(base);
    w->nfiles++;
}

void mg_watch_add_templates(mg_watch *w, const char *dir)
{
    folder *f = folder_for(w, dir);
    if (!f->templates)
        w->nfiles++;
    f->templates = 1;
}

void mg_watch_add_data(mg_watch *w, const char *dir)
{
    folder *f = folder_for(w, dir);
    if (!f->data)
        w->nfiles++;
    f->data = 1;
}

int mg_watch_nfiles(const mg_watch *w)
{
    return w->nfiles;
}

#ifdef __linux__
static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads what is pending; returns 1 if any event concerns a watched file, 0 if
 * none, -1 on a read error other than "nothing more". */
static int drain(mg_watch *w)
{
    /* inotify(7): a buffer aligned for struct inotify_event and big enough for
     * several events with NAME_MAX names. */
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    int hit = 0;
    for (;;) {
        ssize_t len = read(w->fd, buf, sizeof buf);
        if (len < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK ? hit : -1;
        for (char *p = buf; p < buf + len;) {
            const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
            p += sizeof *ev + ev->len;
            if (ev->mask & IN_Q_OVERFLOW) {
                hit = 1; /* events were lost: regenerate to be safe */
                continue;
            }
            for (size_t i = 0; i < w->n && ev->len; i++) {
                folder *f = &w->folders[i];
                if (f->wd != ev->wd)
                    continue;
                if (f->templates && (ends_with(ev->name, ".mustache") || strcmp(ev->name, "target.yaml") == 0))
                    hit = 1;
                if (f->data &&
                    (ends_with(ev->name, ".yaml") || ends_with(ev->name, ".yml") || ends_with(ev->name, ".json")))
                    hit = 1;
                for (size_t k = 0; k < f->n; k++)
                    if (strcmp(f->names[k], ev->name) == 0)
                        hit = 1;
            }
        }
    }
}

/* Waits for the descriptor; timeout_ms < 0 waits for ever. Returns 1 readable,
 * 0 timed out, -2 stopped by a signal, -1 error. */
static int wait_readable(int fd, int timeout_ms)
{
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(fd, &rd);
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    if (stop_signal)
        return -2;
    int r = pselect(fd + 1, &rd, NULL, NULL, timeout_ms < 0 ? NULL : &ts, &unblocked);
    if (r < 0)
        return errno == EINTR && stop_signal ? -2 : errno == EINTR ? 0 : -1;
    return r > 0;
}
#endif

int mg_watch_wait(mg_watch *w, int debounce_ms, mg_diag *d)
{
#ifdef __linux__
    for (;;) {
        int r = wait_readable(w->fd, -1);
        if (r == -2)
            return 0;
        if (r < 0 || (r = drain(w)) < 0) {
            mg_diag_error(d, mg_mark_at(NULL, 0, 0), "--watch: waiting for changes failed: %s", strerror(errno));
            return -1;
        }
        if (r == 0)
            continue;
        /* Quiet period: every further event restarts it. */
        while ((r = wait_readable(w->fd, debounce_ms)) == 1)
            if (drain(w) < 0)
                break;
        return r == -2 ? 0 : 1;
    }
#else
    (void)w;
    (void)debounce_ms;
    mg_diag_error(d, mg_mark_at(NULL, 0, 0), "--watch needs Linux inotify");
    return -1;
#endif
}
