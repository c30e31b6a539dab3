#!/usr/bin/env python3
"""bench/scale.py - how msggen's time and memory grow with the catalogue size.

    bench/scale.py [--sizes 10,100,1000,10000,50000] [--runs 3] [--big-runs 1]
                   [--big-from 50000] [--stages generate,regenerate,check,validate,view]
                   [--seed 1] [--timeout 900] [--md FILE] [--msggen ./msggen]

For each size N, generates the synthetic catalogue bench/work/synth-N/ once
(bench/synth.py, deterministic from the seed), then measures each stage as a
whole process: one warm-up run, then --runs runs (--big-runs from --big-from
messages on), and reports the median wall time, the median CPU time (user +
system, steadier on a shared machine), and the peak RSS (os.wait4's
ru_maxrss). Stages:

    validate   msggen validate -i CAT          front end: load, resolve, model
                                               and the example checks
    view       msggen view -i CAT > /dev/null  front end + the view (neutral)
    generate   msggen generate -i CAT -o DIR   everything, all shipped targets,
                                               into a fresh temporary folder
    regenerate msggen generate -i CAT -o DIR   the same into a folder that a
                                               generate (not measured) filled:
                                               emit compares every file with
                                               the one on disk
    check      msggen check -i CAT -o DIR      the same comparison, writing
                                               nothing (the folder in sync)

Also per size: input files and bytes, output files and bytes (of generate).
Growth: the log-log slope of time against N between consecutive sizes, and a
least-squares fit of log t on log N over the sizes >= 1000 (linear growth is
slope 1, quadratic 2). Memory: a least-squares line of peak RSS against N over
the sizes >= 100 gives the MB per message, and its value at 10 000 messages. Prints a table; --md writes it as a markdown section.
A run that fails or exceeds --timeout is reported as such (and larger sizes
of that stage are skipped).
"""
import argparse
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)


