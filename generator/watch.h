/* watch.h - waits for changes to a set of input files (Linux inotify), for
 * `msggen generate --watch`.
 *
 * We watch folders, not files: editors save by writing a new file and
 * renaming it over the old one, which ends an inotify watch on the file
 * itself. A folder watch sees the rename; the event's name is then matched
 * against the files asked for in that folder (mg_watch_add_file), or, in a
 * template folder (mg_watch_add_templates), against any "*.mustache" or
 * "target.yaml", so that a new partial counts too; in a catalogue folder
 * (mg_watch_add_data), against any "*.yaml", "*.yml" or "*.json", so that a
 * file that failed to load (and so is not known as a document) still counts.
 * Folders that do not exist (yet) are skipped. Watches only accumulate: a
 * file watched once stays watched for the rest of the session.
 *
 * SIGINT and SIGTERM end a wait cleanly: mg_watch_signals() blocks them while
 * msggen works (so a run is never cut in half) and mg_watch_wait lets them in
 * only while it sleeps.
 *
 * An mg_watch owns its descriptor and names; free with mg_watch_free.
 */
#ifndef MG_WATCH_H
#define MG_WATCH_H

#include "diag.h"

typedef struct mg_watch mg_watch;

/* Returns NULL after reporting an error (no inotify on this system). */
mg_watch *mg_watch_new(mg_diag *d);
void mg_watch_free(mg_watch *w);

/* Watches for changes to the file `path` (copied). */
void mg_watch_add_file(mg_watch *w, const char *path);
/* Watches for changes to any template or target.yaml in folder `dir`. */
void mg_watch_add_templates(mg_watch *w, const char *dir);

/* Watches for changes to any YAML or JSON file in folder `dir`. */
void mg_watch_add_data(mg_watch *w, const char *dir);

/* How many files and folders are being watched (for the status line). */
int mg_watch_nfiles(const mg_watch *w);

/* Installs the SIGINT/SIGTERM handling described above; once per process. */
void mg_watch_signals(void);

/* Sleeps until a watched file changes, then until `debounce_ms` pass with no
 * further change (an editor's save, a `git checkout`, is many events).
 * Returns 1 after a change, 0 when SIGINT or SIGTERM arrived, -1 after
 * reporting an error. */
int mg_watch_wait(mg_watch *w, int debounce_ms, mg_diag *d);

#endif
