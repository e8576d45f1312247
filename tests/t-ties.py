"""Ties in an over-cap window: hundreds of pull requests merged in the same
second (and opened long before the others), in a week over the search cap
read from both ends, by a server that serves the same order for order=asc
and order=desc. The reads overlap; the window's distinct results fall short
of its total_count, so it is cut by its total until every part is read whole:
every merged pull request of the week is in the model. A second holding more
than both ends of the search reach cannot be read whole: the run fails that
source (exit 3) and the warning names the second."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, FakeGitHub, Workspace, check, diff_lists, done, model_facts  # noqa: E402

MONDAY, WEEK = "2024-02-19", "2024-W08"
TIED_AT = "2024-02-21T12:34:56Z"
TOKEN = {"GITHUB_TOKEN": "t"}
tmp = tempfile.mkdtemp(prefix="dg-ties-")
base = os.path.join(tmp, "base.json")
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "ties", "--repos", "30",
                "--seed", "5", "--out", base], check=True)


def tied_world(n):
    """The base world with `n` more pull requests merged at TIED_AT, all opened
    in the same (older) second, spread over the repos, by the world's authors."""
    w = json.load(open(base))
    repos = [r for r in w["repos"] if r["owner"] == "ties" and r["name"] in w["orgs"]["ties"]["repos"]
             and not r.get("archived") and not r.get("fork") and r["pulls"]]
    authors = sorted({p["user"] for r in repos for p in r["pulls"]})
    for i in range(n):
        r = repos[i % len(repos)]
        number = max(p["number"] for p in r["pulls"]) + 1
        r["pulls"].append({"number": number, "title": "tied %d" % i, "user": authors[i % len(authors)],
                              "state": "closed", "created_at": "2023-06-01T00:00:00Z",
                              "updated_at": TIED_AT, "closed_at": TIED_AT, "merged_at": TIED_AT,
                              "labels": [], "body": "", "author_association": "CONTRIBUTOR",
                              "html_url": "https://github.com/%s/pull/%d" % (r["full_name"], number)})
    for r in repos:
        r["pulls"].sort(key=lambda p: (p["merged_at"], p["number"]), reverse=True)  # newest first
    path = os.path.join(tmp, "tied-%d.json" % n)
    json.dump(w, open(path, "w"))
    return path


def week_run(world, *fake_args):
    want = json.loads(subprocess.run(
        [sys.executable, os.path.join(TESTS, "make_world.py"), "--expected", world, "--week", MONDAY,
         "--org", "ties"], capture_output=True, text=True, check=True).stdout)
    want = sorted((p["full_name"], p["number"], p["user"], p["merged_at"]) for p in want["merged_pulls"])
    with FakeGitHub(world, "--search-quota", "100000", *fake_args) as gh:
        ws = Workspace(gh.url, orgs=("ties",), event_repos=("ties/community",),
                       extra="[trends]\nweeks = 0\n")   # the collector's searches are counted
        p = ws.run("--week", WEEK, "--format", "json", "--jobs", "8", env=TOKEN)
        merged = [r for r in gh.log() if r["resource"] == "search" and "author:" not in r["query"]["q"]]
        m = ws.model("community-%s.json" % WEEK) if p.returncode in (0, 3) else None
        ws.close()
    return p, want, merged, m


# 950 tied (and the week's others): the week is over the cap, within twice it.
world = tied_world(950)
for args, how in (((), "ties reversed by order=desc"), (("--ignore-order",), "the same order both ways")):
    p, want, merged, m = week_run(world, *args)
    check(1000 < len(want) <= 2000, "%s: the week is over the cap, within twice it (%d)" % (how, len(want)))
    if check(p.returncode == 0, "%s: exit 0" % how, p.stderr[-2000:]):
        got = model_facts(m)["merged_pulls"]
        check(got == want, "%s: every merged pull request of the week (%d of %d)" % (how, len(got), len(want)),
              diff_lists(got, want))
    if not args:
        check(len(merged) == (len(want) + 99) // 100, "%s: read from both ends at the floor (%d searches)"
              % (how, len(merged)))
    else:
        check(len(merged) > (len(want) + 99) // 100, "%s: the short window was cut (%d searches)"
              % (how, len(merged)))

# 2100 tied: one second holds more than both ends of the search reach.
world = tied_world(2100)
p, want, merged, m = week_run(world)
second = "merged:%s..%s" % (TIED_AT, TIED_AT)
check(p.returncode == 3, "2100 in one second: exit 3 (%d)" % p.returncode, p.stderr[-2000:])
check(any(second in line and "warning" in line for line in p.stderr.splitlines()),
      "2100 in one second: the warning names the second", p.stderr[-2000:])
if check(m is not None, "2100 in one second: the model is written"):
    check(m.get("partial") is True, "2100 in one second: the model says partial")
    got = set(model_facts(m)["merged_pulls"])
    check(set(p for p in want if p[3] != TIED_AT) <= got,
          "2100 in one second: every pull request of the other seconds is there")
check(len(merged) <= 7 * 32, "2100 in one second: within the week's search budget (%d)" % len(merged))

done()
