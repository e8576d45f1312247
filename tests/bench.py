"""make bench: digest against the fake GitHub with a 100-repo org and 50 ms of
latency per request. Prints wall time, requests sent and quota used for a cold
run, a re-run of the same week and the next week, at --jobs 1 and --jobs 8.
Prints figures; asserts nothing (targets are in the README)."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, FakeGitHub, Workspace  # noqa: E402

REPOS = int(os.environ.get("BENCH_REPOS", "100"))
LATENCY = os.environ.get("BENCH_LATENCY_MS", "50")
WEEK1, WEEK2 = "2024-W08", "2024-W09"   # the world's now is 2024-03-04


def main():
    tmp = tempfile.mkdtemp(prefix="dg-bench-")
    world = os.path.join(tmp, "world.json")
    subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "bench",
                    "--repos", str(REPOS), "--seed", "1", "--out", world], check=True)
    print("digest benchmark: %d-repo org, %s ms latency per request (fake GitHub on loopback;"
          " its search limit is raised so that only digest's own cost is measured)" % (REPOS, LATENCY))
    print("%-8s %-26s %9s %9s %8s %12s %8s" % ("jobs", "run", "wall s", "requests", "304s", "quota used",
                                              "req/repo"))
    walls = {}
    for jobs in ("1", "8"):
        with FakeGitHub(world, "--latency-ms", LATENCY, "--search-quota", "100000") as gh:
            ws = Workspace(gh.url, orgs=("bench",), event_repos=("bench/community",))
            for label, week in (("cold (empty store)", WEEK1), ("re-run same week", WEEK1),
                                ("next week", WEEK2)):
                gh.control(reset_log=True)
                t0 = time.monotonic()
                p = ws.run("--week", week, "--format", "json", "--jobs", jobs, "-q",
                           env={"GITHUB_TOKEN": "bench-token"})
                wall = time.monotonic() - t0
                log = gh.log()
                if p.returncode != 0:
                    print("digest failed (%d): %s" % (p.returncode, p.stderr.strip()))
                    return 1
                not_modified = sum(1 for r in log if r["status"] == 304)
                quota = sum(1 for r in log if r["status"] not in (304,) and not r["fault"])
                print("%-8s %-26s %9.2f %9d %8d %12d %8.2f" % (jobs, label, wall, len(log), not_modified,
                                                              quota, len(log) / REPOS))
                walls[(jobs, label)] = wall
            ws.close()
    ratio = walls[("8", "cold (empty store)")] / walls[("1", "cold (empty store)")]
    print("cold run wall time, jobs 8 / jobs 1: %.2f" % ratio)
    return 0


if __name__ == "__main__":
    sys.exit(main())
