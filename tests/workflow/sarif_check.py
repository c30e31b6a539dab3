#!/usr/bin/env python3
"""sarif_check.py FILE [--results N] [--rule ID]... - checks that FILE is a
SARIF 2.1.0 log as GitHub code scanning reads it: the properties the
specification requires (and the ones code scanning needs) with the right
types. Python standard library only. Prints one problem per line and exits 1
when there is any; with --results, the number of results must be N; each
--rule ID must be the ruleId of some result."""
import json
import sys


def main(argv):
    path, want_results, want_rules = argv[1], None, []
    i = 2
    while i < len(argv):
        if argv[i] == "--results":
            want_results = int(argv[i + 1])
        elif argv[i] == "--rule":
            want_rules.append(argv[i + 1])
        else:
            raise SystemExit("unknown argument " + argv[i])
        i += 2
    problems = []

    def need(cond, what):
        if not cond:
            problems.append(what)
        return cond

    with open(path, encoding="utf-8") as f:
        try:
            doc = json.load(f)
        except ValueError as e:
            print(f"{path}: not JSON: {e}")
            return 1
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
    for p in problems:
        print(f"{path}: {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
