#!/usr/bin/env python3
"""Blaze, the native C++ JSON Schema validator of `@sourcemeta/jsonschema`
(installed by npm into bench/node_modules), on the payload sets of
bench/payloads.py: the same schemas (each message's payload schema with its
$refs inlined, as draft-07) and the same payloads as bench_c's
validate-preparsed measure.

usage: blaze.py WORK [--loop N] [--reps R] [--format-assertion] [SET...]
  (default: --loop 2000 --reps 3, sets minimal full catalogue)
       blaze.py --table WORK [--md FILE]
  (the C/Blaze table from WORK/c-cpu.txt and WORK/blaze.txt; validators.sh)

Per set and message it writes WORK/blaze/SET/MSG.schema.json and MSG.jsonl
(one payload a line) and runs
    jsonschema validate MSG.schema.json MSG.jsonl --benchmark --loop N --fast
which compiles the schema, parses each instance once and evaluates it N times,
printing per instance "FILE[LINE]: PASS MEAN +- SD us (...)". On a shared
machine those means swing with every descheduling (SD is often 10-40x the
mean), so the time per message is taken from the CPU time instead: the
same command with --loop 1 and with --loop 1+N, the difference of their
user + system CPU time (getrusage of the children) divided by N x payloads.
That leaves out the process start, the schema compilation and the parsing,
as bench_c's validate-preparsed does. Each set is run REPS times (default
3), loop 1 and loop 1+N alternately, and the median is kept.
Prints one line per set:
    blaze SET PAYLOADS CPU_US_PER_MSG MSGS_PER_S PRINTED_MEAN_US
(PRINTED_MEAN_US: the mean of Blaze's own printed means, for reference.)
Any FAIL, or an instance without a timing, is an error: every payload is
valid, so Blaze must pass them all.
"""
import json
import os
import re
import resource
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NAMES = {("linux", "x86_64"): "jsonschema-linux-x86_64", ("linux", "aarch64"): "jsonschema-linux-arm64"}
LINE = re.compile(r"^(.*)\[(\d+)\]: (PASS|FAIL) ([0-9.]+) \+- ([0-9.]+) us")


def binary():
    u = os.uname()
    name = NAMES.get((u.sysname.lower(), u.machine))
    path = os.path.join(HERE, "node_modules", "@sourcemeta", "jsonschema", "build", "github-releases", name or "?")
    if not name or not os.access(path, os.X_OK):
        raise SystemExit("blaze.py: no native jsonschema binary for %s %s at %s (npm ci in bench/)" %
                         (u.sysname, u.machine, path))
    return path


def cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run(exe, sp, ip, loop, extra, n):
    """Runs one message's payloads with --loop `loop`; returns (CPU s, printed means)."""
    t = cpu()
    r = subprocess.run([exe, "validate", sp, ip, "--benchmark", "--loop", str(loop), "--fast"] + extra,
                       capture_output=True, text=True)
    t = cpu() - t
    got = [LINE.match(line) for line in (r.stdout + r.stderr).splitlines()]
    got = [g for g in got if g]
    if r.returncode != 0 or len(got) != n or any(g.group(3) != "PASS" for g in got):
        sys.stderr.write(r.stdout + r.stderr)
        raise SystemExit("blaze.py: %s: exit %d, %d of %d payloads timed as PASS" % (
            ip, r.returncode, sum(g.group(3) == "PASS" for g in got), n))
    return t, [float(g.group(4)) for g in got]


def table(work, md):
    """The comparison of WORK/c-cpu.txt (bench_c with BENCH_CPU=1) and
    WORK/blaze.txt (this script's lines), medians over every line of a set."""
    c, b = {}, {}
    for line in open(os.path.join(work, "c-cpu.txt")):
        f = line.split()
        if len(f) > 4 and f[0] == "c" and f[2] == "validate-preparsed":
            c.setdefault(f[1], []).extend(1e6 / float(r) for r in f[4:])
    for line in open(os.path.join(work, "blaze.txt")):
        f = line.split()
        if len(f) == 6 and f[0] == "blaze":
            b.setdefault(f[1], []).append(float(f[3]))
    rows = ["| set | C (out/c), us/msg | Blaze, us/msg | Blaze / C (C faster when > 1) |",
            "|---|--:|--:|--:|"]
    for st in [s for s in ("minimal", "full", "catalogue") if s in c and s in b] + \
              sorted(s for s in c if s in b and s not in ("minimal", "full", "catalogue")):
            cu, bu = statistics.median(c[st]), statistics.median(b[st])
            rows.append("| %s | %.3f | %.3f | %.2f |" % (st, cu, bu, bu / cu))
    text = "\n".join(rows) + "\n"
    sys.stdout.write(text)
    if md:
        with open(md, "a") as fh:
            fh.write("\n### Against Blaze (pre-parsed, CPU time per message)\n\n" + text)


def main(argv):
    if argv and argv[0] == "--table":
        table(argv[1], argv[3] if len(argv) > 3 and argv[2] == "--md" else None)
        return
    work, loop, reps, sets, extra = argv[0], 2000, 3, [], []
    i = 1
    while i < len(argv):
        if argv[i] == "--loop":
            loop = int(argv[i + 1])
            i += 2
        elif argv[i] == "--reps":
            reps = int(argv[i + 1])
            i += 2
        elif argv[i] == "--format-assertion":
            extra.append("--format-assertion")
            i += 1
        else:
            sets.append(argv[i])
            i += 1
    sets = sets or ["minimal", "full", "catalogue"]
    exe = binary()
    msgs = json.load(open(os.path.join(work, "payloads.json")))
    for st in sets:
        d = os.path.join(work, "blaze", st)
        os.makedirs(d, exist_ok=True)
        files = []
        for m in msgs:
            payloads = m["sets"].get(st) or []
            if not payloads:
                continue
            schema = dict(m["schema"])
            schema.setdefault("$schema", "http://json-schema.org/draft-07/schema#")
            sp = os.path.join(d, m["message"] + ".schema.json")
            ip = os.path.join(d, m["message"] + ".jsonl")
            with open(sp, "w") as fh:
                json.dump(schema, fh)
            with open(ip, "w") as fh:
                fh.write("".join(p + "\n" for p in payloads))
            files.append((sp, ip, len(payloads)))
        total = sum(n for _, _, n in files)
        per, means = [], []
        for _ in range(reps):
            base = more = 0.0
            for sp, ip, n in files:
                base += run(exe, sp, ip, 1, extra, n)[0]
                t, printed = run(exe, sp, ip, 1 + loop, extra, n)
                more += t
                means += printed
            per.append((more - base) / (loop * total))
        us = statistics.median(per) * 1e6
        print("blaze %s %d %.4f %.0f %.4f" % (st, total, us, 1e6 / us, sum(means) / len(means)))


if __name__ == "__main__":
    main(sys.argv[1:])
