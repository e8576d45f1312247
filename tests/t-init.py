"""`digest init --org ORG` writes a starting config that loads and runs: the
community's display name from the org's profile, products grouped by the
documented rule (lib/config/starter.h), [events] only when an events
repository exists, its own state and output directories, TOML-escaped
strings; it never overwrites a file without --force, and says when the org
does not exist or the network fails."""
import copy
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, TESTS, FakeGitHub, check, done  # noqa: E402

ORG = "acme"
NAME = "Acme 开源社区"
tmp = tempfile.mkdtemp(prefix="dg-init-")
base_world = os.path.join(tmp, "base.json")
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", ORG, "--repos", "12", "--seed", "3",
                "--org-name", NAME, "--out", base_world], check=True)
base = json.load(open(base_world, encoding="utf-8"))
NOW = base["now"]


def env(extra=None):
    e = dict(os.environ)
    e.pop("GITHUB_TOKEN", None)
    e.pop("GH_TOKEN", None)
    e.pop("DIGEST_CONFIG", None)
    e["DIGEST_RETRY_BASE_MS"] = "20"
    e["DIGEST_NOW"] = NOW
    e.update(extra or {})
    return e


def digest(*args, cwd=None, timeout=300, extra=None):
    return subprocess.run([DIGEST] + list(args), capture_output=True, text=True, env=env(extra), cwd=cwd or tmp,
                          timeout=timeout)


def write_world(world, name):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(world, f, ensure_ascii=False)
    return path


def rename(world, old, new):
    """Rename repository ORG/old to ORG/new in a world."""
    o = world["orgs"][ORG]
    o["repos"] = [new if r == old else r for r in o["repos"]]
    for r in world["repos"]:
        if r["name"] == old:
            r["name"], r["full_name"] = new, "%s/%s" % (ORG, new)
            r["html_url"] = "https://github.com/%s/%s" % (ORG, new)


def repo(world, name):
    return next(r for r in world["repos"] if r["name"] == name)


# The product rule on names made for it: acme + acme-cli (the org's stem),
# tracer + tracer-ui (a repository's stem), docs-site under docs (a head
# without releases names the product), a repository without releases, a fork
# and an archived one (left out), the rest one product each.
grouped = copy.deepcopy(base)
for old, new in [("kit-fjord", "acme-cli"), ("tracer-pixel", "tracer"), ("bridge-lynx", "tracer-ui"),
                 ("docs-cedar", "docs-site"), ("agent-raven", "docs")]:
    rename(grouped, old, new)
repo(grouped, "docs")["releases"] = []
repo(grouped, "scheduler-yak")["releases"] = []
repo(grouped, "controller-island")["fork"] = True
repo(grouped, "operator-pebble")["archived"] = True
EXPECTED = [
    (NAME, ["acme/acme", "acme/acme-cli"]),
    ("community", ["acme/community"]),
    ("controller-lynx", ["acme/controller-lynx"]),
    ("docs", ["acme/docs-site"]),
    ("sidecar-river", ["acme/sidecar-river"]),
    ("tracer", ["acme/tracer", "acme/tracer-ui"]),
]
grouped_path = write_world(grouped, "grouped.json")

no_events = copy.deepcopy(grouped)
for r in no_events["repos"]:
    r["issues"] = []
no_events["orgs"][ORG]["blog"] = "javascript:alert(1)"
no_events_path = write_world(no_events, "no-events.json")

HOSTILE = 'Evil "Quote" \\ back\\slash\nnew line\ttab \x01 \x7f \u010a 中文 \U0001F600 ${x} \'single\''
hostile = copy.deepcopy(base)
hostile["orgs"][ORG]["name"] = HOSTILE
hostile["orgs"][ORG]["blog"] = "acme.example.org"
hostile_path = write_world(hostile, "hostile.json")


