"""Collectors against the fake GitHub: the expected facts of real weeks,
under faults, at any concurrency, cheaply on a re-run, and clear failures."""
import glob
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import (WORLDS, FakeGitHub, Workspace, check, diff_lists, done,  # noqa: E402
                        expected_facts, iso_week, model_facts)

WORLD = os.path.join(WORLDS, "kubesphere.json")
# The searches of a cold run exceed GitHub's 30/min; pacing is tested below.
FAST = ["--search-quota", "1000"]


def compare(tag, model, want):
    got = model_facts(model)
    for key in ("releases", "merged_pulls", "new_contributors", "events_past", "events_upcoming"):
        check(got[key] == want[key], "%s: %s match the expected facts (%d)" % (tag, key, len(want[key])),
              diff_lists(got[key], want[key]))
    check(got["since"] == want["since"] and got["until"] == want["until"],
          "%s: window is [%s, %s)" % (tag, want["since"], want["until"]), (got["since"], got["until"]))


def json_name(week):
    return "community-%s.json" % week


expected_files = sorted(glob.glob(os.path.join(WORLDS, "*-expected-*.json")))
check(len(expected_files) >= 2, "expected-facts files are present")

for path in expected_files:
    want = expected_facts(path)
    week = iso_week(want["since"])
    tag = os.path.basename(path)
    with FakeGitHub(WORLD, *FAST) as gh:
        ws = Workspace(gh.url)
        p = ws.run("--week", week, "--format", "json", "--jobs", "4")
        check(p.returncode == 0, "%s: digest exits 0" % tag, p.stderr)
        if p.returncode != 0:
            continue
        cold = ws.read(json_name(week))
        compare(tag, json.loads(cold), want)
        cold_log = gh.log()

        # A re-run of the same week with --refresh (without it the kept
        # collection answers with no request: t-closed.py): only conditional
        # requests, all 304, no search for contributors already known.
        gh.control(reset_log=True)
        p = ws.run("--week", week, "--format", "json", "--jobs", "4", "--refresh")
        log = gh.log()
        check(p.returncode == 0 and ws.read(json_name(week)) == cold,
              "%s: re-run writes the same digest" % tag, p.stderr)
        check(log and all(r["conditional"] for r in log),
              "%s: re-run sends only conditional requests (%d)" % (tag, len(log)),
              [r["path"] for r in log if not r["conditional"]])
        check(all(r["status"] == 304 for r in log), "%s: re-run is all 304s" % tag,
              [(r["path"], r["status"]) for r in log if r["status"] != 304])
        author_searches = [r for r in log if r["resource"] == "search" and "author:" in str(r["query"])]
        check(not author_searches, "%s: re-run needs no contributor search" % tag, author_searches[:3])
        cold_authors = [r for r in cold_log if r["resource"] == "search" and "author:" in str(r["query"])]
        check(len(cold_authors) <= len(json.loads(cold)["contributors"]),
              "%s: at most one search per unknown author on a cold run (%d)" % (tag, len(cold_authors)))

        # Offline: the same digest from the store, no request at all.
        gh.control(reset_log=True)
        p = ws.run("--week", week, "--format", "json", "--offline")
        check(p.returncode == 0 and ws.read(json_name(week)) == cold and not gh.log(),
              "%s: --offline renders the same digest without a request" % tag, p.stderr)
        ws.close()

    # Concurrency and faults change nothing in the result.
    results = {}
    for label, jobs, faults in (("jobs 1", "1", []), ("jobs 8", "8", []),
                                ("faults jobs 8", "8", ["--fail-every", "7", "--secondary-every", "11",
                                                        "--retry-after", "0"]),
                                ("faults jobs 1", "1", ["--fail-every", "7", "--secondary-every", "11",
                                                        "--retry-after", "0"])):
        with FakeGitHub(WORLD, *(FAST + faults)) as gh:
            ws = Workspace(gh.url)
            p = ws.run("--week", week, "--format", "json", "--jobs", jobs)
            ok = check(p.returncode == 0, "%s: %s exits 0" % (tag, label), p.stderr)
            if ok:
                results[label] = ws.read(json_name(week))
                if faults:
                    log = gh.log()
                    check(any(r["fault"] for r in log), "%s: %s injected faults (%d)"
                          % (tag, label, sum(1 for r in log if r["fault"])))
            ws.close()
    if len(results) == 4:
        base = results["jobs 1"]
        for label, body in results.items():
            check(body == base, "%s: %s output is byte-identical to jobs 1" % (tag, label))
        compare(tag + " under faults", json.loads(results["faults jobs 8"]), want)

# Two successive weeks: someone new in the first week is not new in the second.
first, second = [expected_facts(p) for p in expected_files[:2]]
with FakeGitHub(WORLD, *FAST) as gh:
    ws = Workspace(gh.url)
    wk2 = iso_week(second["since"])
    wk1 = iso_week(first["since"])
    p2 = ws.run("--week", wk2, "--format", "json")
    p1 = ws.run("--week", wk1, "--format", "json")
    check(p1.returncode == 0 and p2.returncode == 0, "later week first, then the earlier one", p1.stderr + p2.stderr)
    if p1.returncode == 0 and p2.returncode == 0:
        compare("earlier week after a later one", ws.model(json_name(wk1)), first)
        compare("later week", ws.model(json_name(wk2)), second)
    ws.close()

done()
