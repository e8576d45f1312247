"""Collectors on a world nobody tuned them to: a synthetic 100-repo org
(tests/make_world.py, its expected facts computed by the world's rules),
for single weeks and for a four-week window whose merged pull requests
exceed the search API's 1000-result cap (the window must be split)."""
import datetime
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, FakeGitHub, Workspace, check, diff_lists, done, model_facts  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dg-syn-")
world = os.path.join(tmp, "world.json")
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "syn", "--repos", "100",
                "--seed", "7", "--out", world], check=True)
MONDAYS = ["2024-02-05", "2024-02-12", "2024-02-19", "2024-02-26"]


def expected(monday):
    out = subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--expected", world,
                          "--week", monday, "--org", "syn"], capture_output=True, text=True, check=True).stdout
    e = json.loads(out)
    return {
        "releases": [(r["full_name"], r["tag_name"], r["prerelease"], r["published_at"]) for r in e["releases"]],
        "merged_pulls": sorted((p["full_name"], p["number"], p["user"], p["merged_at"]) for p in e["merged_pulls"]),
        "new_contributors": [(n["login"], n["full_name"], n["number"], n["merged_at"]) for n in e["new_contributors"]],
    }


weeks = {m: expected(m) for m in MONDAYS}
with FakeGitHub(world, "--search-quota", "100000") as gh:
    ws = Workspace(gh.url, orgs=("syn",), event_repos=("syn/community",))
    # Later weeks first: knowledge from a later week must not spoil an earlier one.
    for m in reversed(MONDAYS):
        y, w, _ = datetime.date.fromisoformat(m).isocalendar()
        week = "%04d-W%02d" % (y, w)
        p = ws.run("--week", week, "--format", "json", "--jobs", "8", env={"GITHUB_TOKEN": "t"})
        if not check(p.returncode == 0, "synthetic %s renders" % week, p.stderr):
            continue
        got = model_facts(ws.model("community-%s.json" % week))
        for key in ("releases", "merged_pulls", "new_contributors"):
            check(got[key] == weeks[m][key], "synthetic %s: %s match (%d)" % (week, key, len(weeks[m][key])),
                  diff_lists(got[key], weeks[m][key]))

    # Four weeks at once: more merged PRs than one search may page through.
    total = sum(len(weeks[m]["merged_pulls"]) for m in MONDAYS)
    check(total > 1000, "the four-week window holds more than 1000 merged PRs (%d)" % total)
    ws3 = Workspace(gh.url, orgs=("syn",), event_repos=("syn/community",))
    gh.control(reset_log=True)
    p = ws3.run("--since", MONDAYS[0], "--until", "2024-03-04", "--format", "json", "--jobs", "8",
                env={"GITHUB_TOKEN": "t"})
    if check(p.returncode == 0, "the four-week window renders", p.stderr):
        got = model_facts(ws3.model("community-2024-02-05--2024-03-04.json"))
        want_pulls = sorted(x for m in MONDAYS for x in weeks[m]["merged_pulls"])
        check(got["merged_pulls"] == want_pulls, "four weeks: every merged PR, none twice (%d)" % len(want_pulls),
              diff_lists(got["merged_pulls"], want_pulls))
        want_new = sorted((x for m in MONDAYS for x in weeks[m]["new_contributors"]), key=lambda t: t[0].lower())
        check(sorted(got["new_contributors"], key=lambda t: t[0].lower()) == want_new,
              "four weeks: new contributors are the four weeks' together",
              diff_lists(got["new_contributors"], want_new))
        log = gh.log()
        check(not any(r["status"] == 422 for r in log), "no search page past the 1000-result cap was requested")
    ws3.close()
    ws.close()
done()
