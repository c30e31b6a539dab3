#!/usr/bin/env python3
"""Instructions per stage of `msggen generate` (all targets, the worker-backend
catalogue, a fresh output folder), counted by valgrind's callgrind: repeatable
on a noisy machine, so that a regression shows up in review.

usage: bench/stages.py [--md FILE] [--msggen PATH] [-i CATALOGUE] [--callgrind-out FILE]
  --md FILE              also write the table as a markdown section to FILE
  --msggen PATH          the binary to measure (default ./msggen, built with `make build`)
  -i CATALOGUE           default schemas/worker-backend/asyncapi.yaml
  --callgrind-out FILE   keep callgrind's output there (default: a temporary file)
  --from FILE            no run: read the stages from a kept callgrind output

Run from the top of the repository (the binary finds its templates there).
Needs valgrind (callgrind) only; the binary should carry symbols (the default
build is -O2 -g). The stages are the inclusive costs of the calls, read from
the call edges of callgrind's output (no callgrind_annotate needed):

  load     mg_docset_load called by mg_model_load: the root file of the catalogue
  resolve  mg_resolve_all: $ref resolution, including loading (reading and
           parsing) every file reached by a $ref, shown on its own line
  model    the rest of mg_model_load, i.e. mg_model_new (often inlined there)
  view     mg_view_build_cached, once per target
  render   mg_run_render_target, once per target
  emit     mg_emit_run_all, once for all targets (writes the files)
  free views  cJSON_Delete called by mg_run_generate: the views, once rendered
  targets  mg_target_load_override: target.yaml and the templates (not a
           stage of the catalogue, but part of every run)
  other    the rest of the process: start-up, the dynamic loader, freeing
Edges are taken from callers outside the function itself, so a recursion
('2 suffixes of --separate-recs) is never counted twice.
"""
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile

STAGES = [
    ("load", "catalogue root file: read + YAML parse (mg_docset_load from mg_model_load)"),
    ("resolve", "$ref resolution (mg_resolve_all)"),
    ("  of which", "loading the files reached by $ref (mg_docset_load from mg_resolve_all)"),
    ("model", "message model (mg_model_new, the rest of mg_model_load)"),
    ("view", "view per target (mg_view_build_cached)"),
    ("render", "templates per target (mg_run_render_target)"),
    ("emit", "writing the files (mg_emit_run_all)"),
    ("free views", "freeing each target's view (cJSON_Delete from mg_run_generate)"),
    ("targets", "loading target.yaml + templates (mg_target_load_override)"),
    ("other", "start-up, freeing, the rest"),
]


def base(name):
    """The function name without callgrind's recursion suffix ('2)."""
    return re.sub(r"'\d+$", "", name)


class Profile:
    """The call graph of one callgrind output: total Ir; edges[(caller,
    callee)] = inclusive Ir of all calls from caller to callee and
    calls[(caller, callee)] = their number (names without recursion suffixes,
    calls of a function to itself left out); files[fn] and objects[fn] = the
    source file and the binary or library of each function."""

    def __init__(self, path):
        names = {"fn": {}, "fl": {}, "ob": {}}
        space = {"fl": "fl", "fi": "fl", "fe": "fl", "cfl": "fl", "cfi": "fl", "fn": "fn", "cfn": "fn",
                 "ob": "ob", "cob": "ob"}
        self.edges = collections.Counter()
        self.calls = collections.Counter()
        self.files, self.objects = {}, {}
        self.total = None
        fl = ob = caller = callee = None
        ncalls = None
        events = None

        def name_of(kind, val):
            m = re.match(r"\((\d+)\)(?: (.*))?$", val)
            if not m:
                return val
            table = names[space[kind]]
            if m.group(2) is not None:
                table[m.group(1)] = m.group(2)
            return table.get(m.group(1), "?")

        with open(path, errors="replace") as fh:
            for line in fh:
                line = line.rstrip("\n")
                if not line:
                    continue
                c = line[0]
                if c.isdigit() or c in "+-*":
                    if ncalls is not None:
                        cost = line.split()
                        if base(caller) != base(callee):
                            self.edges[(base(caller), base(callee))] += int(cost[1]) if len(cost) > 1 else 0
                            self.calls[(base(caller), base(callee))] += ncalls
                        ncalls = None
                    continue
                key, eq, val = line.partition("=")
                if eq and key in space:
                    n = name_of(key, val)
                    if key == "fl":
                        fl = n
                    elif key == "ob":
                        ob = n
                    elif key == "fn":
                        caller = n
                        self.files.setdefault(base(n), fl)
                        self.objects.setdefault(base(n), ob)
                    elif key == "cfn":
                        callee = n
                elif eq and key == "calls":
                    ncalls = int(val.split()[0])
                elif line.startswith("events:"):
                    events = line.split()[1:]
                elif line.startswith("summary:") or line.startswith("totals:"):
                    self.total = int(line.split()[1])
        if events and events[0] != "Ir":
            raise SystemExit("callgrind counted %s, not Ir first" % events)
        if self.total is None:
            raise SystemExit("no totals in %s" % path)

    def into(self, callee, caller=None, what=None):
        """Inclusive Ir (or, with what="calls", the number) of the calls of
        callee, from caller or from any function."""
        table = self.calls if what == "calls" else self.edges
        return sum(v for (a, b), v in table.items() if b == callee and (caller is None or a == caller))


