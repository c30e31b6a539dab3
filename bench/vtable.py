#!/usr/bin/env python3
"""Joins the outputs of bench_c and bench_ajv (WORK/c.txt, WORK/ajv.txt,
WORK/meta.txt, written by bench/validators.sh) into one table on stdout and,
with --md FILE, a markdown section in FILE.

usage: vtable.py WORK [--md FILE]
"""
import os
import sys

MEASURES = [
    ("validate-preparsed", "validate, pre-parsed"),
    ("parse", "parse only"),
    ("parse+validate", "parse + validate"),
    ("parse+validate+record", "parse + validate + typed record"),
    ("validate-preparsed-noformats", "validate, pre-parsed, no format checks"),
    ("bytes->record", "one pass: bytes -> validated record"),
]
# C measures without an ajv twin are compared with this ajv measure.
AJV_TWIN = {"parse+validate+record": "parse+validate", "bytes->record": "parse+validate"}
SET_TEXT = {
    "minimal": "minimal (required properties only)",
    "full": "full (every property)",
    "catalogue": "catalogue examples",
}


def read(path):
    """{(set, measure): (median, median MB/s, min, max)} over all the
    repetitions of all the runs in path (lines "WHO SET MEASURE BYTES RATE...")."""
    samples, size = {}, {}
    with open(path) as fh:
        for line in fh:
            f = line.split()
            samples.setdefault((f[1], f[2]), []).extend(float(x) for x in f[4:])
            size[(f[1], f[2])] = float(f[3])
    out = {}
    for k, v in samples.items():
        v.sort()
        med = v[len(v) // 2] if len(v) % 2 else (v[len(v) // 2 - 1] + v[len(v) // 2]) / 2
        out[k] = (med, med * size[k] / 1e6, v[0], v[-1])
    return out


def si(x):
    return "%.2f M" % (x / 1e6) if x >= 1e6 else "%.0f k" % (x / 1e3)


def spread(r):
    return "±%.0f%%" % (50.0 * (r[3] - r[2]) / r[0]) if r else ""


def main(argv):
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] != "--md"):
        sys.exit(__doc__)
    work = argv[0]
    c, ajv = read(os.path.join(work, "c.txt")), read(os.path.join(work, "ajv.txt"))
    meta = dict(line.rstrip("\n").split(" ", 1) for line in open(os.path.join(work, "meta.txt")))
    sets = []
    for st, _ in sorted({k[0]: 0 for k in c}.items(), key=lambda kv: list(SET_TEXT).index(kv[0])
                        if kv[0] in SET_TEXT else 99):
        lines = [l for l in open(os.path.join(work, "examples-%s.txt" % st)) if "\t" in l]
        nbytes = sum(len(l.rstrip("\n").split("\t", 1)[1].encode()) for l in lines)
        sets.append((st, len(lines), nbytes / max(1, len(lines))))

    head = ["set", "payloads", "avg bytes", "measure", "C msgs/s", "C MB/s", "ajv msgs/s", "ajv MB/s", "C/ajv",
            "C spread", "ajv spread"]
    rows = []
    for st, n, avg in sets:
        for key, text in MEASURES:
            rc, ra = c.get((st, key)), ajv.get((st, key)) or ajv.get((st, AJV_TWIN.get(key, key)))
            if not rc and not ra:
                continue
            rows.append([st, str(n), "%.0f" % avg, text, si(rc[0]) if rc else "-", "%.0f" % rc[1] if rc else "-",
                         si(ra[0]) if ra else "-", "%.0f" % ra[1] if ra else "-",
                         "%.2f×" % (rc[0] / ra[0]) if rc and ra else "-", spread(rc), spread(ra)])

    width = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    fmt = lambda r: "  ".join(v.ljust(w) if i in (0, 3) else v.rjust(w) for i, (v, w) in enumerate(zip(r, width)))
    print(fmt(head))
    for r in rows:
        print(fmt(r))
    nrep = int(meta["reps"]) * int(meta["rounds"])
    print("# median of %d repetitions of %s s per measure (%s runs of each side, alternately); "
          "spread = half the min..max range, of the median" % (nrep, meta["seconds"], meta["rounds"]))

    if len(argv) == 3:
        with open(argv[2], "w") as fh:
            w = fh.write
            w("## Generated C validators vs ajv\n\n")
            w("The generated C of the worker-backend catalogue (`out/c`, built `-O2 -DNDEBUG`, cJSON %s) against "
              "ajv %s with ajv-formats (compiled validators, draft-07, first error only) on node %s, in one run "
              "(`bench/validators.sh`) on one machine (%s; %s). Each figure is the median of %d repetitions of "
              "%s s: %s runs of the C and of the ajv side, alternately, %s repetitions each, the repetitions of "
              "all measures interleaved within a run. \"Spread\" is half the range between the slowest and the "
              "fastest repetition, relative to the median.\n\n"
              % (meta["cjson"], meta["ajv"], meta["node"], meta["cpu"], meta["cc"], nrep, meta["seconds"],
                 meta["rounds"], meta["reps"]))
            w("Payload sets (`bench/payloads.py`, one payload per message of the catalogue, all %d messages; "
              "each payload checked valid with `msggen validate --message` and with ajv before measuring):\n\n"
              % sets[0][1])
            for st, n, avg in sets:
                w("- **%s**: %d payloads, %.0f bytes on average.\n" % (SET_TEXT.get(st, st), n, avg))
            w("\nMeasures: *validate, pre-parsed*: the validator alone on a cJSON tree / JS object parsed "
              "beforehand; *parse only*: `cJSON_ParseWithLength` + `cJSON_Delete` / `JSON.parse`; *parse + "
              "validate*: from bytes to a verdict; *parse + validate + typed record* (C only): "
              "`worker_backend_message_from_json` into the generated structs, then freed; *validate, pre-parsed, "
              "no format checks* (ajv only, for comparison): the same schemas compiled with `validateFormats: "
              "false`, to show what ajv's format checks cost; *one pass: bytes -> validated record* (C only): "
              "`worker_backend_message_parse` (the byte reader) + `message_free`. The C-only measures are "
              "compared with ajv's *parse + validate* (`JSON.parse` + the validator). MB/s counts payload "
              "bytes.\n\n")
            w("| " + " | ".join(head) + " |\n")
            w("|" + "|".join("---" if i in (0, 3) else "--:" for i in range(len(head))) + "|\n")
            for r in rows:
                w("| " + " | ".join(r) + " |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
