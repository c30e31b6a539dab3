#!/usr/bin/env python3
# bench/sched-model.py TIMES: estimates the wall time of tests/run.sh on an idle
# 2-core machine from a times file (FAMILY WALL-SECONDS CPU-SECONDS per line,
# like build/test-logs/times or tests/times.default). The machine is shared
# with other sessions, so wall times measured here say little; this model
# turns per-family numbers of one cold run into what a change of the
# schedule or of one family's CPU would do. Fed with the cold .ci/run of
# 2026-12-03 it gives back that run's 428 s for two families at a time.
import sys

# Each family needs c CPU seconds over t seconds when alone (demand c/t); when
# the running families' demand exceeds the cores they all slow down in
# proportion. As in tests/run.sh: longest first, at most `cores` CPU-bound
# families and `cores` waiting ones (c * 3 < t) at once (pools=False: the old
# schedule, `cores` families of any kind).
# budget=B: the rule of tests/run.sh since the t13misc branch: each family
# counts for its share c/t of a CPU, and the next that fits starts while the
# running ones' shares add up to at most cores + B.
def share(f): return 1.0 if f[1] < 5 else min(f[2] / f[1], 1.0)
def sim(fams, cores=2, pools=True, budget=None):
    queue = sorted(fams, key=lambda f: -f[1])
    running = []; now = 0.0; dt = 0.05
    while queue or running:
        started = True
        while started:
            started = False
            for f in queue:
                n, t, c = f
                kind = 'w' if (pools and c * 3 < t) else 'c'
                if budget is not None:
                    fits = not running or sum(share(r[:3]) for r in running) + share(f) <= cores + budget + 1e-9
                else:
                    fits = sum(1 for r in running if r[4] == kind) < cores
                if fits:
                    queue.remove(f); running.append([n, t, c, 0.0, kind]); started = True; break
        D = sum(min(r[2] / max(r[1], 0.01), cores) for r in running)
        speed = 1.0 if D <= cores else cores / D
        for r in running: r[3] += speed * dt / max(r[1], 0.01)
        now += dt
        for r in [r for r in running if r[3] >= 1]: running.remove(r)
    return now
if __name__ == '__main__':
    fams = []
    for line in open(sys.argv[1]):
        if line.startswith('#') or not line.strip(): continue
        n, t, c = line.split()[:3]; fams.append((n, float(t), float(c)))
    print("families %d, cpu %d s; simulated wall on 2 idle cores: %.0f s (shares up to 2.5 CPUs, tests/run.sh), %.0f s (2 busy + 2 waiting), %.0f s (2 at a time)" % (
        len(fams), sum(f[2] for f in fams), sim(fams, budget=0.5), sim(fams), sim(fams, pools=False)))