def load(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


# --- the main case: a synthetic org, a real run on its config ---------------
with FakeGitHub(grouped_path) as gh:
    cfg = os.path.join(tmp, "acme", "digest.toml")
    p = digest("init", "--org", ORG, "--api-url", gh.url, "--config", cfg)
    check(p.returncode == 0 and os.path.isfile(cfg), "init writes the config (directory created)", p.stdout + p.stderr)
    check(cfg in p.stdout and ("digest doctor --config %s" % cfg) in p.stdout
          and ("digest --config %s --week" % cfg) in p.stdout,
          "init prints the path and the next two commands", p.stdout)
    check(p.stderr.count("60 per hour") == 1, "no token: one note about the 60-an-hour limit", p.stderr)
    text = open(cfg, encoding="utf-8").read()
    t = load(cfg)
    d, g = t.get("digest", {}), t.get("github", {})
    check(d.get("community") == NAME and d.get("author") == NAME, "the display name comes from the org's profile",
          d)
    check(g.get("orgs") == [ORG] and g.get("api_url") == gh.url and g.get("token_env") == "GITHUB_TOKEN",
          "github: orgs, api_url and token_env", g)
    check(d.get("language") == "zh" and d.get("timezone") == "Asia/Shanghai", "zh by default, Asia/Shanghai", d)
    check(d.get("state_dir") == "state" and d.get("output_dir") == "out", "its own state and output directories", d)
    check("title" not in d and "intro" not in d, "titles and intros are left to the language's defaults", d)
    check(d.get("links") == {"GitHub": "https://github.com/acme"}, "no blog: the GitHub link alone", d.get("links"))
    got = [(x["name"], x["repos"]) for x in t.get("report", {}).get("products", [])]
    check(got == EXPECTED, "products grouped by the documented rule", "%s\n!=\n%s" % (got, EXPECTED))
    check(not re.search(r"controller-island|operator-pebble|scheduler-yak", json.dumps(got)),
          "forks, archived repositories and repositories without releases are no products")
    check(t.get("events", {}).get("repos") == ["acme/community"] and t["events"].get("label") == "event",
          "[events] names the community repository with event issues", t.get("events"))
    check(len(re.findall(r"^\S.*?#", text, re.M)) >= 10 and text.startswith("#"), "the file is commented", text)
    log = [r for r in gh.log() if r["path"].startswith(("/orgs", "/repos"))]
    probes = [r for r in log if r["path"].startswith("/repos/")]
    check(len(probes) <= 10 + 1 and all(r["query"].get("per_page") == "1" for r in probes),
          "bounded: one per_page=1 probe per watched repository, one more for events (%d)" % len(probes),
          [r["path"] for r in log])

    out = os.path.join(tmp, "acme", "out")
    p = digest("--config", cfg, "--week", "2024-W04", "--format", "md,json")
    check(p.returncode == 0, "the written config runs (2024-W04)", p.stderr[-2000:])
    md = open(os.path.join(out, "community-2024-W04.md"), encoding="utf-8").read() if p.returncode == 0 else ""
    model = json.load(open(os.path.join(out, "community-2024-W04.json"), encoding="utf-8")) if p.returncode == 0 else {}
    check(NAME in md and model.get("community") == NAME, "the issue names the display name")
    check(not re.search(r"kubesphere|ks-ci-bot", md + json.dumps(model), re.I), "nothing of KubeSphere in the issue")
    check(NAME in [x.get("product") for x in model.get("release_groups", [])],
          "acme-cli's release is under the org's product", [x.get("product") for x in model.get("release_groups", [])])
    check(len(model.get("events", {}).get("upcoming", [])) > 0, "events are read from acme/community")
    check(os.path.isdir(os.path.join(tmp, "acme", "state")), "the state store is beside the config")

    before = open(cfg, "rb").read()
    p = digest("init", "--org", ORG, "--api-url", gh.url, "--config", cfg, "--lang", "en")
    check(p.returncode == 2 and "exists" in p.stderr and "--force" in p.stderr and open(cfg, "rb").read() == before,
          "an existing file is not overwritten: exit 2, suggesting --force", p.stderr)
    p = digest("init", "--org", ORG, "--api-url", gh.url, "--config", cfg, "--lang", "en", "--force")
    t = load(cfg) if p.returncode == 0 else {}
    check(p.returncode == 0 and t["digest"]["language"] == "en" and t["digest"]["timezone"] == "UTC",
          "--force replaces it; --lang en gives language en and UTC", p.stderr)
    leftovers = [f for f in os.listdir(os.path.dirname(cfg)) if f not in ("digest.toml", "out", "state")]
    check(not leftovers, "no temporary file is left beside it", leftovers)
    p = digest("--config", cfg, "--week", "2024-W04", "--format", "md")
    check(p.returncode == 0, "the en config runs", p.stderr[-2000:])

    p = digest("init", "--org", "nosuchorg", "--api-url", gh.url, "--config", os.path.join(tmp, "none.toml"))
    check(p.returncode == 2 and "organisation 'nosuchorg' not found at %s" % gh.url in p.stderr
          and not os.path.exists(os.path.join(tmp, "none.toml")), "an unknown org: exit 2 naming it", p.stderr)
    p = digest("init", "--org", "a/b", "--api-url", gh.url, "--config", os.path.join(tmp, "none.toml"))
    check(p.returncode == 2 and "--org" in p.stderr, "a login that is no login: exit 2", p.stderr)
    p = digest("init", "--api-url", gh.url)
    check(p.returncode == 2 and "--org" in p.stderr, "--org is needed", p.stderr)
    p = digest("init", "--org", ORG, "--lang", "fr", "--config", os.path.join(tmp, "none.toml"))
    check(p.returncode == 2 and "zh or en" in p.stderr, "--lang other than zh or en: exit 2", p.stderr)

    p = subprocess.run([DIGEST, "init", "--org", ORG, "--api-url", gh.url], capture_output=True, text=True,
                       env=env({"GITHUB_TOKEN": "ghp_inittoken0123456789"}), cwd=os.path.join(tmp, "acme", "out"))
    check(p.returncode == 0 and os.path.isfile(os.path.join(tmp, "acme", "out", "digest.toml"))
          and "60 per hour" not in p.stderr and "ghp_inittoken" not in p.stdout + p.stderr,
          "default ./digest.toml; a token is used and never printed", p.stdout + p.stderr)

# --- no events repository: no [events] --------------------------------------
with FakeGitHub(no_events_path) as gh:
    cfg = os.path.join(tmp, "quiet", "digest.toml")
    p = digest("init", "--org", ORG, "--api-url", gh.url, "--config", cfg)
    text = open(cfg, encoding="utf-8").read() if p.returncode == 0 else ""
    check(p.returncode == 0 and "events" not in load(cfg) and not re.search(r"^\[events\]", text, re.M),
          "no event issues: no [events] section", text)
    check(p.returncode == 0 and load(cfg)["digest"]["links"] == {"GitHub": "https://github.com/acme"},
          "a blog that is no web address is left out", text)
    p = digest("--config", cfg, "--week", "2024-W04", "--format", "json")
    model = json.load(open(os.path.join(tmp, "quiet", "out", "community-2024-W04.json"))) if p.returncode == 0 else {}
    check(p.returncode == 0 and not model.get("events", {}).get("upcoming") and not model["events"].get("past"),
          "a config without events repositories runs, with no events", p.stderr[-2000:])

# --- a hostile display name round-trips ---------------------------------------
with FakeGitHub(hostile_path) as gh:
    cfg = os.path.join(tmp, "hostile", "digest.toml")
    p = digest("init", "--org", ORG, "--api-url", gh.url, "--config", cfg)
    t = load(cfg) if p.returncode == 0 else {"digest": {}}
    check(p.returncode == 0 and t["digest"].get("community") == HOSTILE,
          "quotes, backslashes, newline, tab, control characters and CJK round-trip (tomllib)",
          repr(t["digest"].get("community")))
    check(t["digest"].get("links") == {"Website": "https://acme.example.org", "GitHub": "https://github.com/acme"},
          "the blog is the website link, https:// added", t["digest"].get("links"))
    check(t.get("report", {}).get("products", [{}])[0].get("name") == HOSTILE, "the org's product is named the same")
    p = digest("--config", cfg, "--week", "2024-W04", "--format", "json")
    model = json.load(open(os.path.join(tmp, "hostile", "out", "community-2024-W04.json"))) if p.returncode == 0 else {}
    # The model keeps no C0 control character but tab and newline (nor DEL): no output shows them.
    shown = "".join(ch for ch in HOSTILE if ch in "\t\n" or (ord(ch) >= 0x20 and ord(ch) != 0x7f))
    check(p.returncode == 0 and model.get("community") == shown,
          "digest's own loader reads the same name (control characters left out of the issue)",
          p.stderr[-2000:])

# --- more than one page of repositories ----------------------------------------
big = os.path.join(tmp, "big.json")
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", ORG, "--repos", "130", "--seed", "5",
                "--weeks", "1", "--out", big], check=True)
