"""make bench: digest against the fake GitHub at 25, 100 and 300 repos (each a
synthetic org of its own, with its own people), 50 ms of latency per request,
--jobs 8. Prints, side by side: a cold run's wall time, requests and quota
with the search limit raised (digest's own cost); the requests of a re-run;
a cold run under GitHub's 30 searches a minute with time scaled by 1/10
(30 per 6 s): its wall time and the searches the server refused; and an
offline render of the week from the store (CPU and peak RSS of the process:
the first renders every certificate PNG, a re-render takes them from the store).
Then certificates: the SVGs the smallest world's render wrote (at most
BENCH_CERTS of them), each drawn once at 1.5x by digest's own code (the
svg-png tool: lib/images' dg_image_svgs_to_png, as the certificates stage
draws them, one process) and by `rsvg-convert -z 1.5` (one process a
certificate, as it is used); CPU of the processes per certificate, the PNG
bytes, and the ratio (target: digest at most half of rsvg-convert).
Prints figures; asserts nothing (targets are in the README).
BENCH_REPOS=25,100 BENCH_LATENCY_MS=50 BENCH_JOBS=8 BENCH_CERTS=40 choose other figures."""
import glob
import json
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import BUILD, DIGEST, TESTS, FakeGitHub, Workspace  # noqa: E402

SIZES = [int(x) for x in os.environ.get("BENCH_REPOS", "25,100,300").split(",")]
LATENCY = os.environ.get("BENCH_LATENCY_MS", "50")
JOBS = os.environ.get("BENCH_JOBS", "8")
WEEK = "2024-W08"   # the world's now is 2024-03-04
TOKEN = {"GITHUB_TOKEN": "bench-token"}
CERTS = int(os.environ.get("BENCH_CERTS", "40"))
SVG_PNG = os.path.join(BUILD, "tests", "svg-png")


def run(ws, *args):
    """digest in `ws`: (exit status, wall s, CPU s, peak RSS MiB) of that process alone."""
    env = dict(os.environ)
    env.pop("GH_TOKEN", None)
    env.update(TOKEN)
    env.setdefault("DIGEST_RETRY_BASE_MS", "20")
    with tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen([DIGEST, "--config", ws.config, "--week", WEEK, "-q"] + list(args),
                                stdout=subprocess.DEVNULL, stderr=err, env=env)
        _, status, ru = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - t0
        if proc.returncode != 0:
            err.seek(0)
            sys.exit("digest failed (%d): %s" % (proc.returncode, err.read().decode(errors="replace")))
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def quota(log):
    return sum(1 for r in log if r["status"] != 304 and not r["fault"])


def measure(repos, tmp):
    org = "bench%d" % repos
    world = os.path.join(tmp, "%s.json" % org)
    subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", org, "--repos", str(repos),
                    "--seed", str(repos), "--out", world], check=True)
    f = {}
    with FakeGitHub(world, "--latency-ms", LATENCY, "--search-quota", "100000") as gh:
        ws = Workspace(gh.url, orgs=(org,), event_repos=("%s/community" % org,))
        f["cold wall s"], _, _ = run(ws, "--format", "json", "--jobs", JOBS)
        log = gh.log()
        model = json.load(open(os.path.join(ws.out, "community-%s.json" % WEEK)))
        searches = [r for r in log if r["resource"] == "search"]
        f["requests"] = len(log)
        f["searches"] = len(searches)
        # One org page per 100 repos, a release list per repo, the merged-PR
        # pages, author batches of six (and the probe), the events list, and
        # the trends' past weeks.
        merged, people = len(model["merged_pulls"]), len(model["contributors"])
        f["floor"] = (math.ceil(repos / 100) + repos + math.ceil(merged / 100) + math.ceil(people / 6) + 1 + 1)
        # The trends' weeks before the issue's (asked for once, then kept): a
        # week of up to 1,000 merged PRs is read whole, a bigger one counted.
        past = (model.get("trend") or {}).get("weeks", [])[:-1]
        f["floor"] += sum(math.ceil(w["merged_prs"] / 100) if 0 < w["merged_prs"] <= 1000 else 1
                          for w in past if w.get("merged_prs") is not None)
        f["over floor %"] = 100.0 * (len(log) - f["floor"]) / f["floor"]
        f["quota core+search"] = "%d+%d" % (quota(log) - quota(searches), quota(searches))
        f["merged PRs / people"] = "%d / %d" % (merged, people)
        gh.control(reset_log=True)
        run(ws, "--format", "json", "--jobs", JOBS)
        f["re-run requests (quota)"] = "%d (%d)" % (len(gh.log()), quota(gh.log()))
        _, f["offline render CPU ms"], f["offline render peak MiB"] = run(ws, "--offline",
                                                                          "--format", "md,html,json")
        f["offline render CPU ms"] *= 1000
        # Again: certificate PNGs come from the store's cache, the rest is the model and the text formats.
        _, f["re-render CPU ms"], f["re-render peak MiB"] = run(ws, "--offline", "--format", "md,html,json")
        f["re-render CPU ms"] *= 1000
        keep = os.path.join(tmp, "certs-%d" % repos)
        shutil.copytree(os.path.join(ws.out, "certificates"), keep)
        ws.close()
    with FakeGitHub(world, "--latency-ms", LATENCY, "--search-quota", "30", "--search-reset-in", "6") as gh:
        ws = Workspace(gh.url, orgs=(org,), event_repos=("%s/community" % org,))
        f["30/6s: cold wall s"], _, _ = run(ws, "--format", "json", "--jobs", JOBS, "--max-wait", "600")
        f["30/6s: refused searches"] = sum(1 for r in gh.log()
                                           if r["resource"] == "search" and r["status"] in (403, 429))
        ws.close()
    return f


