"""`digest doctor` passes on a working setup and names each broken piece
(every check can fail; the count of checks depends on the config only; a
server's text is printed escaped; --api-url, --out and --state-dir apply);
the progress line on a terminal shows phases and a rate-limit countdown,
and is never drawn when stderr is not a terminal."""
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, WORLDS, FakeGitHub, Hostile, Workspace, check, done  # noqa: E402

TOKEN = "ghp_doctortest0123456789abcdef"
FIXED = ("config", "token", "github", "rate", "output", "state", "templates", "feeds", "fonts")
OUTPUTS = []  # every stdout and stderr, for the token check at the end


def doctor(ws, env, *args, config=True):
    e = dict(os.environ)
    e.pop("GITHUB_TOKEN", None)
    e.pop("GH_TOKEN", None)
    e["DIGEST_RETRY_BASE_MS"] = "20"
    e.update(env)
    argv = [DIGEST, "doctor"] + (["--config", ws.config] if config else []) + list(args)
    p = subprocess.run(argv, capture_output=True, env=e, cwd=ws.dir, timeout=120)
    # Decoded by hand: text=True would turn a stray "\r\n" into "\n".
    p.stdout, p.stderr = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    OUTPUTS.append(p.stdout + p.stderr)
    return p


def lines_of(p):
    return {l.split()[1]: l for l in p.stdout.splitlines() if l.startswith(("ok ", "FAIL ", "skip "))}


def lines_named(p, name):
    return [l for l in p.stdout.splitlines() if len(l.split()) > 2 and l.split()[2].rstrip(":") == name]


def count(p):
    """N of the summary line, after checking that it counts the lines printed
    and that each fixed check has exactly one line."""
    body = p.stdout.splitlines()
    m = re.fullmatch(r"digest doctor: (?:all (\d+) checks passed|(\d+) of (\d+) checks failed(?:, (\d+) skipped)?)",
                     body[-1] if body else "")
    if not m:
        return None
    n = int(m.group(1) or m.group(3))
    shown = body[:-1]
    labels = [l.split()[1] for l in shown]
    ok = (len(shown) == n and all(l.startswith(("ok    ", "FAIL  ", "skip  ")) for l in shown)
          and all(labels.count(k) == 1 for k in FIXED)
          and int(m.group(2) or 0) == sum(l.startswith("FAIL") for l in shown)
          and int(m.group(4) or 0) == sum(l.startswith("skip") for l in shown))
    return n if ok else None


