"""`digest doctor` passes on a working setup and names each broken piece;
the progress line on a terminal shows phases and a rate-limit countdown,
and is never drawn when stderr is not a terminal."""
import os
import pty
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, WORLDS, FakeGitHub, Hostile, Workspace, check, done  # noqa: E402

TOKEN = "ghp_doctortest0123456789abcdef"


def doctor(ws, env):
    e = dict(os.environ)
    e.pop("GITHUB_TOKEN", None)
    e.pop("GH_TOKEN", None)
    e.update(env)
    return subprocess.run([DIGEST, "doctor", "--config", ws.config], capture_output=True, text=True, env=e,
                          cwd=ws.dir, timeout=60)


def lines_of(p):
    return {l.split()[1]: l for l in p.stdout.splitlines() if l.startswith(("ok ", "FAIL "))}


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json"), "--token", TOKEN) as gh:
    ws = Workspace(gh.url)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    got = lines_of(p)
    fails = [l for l in p.stdout.splitlines() if l.startswith("FAIL")]
    check(p.returncode == (1 if fails else 0) and all(k in got for k in
          ("config", "token", "github", "rate", "output", "state", "templates", "feeds", "fonts")),
          "doctor checks config, token, GitHub, limits, directories, templates, feeds and fonts", p.stdout)
    check(not [l for l in fails if not l.split()[1] == "fonts"], "a working setup passes (fonts aside)", p.stdout)
    check("core 5000 of 5000 left" in got.get("rate", ""), "the rate limits are read", p.stdout)
    check(TOKEN not in p.stdout + p.stderr, "the token is not printed")

    p = doctor(ws, {})
    got = lines_of(p)
    check(p.returncode == 1 and got.get("token", "").startswith("FAIL") and "GITHUB_TOKEN is not set" in got["token"],
          "an unset token: one FAIL line naming the variable", p.stdout)
    p = doctor(ws, {"GITHUB_TOKEN": "ghp_wrongtoken000000000000"})
    got = lines_of(p)
    check(p.returncode == 1 and got.get("github", "").startswith("FAIL") and "401" in got["github"],
          "a rejected token: the GitHub line says 401", p.stdout)
    blocker = os.path.join(ws.dir, "blocker")
    open(blocker, "w").write("x")
    cfg = open(ws.config).read().replace('output_dir = "out"', 'output_dir = "blocker/out"')
    open(ws.config, "w").write(cfg)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    got = lines_of(p)
    check(p.returncode == 1 and got.get("output", "").startswith("FAIL") and "blocker" in got["output"],
          "an unwritable output directory: a FAIL line naming it", p.stdout)
    open(ws.config, "w").write(cfg.replace('[digest]\n', '[digest]\nlanguag = "zh"\n'))
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 1 and "FAIL  config" in p.stdout and "did you mean 'language'" in p.stdout,
          "a config error: the config line says where and what", p.stdout)
    ws.close()


def on_pty(args, env, seconds=40):
    """Run digest with stdout and stderr on a pseudo-terminal; all it drew."""
    master, slave = pty.openpty()
    e = dict(os.environ)
    e.update(env)
    proc = subprocess.Popen([DIGEST] + args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=e)
    os.close(slave)
    out = b""
    deadline = time.time() + seconds
    while time.time() < deadline:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            out += data
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(master)
    return proc.returncode, out.decode("utf-8", "replace")


srv = Hostile()
try:
    ws = Workspace(srv.url + "/api/v3", orgs=("o",), event_repos=())
    srv.scenario("retry_date")
    rc, out = on_pty(["--config", ws.config, "--week", "2021-W49", "--format", "md"],
                     {"GITHUB_TOKEN": TOKEN, "DIGEST_RETRY_BASE_MS": "20", "TERM": "xterm"})
    check(rc == 0 and "\r\x1b[K" in out, "on a terminal the progress line is redrawn in place", repr(out[-600:]))
    check("repos" in out and "releases, pulls, events" in out and "render" in out,
          "it names the phases", repr(out[-800:]))
    check("waiting 2 s: secondary rate limit" in out or "waiting 1 s: secondary rate limit" in out,
          "a countdown names the limit while waiting", repr(out[-800:]))
    srv.scenario("retry_date")
    p = ws.run("--week", "2021-W49", "--format", "md", env={"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 0 and "\r" not in p.stderr and "waiting" not in p.stderr,
          "not a terminal: no progress line", p.stderr)
    srv.scenario("retry_date")
    rc, out = on_pty(["--config", ws.config, "--week", "2021-W49", "--format", "md", "-q"],
                     {"GITHUB_TOKEN": TOKEN, "DIGEST_RETRY_BASE_MS": "20", "TERM": "xterm"})
    check(rc == 0 and out.strip() == "", "-q on a terminal: nothing at all", repr(out))
    ws.close()
finally:
    srv.close()
done()