def run_cpu(argv):
    """(stdout, CPU s of the process) of argv, which must succeed."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, stdout=out, stderr=err)
        _, status, ru = os.wait4(proc.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            sys.exit("%s failed: %s" % (argv[0], err.read().decode(errors="replace")))
        out.seek(0)
        return out.read().decode(), ru.ru_utime + ru.ru_stime


def certificates(folder, tmp):
    """digest's drawing against rsvg-convert's on the same certificate SVGs."""
    svgs = sorted(glob.glob(os.path.join(folder, "*.svg")))[:CERTS]
    if not svgs:
        print("certificates: the render wrote none")
        return
    if not shutil.which("rsvg-convert"):
        sys.exit("bench: rsvg-convert missing (Debian librsvg2-bin): make test-deps")
    n = len(svgs)
    first = os.path.join(tmp, "digest-first.png")
    out, cpu = run_cpu([SVG_PNG, "-o", first, "1.5"] + svgs)
    digest_bytes = int(out.split()[-1])
    _, cpu1 = run_cpu([SVG_PNG, "-j", "1", "1.5"] + svgs)
    rsvg_cpu, rsvg_bytes = 0.0, 0
    for i, svg in enumerate(svgs):
        png = os.path.join(tmp, "rsvg-%d.png" % i)
        _, c = run_cpu(["rsvg-convert", "-z", "1.5", svg, "-o", png])
        rsvg_cpu += c
        rsvg_bytes += os.path.getsize(png)
    same = open(first, "rb").read() == open(svgs[0][:-4] + ".png", "rb").read()
    print("certificates: %d SVGs of the %s world at 1.5x, CPU of the processes per certificate"
          % (n, os.path.basename(folder)[len("certs-"):]))
    print("%-44s%12.1f" % ("digest CPU ms / certificate (2 threads)", 1000 * cpu / n))
    print("%-44s%12.1f" % ("digest CPU ms / certificate (1 thread)", 1000 * cpu1 / n))
    print("%-44s%12.1f" % ("rsvg-convert -z 1.5 CPU ms / certificate", 1000 * rsvg_cpu / n))
    print("%-44s%12.2f" % ("digest / rsvg-convert CPU (target <= 0.50)", cpu / rsvg_cpu))
    print("%-44s%12d" % ("digest PNG bytes / certificate", digest_bytes // n))
    print("%-44s%12d" % ("rsvg-convert PNG bytes / certificate", rsvg_bytes // n))
    print("%-44s%12s" % ("svg-png PNG = the render's PNG", "yes" if same else "NO"))


def main():
    tmp = tempfile.mkdtemp(prefix="dg-bench-")
    print("digest benchmark: fake GitHub on loopback, %s ms latency per request, --jobs %s, week %s"
          % (LATENCY, JOBS, WEEK))
    cols = {n: measure(n, tmp) for n in SIZES}
    keys = list(cols[SIZES[0]].keys())
    print("%-26s" % "repos" + "".join("%12d" % n for n in SIZES))
    for k in keys:
        cells = []
        for n in SIZES:
            v = cols[n][k]
            cells.append("%12.2f" % v if isinstance(v, float) and "wall" in k else
                         "%12.1f" % v if isinstance(v, float) else "%12s" % v)
        print("%-26s" % k + "".join(cells))
    certificates(os.path.join(tmp, "certs-%d" % min(SIZES)), tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