def set_config(ws, old, new):
    text = open(ws.config).read()
    assert old in text, old
    open(ws.config, "w").write(text.replace(old, new, 1))


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json"), "--token", TOKEN) as gh:
    ws = Workspace(gh.url)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    got = lines_of(p)
    fails = [l for l in p.stdout.splitlines() if l.startswith("FAIL")]
    check(p.returncode == (1 if fails else 0) and all(k in got for k in FIXED + ("org", "repo")),
          "doctor checks config, token, GitHub, limits, orgs, repos, directories, templates, feeds and fonts",
          p.stdout)
    check(not [l for l in fails if not l.split()[1] == "fonts"], "a working setup passes (fonts aside)", p.stdout)
    check("core 5000 of 5000 left" in got.get("rate", ""), "the rate limits are read", p.stdout)
    check(got.get("org", "").startswith("ok    org         kubesphere (5 public repositories)")
          and got.get("repo", "").startswith("ok    repo        kubesphere/community (events.repos)"),
          "each org and events repository: one ok line", p.stdout)
    n_good = count(p)
    check(n_good == len(FIXED) + 2, "one line per check, and the summary counts them", p.stdout)

    p = doctor(ws, {})
    got = lines_of(p)
    check(p.returncode == 1 and got.get("token", "").startswith("FAIL") and "GITHUB_TOKEN is not set" in got["token"],
          "an unset token: one FAIL line naming the variable", p.stdout)
    check(count(p) == n_good, "an unset token: the same number of checks", p.stdout)
    p = doctor(ws, {"GITHUB_TOKEN": "ghp_wrongtoken000000000000"})
    got = lines_of(p)
    check(p.returncode == 1 and got.get("github", "").startswith("FAIL") and "401" in got["github"],
          "a rejected token: the GitHub line says 401", p.stdout)
    check(got.get("rate", "").startswith("skip") and got.get("org", "").startswith("skip  org         kubesphere")
          and count(p) == n_good, "a rejected token: what needs GitHub is skipped, the count stays", p.stdout)

    gh.control(quota=0)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    gh.control(quota=None, reset_quota=True)
    got = lines_of(p)
    check(p.returncode == 1 and got.get("rate", "").startswith("FAIL  rate limit  core 0 of 0 left")
          and got.get("org", "").startswith("skip  org         kubesphere: not checked: no core requests left")
          and count(p) == n_good, "no quota left: the rate limit line fails, the orgs are skipped", p.stdout)

    # --api-url, --out and --state-dir take the place of the config's.
    set_config(ws, 'api_url = "%s"' % gh.url, 'api_url = "http://127.0.0.1:1"')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 1 and lines_of(p).get("github", "").startswith("FAIL  github      http://127.0.0.1:1/")
          and count(p) == n_good, "GitHub unreachable: the github line fails, the count stays", p.stdout)
    out2, state2 = os.path.join(ws.dir, "elsewhere", "out"), os.path.join(ws.dir, "elsewhere", "state")
    gh.control(reset_log=True)
    shutil.rmtree(ws.out, ignore_errors=True)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN}, "--api-url", gh.url + "/", "--out", out2, "--state-dir", state2)
    got = lines_of(p)
    paths = [r["path"] for r in gh.log()]
    check(got.get("github", "").startswith("ok    github      " + gh.url) and got["org"].startswith("ok")
          and "/orgs/kubesphere" in paths and "/repos/kubesphere/community" in paths,
          "--api-url overrides github.api_url", p.stdout + repr(paths))
    check(got.get("output", "").startswith("ok    output      " + out2) and os.path.isdir(out2)
          and got.get("state", "").startswith("ok    state       " + state2)
          and os.path.exists(os.path.join(state2, "digest.sqlite3")) and not os.path.exists(ws.out),
          "--out and --state-dir override the config's directories", p.stdout)
    blocker = os.path.join(ws.dir, "blocker")
    open(blocker, "w").write("x")
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN}, "--api-url", gh.url, "--state-dir", os.path.join(blocker, "state"))
    check(p.returncode == 1 and lines_of(p).get("state", "").startswith("FAIL") and "blocker" in lines_of(p)["state"],
          "a state directory that cannot be made: a FAIL line naming it", p.stdout)
    set_config(ws, 'api_url = "http://127.0.0.1:1"', 'api_url = "%s"' % gh.url)

    for args, what in ((["--bogus"], "an unknown option"), (["--out"], "an option without its value"),
                       (["extra"], "an unexpected argument"), (["--api-url", "ftp://x"], "an --api-url not http(s)")):
        p = doctor(ws, {"GITHUB_TOKEN": TOKEN}, *args)
        check(p.returncode == 2 and p.stderr.startswith("digest: ") and "usage: digest doctor" in p.stderr
              and p.stdout == "", what + ": exit 2, a message and the usage line", p.stderr)
    p = doctor(ws, {}, "--help")
    check(p.returncode == 0 and "--state-dir DIR" in p.stdout and "--api-url URL" in p.stdout, "--help", p.stdout)

    # A missing org, repository and events repository: one FAIL line each.
    set_config(ws, 'orgs = ["kubesphere"]', 'orgs = ["kubesphere", "nosuchorg"]\n'
               'repos = ["kubesphere/console", "acme/gone", "KubeSphere/Community"]')
    set_config(ws, 'repos = ["kubesphere/community"]', 'repos = ["kubesphere/community", "acme/events"]')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    for name, line in (("nosuchorg", "FAIL  org         nosuchorg: 404 Not Found: no such organisation"),
                       ("acme/gone", "FAIL  repo        acme/gone (github.repos): 404 Not Found: no such repository"),
                       ("acme/events", "FAIL  repo        acme/events (events.repos): 404 Not Found: no such repos")):
        named = [l for l in p.stdout.splitlines() if name in l]
        check(p.returncode == 1 and len(named) == 1 and named[0].startswith(line),
              "a missing %s: one FAIL line naming it" % name, p.stdout)
    check(len([l for l in p.stdout.splitlines() if "kubesphere/community" in l.lower()]) == 1,
          "a repository in github.repos and events.repos is checked once", p.stdout)
    n_mixed = count(p)
    check(n_mixed == len(FIXED) + 2 + 4, "the orgs and repositories count one check each", p.stdout)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN}, "--api-url", "http://127.0.0.1:1")
    check(count(p) == n_mixed and len(lines_named(p, "acme/gone")) == 1
          and lines_named(p, "acme/gone")[0].startswith("skip"),
          "the same config with GitHub unreachable: the same count, the repositories skipped", p.stdout)

    # Every other check can fail too.
    set_config(ws, 'output_dir = "out"', 'output_dir = "blocker/out"')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    got = lines_of(p)
    check(p.returncode == 1 and got.get("output", "").startswith("FAIL") and "blocker" in got["output"]
          and count(p) == n_mixed, "an unwritable output directory: a FAIL line naming it", p.stdout)
    set_config(ws, 'output_dir = "blocker/out"', 'output_dir = "out"')
    os.makedirs(os.path.join(ws.dir, "tpl", "en"))
    open(os.path.join(ws.dir, "tpl", "en", "strings.toml"), "w").write("broken = [\n")
    set_config(ws, '[digest]\n', '[digest]\ntemplates_dir = "tpl"\n')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 1 and lines_of(p).get("templates", "").startswith("FAIL") and "strings.toml" in p.stdout
          and count(p) == n_mixed, "broken templates: a FAIL line naming the file", p.stdout)
    set_config(ws, 'templates_dir = "tpl"\n', '')
    open(ws.config, "a").write('\n[cnweekly]\nfeeds = "no-such-feeds.toml"\n')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 1 and lines_of(p).get("feeds", "").startswith("FAIL") and "no-such-feeds" in p.stdout
          and count(p) == n_mixed, "a missing feed list: a FAIL line naming it", p.stdout)
    set_config(ws, '\n[cnweekly]\nfeeds = "no-such-feeds.toml"\n', '')
    empty_fonts = os.path.join(ws.dir, "fonts.conf")
    open(empty_fonts, "w").write('<?xml version="1.0"?>\n<fontconfig></fontconfig>\n')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN, "FONTCONFIG_FILE": empty_fonts})
    check(lines_of(p).get("fonts", "").startswith("FAIL  fonts       no CJK font") and p.returncode == 1
          and count(p) == n_mixed, "no CJK font: a FAIL line saying what to install", p.stdout)

    # The config: one line, ok or FAIL, never both; exit 2 as a run's.
    set_config(ws, 'orgs = ["kubesphere", "nosuchorg"]\nrepos = ["kubesphere/console", "acme/gone", '
               '"KubeSphere/Community"]', 'orgs = []')
    set_config(ws, 'repos = ["kubesphere/community", "acme/events"]', 'repos = []')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 2 and lines_of(p).get("config", "").startswith("FAIL") and "github.orgs" in p.stdout
          and "ok    config" not in p.stdout and count(p) == len(FIXED),
          "a config naming no org: one FAIL config line, exit 2", p.stdout)
    set_config(ws, 'orgs = []', 'orgs = ["kubesphere"]')
    set_config(ws, '[digest]\n', '[digest]\nlanguag = "zh"\n')
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    got = lines_of(p)
    check(p.returncode == 2 and got.get("config", "").startswith("FAIL  config") and "did you mean 'language'" in p.stdout,
          "a config error: the config line says where and what, exit 2", p.stdout)
    check(all(got.get(k, "").startswith("skip") for k in FIXED if k not in ("config", "fonts"))
          and got.get("repos", "").startswith("skip") and count(p) == len(FIXED) + 1,
          "a config that does not load: every check that needs it is skipped, one line for the repositories",
          p.stdout)
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN}, "--config", os.path.join(ws.dir, "absent.toml"), config=False)
    check(p.returncode == 2 and lines_of(p).get("config", "").startswith("FAIL") and "absent.toml" in p.stdout,
          "a config file that does not exist: FAIL config, exit 2", p.stdout)
    ws.close()


