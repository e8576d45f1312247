"""Cost at scale: a cold run with hundreds of unknown authors under a small
search bucket never knocks on it while it is empty (no search answered 403 or
429), waits for its reset, and still finds the world's facts; a bucket whose
reset lies beyond --max-wait stops the run with the reset time, without
sending the request that would be refused."""
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, FakeGitHub, Workspace, check, diff_lists, done, model_facts  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dg-cost-")
world = os.path.join(tmp, "world.json")
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "cost", "--repos", "100",
                "--seed", "3", "--out", world], check=True)
MONDAY, WEEK = "2024-02-19", "2024-W08"
TOKEN = {"GITHUB_TOKEN": "t"}


def expected():
    out = subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--expected", world,
                          "--week", MONDAY, "--org", "cost"], capture_output=True, text=True, check=True).stdout
    e = json.loads(out)
    return {
        "merged_pulls": sorted((p["full_name"], p["number"], p["user"], p["merged_at"]) for p in e["merged_pulls"]),
        "new_contributors": [(n["login"], n["full_name"], n["number"], n["merged_at"]) for n in e["new_contributors"]],
    }


def refused(log, resource):
    return [r for r in log if r["resource"] == resource and r["status"] in (403, 429)]


want = expected()

# 10 searches a window, windows of 2 s: the run needs several windows.
with FakeGitHub(world, "--search-quota", "10", "--search-reset-in", "2") as gh:
    ws = Workspace(gh.url, orgs=("cost",), event_repos=("cost/community",))
    t0 = time.monotonic()
    p = ws.run("--week", WEEK, "--format", "json", "--jobs", "8", "--max-wait", "60", env=TOKEN)
    wall = time.monotonic() - t0
    log = gh.log()
    searches = [r for r in log if r["resource"] == "search"]
    if check(p.returncode == 0, "cold run under a 10-a-window search bucket exits 0 (%.1f s)" % wall, p.stderr):
        m = ws.model("community-%s.json" % WEEK)
        got = model_facts(m)
        check(len(m["contributors"]) >= 150, "hundreds of unknown authors (%d)" % len(m["contributors"]))
        for key in ("merged_pulls", "new_contributors"):
            check(got[key] == want[key], "%s match the world (%d)" % (key, len(want[key])),
                  diff_lists(got[key], want[key]))
    check(len(searches) > 20, "the run needs more searches than one window holds (%d)" % len(searches))
    check(not refused(log, "search"), "no search answered 403/429", refused(log, "search")[:3])
    check(not refused(log, "core"), "no core request answered 403/429")
    ws.close()

# A core bucket smaller than the run: paced too.
with FakeGitHub(world, "--quota", "80", "--reset-in", "2", "--search-quota", "1000") as gh:
    ws = Workspace(gh.url, orgs=("cost",), event_repos=("cost/community",))
    p = ws.run("--week", WEEK, "--format", "json", "--jobs", "8", "--max-wait", "60", env=TOKEN)
    log = gh.log()
    core = [r for r in log if r["resource"] == "core"]
    check(p.returncode == 0 and len(core) > 80, "an 80-a-window core bucket is waited for (%d requests)"
          % len(core), p.stderr)
    check(not refused(log, "core"), "no core request answered 403/429", refused(log, "core")[:3])
    ws.close()

# Four weeks (over the search cap, within twice it): read from both ends;
# a server that ignores order=desc gets the window split, with the same pulls.
def four_weeks(*fake_args):
    with FakeGitHub(world, "--search-quota", "100000", *fake_args) as gh:
        ws = Workspace(gh.url, orgs=("cost",), event_repos=("cost/community",))
        p = ws.run("--since", "2024-02-05", "--until", "2024-03-04", "--format", "json", "--jobs", "8", env=TOKEN)
        merged = [r for r in gh.log() if r["resource"] == "search" and "merged:<" not in r["query"]["q"]
                  and "author:" not in r["query"]["q"]]
        m = ws.model("community-2024-02-05--2024-03-04.json") if p.returncode == 0 else None
        ws.close()
        return p, merged, m


p, merged, m = four_weeks()
p2, merged2, m2 = four_weeks("--ignore-order")
if check(p.returncode == 0 and p2.returncode == 0, "four weeks render, order=desc understood or not",
         p.stderr + p2.stderr):
    pulls = model_facts(m)["merged_pulls"]
    check(1000 < len(pulls) <= 2000, "the window is over the cap, within twice it (%d)" % len(pulls))
    check(any(r["query"].get("order") == "desc" for r in merged) and
          len(merged) == (len(pulls) + 99) // 100, "read from both ends at the floor: %d searches" % len(merged),
          [(r["query"]["q"][-45:], r["query"].get("order"), r["query"].get("page")) for r in merged])
    check(model_facts(m2)["merged_pulls"] == pulls, "order=desc ignored: the split finds the same %d pulls"
          % len(pulls), diff_lists(model_facts(m2)["merged_pulls"], pulls))
    check(len(merged2) > len(merged), "... at the cost of the split (%d searches)" % len(merged2))

# A reset beyond --max-wait: stop with the reset time, knocking on nothing.
with FakeGitHub(world, "--search-quota", "3", "--search-reset-in", "600") as gh:
    ws = Workspace(gh.url, orgs=("cost",), event_repos=("cost/community",))
    p = ws.run("--week", WEEK, "--format", "json", "--jobs", "8", "--max-wait", "5", env=TOKEN)
    log = gh.log()
    check(p.returncode == 1 and "rate limit (search) exhausted" in p.stderr and "resets at" in p.stderr
          and "beyond --max-wait 5 s" in p.stderr, "an empty bucket beyond --max-wait: exit 1 with the reset time",
          p.stderr)
    check(len([r for r in log if r["resource"] == "search"]) == 3 and not refused(log, "search"),
          "exactly the bucket's searches were sent, none refused", [r["status"] for r in log if r["resource"] == "search"])
    ws.close()

done()
