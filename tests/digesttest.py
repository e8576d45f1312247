"""Shared helpers for digest's integration tests (stdlib only).

Starts the fake GitHub (tests/fake_github.py) on 127.0.0.1 with a random
port, writes a config for it, runs the digest binary and reads results.
Test scripts print "ok - ..." / "not ok - ..." lines; tests/run-tests counts them.
"""
import datetime
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

TESTS = os.environ.get("DIGEST_TESTS") or os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TESTS)
BUILD = os.environ.get("DIGEST_BUILD") or os.path.join(ROOT, "build", "release")
DIGEST = os.environ.get("DIGEST_BIN") or os.path.join(BUILD, "digest")
WORLDS = os.path.join(TESTS, "worlds")

failures = 0


def check(cond, what, detail=None):
    global failures
    if cond:
        print("ok - " + what)
    else:
        failures += 1
        print("not ok - " + what)
        if detail:
            for line in str(detail).splitlines()[:40]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def done():
    sys.exit(1 if failures else 0)


class FakeGitHub:
    """The fake server as a context manager: `with FakeGitHub(world) as gh:`."""

    def __init__(self, world, *args):
        self.dir = tempfile.mkdtemp(prefix="dg-fake-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen(
            [sys.executable, os.path.join(TESTS, "fake_github.py"), "--world", world,
             "--port", "0", "--port-file", port_file, "--max-idle", "120"] + list(args),
            stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "server.log"), "w"))
        deadline = time.time() + 30
        while not os.path.exists(port_file):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("fake GitHub did not start: " +
                                   open(os.path.join(self.dir, "server.log")).read())
            time.sleep(0.05)
        self.port = int(open(port_file).read().strip())
        self.url = "http://127.0.0.1:%d" % self.port

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self):
        with urllib.request.urlopen(self.url + "/_log", timeout=10) as r:
            return json.load(r)

    def control(self, **settings):
        req = urllib.request.Request(self.url + "/_control", data=json.dumps(settings).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)


