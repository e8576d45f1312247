"""An org's repository listing over several pages: when the first page's Link
names the last, the other pages are asked for at once (all of them are being
served at one moment: the last to arrive came before the first was answered),
every repository is found, and a second run asks the same pages
conditionally, the last page known from the cache."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, FakeGitHub, Workspace, check, diff_lists, done, model_facts  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dg-listing-")
world = os.path.join(tmp, "world.json")
REPOS = 330
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "wide", "--repos", str(REPOS),
                "--seed", "11", "--out", world], check=True)
MONDAY, WEEK = "2024-02-19", "2024-W08"
TOKEN = {"GITHUB_TOKEN": "t"}
want = json.loads(subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--expected", world,
                                  "--week", MONDAY, "--org", "wide"], capture_output=True, text=True,
                                 check=True).stdout)
want_pulls = sorted((p["full_name"], p["number"], p["user"], p["merged_at"]) for p in want["merged_pulls"])


def together(reqs):
    """All were being served at one moment: the last arrived before the first was answered."""
    return max(r["arrived_ms"] for r in reqs) < min(r["answered_ms"] for r in reqs)


def listing(log):
    return [r for r in log if r["path"] == "/orgs/wide/repos"]


with FakeGitHub(world, "--latency-ms", "250", "--search-quota", "100000", "--quota", "1000000") as gh:
    ws = Workspace(gh.url, orgs=("wide",), event_repos=("wide/community",))
    p = ws.run("--week", WEEK, "--format", "json", "--jobs", "8", env=TOKEN)
    pages = listing(gh.log())
    if check(p.returncode == 0, "a %d-repository org renders" % REPOS, p.stderr):
        got = model_facts(ws.model("community-%s.json" % WEEK))["merged_pulls"]
        check(got == want_pulls, "every merged PR of every listed repository (%d)" % len(want_pulls),
              diff_lists(got, want_pulls))
    numbers = sorted(int(r["query"].get("page", "1")) for r in pages)
    check(numbers == [1, 2, 3, 4], "four listing pages, each asked once", numbers)
    later = [r for r in pages if r["query"].get("page") not in (None, "1")]
    check(len(later) == 3 and together(later), "pages 2-4 asked for at once (served side by side)",
          [(r["query"].get("page"), r["arrived_ms"], r["answered_ms"]) for r in later])
    gh.control(reset_log=True)
    p = ws.run("--week", "2024-W09", "--format", "json", "--jobs", "8", env=TOKEN)
    pages = listing(gh.log())
    check(p.returncode == 0 and sorted(int(r["query"].get("page", "1")) for r in pages) == [1, 2, 3, 4] and
          all(r["conditional"] for r in pages), "the next week asks the same four pages conditionally",
          [(r["query"].get("page"), r["conditional"], r["status"]) for r in pages])
    later = [r for r in pages if r["query"].get("page") not in (None, "1")]
    check(len(later) == 3 and together(later),
          "a first page answered 304 still names the last (kept with it): side by side again",
          [(r["query"].get("page"), r["arrived_ms"], r["answered_ms"]) for r in later])
    ws.close()

done()
