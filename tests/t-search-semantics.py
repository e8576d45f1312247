"""Search answers a server may get wrong: the OR of batched author searches
(servers without GitHub's advanced search misread it) and totals that never
fit (a server always reporting more than 1000 matches). A misread query may
cost requests, never a wrong fact; a flood of requests is cut short."""
import glob
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import (WORLDS, FakeGitHub, Workspace, check, diff_lists, done,  # noqa: E402
                        expected_facts, iso_week, model_facts)

WORLD = os.path.join(WORLDS, "kubesphere.json")
FAST = ["--search-quota", "100000"]


def author_searches(log):
    return [r["query"]["q"] for r in log if r["resource"] == "search" and "author:" in r["query"].get("q", "")]


def is_probe(q):
    # the probe asks within the window (merged:A..B); the others before it (merged:<A)
    return "merged:<" not in q


weeks = [(expected_facts(p), os.path.basename(p))
         for p in sorted(glob.glob(os.path.join(WORLDS, "*-expected-*.json")))]
check(len(weeks) >= 2, "expected-facts files are present")
veterans = set(k.lower() for k in json.load(open(WORLD))["prior_contributors"]["kubesphere"])
# The collector's searches are counted: no trends backfill beside them.
NO_TRENDS = "[trends]\nweeks = 0\n"

# Each misreading of the OR, on weeks whose batches hold veterans: the new
# contributors are exactly right, no batch is trusted, and a failed proof is
# not kept (the next week's run probes again).
for mode in ("stray", "and", "one"):
    with FakeGitHub(WORLD, "--or-mode", mode, *FAST) as gh:
        ws = Workspace(gh.url, extra=NO_TRENDS)
        for want, tag in weeks:
            week = iso_week(want["since"])
            gh.control(reset_log=True)
            p = ws.run("--week", week, "--format", "json")
            if not check(p.returncode == 0, "%s, OR read as %s: digest exits 0" % (tag, mode), p.stderr):
                continue
            m = ws.model("community-%s.json" % week)
            got = model_facts(m)["new_contributors"]
            check(got == want["new_contributors"],
                  "%s, OR read as %s: new contributors exactly right (%d)"
                  % (tag, mode, len(want["new_contributors"])),
                  diff_lists(got, want["new_contributors"]))
            check(any(c["login"].lower() in veterans for c in m["contributors"]),
                  "%s: the week's authors include veterans" % tag)
            qs = author_searches(gh.log())
            check(sum(1 for q in qs if is_probe(q)) == 1 and
                  all(" OR " not in q for q in qs if not is_probe(q)),
                  "%s, OR read as %s: one probe, then one search per author" % (tag, mode), qs)
        ws.close()

# The normal GitHub: one probe on the first cold run, none once it is stored
# for the API base; batches of six as before.
with FakeGitHub(WORLD, *FAST) as gh:
    ws = Workspace(gh.url, extra=NO_TRENDS)
    for i, (want, tag) in enumerate(weeks):
        week = iso_week(want["since"])
        gh.control(reset_log=True)
        p = ws.run("--week", week, "--format", "json")
        if not check(p.returncode == 0, "%s, OR understood: digest exits 0" % tag, p.stderr):
            continue
        got = model_facts(ws.model("community-%s.json" % week))["new_contributors"]
        check(got == want["new_contributors"], "%s, OR understood: new contributors right" % tag,
              diff_lists(got, want["new_contributors"]))
        qs = author_searches(gh.log())
        probes = [q for q in qs if is_probe(q)]
        check(len(probes) == (1 if i == 0 else 0),
              "%s: %s" % (tag, "the first cold run probes once" if i == 0 else "the proof is kept: no probe"),
              probes)
        check(any(q.count(" OR author:") == 5 for q in qs if not is_probe(q)),
              "%s: authors are searched six at a time" % tag, qs)
    ws.close()

want, tag = weeks[0]
week = iso_week(want["since"])

# A server that always reports more than the search API pages through: the
# run stops quickly with exit 3 and says why, instead of splitting the week
# into one-second slices.
for total in (5000, 2 ** 63 - 1):
    with FakeGitHub(WORLD, "--search-total", str(total), *FAST) as gh:
        ws = Workspace(gh.url, extra=NO_TRENDS)
        t0 = time.time()
        p = ws.run("--week", week, "--format", "json", timeout=240)
        took = time.time() - t0
        log = gh.log()
        merged = [r for r in log if r["resource"] == "search" and "author:" not in r["query"].get("q", "")]
        check(p.returncode == 3, "total_count %d: exit 3 (%d)" % (total, p.returncode), p.stderr[-2000:])
        check("stopped after" in p.stderr and "more matches than the search API pages through" in p.stderr,
              "total_count %d: the warning names the reason" % total, p.stderr[-2000:])
        check(len(merged) <= 7 * 32, "total_count %d: at most the week's budget of merged searches (%d)"
              % (total, len(merged)))
        check(took < 120, "total_count %d: the run ends quickly (%.1f s)" % (total, took))
        ws.close()

# An hour claiming 5000 matches it never pages through: a window read short
# is cut by its total (never a silent loss) until the day's search budget
# ends it, and the source fails, named: exit 3, partial.
with FakeGitHub(WORLD, "--search-total", "5000", *FAST) as gh:
    ws = Workspace(gh.url, extra=NO_TRENDS)
    since = want["since"].replace("T00:00:00Z", "T10:00:00Z")
    until = want["since"].replace("T00:00:00Z", "T11:00:00Z")
    p = ws.run("--since", since, "--until", until, "--format", "json")
    check(p.returncode == 3, "an hour of 5000: exit 3, the merged pulls named as a failed source", p.stderr[-1500:])
    check("stopped after" in p.stderr and "more matches than the search API pages through" in p.stderr,
          "an hour of 5000: the warning names the reason", p.stderr[-1500:])
    merged = [r for r in gh.log() if r["resource"] == "search" and "author:" not in r["query"].get("q", "")]
    check(len(merged) <= 32, "an hour of 5000: within the day's budget of merged searches (%d)" % len(merged))
    models = [f for f in os.listdir(ws.out) if f.endswith(".json")] if os.path.isdir(ws.out) else []
    check(models and ws.model(models[0]).get("partial") is True, "an hour of 5000: the issue says it is partial",
          models)
    ws.close()

# A negative total is no count: the pages still give the week's facts.
with FakeGitHub(WORLD, "--search-total", "-5", *FAST) as gh:
    ws = Workspace(gh.url, extra=NO_TRENDS)
    p = ws.run("--week", week, "--format", "json")
    if check(p.returncode == 0, "total_count -5: exit 0", p.stderr):
        got = model_facts(ws.model("community-%s.json" % week))
        check(got["new_contributors"] == want["new_contributors"] and
              got["merged_pulls"] == want["merged_pulls"], "total_count -5: the facts are right",
              diff_lists(got["new_contributors"], want["new_contributors"]))
    ws.close()

done()
