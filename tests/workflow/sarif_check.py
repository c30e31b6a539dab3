#!/usr/bin/env python3
"""sarif_check.py FILE [--results N] [--rule ID]... - checks that FILE is a
SARIF 2.1.0 log as GitHub code scanning reads it: the properties the
specification requires (and the ones code scanning needs) with the right
types. Python standard library only. Prints one problem per line and exits 1
when there is any; with --results, the number of results must be N; each
--rule ID must be the ruleId of some result.

sarif_check.py --group NAME FILE [--results N] [--rule ID]... [--group ...]...
checks each group's FILE as a run of its own would, in one Python start (a
start costs more than a check): each problem is printed as NAME<TAB>problem,
and after each group the line "checked NAME PROBLEMS", so that a group
without that line was not checked; exits 1 when any group has a problem."""
import json
import sys


def parse(args):
    """FILE [--results N] [--rule ID]... -> (path, want_results, want_rules)"""
    path, want_results, want_rules = args[0], None, []
    i = 1
    while i < len(args):
        if args[i] == "--results":
            want_results = int(args[i + 1])
        elif args[i] == "--rule":
            want_rules.append(args[i + 1])
        else:
            raise SystemExit("unknown argument " + args[i])
        i += 2
    return path, want_results, want_rules


def main(argv):
    if len(argv) > 1 and argv[1] == "--group":
        groups = []
        for a in argv[1:]:
            if a == "--group":
                groups.append([])
            else:
                groups[-1].append(a)
        failed = False
        for g in groups:
            if len(g) < 2:
                raise SystemExit("--group needs NAME FILE")
            try:
                problems = check(*parse(g[1:]))
            except Exception as e:  # as a run of its own would fail
                problems = [f"{g[1]}: cannot check: {type(e).__name__}: {e}"]
            for p in problems:
                print(f"{g[0]}\t{p}")
            print(f"checked {g[0]} {len(problems)}", flush=True)
            failed = failed or bool(problems)
        return 1 if failed else 0
    problems = check(*parse(argv[1:]))
    for p in problems:
        print(p)
    return 1 if problems else 0


def check(path, want_results, want_rules):
    """The problems of the log at path, each as "path: problem"."""
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)
        return cond

    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except ValueError as e:
            return [f"{path}: not JSON: {e}"]
    need(isinstance(doc, dict), "the log is not an object")
    need(doc.get("version") == "2.1.0", "version is not '2.1.0'")
    need(isinstance(doc.get("$schema", ""), str), "$schema is not a string")
    runs = doc.get("runs")
    if not need(isinstance(runs, list) and len(runs) == 1, "runs is not a list of one run"):
        runs = []
    nresults, seen_rules = 0, set()
    for run in runs:
        driver = run.get("tool", {}).get("driver")
        if not need(isinstance(driver, dict), "run.tool.driver is missing"):
            continue
        need(isinstance(driver.get("name"), str) and driver["name"], "driver.name is not a non-empty string")
        need(isinstance(driver.get("version"), str), "driver.version is not a string")
        rules = driver.get("rules", [])
        need(isinstance(rules, list), "driver.rules is not a list")
        ids = []
        for r in rules:
            need(isinstance(r.get("id"), str), "a rule has no string id")
            ids.append(r.get("id"))
            text = r.get("shortDescription", {}).get("text")
            need(isinstance(text, str), f"rule {r.get('id')}: shortDescription.text is not a string")
        need(len(set(ids)) == len(ids), "rule ids are not unique")
        results = run.get("results")
        if not need(isinstance(results, list), "run.results is not a list (it must be present, even empty)"):
            continue
        for n, res in enumerate(results):
            where = f"results[{n}]"
            nresults += 1
            msg = res.get("message", {})
            need(isinstance(msg.get("text"), str), f"{where}: message.text is not a string")
            need(res.get("level", "warning") in ("none", "note", "warning", "error"), f"{where}: bad level")
            rid = res.get("ruleId")
            need(isinstance(rid, str), f"{where}: ruleId is not a string")
            seen_rules.add(rid)
            if "ruleIndex" in res:
                k = res["ruleIndex"]
                need(isinstance(k, int) and 0 <= k < len(ids) and ids[k] == rid,
                     f"{where}: ruleIndex does not name rule '{rid}'")
            for loc in res.get("locations", []):
                phys = loc.get("physicalLocation")
                if not need(isinstance(phys, dict), f"{where}: a location has no physicalLocation"):
                    continue
                uri = phys.get("artifactLocation", {}).get("uri")
                need(isinstance(uri, str) and uri and " " not in uri, f"{where}: artifactLocation.uri is not a URI")
                region = phys.get("region")
                if region is not None:
                    need(isinstance(region.get("startLine"), int) and region["startLine"] >= 1,
                         f"{where}: region.startLine is not an integer >= 1")
                    if "startColumn" in region:
                        need(isinstance(region["startColumn"], int) and region["startColumn"] >= 1,
                             f"{where}: region.startColumn is not an integer >= 1")
    if want_results is not None:
        need(nresults == want_results, f"{nresults} results, want {want_results}")
    for r in want_rules:
        need(r in seen_rules, f"no result with ruleId '{r}'")
    return [f"{path}: {p}" for p in problems]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