def run_once(argv, timeout, stdout=subprocess.DEVNULL):
    """Runs argv; returns (wall s, cpu s, maxrss KB, rc), rc None on timeout."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=stdout, stderr=errf, cwd=TOP)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.send_signal(signal.SIGKILL)
                os.wait4(p.pid, 0)
                p.returncode = -9
                return time.monotonic() - t0, None, None, None
            time.sleep(0.002)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            errf.seek(0)
            err = errf.read().decode(errors="replace")
            sys.stderr.write("scale: %s failed (%d):\n%s" % (" ".join(argv), p.returncode, err[-2000:]))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, p.returncode


def tree_size(path):
    files = size = 0
    for d, _, names in os.walk(path):
        for n in names:
            if n == ".msggen-manifest":
                continue
            files += 1
            size += os.path.getsize(os.path.join(d, n))
    return files, size


def measure(stage, msggen, cat, runs, timeout):
    """Warm-up + runs; returns dict with wall, cpu, rss (medians / max) or error."""
    walls, cpus, rsss = [], [], []
    out = None
    for i in range(runs + 1):
        tmp = None
        if stage in ("generate", "regenerate", "check"):
            tmp = tempfile.mkdtemp(prefix="msggen-scale-")
            argv = [msggen, "generate", "-i", cat, "-o", os.path.join(tmp, "out")]
            if stage != "generate":
                # The folder as the previous run left it; this run is not measured.
                if subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  cwd=TOP).returncode != 0:
                    shutil.rmtree(tmp, ignore_errors=True)
                    return {"error": "first generate failed"}
                if stage == "check":
                    argv = [msggen, "check", "-i", cat, "-o", os.path.join(tmp, "out")]
        elif stage == "validate":
            argv = [msggen, "validate", "-i", cat]
        else:
            argv = [msggen, "view", "-i", cat]
        wall, cpu, rss, rc = run_once(argv, timeout)
        if tmp:
            if rc == 0 and out is None:
                out = tree_size(os.path.join(tmp, "out"))
            shutil.rmtree(tmp, ignore_errors=True)
        if rc is None:
            return {"error": "timeout > %ds" % timeout}
        if rc != 0:
            return {"error": "exit %d" % rc}
        if i == 0 and runs > 0:
            continue  # warm-up
        walls.append(wall)
        cpus.append(cpu)
        rsss.append(rss)
        if wall * (runs - i) > timeout:  # the remaining runs would take too long
            break
    return {"wall": statistics.median(walls), "cpu": statistics.median(cpus),
            "rss": max(rsss), "runs": len(walls), "out": out}


def slope(n0, t0, n1, t1):
    if t0 <= 0 or t1 <= 0:
        return float("nan")
    return math.log(t1 / t0) / math.log(n1 / n0)


def fit(points):
    """Least-squares slope of log t on log n."""
    pts = [(math.log(n), math.log(t)) for n, t in points if t > 0]
    if len(pts) < 2:
        return float("nan")
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / sxx if sxx else float("nan")


def linfit(points):
    """Least-squares line y = a + b n; returns (a, b), or None under two points."""
    if len(points) < 2:
        return None
    mx = sum(n for n, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((n - mx) ** 2 for n, _ in points)
    if not sxx:
        return None
    b = sum((n - mx) * (y - my) for n, y in points) / sxx
    return my - b * mx, b


def fmt_s(x):
    return "%.3f" % x if x < 10 else "%.1f" % x


def main():
    ap = argparse.ArgumentParser(description="msggen scaling benchmark")
    ap.add_argument("--sizes", default="10,100,1000,10000,50000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big-runs", type=int, default=1, help="runs at sizes >= --big-from")
    ap.add_argument("--big-from", type=int, default=50000)
    ap.add_argument("--stages", default="generate",
                    help="comma list of generate, regenerate, check, validate, view; "
                         "STAGE:N stops STAGE above N messages")
    ap.add_argument("--seed", default="1")
    ap.add_argument("--timeout", type=int, default=900, help="seconds per run")
    ap.add_argument("--msggen", default=os.path.join(TOP, "msggen"))
    ap.add_argument("--note", default="", help="a line added to the markdown section")
    ap.add_argument("--md", help="write the results as a markdown section to this file")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",") if s]
    stages, limit = [], {}
    for s in a.stages.split(","):
        name, _, top = s.partition(":")
        if name not in ("generate", "regenerate", "check", "validate", "view"):
            ap.error("unknown stage %r" % s)
        stages.append(name)
        if top:
            limit[name] = int(top)
    env_tpl = os.environ.get("MSGGEN_TEMPLATES")
    if not env_tpl:
        os.environ["MSGGEN_TEMPLATES"] = os.path.join(TOP, "templates")

    rows = []   # (n, input files, input bytes, {stage: result})
    dead = set()
    for n in sizes:
        cat_dir = os.path.join(HERE, "work", "synth-%d" % n)
        cat = os.path.join(cat_dir, "asyncapi.yaml")
        t0 = time.monotonic()
        subprocess.run([sys.executable, os.path.join(HERE, "synth.py"), "--seed", a.seed, str(n)],
                       check=True, stdout=subprocess.DEVNULL)
        gen_s = time.monotonic() - t0
        in_files, in_bytes = tree_size(cat_dir)
        res = {}
        runs = a.big_runs if n >= a.big_from else a.runs
        for st in stages:
            if st in dead or n > limit.get(st, n):
                res[st] = {"error": "not run"}
                continue
            r = measure(st, a.msggen, os.path.relpath(cat, TOP), runs, a.timeout)
            res[st] = r
            if "error" in r:
                dead.add(st)
            msg = r.get("error") or "wall %ss cpu %ss rss %d MB" % (fmt_s(r["wall"]), fmt_s(r["cpu"]),
                                                                     r["rss"] // 1024)
            print("# n=%d %s: %s (catalogue made in %.1fs)" % (n, st, msg, gen_s), flush=True)
        rows.append((n, in_files, in_bytes, res))

    lines = []
    lines.append("| messages | input files | input KB | stage | runs | wall s | CPU s | peak RSS MB | "
                 "output files | output KB | slope (CPU) |")
    lines.append("| ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    fits = {}
    mems = {}
    for st in stages:
        prev = None
        pts = []
        mem = []
        for n, inf, inb, res in rows:
            r = res[st]
            if "error" in r:
                lines.append("| %d | %d | %d | %s | | %s | | | | | |" % (n, inf, inb // 1024, st, r["error"]))
                prev = None
                continue
            sl = slope(prev[0], prev[1], n, r["cpu"]) if prev else None
            out = r.get("out")
            lines.append("| %d | %d | %d | %s | %d | %s | %s | %.1f | %s | %s | %s |" % (
                n, inf, inb // 1024, st, r["runs"], fmt_s(r["wall"]), fmt_s(r["cpu"]), r["rss"] / 1024,
                out[0] if out else "", out[1] // 1024 if out else "",
                "%.2f" % sl if sl is not None else ""))
            prev = (n, r["cpu"])
            if n >= 1000:
                pts.append((n, r["cpu"]))
            if n >= 100:
                mem.append((n, r["rss"] / 1024))
        fits[st] = fit(pts), [p[0] for p in pts]
        mems[st] = linfit(mem), [p[0] for p in mem]
    fit_lines = []
    for st in stages:
        f, ns = fits[st]
        if len(ns) >= 2:
            fit_lines.append("- `%s`: log-log slope of CPU time over %s messages: **%.2f** (1 = linear, 2 = quadratic)"
                             % (st, ", ".join(str(x) for x in ns), f))
        else:
            fit_lines.append("- `%s`: fewer than two sizes >= 1000 measured; no fit" % st)
        # Memory per message: the slope of peak RSS against N (sizes >= 100,
        # where the fixed part no longer dominates), and what it projects.
        lf, ns = mems[st]
        if lf:
            a0, b = lf
            fit_lines.append("- `%s`: peak RSS per message over %s messages: **%.3f MB** (least squares; "
                             "intercept %.1f MB), projected at 10 000 messages: %.2f GB"
                             % (st, ", ".join(str(x) for x in ns), b, a0, (a0 + b * 10000) / 1024))
    text = "\n".join(lines) + "\n\n" + "\n".join(fit_lines) + "\n"
    print()
    print(text)
    if a.md:
        os.makedirs(os.path.dirname(os.path.abspath(a.md)), exist_ok=True)
        with open(a.md, "w") as f:
            f.write("## Scaling (synthetic catalogues, bench/scale.py)\n\n")
            f.write("Synthetic AsyncAPI 3.0 catalogues from `bench/synth.py` (seed %s): split files, "
                    "objects 3-7 levels deep, arrays, maps, enums, formats, shared schemas reused "
                    "through cross-file `$ref`. Each stage is a whole `msggen` process; wall and CPU "
                    "(user + system) times are medians of the runs after one warm-up; RSS is the peak "
                    "(wait4 ru_maxrss). Slopes are of log CPU time against log N (between a size and "
                    "the previous one; the fit over N >= 1000).\n\n" % a.seed)
            f.write("Machine: %s, %d CPUs, shared (wall times are noisy; CPU times are steadier).\n\n"
                    % (os.uname().machine, os.cpu_count() or 0))
            if a.note:
                f.write(a.note + "\n\n")
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