class FakeLLM:
    """tests/fake_llm.py (an OpenAI-compatible chat API) on 127.0.0.1; args: its options."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="dg-llm-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen([sys.executable, os.path.join(TESTS, "fake_llm.py"), "--port", "0",
                                      "--port-file", port_file, "--max-idle", "300"] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not os.path.exists(port_file) and time.time() < deadline and self.proc.poll() is None:
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % open(port_file).read().strip()

    def call(self, path, obj=None):
        data = json.dumps(obj).encode() if obj is not None else None
        req = urllib.request.Request(self.url + path, data=data, method="POST" if data else "GET",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def log(self):
        return self.call("/_log")

    def mode(self, mode, count=0):
        self.call("/_control", {"mode": mode, "count": count, "reset_log": True})

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.dir, ignore_errors=True)


def iso_week(since):
    """The ISO week ("2021-W42") a window starting at RFC 3339 `since` is."""
    d = datetime.datetime.fromisoformat(since.replace("Z", "+00:00"))
    y, w, _ = d.isocalendar()
    return "%04d-W%02d" % (y, w)


def toml_list(items):
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


class Workspace:
    """A temporary directory with a config, an output dir and a state dir."""

    def __init__(self, api_url, orgs=("kubesphere",), event_repos=("kubesphere/community",),
                 timezone="UTC", language="en", extra=""):
        self.dir = tempfile.mkdtemp(prefix="dg-ws-")
        self.out = os.path.join(self.dir, "out")
        self.state = os.path.join(self.dir, "state")
        self.config = os.path.join(self.dir, "digest.toml")
        with open(self.config, "w") as f:
            f.write('[digest]\ntitle = "Test report"\nlanguage = "%s"\ntimezone = "%s"\n'
                    'output_dir = "out"\nstate_dir = "state"\n%s\n'
                    '[github]\napi_url = "%s"\norgs = %s\n\n'
                    '[events]\nrepos = %s\nlabel = "event"\n'
                    % (language, timezone, extra, api_url, toml_list(orgs), toml_list(event_repos)))

    def run(self, *args, env=None, timeout=300):
        e = dict(os.environ)
        e.pop("GITHUB_TOKEN", None)
        e.pop("GH_TOKEN", None)
        e.setdefault("DIGEST_RETRY_BASE_MS", "20")
        if env:
            e.update(env)
        p = subprocess.run([DIGEST, "--config", self.config] + list(args), capture_output=True,
                           text=True, env=e, timeout=timeout)
        return p

    def read(self, name):
        with open(os.path.join(self.out, name), encoding="utf-8") as f:
            return f.read()

    def model(self, name):
        return json.loads(self.read(name))

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def expected_facts(path):
    """An expected-facts file as comparable sets/lists."""
    e = json.load(open(path))
    return {
        "releases": [(r["full_name"], r["tag_name"], r["prerelease"], r["published_at"])
                     for r in e["releases"]],
        "merged_pulls": sorted((p["full_name"], p["number"], p["user"], p["merged_at"])
                               for p in e["merged_pulls"]),
        "new_contributors": [(n["login"], n["full_name"], n["number"], n["merged_at"])
                             for n in e["new_contributors"]],
        "events_past": [(v["full_name"], v["number"], v["title"], v["date"], v["location"], v["link"])
                        for v in e["events_in_window"]],
        "events_upcoming": [(v["full_name"], v["number"], v["title"], v["date"], v["location"], v["link"])
                            for v in e["events_upcoming"]],
        "since": e["since"], "until": e["until"],
    }


def model_facts(m):
    return {
        "releases": [(r["repo"], r["tag"], r["prerelease"], r["published_at"]) for r in m["releases"]],
        "merged_pulls": sorted((p["repo"], p["number"], p["author"], p["merged_at"])
                               for p in m["merged_pulls"]),
        "new_contributors": [(n["login"], n["first_pull"]["repo"], n["first_pull"]["number"],
                              n["first_pull"]["merged_at"]) for n in m["new_contributors"]],
        "events_past": [(v["repo"], v["number"], v["title"], v["date"], v["location"], v["link"])
                        for v in m["events"]["past"]],
        "events_upcoming": [(v["repo"], v["number"], v["title"], v["date"], v["location"], v["link"])
                            for v in m["events"]["upcoming"]],
        "since": m["window"]["since"], "until": m["window"]["until"],
    }


def diff_lists(got, want):
    g, w = set(got), set(want)
    lines = ["missing: %r" % (x,) for x in sorted(w - g, key=repr)[:15]]
    lines += ["unexpected: %r" % (x,) for x in sorted(g - w, key=repr)[:15]]
    if not lines and got != want:
        lines.append("same items, different order")
    return "\n".join(lines)


def xmllint_errors(path):
    """xmllint --html's complaints, less "Tag section invalid" and the like:
    libxml2's HTML parser knows HTML 4 names only; those are not errors of form."""
    x = subprocess.run(["xmllint", "--html", "--noout", path], capture_output=True, text=True)
    lines = x.stderr.splitlines()
    keep, skip = [], 0
    for line in lines:
        if skip:
            skip -= 1
            continue
        if re.search(r"HTML parser error : Tag (section|figure|figcaption|svg) invalid", line):
            skip = 2  # the context line and the caret line
            continue
        keep.append(line)
    return "\n".join(keep)


class Hostile:
    """tests/hostile_server.py on 127.0.0.1: scenario(name) switches how it misbehaves."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="dg-hostile-srv-")
        port_file = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen([sys.executable, os.path.join(TESTS, "hostile_server.py"),
                                      "--port-file", port_file, "--max-idle", "60"] + list(args),
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 20
        while not os.path.exists(port_file) and time.time() < deadline:
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % open(port_file).read().strip()

    def scenario(self, name):
        req = urllib.request.Request(self.url + "/_control", data=json.dumps({"scenario": name}).encode(),
                                     method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def log(self):
        return json.load(urllib.request.urlopen(self.url + "/_log", timeout=10))

    def close(self):
        self.proc.kill()
        self.proc.wait()
