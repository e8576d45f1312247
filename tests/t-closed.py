"""A closed week re-run sends no request: its complete collection is kept in
the store and the issue is re-rendered from it, byte for byte, unless
--refresh asks for the network; a changed config or a week still in
progress is never served from it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

WORLD = os.path.join(WORLDS, "kubesphere.json")
WEEK = "2021-W49"                     # kubesphere-expected-2021-12-06.json
IN_WEEK = "2021-12-09T12:00:00Z"      # a Thursday of that week: a preview
FAST = ["--search-quota", "1000"]
FORMATS = ("md", "json", "html")


def files(ws):
    """Every file under the output directory (certificates too), by relative path."""
    out = {}
    for dirpath, _, names in os.walk(ws.out):
        for name in names:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, ws.out)] = f.read()
    return out


def run(ws, *args, env=None):
    return ws.run("--week", WEEK, "--format", ",".join(FORMATS), "--jobs", "4", *args, env=env)


with FakeGitHub(WORLD, *FAST) as gh:
    ws = Workspace(gh.url)
    p = run(ws)
    check(p.returncode == 0 and gh.log(), "a cold run of a closed week exits 0 and sends requests", p.stderr)
    cold = files(ws)
    check("community-%s.json" % WEEK in cold and "community-%s.md" % WEEK in cold,
          "the cold run writes the issue", sorted(cold))

    # The re-run: the kept collection, not a request, and the same files.
    gh.control(reset_log=True)
    p = run(ws)
    log = gh.log()
    check(p.returncode == 0 and not log, "a re-run of a closed week sends no request (%d)" % len(log),
          p.stderr + "\n".join("%s %s" % (r["path"], r["status"]) for r in log[:10]))
    again = files(ws)
    check(again == cold, "the re-run's files are byte-identical to the cold run's",
          [n for n in set(cold) | set(again) if cold.get(n) != again.get(n)])

    # --refresh: fetched again (conditional requests), the same files.
    gh.control(reset_log=True)
    p = run(ws, "--refresh")
    log = gh.log()
    check(p.returncode == 0 and log and all(r["conditional"] for r in log),
          "--refresh sends the requests again, all conditional (%d)" % len(log),
          p.stderr + "\n".join(r["path"] for r in log if not r["conditional"])[:2000])
    check(files(ws) == cold, "--refresh writes the same files", p.stderr)
    p = run(ws, "--refresh", "--offline")
    check(p.returncode == 2 and "--offline" in p.stderr and "usage:" in p.stderr,
          "--refresh with --offline is a usage error", p.stderr)

    # A fresh state store (new contributors' first PRs found again) gives the
    # same issue as the kept collection.
    fresh = Workspace(gh.url)
    p = run(fresh)
    check(p.returncode == 0 and files(fresh) == cold,
          "a fresh state store gives the same files as the kept collection", p.stderr)
    fresh.close()

    # Any byte of the config changed: another key, so the network again.
    with open(ws.config, "a") as f:
        f.write("# edited\n")
    gh.control(reset_log=True)
    p = run(ws)
    check(p.returncode == 0 and gh.log(), "a changed config is fetched again", p.stderr)
    gh.control(reset_log=True)
    p = run(ws)
    check(p.returncode == 0 and not gh.log() and files(ws) == cold,
          "then kept under the new config: the next re-run sends no request", p.stderr)

    # A week in progress (a preview) is never served from a kept collection,
    # not even one kept of that very period.
    gh.control(reset_log=True)
    p = ws.run("--week", WEEK, "--format", "json", env={"DIGEST_NOW": IN_WEEK})
    check(p.returncode == 0 and gh.log(), "a week in progress sends its requests", p.stderr)
    check("this is a preview" in p.stderr and ws.read("community-%s.json" % WEEK).encode()
          != cold["community-%s.json" % WEEK], "and is rendered as a preview", p.stderr)
    ws.close()
done()
