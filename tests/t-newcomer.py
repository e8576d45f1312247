#!/usr/bin/env python3
"""A newcomer's first hour, on orgs no other test uses (synthetic worlds made
here with tests/make_world.py):

- the example config with only github.orgs and the API URL changed renders
  the org's issue, with no trace of another community;
- two orgs sharing a state directory number independently, and a weekly and
  a biweekly of one org number independently;
- a period that has not started is refused before any request; a period in
  progress is a preview that takes no number and records nothing;
- every malformed --week form gets the format message; no config file says
  how to start; a 401 names the token variables and whether a token was sent.
"""
import http.server
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, ROOT, TESTS, FakeGitHub, check, done  # noqa: E402

NOW = "2024-03-04T01:00:00Z"          # make_world's default `now`: Monday 09:00 in Shanghai
FOREIGN = re.compile(r"kubesphere|ks-ci-bot|qingstor|example-org", re.I)
tmp = tempfile.mkdtemp(prefix="dg-newcomer-")


def world(org, name, seed):
    path = os.path.join(tmp, org + ".json")
    subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", org, "--repos", "5",
                    "--seed", str(seed), "--org-name", name, "--out", path], check=True)
    return path


def example_config(path, org, api_url, state, out, extra=""):
    """config.example.toml with only github.orgs and github.api_url changed (and the paths)."""
    text = open(os.path.join(ROOT, "config.example.toml"), encoding="utf-8").read()
    text, n1 = re.subn(r'(?m)^orgs = \[[^\]]*\]', 'orgs = ["%s"]' % org, text)
    text, n2 = re.subn(r'(?m)^api_url = "https://api.github.com"', 'api_url = "%s"' % api_url, text)
    text, n3 = re.subn(r'(?m)^output_dir = "out"', 'output_dir = "%s"' % out, text)
    text, n4 = re.subn(r'(?m)^state_dir = "[^"]*"', 'state_dir = "%s"' % state, text)
    assert (n1, n2, n3, n4) == (1, 1, 1, 1), (n1, n2, n3, n4)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text + extra)
    return path


def digest(config, *args, env=None, cwd=None):
    e = dict(os.environ, DIGEST_NOW=NOW, DIGEST_RETRY_BASE_MS="20")
    e.pop("GITHUB_TOKEN", None)
    e.pop("GH_TOKEN", None)
    e.update(env or {})
    cmd = [DIGEST] + (["--config", config] if config else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=e, cwd=cwd or tmp, timeout=300)


def files_under(d):
    for base, _, names in os.walk(d):
        for n in names:
            yield os.path.join(base, n)


def numbers_in(state, period):
    db = sqlite3.connect(os.path.join(state, "digest.sqlite3"))
    try:
        return db.execute("SELECT kind, number FROM issues WHERE period = ?", (period,)).fetchall()
    finally:
        db.close()


acme = world("acme", "Acme 开源社区", 11)
zeta = world("zeta", "Zeta Cloud", 12)
state = os.path.join(tmp, "shared-state")