# A server whose messages and names carry terminal controls.
EVIL = "\x1b]0;pwned\x07\x1b[2J\x1b[31mgone\r\nok    org         forged\x7f\x08"


class EvilGitHub(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        reset = int(time.time()) + 3600
        if self.path == "/rate_limit":
            status, body = 200, {"resources": {"core": {"limit": 5000, "remaining": 4999, "reset": reset},
                                               "search": {"limit": 30, "remaining": 30, "reset": reset}}}
        elif self.path == "/orgs/evil":
            status, body = 403, {"message": EVIL}
        elif self.path == "/repos/o/moved":
            status, body = 200, {"full_name": "o/\x1b[31mred\x1b[0m\r\n", "archived": False}
        else:
            status, body = 404, {"message": "Not Found"}
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


evil = ThreadingHTTPServer(("127.0.0.1", 0), EvilGitHub)
threading.Thread(target=evil.serve_forever, daemon=True).start()
try:
    ws = Workspace("http://127.0.0.1:%d" % evil.server_address[1], orgs=("evil",), event_repos=("o/moved",))
    p = doctor(ws, {"GITHUB_TOKEN": TOKEN})
    evil_lines = [l for l in p.stdout.splitlines() if "evil" in l or "o/moved" in l]
    check(not any(c in p.stdout for c in "\x1b\x07\r\x7f\x08") and "\\x1b]0;pwned\\x07\\x1b[2J" in p.stdout
          and "\\x1b[31mred" in p.stdout, "a server's message and names are printed escaped", repr(p.stdout))
    check(len(evil_lines) == 2 and evil_lines[0].startswith("FAIL  org         evil: ") and "403" in evil_lines[0]
          and evil_lines[1].startswith("ok    repo        o/moved (events.repos): moved to o/")
          and not [l for l in p.stdout.splitlines() if "forged" in l and not l.startswith("FAIL  org         evil")]
          and count(p) == len(FIXED) + 2, "a server's text cannot forge a line", repr(p.stdout))
    ws.close()
finally:
    evil.shutdown()
check(not [o for o in OUTPUTS if TOKEN in o], "the token is never printed")


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
