"""The operator's side: messages that guide, -q for cron, partial issues
said as such and never written over a good one, outputs checked before the
first request."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import Hostile, Workspace, check, done  # noqa: E402

srv = Hostile()
try:
    def run(ws, scenario, *args, env=None):
        srv.scenario(scenario)
        e = {"GITHUB_TOKEN": "ghp_operatortest0123456789", "DIGEST_STALL_SECONDS": "1"}
        e.update(env or {})
        return ws.run("--week", "2021-W49", "--format", "md,json", *args, env=e, timeout=60)

    ws = Workspace(srv.url + "/api/v3", orgs=("o",), event_repos=())

    p = ws.run("--week", "2024-W60")
    check(p.returncode == 2 and "'2024-W60' does not exist: 2024 has 52 ISO weeks" in p.stderr,
          "a week that does not exist is named as such", p.stderr)
    p = ws.run("--week", "2020-W53", "--offline", "--format", "md")
    check("does not exist" not in p.stderr, "2020 has a week 53", p.stderr)
    p = ws.run("--week=24-W1")
    check(p.returncode == 2 and "expected YYYY-Www" in p.stderr and "usage:" in p.stderr,
          "a malformed week: the format and the usage", p.stderr)

    # The token's variable is named when it is unset.
    cfg = open(ws.config).read()
    open(ws.config, "w").write(cfg.replace('[github]\n', '[github]\ntoken_env = "KARMADA_TOKEN"\n'))
    p = run(ws, "normal", env={"GITHUB_TOKEN": ""})
    check(p.returncode == 0 and "KARMADA_TOKEN is not set" in p.stderr, "the unset token variable is named",
          p.stderr)

    # -q: nothing on success; one line per failed source on exit 3.
    p = run(ws, "normal", "-q")
    check(p.returncode == 0 and p.stdout == "" and p.stderr == "", "-q prints nothing on success",
          p.stdout + p.stderr)
    check("incomplete" not in ws.read("community-2021-W49.md"), "a complete issue has no note")
    model = ws.model("community-2021-W49.json")
    check(model.get("partial") is False and model.get("failed_sources") == [],
          "a complete issue says partial: false")
    # The week is closed and its complete collection kept: --refresh asks the
    # server again (now a broken one).
    p = run(ws, "loop", "-q", "--refresh")
    lines = [l for l in p.stderr.splitlines() if l]
    check(p.returncode == 3 and len(lines) == 2 and lines[0].startswith("digest: failed: ") and "/orgs/o/repos" in lines[0],
          "-q on exit 3: one line naming the failed source and why", p.stderr)
    check(len(lines) == 2 and "written to %s" % ws.out in lines[1] and "1 source failed" in lines[1],
          "-q on exit 3: then one line saying the issue was written and where", p.stderr)
    model = ws.model("community-2021-W49.json")
    check(model.get("partial") is True and len(model.get("failed_sources", [])) == 1
          and "leads back" in model["failed_sources"][0], "a partial issue says so in its model", model.get("failed_sources"))
    md = ws.read("community-2021-W49.md")
    check("This issue is incomplete: 1 source(s) could not be read" in md.split("---", 2)[2][:300],
          "and in a visible note at the top of the issue", md[:600])
    cfg = open(ws.config).read()
    open(ws.config, "w").write(cfg.replace("[digest]\n", "[digest]\npartial_note = false\n", 1))
    p = run(ws, "loop", "--refresh")
    check(p.returncode == 3 and "incomplete" not in ws.read("community-2021-W49.md"),
          "digest.partial_note = false leaves the note out", p.stderr)
    open(ws.config, "w").write(cfg)

    # An offline re-render reads the kept collection, and any change of the config makes another.
    p = run(ws, "normal")
    online = ws.read("community-2021-W49.md")
    srv.scenario("normal")   # clears the server's log
    p = ws.run("--week", "2021-W49", "--format", "md,json", env={"GITHUB_TOKEN": "ghp_operatortest0123456789"})
    check(p.returncode == 0 and not srv.log() and ws.read("community-2021-W49.md") == online,
          "an online re-run of the closed week is rendered from the kept collection: no request",
          (p.stderr, srv.log()))
    p = run(ws, "normal", "--offline")
    check(p.returncode == 0 and ws.read("community-2021-W49.md") == online,
          "an offline re-render gives the same issue", p.stderr)
    cfg = open(ws.config).read()
    open(ws.config, "w").write(cfg.replace("[github]\n", '[github]\nexclude_repos = ["o/r"]\n', 1))
    p = run(ws, "normal", "--offline")
    # (this server sends no ETag, so nothing else is cached: the collectors run and find nothing)
    check("v1.0.0" in online and (p.returncode != 0 or "v1.0.0" not in ws.read("community-2021-W49.md"))
          and "not in the state store" in p.stderr, "a changed config is not served the kept collection", p.stderr)
    open(ws.config, "w").write(cfg)

    # Nothing collected: the good issue of that period is kept.
    p = run(ws, "normal")
    good = ws.read("community-2021-W49.md")
    p = run(ws, "broken", "--refresh")
    check(p.returncode == 1 and "nothing was collected" in p.stderr and ws.read("community-2021-W49.md") == good,
          "an empty partial issue is not written over a good one", p.stderr)
    p = run(ws, "broken", "-q", "--refresh")
    check(p.returncode == 1 and "digest: failed: " in p.stderr, "-q on exit 1 lists the failed sources", p.stderr)

    # An unwritable output directory fails before the first request.
    blocker = os.path.join(ws.dir, "blocker")
    open(blocker, "w").write("x")
    srv.scenario("normal")
    p = ws.run("--week", "2021-W49", "--out", os.path.join(blocker, "out"), env={"GITHUB_TOKEN": "x" * 20})
    check(p.returncode == 1 and "blocker" in p.stderr and not srv.log(),
          "an unwritable output directory: exit 1 before any request", (p.stderr, srv.log()))
    ws.close()
finally:
    srv.close()
done()
