"""Scaled real history: the kubesphere world made N repositories big
(tests/scale_world.py: K copies of each repository, distinct people, every
merge time kept, so K pull requests share each merge second), against the
fake GitHub with 50 ms of latency, --jobs 8. Prints, per size: whether every
merged PR of week 2021-W49 is in the model, the requests against the floor
(one org page per 100 repos, a release list per repo, the merged-PR pages,
author batches of six, the probe, the events list, the trends' past weeks:
a page a hundred merged PRs up to 1,000, else one), and the requests of a
re-run of the closed week. Asserts nothing.

  python3 tests/bench_scaled.py 300 500      (after `make`; DIGEST_BIN picks the binary)
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("DIGEST_BUILD", os.path.join(HERE, "..", "build", "release"))
os.environ.setdefault("DIGEST_BIN", os.path.join(os.environ["DIGEST_BUILD"], "digest"))
sys.path.insert(0, HERE)
from digesttest import WORLDS, FakeGitHub, Workspace, model_facts  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dg-scaled-")
for n in [int(x) for x in sys.argv[1:]] or [300, 500]:
    world = os.path.join(tmp, "ks%d.json" % n)
    subprocess.run([sys.executable, os.path.join(HERE, "scale_world.py"), os.path.join(WORLDS, "kubesphere.json"),
                    "--repos", str(n), "--out", world], check=True)
    e = json.loads(subprocess.run([sys.executable, os.path.join(HERE, "make_world.py"), "--expected", world, "--week",
                                   "2021-12-06", "--org", "kubesphere"], capture_output=True, text=True,
                                  check=True).stdout)
    want = sorted((p["full_name"], p["number"], p["user"], p["merged_at"]) for p in e["merged_pulls"])
    with FakeGitHub(world, "--latency-ms", "50", "--quota", "1000000", "--search-quota", "100000") as gh:
        ws = Workspace(gh.url, event_repos=("kubesphere/community",))
        t = time.time()
        p = ws.run("--week", "2021-W49", "--format", "json", "--jobs", "8", env={"GITHUB_TOKEN": "x"})
        wall = time.time() - t
        if p.returncode:
            print(p.stderr[-1500:])
            continue
        log = gh.log()
        m = ws.model("community-2021-W49.json")
        got = model_facts(m)["merged_pulls"]
        people = len(m["contributors"])
        floor = math.ceil(n / 100) + n + math.ceil(len(got) / 100) + math.ceil(people / 6) + 1 + 1
        past = (m.get("trend") or {}).get("weeks", [])[:-1]   # the trends' past weeks, asked once
        floor += sum(math.ceil(w["merged_prs"] / 100) if 0 < w["merged_prs"] <= 1000 else 1
                     for w in past if w.get("merged_prs") is not None)
        print("%d repos: %.1f s; merged PRs %d of the world's %d, equal: %s, partial: %s; requests %d, floor %d "
              "(%+.1f%%)" % (n, wall, len(got), len(want), got == want, m.get("partial"), len(log), floor,
                             100.0 * (len(log) - floor) / floor))
        gh.control(reset_log=True)
        p2 = ws.run("--week", "2021-W49", "--format", "json", env={"GITHUB_TOKEN": "x"})
        print("  re-run of the closed week: exit %d, %d requests" % (p2.returncode, len(gh.log())))
        ws.close()