with FakeGitHub(acme) as gh_a, FakeGitHub(zeta) as gh_z:
    # The example config, only the org and the API changed.
    out_a = os.path.join(tmp, "out-acme")
    cfg_a = example_config(os.path.join(tmp, "acme.toml"), "acme", gh_a.url, state, out_a)
    p = digest(cfg_a, "--week", "2024-W08", "--format", "md,html,json")
    check(p.returncode == 0, "the example config with only the org and the API changed: exit 0", p.stderr)
    md = open(os.path.join(out_a, "community-2024-W08.md"), encoding="utf-8").read()
    check("Acme 开源社区" in md.split("\n", 3)[1], "the title names the org's display name from its profile",
          md[:300])
    traces = []
    for f in files_under(out_a):
        if f.endswith((".md", ".html", ".json", ".svg")):
            text = open(f, encoding="utf-8", errors="replace").read()
            traces += ["%s: %s" % (os.path.basename(f), m.group(0)) for m in FOREIGN.finditer(text)]
    check(not traces, "no trace of another community in any file written", "\n".join(traces[:20]))
    svgs = [f for f in files_under(out_a) if f.endswith(".svg")]
    check(not svgs or all("Acme 开源社区" in open(f, encoding="utf-8").read() for f in svgs),
          "certificates name the org's display name (%d)" % len(svgs))
    model = json.load(open(os.path.join(out_a, "community-2024-W08.json"), encoding="utf-8"))
    check(model.get("number") == 1 and model.get("community") == "Acme 开源社区",
          "a new community's first issue is number 1", (model.get("number"), model.get("community")))
    check(not model.get("events", {}).get("past") and not model.get("events", {}).get("upcoming") and
          not model.get("partial"), "no events repository configured: no events, nothing failed")

    # Two orgs in one state directory, and two cadences of one org.
    p = digest(cfg_a, "--week", "2024-W09", "--format", "json")
    na = json.load(open(os.path.join(out_a, "community-2024-W09.json"))).get("number") if p.returncode == 0 else None
    out_z = os.path.join(tmp, "out-zeta")
    cfg_z = example_config(os.path.join(tmp, "zeta.toml"), "zeta", gh_z.url, state, out_z)
    p = digest(cfg_z, "--week", "2024-W09", "--format", "json")
    nz = json.load(open(os.path.join(out_z, "community-2024-W09.json"))).get("number") if p.returncode == 0 else None
    check(na == 2 and nz == 1, "two orgs sharing a state directory number apart (acme W09 %r, zeta W09 %r)" % (na, nz),
          p.stderr)
    p = digest(cfg_a, "--biweekly", "2024-W09", "--format", "json")
    nb = (json.load(open(os.path.join(out_a, "community-2024-W08-W09.json"))).get("number")
          if p.returncode == 0 else None)
    check(nb == 1, "the biweekly numbers on its own (%r)" % nb, p.stderr)
    p = digest(cfg_a, "--week", "2024-W07", "--format", "json")
    check(p.returncode == 0 and json.load(open(os.path.join(out_a, "community-2024-W07.json"))).get("number") is None,
          "a week before a community's first is unnumbered, whatever another org recorded", p.stderr)
    p = digest(cfg_a, "--week", "2024-W07", "--format", "json", "-q")
    check(p.returncode == 0 and "no number" in p.stderr and len(p.stderr.strip().splitlines()) == 1,
          "-q still says, in one line, that the issue has no number", p.stderr)

    # A period that has not started: refused before any request.
    before = len(gh_a.log())
    p = digest(cfg_a, "--week", "2024-W20", "-q")
    check(p.returncode == 2 and "has not started" in p.stderr and "2024-05-13" in p.stderr,
          "a future week is exit 2, saying when it starts", p.stderr)
    check(len(gh_a.log()) == before and not os.path.exists(os.path.join(out_a, "community-2024-W20.md")),
          "a future week sends nothing and writes nothing")
    p = digest(cfg_a, "--since", "2024-03-10", "--until", "2024-03-20")
    check(p.returncode == 2 and "has not started" in p.stderr, "a future range is refused too", p.stderr)

    # The week in progress: a preview.
    p = digest(cfg_a, "--week", "2024-W10", "--format", "md,json", "-q")
    check(p.returncode == 0 and p.stderr.count("preview") == 1 and len(p.stderr.strip().splitlines()) == 1,
          "a week in progress: one warning even under -q", p.stderr)
    m10 = json.load(open(os.path.join(out_a, "community-2024-W10.json"), encoding="utf-8"))
    check(m10.get("number") is None and "预览" in m10.get("title", ""), "the preview is titled as one, no number",
          (m10.get("title"), m10.get("number")))
    check(numbers_in(state, "2024-W10") == [], "the preview is not recorded", numbers_in(state, "2024-W10"))
    p = digest(cfg_a, "--week", "2024-W10", "--publish", "wechat")
    check(p.returncode == 2 and "in progress" in p.stderr, "a preview is not published", p.stderr)

    # Malformed weeks: the format message, whatever the form.
    for form in (["--week", "2025W48"], ["--week=2025W48"], ["--biweekly", "2025-48"], ["--week", "W48"]):
        p = digest(cfg_a, *form)
        check(p.returncode == 2 and "expected YYYY-Www" in p.stderr and "unexpected argument" not in p.stderr,
              "%s: the week format message" % " ".join(form), p.stderr)

    # 401 with a token sent: both variables named.
with FakeGitHub(acme, "--token", "ghp_goodtoken0000000000000000") as gh:
    cfg = example_config(os.path.join(tmp, "auth.toml"), "acme", gh.url, os.path.join(tmp, "s2"),
                         os.path.join(tmp, "o2"))
    p = digest(cfg, "--week", "2024-W08", env={"GITHUB_TOKEN": "ghp_badtoken00000000000000000"})
    check(p.returncode == 1 and "GITHUB_TOKEN" in p.stderr and "GH_TOKEN" in p.stderr and "rejected" in p.stderr
          and "ghp_badtoken" not in p.stderr, "a rejected token: the variables are named, the token is not", p.stderr)


class Needs401(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"message": "Requires authentication"}'
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Needs401)
threading.Thread(target=srv.serve_forever, daemon=True).start()
try:
    cfg = example_config(os.path.join(tmp, "noauth.toml"), "acme", "http://127.0.0.1:%d" % srv.server_address[1],
                         os.path.join(tmp, "s3"), os.path.join(tmp, "o3"))
    p = digest(cfg, "--week", "2024-W08")
    check(p.returncode == 1 and "no token was sent" in p.stderr and "GITHUB_TOKEN" in p.stderr,
          "a 401 without a token says none was sent and names the variable", p.stderr)
finally:
    srv.shutdown()

# No config file anywhere: where the example is and how to run init.
empty = os.path.join(tmp, "empty")
os.makedirs(empty)
p = digest(None, "--week", "2024-W08", env={"XDG_CONFIG_HOME": empty, "DIGEST_CONFIG": ""}, cwd=empty)
check(p.returncode == 2 and "digest init --org" in p.stderr and "config.example.toml" in p.stderr,
      "no config file: says how to run init and where the example is", p.stderr)

shutil.rmtree(tmp, ignore_errors=True)
done()