def run(msggen, cat, cg_out):
    """Runs msggen generate under callgrind into a fresh folder; returns
    its Profile and a description of the run (None on failure)."""
    tmp = tempfile.mkdtemp(prefix="msggen-stages.")
    try:
        out = cg_out or os.path.join(tmp, "callgrind.out")
        cmd = [msggen, "generate", "-i", cat, "-o", os.path.join(tmp, "out")]
        r = subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=no", "--dump-line=yes",
                            "--callgrind-out-file=" + out] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stderr)
            sys.stderr.write("stages.py: '%s' failed under valgrind (exit %d)\n" % (" ".join(cmd), r.returncode))
            return None, None
        nfiles = sum(len(f) for _, _, f in os.walk(os.path.join(tmp, "out")))
        targets = sorted(os.listdir(os.path.join(tmp, "out")))
        return Profile(out), "msggen generate, %d targets (%s), %d files" % (
            len(targets), ", ".join(targets), nfiles)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)



def human(n):
    return "%.3f G" % (n / 1e9) if n >= 1e9 else "%.1f M" % (n / 1e6)


def main(argv):
    md = cg_out = cg_in = None
    msggen = "./msggen"
    cat = "schemas/worker-backend/asyncapi.yaml"
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--md", "--msggen", "-i", "--callgrind-out", "--from") and i + 1 < len(argv):
            v = argv[i + 1]
            if a == "--from":
                cg_in = v
            elif a == "--md":
                md = v
            elif a == "--msggen":
                msggen = v
            elif a == "-i":
                cat = v
            else:
                cg_out = v
            i += 2
        else:
            sys.stderr.write(__doc__)
            return 2
    if cg_in:
        prof = Profile(cg_in)
        what = "msggen generate (from %s)" % cg_in
    elif not shutil.which("valgrind"):
        sys.stderr.write("stages.py: valgrind is not installed (apt-get install valgrind)\n")
        return 1
    else:
        prof, what = run(msggen, cat, cg_out)
        if prof is None:
            return 1

    total = prof.total
    model_load = prof.into("mg_model_load")
    v = {
        "load": prof.into("mg_docset_load", "mg_model_load"),
        "resolve": prof.into("mg_resolve_all"),
        "view": prof.into("mg_view_build_cached"),
        "render": prof.into("mg_run_render_target"),
        "emit": prof.into("mg_emit_run_all"),
        "targets": prof.into("mg_target_load_override"),
        "free views": prof.into("cJSON_Delete", "mg_run_generate"),
    }
    # mg_resolve_all loads the files it reaches through helpers of resolve.c.
    v["  of which"] = sum(n for (a, b), n in prof.edges.items()
                          if b == "mg_docset_load" and (prof.files.get(a) or "").endswith("resolve.c"))
    v["model"] = model_load - v["load"] - v["resolve"]
    missing = [k for k in ("load", "resolve", "view", "render", "emit") if v[k] == 0] + \
              (["model"] if model_load == 0 else [])
    if missing:
        sys.stderr.write("stages.py: no calls found for %s: is the binary stripped, or were these functions "
                         "inlined into their callers? (build with `make build`, -O2 -g)\n" % ", ".join(missing))
        return 1
    v["other"] = total - sum(v[k] for k in ("load", "resolve", "model", "view", "render", "emit", "free views",
                                    "targets"))

    rows = [(k, human(v[k]), "%.1f%%" % (100.0 * v[k] / total), text) for k, text in STAGES]
    rows.append(("total", human(total), "100.0%", what))
    w = [max(len(r[i]) for r in rows + [("stage", "instructions", "share", "")]) for i in range(3)]
    print("%s  %s  %s  %s" % ("stage".ljust(w[0]), "instructions".rjust(w[1]), "share".rjust(w[2]), "what"))
    for r in rows:
        print("%s  %s  %s  %s" % (r[0].ljust(w[0]), r[1].rjust(w[1]), r[2].rjust(w[2]), r[3]))
    if md:
        ver = subprocess.run([msggen, "--version"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True).stdout.strip()
        vg = subprocess.run(["valgrind", "--version"], stdout=subprocess.PIPE, text=True).stdout.strip()
        with open(md, "w") as fh:
            fh.write("## Instructions per stage (callgrind)\n\n")
            fh.write("`%s generate -i %s -o FRESH_DIR` (all shipped targets) under `valgrind --tool=callgrind` "
                     "(%s), counted by `bench/stages.py`: instructions executed (Ir), inclusive of everything a "
                     "stage calls. Instruction counts do not depend on the machine's load, so a change between two "
                     "commits is the code's. %s.\n\n" % (msggen, cat, vg, ver or "msggen"))
            fh.write("| stage | instructions | share | what |\n|---|--:|--:|---|\n")
            for r in rows:
                name = r[0].strip()
                fh.write("| %s | %s | %s | %s |\n" % ("… " + name if r[0].startswith(" ") else name, r[1], r[2], r[3]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
