#!/usr/bin/env python3
"""Where the generated C spends its instructions, per message: runs
WORK/bench_c (built by bench/validators.sh) under callgrind on each payload
set, measure parse + validate, and splits the average cost of one message into
cJSON's parse (and its malloc and strtod calls), the generated validator (and
its format checks, per format) and cJSON_Delete (and its free calls).
Instruction counts do not depend on the machine's load.

usage: bench/vprofile.py WORK [--md FILE] [SET...]   (default sets: minimal full catalogue)
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stages import Profile  # noqa: E402

FORMAT_PREFIX = "worker_backend_rt_format_"


def profile(work, st):
    with tempfile.TemporaryDirectory(prefix="msggen-vprofile.") as tmp:
        out = os.path.join(tmp, "callgrind.out")
        env = dict(os.environ, BENCH_ONLY="parse+validate")
        r = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=pass", "--callgrind-out-file=" + out,
                            os.path.join(work, "bench_c"), work, "0.2", "1", st],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit("vprofile.py: bench_c failed under callgrind on set %s" % st)
        p = Profile(out)
    per = lambda callee: p.into(callee, "pass") / max(1, p.into(callee, "pass", "calls"))
    parses = max(1, p.into("cJSON_ParseWithLength", "pass", "calls"))
    validates = max(1, p.into("worker_backend_message_validate", "pass", "calls"))
    from_cjson = lambda callee: sum(v for (a, b), v in p.edges.items()
                                    if b == callee and "libcjson" in (p.objects.get(a) or ""))
    formats = {}
    for (a, b), v in p.edges.items():
        if b.startswith(FORMAT_PREFIX):
            formats[b[len(FORMAT_PREFIX):]] = formats.get(b[len(FORMAT_PREFIX):], 0) + v / validates
    return {
        "parse": per("cJSON_ParseWithLength"),
        "malloc": (from_cjson("malloc") + from_cjson("calloc")) / parses,
        "strtod": from_cjson("strtod") / parses,
        "validate": per("worker_backend_message_validate"),
        "formats": formats,
        "delete": per("cJSON_Delete"),
        "free": from_cjson("free") / parses,
    }


def record_cost(work, st, measure, roots):
    """Instructions per message of one bench_c measure: the inclusive cost of
    the calls `pass` makes to `roots`, over the calls of the first root."""
    with tempfile.TemporaryDirectory(prefix="msggen-vprofile.") as tmp:
        out = os.path.join(tmp, "callgrind.out")
        env = dict(os.environ, BENCH_ONLY=measure)
        r = subprocess.run(["valgrind", "--tool=callgrind", "--toggle-collect=pass", "--callgrind-out-file=" + out,
                            os.path.join(work, "bench_c"), work, "0.05", "1", st],
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            raise SystemExit("vprofile.py: bench_c failed under callgrind on set %s" % st)
        p = Profile(out)
    n = max(1, p.into(roots[0], "pass", "calls"))
    return sum(p.into(f, "pass") for f in roots) / n


def records(work, sets, md):
    """From bytes to a validated record: the cJSON path (cJSON parse, validate,
    build, free the record and the tree) against the one-pass reader
    (message_parse, message_free), in instructions per message."""
    head = ["set", "cJSON path", "one pass", "… parse", "… free", "ratio"]
    rows = []
    for st in sets:
        old = record_cost(work, st, "parse+validate+record", ["cJSON_ParseWithLength", "worker_backend_message_from_json",
                                                              "worker_backend_message_free", "cJSON_Delete"])
        parse = record_cost(work, st, "bytes->record", ["worker_backend_message_parse"])
        free = record_cost(work, st, "bytes->record", ["worker_backend_message_free"])
        new = parse + free
        rows.append([st, "%.0f" % old, "%.0f" % new, "%.0f" % parse, "%.0f" % free, "%.2f×" % (old / new)])
    w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    line = lambda r: "  ".join(v.ljust(w[i]) if i == 0 else v.rjust(w[i]) for i, v in enumerate(r))
    print("instructions per message, C, bytes -> validated record (callgrind)")
    print(line(head))
    for r in rows:
        print(line(r))
    if md:
        with open(md, "a") as fh:
            fh.write("\n### From bytes to a validated record: cJSON path vs one pass\n\n")
            fh.write("`bench/vprofile.py`: average instructions per message under callgrind. *cJSON path*: "
                     "`cJSON_ParseWithLength` + `message_from_json` (validate, build) + `message_free` + "
                     "`cJSON_Delete`, what `T_parse` was. *One pass*: `message_parse` (the byte reader, "
                     "`<name>_parse.c`) + `message_free` (the record's arena).\n\n")
            fh.write("| " + " | ".join(head) + " |\n|---|" + "--:|" * (len(head) - 1) + "\n")
            for r in rows:
                fh.write("| " + " | ".join(r) + " |\n")


def main(argv):
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    work, md, sets = argv[0], None, []
    rest = argv[1:]
    while rest:
        if rest[0] == "--md" and len(rest) > 1:
            md, rest = rest[1], rest[2:]
        else:
            sets.append(rest[0])
            rest = rest[1:]
    sets = sets or ["minimal", "full", "catalogue"]
    head = ["set", "parse", "… malloc", "… strtod", "validate", "… formats", "delete", "… free", "total",
            "validate share"]
    rows, fmt_rows = [], []
    for st in sets:
        r = profile(work, st)
        f = sum(r["formats"].values())
        total = r["parse"] + r["validate"] + r["delete"]
        rows.append([st] + ["%.0f" % x for x in (r["parse"], r["malloc"], r["strtod"], r["validate"], f,
                                                 r["delete"], r["free"], total)]
                    + ["%.0f%%" % (100 * r["validate"] / total)])
        fmt_rows.append((st, ", ".join("%s %.0f" % (k, v) for k, v in sorted(r["formats"].items(), key=lambda kv: -kv[1]))))
    w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(head)]
    line = lambda r: "  ".join(v.ljust(w[i]) if i == 0 else v.rjust(w[i]) for i, v in enumerate(r))
    print("instructions per message, C, parse + validate (callgrind; '…' = of which)")
    print(line(head))
    for r in rows:
        print(line(r))
    for st, text in fmt_rows:
        print("formats per message, %s: %s" % (st, text or "none"))
    if md:
        with open(md, "w") as fh:
            fh.write("### Where the C side spends its instructions\n\n")
            fh.write("`bench/vprofile.py`: the C side's *parse + validate* under callgrind, average instructions "
                     "per message (\"…\" = of which: calls made by cJSON to malloc/strtod/free, and the format "
                     "checks made by the validator). Deterministic, unlike the timings.\n\n")
            fh.write("| " + " | ".join(head) + " |\n|---|" + "--:|" * (len(head) - 1) + "\n")
            for r in rows:
                fh.write("| " + " | ".join(r) + " |\n")
            fh.write("\nFormat checks per message, by format: " +
                     "; ".join("%s: %s" % (st, text or "none") for st, text in fmt_rows) + ".\n")
    records(work, sets, md)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
