"""The command line: usage and config errors (exit 2 with file and line),
failures (exit 1, nothing lost), partial runs (exit 3), the token never shown."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, TESTS as DIGEST_TESTS_DIR, WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

WORLD = os.path.join(WORLDS, "kubesphere.json")
WEEK = "2021-W49"
FAST = ["--search-quota", "1000"]


def run(args, cwd=None, env=None):
    e = dict(os.environ)
    for k in ("GITHUB_TOKEN", "GH_TOKEN", "DIGEST_CONFIG"):
        e.pop(k, None)
    e.update(env or {})
    return subprocess.run([DIGEST] + args, capture_output=True, text=True, cwd=cwd, env=e, timeout=120)


def one_line_error(p):
    lines = [l for l in p.stderr.splitlines() if l.strip()]
    return lines[0] if lines else ""


# --help and --version
p = run(["--help"])
check(p.returncode == 0, "--help exits 0")
for opt in ("--config", "--week", "--biweekly", "--since", "--until", "--kind", "--format", "--out",
            "--api-url", "--jobs", "--offline", "--quiet", "--verbose", "--help", "--version",
            "--max-wait"):
    check(opt in p.stdout, "--help documents %s" % opt)
p = run(["--version"])
check(p.returncode == 0 and p.stdout.startswith("digest "), "--version prints the version")

# Usage errors: exit 2, one line naming the problem.
for args, needle in ((["--bogus"], "unknown option"), (["--jobs", "0"], "--jobs"),
                     (["--week", "2024-W99"], "2024-W99"), (["--since", "2024-01-01"], "--until"),
                     (["--format", "pdf"], "pdf"), (["--kind", "weekly"], "weekly"),
                     (["--week", "--since", "2024-01-01", "--until", "2024-01-08"], "one of")):
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "digest.toml"), "w").write('[github]\norgs = ["x"]\n')
        p = run(args, cwd=d)
        check(p.returncode == 2 and needle in p.stderr and p.stderr.startswith("digest: "),
              "usage error %s exits 2 naming %r" % (" ".join(args), needle), p.stderr)

# Config errors: exit 2, "digest: FILE:LINE: ..."
bad_configs = [
    ('[github]\norgs = 5\n', "digest.toml:2: key 'github.orgs': expected array of strings, got integer"),
    ('[github]\norgs = ["a"]\norgz = ["b"]\n', "digest.toml:3: unknown key 'github.orgz'"),
    ('[digest]\ntimezone = "Mars/Olympus"\n[github]\norgs = ["a"]\n', "digest.toml:2: key 'digest.timezone'"),
    ('[digest]\nlanguage = "fr"\n', "digest.toml:2: key 'digest.language'"),
    ('[github]\nconcurrency = 0\norgs=["a"]\n', "digest.toml:2: key 'github.concurrency': expected an integer from 1 to 64"),
    ('[github]\norgs = ["a"]\n\n[weird]\nx = 1\n', "digest.toml:4: unknown table 'weird'"),
    ('[github]\norgs = ["a",\n', "digest.toml:"),
    ('[github]\nrepos = ["noslash"]\n', "digest.toml:2: key 'github.repos': expected \"owner/name\""),
    ('[github]\norgs = []\n', "expected at least one organisation"),
    # An unknown key names the closest known one of its table.
    ('[github]\norgs = ["a"]\nconcurency = 2\n', "digest.toml:3: unknown key 'github.concurency' (did you mean 'concurrency'?)"),
    ('[github]\nOrgs = ["a"]\n', "digest.toml:2: unknown key 'github.Orgs' (did you mean 'orgs'?)"),
    ('[githb]\norgs = ["a"]\n', "digest.toml:1: unknown table 'githb' (did you mean 'github'?)"),
    ('[cnweekly]\nmax_artciles = 3\n[github]\norgs = ["a"]\n', "digest.toml:2: unknown key 'cnweekly.max_artciles' (did you mean 'max_articles'?)"),
]
for text, needle in bad_configs:
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "digest.toml"), "w").write(text)
        p = run(["--week", WEEK], cwd=d)
        err = one_line_error(p)
        check(p.returncode == 2 and needle in err and len(p.stderr.strip().splitlines()) == 1,
              "bad config gives exit 2 and %r" % needle, p.stderr)
# The documented example is a valid config (every key it shows is known).
with tempfile.TemporaryDirectory() as d:
    p = run(["--config", os.path.join(os.path.dirname(DIGEST_TESTS_DIR), "config.example.toml"), "--offline",
             "--state-dir", os.path.join(d, "state"), "--out", os.path.join(d, "out"), "--week", "2024-W01",
             "--format", "json"])
    check(p.returncode != 2 and "config.example.toml:" not in p.stderr,
          "config.example.toml passes the config schema", p.stderr)
p = run(["--config", "/nonexistent/digest.toml"])
check(p.returncode == 2 and "/nonexistent/digest.toml" in p.stderr, "missing --config file is exit 2")
with tempfile.TemporaryDirectory() as d:
    cfg = os.path.join(d, "elsewhere.toml")
    open(cfg, "w").write('[github]\norgs = 5\n')
    p = run(["--week", WEEK], cwd=d, env={"DIGEST_CONFIG": cfg})
    check(p.returncode == 2 and "elsewhere.toml:2" in p.stderr, "$DIGEST_CONFIG is read", p.stderr)
    xdg = os.path.join(d, "xdg")
    os.makedirs(os.path.join(xdg, "digest"))
    open(os.path.join(xdg, "digest", "config.toml"), "w").write('[github]\norgs = "x"\n')
    p = run(["--week", WEEK], cwd=d, env={"XDG_CONFIG_HOME": xdg})
    check(p.returncode == 2 and "config.toml:2" in p.stderr, "$XDG_CONFIG_HOME/digest/config.toml is read", p.stderr)

TOKEN = "ghp_sekritTOKEN1234567890"
with FakeGitHub(WORLD, "--token", TOKEN, *FAST) as gh:
    ws = Workspace(gh.url)
    p = ws.run("--week", WEEK, "--format", "json", "-v", env={"GITHUB_TOKEN": TOKEN})
    check(p.returncode == 0, "authenticated run exits 0", p.stderr)
    check(TOKEN not in p.stdout + p.stderr, "the token is never printed, even with -v")
    check("GET " in p.stderr and "cache miss" in p.stderr, "-v prints each request with cache status")
    check("requests" in p.stderr and "quota used" in p.stderr, "a summary ends the run", p.stderr[-300:])
    log = gh.log()
    check(log and all(r["auth"] for r in log), "every request carries the token")
    # GH_TOKEN is the fallback.
    p = ws.run("--week", WEEK, "--format", "json", "--refresh", env={"GH_TOKEN": TOKEN})
    check(p.returncode == 0 and "no GitHub token" not in p.stderr, "GH_TOKEN is used when GITHUB_TOKEN is unset", p.stderr)
    out = os.path.join(ws.out, "community-%s.json" % WEEK)
    before = open(out, "rb").read()
    mtime = os.stat(out).st_mtime_ns

    # A bad token: exit 1, a clear message, the last good digest intact.
    # (--refresh: the week's complete collection is kept, which would need no token)
    p = ws.run("--week", WEEK, "--format", "json", "--refresh", env={"GITHUB_TOKEN": "wrong-token"})
    check(p.returncode == 1 and "401" in p.stderr and "token" in p.stderr,
          "bad token: exit 1 with a 401 message", p.stderr)
    check("wrong-token" not in p.stderr, "the bad token is not echoed")
    check(open(out, "rb").read() == before and os.stat(out).st_mtime_ns == mtime,
          "bad token: the digest already written is untouched")
    ws.close()

with FakeGitHub(WORLD, *FAST) as gh:
    # Unknown org: its 404 is named.
    ws = Workspace(gh.url, orgs=("no-such-org",))
    p = ws.run("--week", WEEK, "--format", "json")
    check(p.returncode == 1 and "no-such-org" in p.stderr and "not found" in p.stderr,
          "unknown org: exit 1 naming the org", p.stderr)
    ws.close()
    # One good org and one unknown: the digest is written, exit 3.
    ws = Workspace(gh.url, orgs=("kubesphere", "no-such-org"))
    p = ws.run("--week", WEEK, "--format", "json")
    check(p.returncode == 3 and "no-such-org" in p.stderr and
          os.path.exists(os.path.join(ws.out, "community-%s.json" % WEEK)),
          "one unknown org among good ones: digest written, exit 3", p.stderr)
    ws.close()
    # Unknown events repo: partial.
    ws = Workspace(gh.url, event_repos=("kubesphere/nope",))
    p = ws.run("--week", WEEK, "--format", "json")
    check(p.returncode == 3 and "kubesphere/nope" in p.stderr, "unknown events repo: exit 3 naming it", p.stderr)
    ws.close()

# Malformed JSON on every response: retried, then a clear error, exit 1.
with FakeGitHub(WORLD, "--truncate-every", "1", *FAST) as gh:
    ws = Workspace(gh.url)
    p = ws.run("--week", WEEK, "--format", "json")
    check(p.returncode == 1 and "malformed JSON" in p.stderr and gh.url in p.stderr,
          "malformed JSON: exit 1 naming the URL", p.stderr)
    check(not os.path.exists(ws.out) or not os.listdir(ws.out), "malformed JSON: nothing written")
    ws.close()

# Occasional truncation is retried away.
with FakeGitHub(WORLD, "--truncate-every", "5", *FAST) as gh:
    ws = Workspace(gh.url)
    p = ws.run("--week", WEEK, "--format", "json")
    check(p.returncode == 0, "occasional truncated bodies are retried", p.stderr)
    ws.close()

# Primary limit exhausted with a distant reset: stop, say when it resets.
with FakeGitHub(WORLD, "--quota", "3", "--reset-in", "3600", *FAST) as gh:
    ws = Workspace(gh.url)
    p = ws.run("--week", WEEK, "--format", "json", "--max-wait", "5")
    check(p.returncode == 1 and "rate limit" in p.stderr and "resets at" in p.stderr,
          "exhausted limit: exit 1 saying when it resets", p.stderr)
    ws.close()

# Primary limit exhausted with a near reset: wait and finish.
with FakeGitHub(WORLD, "--quota", "4", "--reset-in", "2", *FAST) as gh:
    ws = Workspace(gh.url)
    p = ws.run("--week", WEEK, "--format", "json", "--max-wait", "30")
    check(p.returncode == 0, "exhausted limit with a near reset: waits and finishes", p.stderr)
    log = gh.log()
    check(len(log) > 4 and not any(r["fault"] == "exhausted" for r in log),
          "the limit was waited for, never knocked on when empty", len(log))
    ws.close()

# Search pacing: a small search quota with a short window is waited out.
with FakeGitHub(WORLD, "--search-quota", "5", "--search-reset-in", "2") as gh:
    ws = Workspace(gh.url)
    p = ws.run("--week", WEEK, "--format", "json", "--max-wait", "60")
    check(p.returncode == 0, "search limit: searches are paced to the quota", p.stderr)
    ws.close()

# GitHub Enterprise: the API under /api/v3.
with FakeGitHub(WORLD, "--prefix", "/api/v3", *FAST) as gh:
    ws = Workspace(gh.url + "/api/v3")
    p = ws.run("--week", WEEK, "--format", "json")
    m = json.loads(ws.read("community-%s.json" % WEEK)) if p.returncode == 0 else {}
    check(p.returncode == 0 and len(m.get("merged_pulls", [])) > 0, "GitHub Enterprise /api/v3 base works", p.stderr)
    ws.close()

# --api-url overrides the config; biweekly names both weeks.
with FakeGitHub(WORLD, *FAST) as gh:
    ws = Workspace("http://127.0.0.1:9")  # nothing listens there
    p = ws.run("--biweekly", WEEK, "--format", "json", "--api-url", gh.url)
    name = "community-2021-W48-W49.json"
    ok = p.returncode == 0 and os.path.exists(os.path.join(ws.out, name))
    check(ok, "--api-url overrides the config; biweekly file is %s" % name, p.stderr)
    if ok:
        m = ws.model(name)
        check(m["window"]["since"] == "2021-11-29T00:00:00Z" and m["window"]["until"] == "2021-12-13T00:00:00Z",
              "biweekly window covers the two weeks ending with %s" % WEEK, m["window"])
    p = ws.run("--since", "2021-12-06", "--until", "2021-12-13", "--format", "json", "--api-url", gh.url)
    check(p.returncode == 0 and os.path.exists(os.path.join(ws.out, "community-%s.json" % WEEK)),
          "--since/--until of exactly one week is named like --week", p.stderr)
    p = ws.run("--week", "--format", "json", "--api-url", gh.url, env={"DIGEST_NOW": "2022-01-03T01:00:00Z"})
    check(p.returncode == 0 and os.path.exists(os.path.join(ws.out, "community-2021-W52.json")),
          "--week without a value is the last complete week", p.stderr)
    ws.close()

# An installed layout (PREFIX/bin/digest, PREFIX/share/digest/{templates,feeds})
# renders outside the source tree: what `make install` lays out.
import shutil  # noqa: E402
with FakeGitHub(WORLD, *FAST) as gh, tempfile.TemporaryDirectory() as prefix:
    os.makedirs(os.path.join(prefix, "bin"))
    os.makedirs(os.path.join(prefix, "share", "digest"))
    shutil.copy(DIGEST, os.path.join(prefix, "bin", "digest"))
    root = os.path.dirname(DIGEST_TESTS_DIR)
    shutil.copytree(os.path.join(root, "templates"), os.path.join(prefix, "share", "digest", "templates"))
    shutil.copytree(os.path.join(root, "feeds"), os.path.join(prefix, "share", "digest", "feeds"))
    ws = Workspace(gh.url)
    e = dict(os.environ)
    e.pop("GITHUB_TOKEN", None)
    p = subprocess.run([os.path.join(prefix, "bin", "digest"), "--config", ws.config, "--week", WEEK,
                        "--format", "md,html"], capture_output=True, text=True, env=e, cwd=prefix, timeout=120)
    check(p.returncode == 0 and os.path.exists(os.path.join(ws.out, "community-%s.wechat.html" % WEEK)),
          "an installed layout finds its templates and theme", p.stderr)
    user = os.path.join(ws.dir, "mytemplates", "en")
    os.makedirs(user)
    open(os.path.join(user, "intro.md.mustache"), "w").write("Our own intro for {{community}}.\n\n")
    with open(ws.config) as f:
        text = f.read()
    with open(ws.config, "w") as f:
        f.write(text.replace("[digest]\n", '[digest]\ntemplates_dir = "mytemplates"\n', 1))
    p = subprocess.run([os.path.join(prefix, "bin", "digest"), "--config", ws.config, "--week", WEEK,
                        "--format", "md"], capture_output=True, text=True, env=e, cwd=prefix, timeout=120)
    md = open(os.path.join(ws.out, "community-%s.md" % WEEK), encoding="utf-8").read() if p.returncode == 0 else ""
    check("Our own intro for kubesphere." in md and "## Releases" in md,
          "digest.templates_dir overrides one partial, the rest stay shipped", p.stderr + md[:300])
    open(os.path.join(user, "intro.md.mustache"), "w").write("Fine line.\n{{#stats}}unclosed\n")
    p = subprocess.run([os.path.join(prefix, "bin", "digest"), "--config", ws.config, "--week", WEEK,
                        "--format", "md"], capture_output=True, text=True, env=e, cwd=prefix, timeout=120)
    after = open(os.path.join(ws.out, "community-%s.md" % WEEK), encoding="utf-8").read()
    check(p.returncode == 1 and "community.md.mustache:12: partial 'intro': intro:2: section 'stats' is not closed" in p.stderr,
          "a broken user template: exit 1 naming its file and line", p.stderr)
    check(after == md, "a broken template loses nothing already written")
    # The wording the model writes comes from <lang>/strings.toml, overridable the same way.
    os.remove(os.path.join(user, "intro.md.mustache"))
    shipped = open(os.path.join(root, "templates", "en", "strings.toml"), encoding="utf-8").read()
    mine = shipped.replace('description = "{{contributors}} contributor{{^one.contributors}}s{{/one.contributors}} merged',
                           'description = "This week {{contributors}} people merged', 1)
    # (the description is the lead sentence when the week has one)
    mine = mine.replace('lead = "{{release}}', 'lead = "This week {{release}} people merged', 1)
    mine = mine.replace('lead_change = "{{product}}', 'lead_change = "This week {{product}} people merged', 1)
    open(os.path.join(user, "strings.toml"), "w", encoding="utf-8").write(mine)
    p = subprocess.run([os.path.join(prefix, "bin", "digest"), "--config", ws.config, "--week", WEEK,
                        "--format", "md"], capture_output=True, text=True, env=e, cwd=prefix, timeout=120)
    md = open(os.path.join(ws.out, "community-%s.md" % WEEK), encoding="utf-8").read() if p.returncode == 0 else ""
    check(mine != shipped and "description: 'This week " in md and " people merged " in md,
          "digest.templates_dir/en/strings.toml overrides the front matter's wording", p.stderr + md[:400])
    open(os.path.join(user, "strings.toml"), "w", encoding="utf-8").write(
        "\n".join(l for l in mine.split("\n") if not l.startswith("summary_sep")))
    p = subprocess.run([os.path.join(prefix, "bin", "digest"), "--config", ws.config, "--week", WEEK,
                        "--format", "md"], capture_output=True, text=True, env=e, cwd=prefix, timeout=120)
    check(p.returncode == 2 and "mytemplates/en/strings.toml: key 'release.summary_sep' is missing" in p.stderr,
          "a user's strings file without a key: exit 2 naming the file and the key", p.stderr)
    ws.close()

# Two runs on one state store at once: the second waits for the first, both
# finish, and the store is intact afterwards (a third run is all 304s).
with FakeGitHub(WORLD, "--latency-ms", "30", *FAST) as gh:
    ws = Workspace(gh.url)
    e = dict(os.environ)
    e.pop("GITHUB_TOKEN", None)
    cmd = [DIGEST, "--config", ws.config, "--week", WEEK, "--format", "json"]
    a = subprocess.Popen(cmd + ["--out", os.path.join(ws.dir, "a")], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=e)
    b = subprocess.Popen(cmd + ["--out", os.path.join(ws.dir, "b")], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=e)
    (_, ea), (_, eb) = a.communicate(timeout=120), b.communicate(timeout=120)
    check(a.returncode == 0 and b.returncode == 0, "two concurrent runs on one store both succeed", ea + eb)
    check("waiting for another run" in ea + eb, "one of them waited for the other's lock", ea + eb)
    ja = open(os.path.join(ws.dir, "a", "community-%s.json" % WEEK), "rb").read()
    jb = open(os.path.join(ws.dir, "b", "community-%s.json" % WEEK), "rb").read()
    check(ja == jb, "and wrote the same digest")
    gh.control(reset_log=True)
    p = ws.run("--week", WEEK, "--format", "json")
    check(p.returncode == 0 and all(r["status"] == 304 for r in gh.log()), "the store is intact afterwards", p.stderr)
    ws.close()

# Timezone: an Asia/Shanghai week starts at 16:00Z on Sunday.
with FakeGitHub(WORLD, *FAST) as gh:
    ws = Workspace(gh.url, timezone="Asia/Shanghai")
    p = ws.run("--week", WEEK, "--format", "json")
    if check(p.returncode == 0, "Asia/Shanghai run exits 0", p.stderr):
        m = ws.model("community-%s.json" % WEEK)
        check(m["window"]["since"] == "2021-12-05T16:00:00Z", "week boundaries are local midnight", m["window"])
        check(all("2021-12-05T16:00:00Z" <= p["merged_at"] < "2021-12-12T16:00:00Z" for p in m["merged_pulls"]),
              "merged pulls fall inside the local week")
    ws.close()

# The DIGEST_* variables are range-checked by the command line, before any
# request or lock: a bad value is exit 2 naming it (once a UBSan shift).
with FakeGitHub(WORLD, *FAST) as gh:
    ws = Workspace(gh.url)
    for var, value, want in (("DIGEST_RETRY_BASE_MS", "-5", "expected milliseconds from 1 to 60000"),
                             ("DIGEST_RETRY_BASE_MS", "12abc", "expected milliseconds"),
                             ("DIGEST_STALL_SECONDS", "0", "DIGEST_STALL_SECONDS '0'"),
                             ("DIGEST_MAX_PAGES", "99999999999999999999", "DIGEST_MAX_PAGES")):
        gh.control(reset_log=True)
        p = ws.run("--week", WEEK, env={var: value})
        check(p.returncode == 2 and want in p.stderr and "runtime error" not in p.stderr and not gh.log(),
              "%s=%s: exit 2 naming it, before any request" % (var, value), p.stderr)
    ws.close()

done()