w = json.load(open(big, encoding="utf-8"))
w["orgs"][ORG]["name"] = None  # GitHub's null for an org without a display name
write_world(w, "big.json")
with FakeGitHub(big) as gh:
    cfg = os.path.join(tmp, "big", "digest.toml")
    # 130 probes: more than the 60 requests an hour GitHub allows without a token.
    p = digest("init", "--org", ORG, "--api-url", gh.url + "/", "--config", cfg, extra={"GITHUB_TOKEN": "t"})
    t = load(cfg) if p.returncode == 0 else {}
    repos = sorted(r for x in t.get("report", {}).get("products", []) for r in x["repos"])
    listing = [r for r in gh.log() if r["path"] == "/orgs/acme/repos"]
    check(p.returncode == 0 and len(repos) == 130 and len(listing) == 2 and t["github"]["api_url"] == gh.url,
          "every page of the listing is read (130 repositories, 2 pages)", "%d repos, %d pages: %s"
          % (len(repos), len(listing), p.stderr))
    check(t.get("digest", {}).get("community") == ORG, "no display name: the login stands in", t.get("digest"))

# --- an org whose login holds a '-': ORG and ORG-x still go together -----------
dashed = os.path.join(tmp, "dashed.json")
subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "acme-labs", "--repos", "4", "--seed", "2",
                "--weeks", "1", "--out", dashed], check=True)
w = json.load(open(dashed, encoding="utf-8"))
third = w["orgs"]["acme-labs"]["repos"][2]
w["orgs"]["acme-labs"]["repos"][2] = "acme-labs-cli"
for r in w["repos"]:
    if r["name"] == third:
        r["name"], r["full_name"] = "acme-labs-cli", "acme-labs/acme-labs-cli"
write_world(w, "dashed.json")
with FakeGitHub(dashed) as gh:
    cfg = os.path.join(tmp, "dashed", "digest.toml")
    p = digest("init", "--org", "acme-labs", "--api-url", gh.url, "--config", cfg)
    got = [(x["name"], x["repos"]) for x in load(cfg).get("report", {}).get("products", [])] if p.returncode == 0 else []
    check(got[:1] == [("acme-labs", ["acme-labs/acme-labs", "acme-labs/acme-labs-cli"])],
          "an org login with a '-': ORG and ORG-x are one product", got)

# --- the network fails ---------------------------------------------------------
s = socket.socket()
s.bind(("127.0.0.1", 0))
port = s.getsockname()[1]
s.close()
p = digest("init", "--org", ORG, "--api-url", "http://127.0.0.1:%d" % port, "--config", os.path.join(tmp, "net.toml"),
           timeout=120)
check(p.returncode == 1 and "127.0.0.1:%d" % port in p.stderr and not os.path.exists(os.path.join(tmp, "net.toml")),
      "a network failure: exit 1 with the message", p.stderr)
done()
