#!/usr/bin/env python3
"""Tests of tests/fake_github.py (and tests/make_world.py): starts servers on port 0
and checks pagination, ETags, auth, errors, search, faults, rate limits and --prefix."""

import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

HERE = os.environ.get("DIGEST_TESTS") or os.path.dirname(os.path.abspath(__file__))
FAKE = os.path.join(HERE, "fake_github.py")
MAKE = os.path.join(HERE, "make_world.py")
KS = os.path.join(HERE, "worlds", "kubesphere.json")
EXPECTED = os.path.join(HERE, "worlds", "kubesphere-expected-2021-12-06.json")
TMP = tempfile.mkdtemp(prefix="t-fake-github-")
NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}
failures = 0
servers = []


def ok(cond, what, detail=None):
    global failures
    if cond:
        print(f"ok - {what}")
    else:
        failures += 1
        print(f"not ok - {what}")
        if detail is not None:
            print(f"#   {str(detail)[:600]}")


class Server:
    def __init__(self, *args, world=KS, name="s"):
        self.port_file = os.path.join(TMP, f"{name}.port")
        self.log_file = os.path.join(TMP, f"{name}.log")
        self.err_file = os.path.join(TMP, f"{name}.err")
        self.proc = subprocess.Popen(
            [sys.executable, FAKE, "--world", world, "--port", "0", "--port-file",
             self.port_file, "--log", self.log_file, "--max-idle", "60", *args],
            stdout=subprocess.PIPE, stderr=open(self.err_file, "w"), text=True)
        servers.append(self)
        deadline = time.time() + 15
        while not os.path.exists(self.port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake_github did not start: " + open(self.err_file).read())
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read())
        self.first_line = self.proc.stdout.readline().strip()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def get(self, path, headers=None, method="GET", data=None):
        """(status, headers, body bytes) without raising on HTTP errors."""
        r = urllib.request.Request(self.url(path), headers=headers or {}, method=method,
                                   data=data)
        try:
            with urllib.request.urlopen(r, timeout=10) as resp:
                return resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read()

    def json(self, path, headers=None):
        st, h, body = self.get(path, headers)
        return st, h, json.loads(body) if body else None

    def control(self, **kw):
        return self.get("/_control", {"Content-Type": "application/json"}, "POST",
                        json.dumps(kw).encode())

    def log(self):
        return json.loads(self.get("/_log")[2])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return None
        return self.proc.returncode


def links(h):
    out = {}
    for part in (h.get("Link") or "").split(","):
        m = re.match(r'\s*<([^>]*)>;\s*rel="(\w+)"', part)
        if m:
            out[m.group(2)] = m.group(1)
    return out


def q(s):
    return urllib.parse.quote(s, safe="")


def search_all(srv, query, per_page=100):
    items, url, total = [], f"/search/issues?q={q(query)}&per_page={per_page}", None
    while url:
        st, h, body = srv.json(url)
        if st != 200:
            return None, st
        total = body["total_count"]
        items += body["items"]
        nxt = links(h).get("next")
        url = nxt[len(srv.url("")):] if nxt else None
    return items, total


def test_basics(s):
    ok(s.first_line == f"listening on http://127.0.0.1:{s.port}", "prints listening line",
       s.first_line)
    st, h, body = s.json("/repos/kubesphere/console/pulls")
    ok(st == 200 and body == [], "pulls default state=open: none open in the world", body)
    ok(h.get("X-RateLimit-Limit") == "60" and h.get("X-RateLimit-Resource") == "core",
       "anonymous core limit 60 with resource header", dict(h))


def test_pagination(s):
    path = "/repos/kubesphere/console/pulls?state=closed&per_page=100"
    st, h, first = s.json(path)
    l1 = links(h)
    ok(st == 200 and len(first) == 100, "page 1 has per_page items", (st, len(first)))
    base = s.url("/repos/kubesphere/console/pulls?state=closed&per_page=100")
    ok(h.get("Link") == f'<{base}&page=2>; rel="next", <{base}&page=5>; rel="last"',
       "Link on page 1: next, last (GitHub format)", h.get("Link"))
    st, h, _ = s.json(path + "&page=2")
    ok(re.fullmatch(r'<[^>]*page=1>; rel="prev", <[^>]*page=3>; rel="next", '
                    r'<[^>]*page=5>; rel="last", <[^>]*page=1>; rel="first"',
                    h.get("Link") or ""), "Link on page 2: prev, next, last, first",
       h.get("Link"))
    st, h, last = s.json(path + "&page=5")
    ok(list(links(h)) == ["prev", "first"] and len(last) == 9,
       "last page: prev, first; 409 = 4*100 + 9", (h.get("Link"), len(last)))
    nums, url = [], l1 and path
    while url:
        st, h, body = s.json(url)
        nums += [(p["created_at"], p["number"]) for p in body]
        nxt = links(h).get("next")
        url = nxt[len(s.url("")):] if nxt else None
    ok(len(nums) == 409 and len(set(nums)) == 409 and nums == sorted(nums, reverse=True),
       "following rel=next yields 409 distinct PRs, created desc", len(nums))
    st, h, body = s.json("/repos/kubesphere/console/pulls?state=closed")
    ok(len(body) == 30, "default per_page 30", len(body))
    st, h, body = s.json("/repos/kubesphere/console/pulls?state=closed&per_page=500")
    ok(len(body) == 100, "per_page capped at 100", len(body))
    p = body[0]
    ok(p["base"]["repo"]["full_name"] == "kubesphere/console" and p["merged_at"]
       and p["user"]["login"] and p["user"]["type"] in ("User", "Bot")
       and p["html_url"].startswith("https://github.com/kubesphere/console/pull/")
       and isinstance(p["labels"], list) and "author_association" in p,
       "pull object shape", sorted(p))
    st, h, body = s.json("/repos/kubesphere/console/pulls?state=closed&sort=updated"
                         "&direction=asc&per_page=3")
    ok([x["updated_at"] for x in body] == sorted(x["updated_at"] for x in body)
       and body[0]["updated_at"] < "2021-07-08", "sort=updated direction=asc",
       [x["updated_at"] for x in body])
    st, h, b1 = s.get("/orgs/kubesphere/repos?per_page=2")
    st2, h2, b2 = s.get("/orgs/kubesphere/repos?per_page=2")
    repos = json.loads(b1)
    ok(b1 == b2 and len(repos) == 2 and "next" in links(h), "org repos paginated, "
       "identical bodies for identical requests")
    st, h, repos = s.json("/orgs/kubesphere/repos?sort=full_name&per_page=100")
    ok([r["name"] for r in repos] == ["community", "console", "ks-installer", "kubekey",
                                      "kubesphere"], "org repos sort=full_name asc",
       [r["name"] for r in repos])


def test_etag(s):
    st, h, body = s.get("/repos/kubesphere/kubesphere")
    etag = h.get("ETag")
    ok(st == 200 and etag == 'W/"%s"' % hashlib.sha1(body).hexdigest(),
       "ETag is W/\"sha1(body)\"", etag)
    rem = int(h["X-RateLimit-Remaining"])
    st, h, body = s.get("/repos/kubesphere/kubesphere", {"If-None-Match": etag})
    ok(st == 304 and body == b"" and h.get("ETag") == etag, "If-None-Match -> 304, no body, "
       "ETag again", (st, body[:50]))
    ok(int(h["X-RateLimit-Remaining"]) == rem, "304 does not consume quota",
       (rem, h["X-RateLimit-Remaining"]))
    st, h, _ = s.get("/repos/kubesphere/kubesphere", {"If-None-Match": 'W/"nope"'})
    ok(st == 200 and int(h["X-RateLimit-Remaining"]) == rem - 1,
       "non-matching If-None-Match -> 200, counted", (st, h["X-RateLimit-Remaining"]))
    st, h, body = s.json("/rate_limit")
    st2, h2, body2 = s.json("/rate_limit")
    ok(st == 200 and body["resources"]["core"]["remaining"] == rem - 1
       and body2["rate"]["remaining"] == rem - 1 and body["resources"]["search"]["limit"] == 30,
       "/rate_limit reports buckets and is not counted", body)


def test_404(s):
    for path in ("/orgs/no-such-org", "/orgs/no-such-org/repos", "/repos/kubesphere/nope",
                 "/repos/nobody/kubesphere/pulls", "/users/no-such-user-xyz", "/nope",
                 "/repos/kubesphere/kubesphere/releases/tags/v0.0.0-none"):
        st, h, body = s.json(path)
        ok(st == 404 and body == NOT_FOUND and h.get("X-RateLimit-Remaining"),
           f"404 Not Found body for {path}", (st, body))
    st, h, body = s.json("/users/ks-ci-bot")
    ok(st == 200 and body["type"] == "Bot" and body["login"] == "ks-ci-bot", "/users bot", body)
    st, h, body = s.json("/users/KUBESPHERE")
    ok(st == 200 and body["type"] == "Organization", "/users/ORG is the organization")
    st, h, body = s.json("/repos/KubeSphere/Console")
    ok(st == 200 and body["full_name"] == "kubesphere/console", "names are case-insensitive")


def test_releases_issues(s):
    st, h, rels = s.json("/repos/kubesphere/kubekey/releases?per_page=100")
    ok(st == 200 and len(rels) == 22 and
       [r["created_at"] for r in rels] == sorted((r["created_at"] for r in rels), reverse=True)
       and all(r["draft"] is False and r["author"]["login"] for r in rels),
       "releases: 22, newest first", len(rels or []))
    st, h, latest = s.json("/repos/kubesphere/kubekey/releases/latest")
    want = next(r for r in rels if not r["prerelease"])
    ok(st == 200 and latest["tag_name"] == want["tag_name"] and not latest["prerelease"],
       "releases/latest = newest non-prerelease", (latest.get("tag_name"), want["tag_name"]))
    st, h, _ = s.json("/repos/kubesphere/community/releases/latest")
    ok(st == 404, "releases/latest 404 without releases")
    st, h, ev = s.json("/repos/kubesphere/community/issues?labels=event&per_page=100")
    ok(st == 200 and len(ev) == 18 and all(i["labels"][0]["name"] == "event" and
                                           "pull_request" not in i for i in ev),
       "18 open event issues with label objects", len(ev or []))
    st, h, allq = s.json("/repos/kubesphere/community/issues?state=all&per_page=100")
    prs = [i for i in allq if "pull_request" in i]
    ok(len(allq) == 25 and len(prs) == 7 and all(i["pull_request"]["merged_at"] for i in prs),
       "issues state=all include PRs with pull_request.merged_at", (len(allq), len(prs)))
    st, h, none = s.json("/repos/kubesphere/community/issues?labels=event,other")
    ok(none == [], "issues label filter needs all labels")
    st, h, contr = s.json("/repos/kubesphere/kubekey/contributors?per_page=100")
    st, h2, contr2 = s.json("/repos/kubesphere/kubekey/contributors?per_page=100&page=2")
    logins = {c["login"] for c in contr + contr2}
    ok("53537" in logins and all(c["contributions"] >= 1 for c in contr),
       "contributors include prior contributors", len(logins))


def test_search(s):
    exp = json.load(open(EXPECTED))
    want = {(p["full_name"], p["number"]) for p in exp["merged_pulls"]}
    for query in ("is:pr is:merged org:kubesphere merged:2021-12-06T00:00:00Z..2021-12-12T23:59:59Z",
                  "is:pr is:merged org:kubesphere merged:>=2021-12-06 merged:<2021-12-13",
                  "type:pr org:kubesphere merged:2021-12-06..2021-12-12",
                  "is:merged org:kubesphere merged:>=2021-12-06T08:00:00+08:00 "
                  "merged:<2021-12-13T00:00:00Z"):
        items, total = search_all(s, query, per_page=30)
        got = {(i["repository_url"].split("/repos/")[1], i["number"]) for i in items or []}
        ok(got == want and total == len(want), f"search week 2021-12-06 = expected ({query})",
           (len(got), len(want), total))
    st, h, body = s.json("/search/issues?q=" + q("is:pr is:merged org:kubesphere "
                                                 "merged:2021-12-06..2021-12-12") + "&per_page=2")
    it = body["items"][0]
    ok(h.get("X-RateLimit-Resource") == "search" and h.get("X-RateLimit-Limit") == "30"
       and body["incomplete_results"] is False and it["pull_request"]["merged_at"]
       and it["pull_request"]["html_url"] == it["html_url"] and it["user"]["login"]
       and "next" in links(h), "search response shape, search bucket", dict(h))
    two = "repo:kubesphere/console repo:kubesphere/kubekey is:pr merged:2021-12-06..2021-12-12"
    items, total = search_all(s, two)
    ok(total == sum(1 for f, n in want if f in ("kubesphere/console", "kubesphere/kubekey")),
       "repeated repo: qualifiers are ORed", total)
    items, total = search_all(s, "org:kubesphere is:pr author:LinuxSuRen merged:2021-12-06..2021-12-12")
    ok(total == sum(1 for p in exp["merged_pulls"] if p["user"] == "LinuxSuRen") and total > 0,
       "author: qualifier", total)
    items, total = search_all(s, "org:kubesphere is:issue label:event is:open")
    ok(total == 18, "is:issue label:event", total)
    st, h, body = s.json("/search/issues?q=" + q("org:nonexistent-org is:pr"))
    ok(st == 422, "search unknown org -> 422", st)
    st, h, body = s.json("/search/issues?q=" + q("org:kubesphere merged:>=notadate"))
    ok(st == 422 and body["message"] == "Validation Failed", "invalid date -> 422", body)
    st, h, body = s.json("/search/issues")
    ok(st == 422, "missing q -> 422", st)
    st, h, body = s.json("/search/repositories?q=" + q("org:kubesphere") + "&sort=updated")
    ok(st == 200 and body["total_count"] == 5 and body["items"][0]["name"] == "kubekey",
       "search repositories by org, sort updated", body and body.get("total_count"))


def test_prior(s):
    query = "is:pr is:merged author:53537 org:kubesphere merged:<2021-07-05"
    st, h, body = s.json("/search/issues?q=" + q(query))
    it = body["items"][0] if body and body.get("items") else {}
    ok(st == 200 and body["total_count"] == 1 and it.get("title") == "Earlier contribution"
       and it["pull_request"]["merged_at"] == "2015-01-01T00:00:00Z"
       and 1 <= it["number"] <= 137
       and it["repository_url"].endswith("/repos/kubesphere/kubesphere"),
       "prior contributor: one synthetic merged PR of 2015-01-01", body)
    st, h, body = s.json("/search/issues?q=" + q("is:pr is:merged author:53537 "
                                                 "repo:kubesphere/console"))
    ok(body["total_count"] == 1, "prior PR found with repo:O/R of the org", body["total_count"])
    st, h, pr = s.json(f"/repos/kubesphere/kubesphere/pulls/{it.get('number')}")
    ok(st == 200 and pr["merged"] is True and pr["user"]["login"] == "53537",
       "synthetic PR served by /pulls/N", st)
    st, h, body = s.json("/search/issues?q=" + q("is:pr is:merged author:123liubao "
                                                 "org:kubesphere merged:<2021-07-05"))
    ok(body["total_count"] == 0, "newcomer has no PR before the window", body["total_count"])
    st, h, body = s.json("/search/issues?q=" + q("is:pr is:merged author:53537 org:kubesphere "
                                                 "merged:>=2021-07-05"))
    ok(body["total_count"] == 0, "synthetic PR respects merged: range", body["total_count"])


def test_cap():
    world = os.path.join(TMP, "bench.json")
    subprocess.run([sys.executable, MAKE, "--org", "bench", "--repos", "30", "--seed", "3",
                    "--out", world], check=True)
    again = os.path.join(TMP, "bench2.json")
    subprocess.run([sys.executable, MAKE, "--org", "bench", "--repos", "30", "--seed", "3",
                    "--out", again], check=True)
    ok(open(world, "rb").read() == open(again, "rb").read(), "make_world is deterministic")
    w = json.load(open(world))
    ok(len(w["repos"]) == 30 and w["prior_contributors"]["bench"]
       and any(u["type"] == "Bot" for u in w["users"].values()), "make_world shape")
    b = Server(world=world, name="bench")
    st, h, body = b.json("/search/issues?q=" + q("org:bench is:pr") + "&per_page=100")
    total = body["total_count"]
    ok(st == 200 and total > 1000 and links(h)["last"].endswith("page=10"),
       "search total > 1000, Link last capped at page 10", (total, h.get("Link")))
    st, h, body = b.json("/search/issues?q=" + q("org:bench is:pr") + "&per_page=100&page=10")
    ok(st == 200 and len(body["items"]) == 100 and "next" not in links(h),
       "page 10 reachable, no next", (st, h.get("Link")))
    st, h, body = b.json("/search/issues?q=" + q("org:bench is:pr") + "&per_page=100&page=11")
    ok(st == 422 and body["message"] == "Only the first 1000 search results are available",
       "page beyond 1000 results -> 422", (st, body))
    b.stop()


def test_faults(s):
    s.control(reset_log=True, fail_every=2)
    res = [s.get("/orgs/kubesphere") for _ in range(6)]
    codes = [r[0] for r in res]
    ok(codes == [200, 502, 200, 500, 200, 503], "fail_every=2 cycles 502/500/503", codes)
    ok(b"<html>" in res[1][2] and json.loads(res[3][2])["message"] == "Server Error"
       and "text/html" in res[5][1]["Content-Type"], "5xx bodies: HTML and JSON")
    s.control(reset_log=True, fail_every=0, secondary_every=2, retry_after=0)
    res = [s.get("/repos/kubesphere/console") for _ in range(4)]
    b1 = json.loads(res[1][2])
    ok([r[0] for r in res] == [200, 403, 200, 429], "secondary_every=2: 403 then 429",
       [r[0] for r in res])
    ok(res[1][1].get("Retry-After") == "0" and res[3][1].get("Retry-After") == "0" and
       b1["message"].startswith("You have exceeded a secondary rate limit") and
       b1["documentation_url"].endswith("#secondary-rate-limits") and
       res[1][1].get("X-RateLimit-Remaining") != "0",
       "secondary limit: Retry-After, message, remaining not 0", dict(res[1][1]))
    s.control(reset_log=True, secondary_every=0, truncate_every=2)
    full = s.get("/repos/kubesphere/kubekey/releases")
    cut = s.get("/repos/kubesphere/kubekey/releases")
    try:
        json.loads(cut[2])
        parsed = True
    except ValueError:
        parsed = False
    ok(cut[0] == 200 and not parsed and int(cut[1]["Content-Length"]) == len(cut[2])
       and full[2].startswith(cut[2]) and len(cut[2]) == len(full[2]) // 2,
       "truncate_every=2: 200 with half the body, matching Content-Length",
       (cut[0], len(cut[2]), len(full[2])))
    retry = s.get("/repos/kubesphere/kubekey/releases")
    ok(retry[0] == 200 and retry[2] == full[2], "retry after a fault succeeds")
    s.control(truncate_every=0, latency_ms=20)
    ok(s.get("/orgs/kubesphere")[0] == 200, "latency_ms still answers")
    st, h, settings = s.json("/_control")
    ok(settings["latency_ms"] == 20 and settings["truncate_every"] == 0, "GET /_control", settings)
    s.control(latency_ms=0)
    log = s.log()
    ok([r["fault"] for r in log] == [None, "truncate", None, None] and
       [r["n"] for r in log] == [1, 2, 3, 4] and log[0]["path"] == "/repos/kubesphere/kubekey/releases"
       and log[0]["query"] == {} and log[0]["resource"] == "core" and log[0]["auth"] is False
       and log[0]["conditional"] is False and log[1]["status"] == 200,
       "/_log records faults, n, path, query", log)
    st, h, body = s.control(bogus=1)
    ok(st == 400, "unknown control key -> 400", st)
    lines = open(s.log_file).read().splitlines()
    ok(len(lines) > 20 and json.loads(lines[-1])["n"] == 4, "--log writes JSON lines", len(lines))


def test_exhaustion():
    e = Server("--quota", "3", "--search-quota", "1", "--reset-in", "1", name="quota")
    codes, rem = [], []
    for _ in range(3):
        st, h, body = e.get("/orgs/kubesphere")
        codes.append(st)
        rem.append(h["X-RateLimit-Remaining"])
    etag = h["ETag"]
    st304 = e.get("/orgs/kubesphere", {"If-None-Match": etag})[0]
    ok(codes == [200, 200, 200] and rem == ["2", "1", "0"], "quota 3: remaining 2, 1, 0",
       (codes, rem))
    st, h, body = e.json("/orgs/kubesphere")
    ok(st == 403 and h.get("X-RateLimit-Remaining") == "0" and h.get("Retry-After") is None
       and body["message"].startswith("API rate limit exceeded")
       and body["documentation_url"].endswith("#rate-limiting")
       and int(h["X-RateLimit-Reset"]) >= int(time.time()),
       "exhausted: 403, remaining 0, no Retry-After, reset in the future", (st, dict(h), body))
    ok(st304 == 403, "exhausted bucket answers conditional requests 403 too", st304)
    st, h, body = e.json("/search/issues?q=org:kubesphere")
    st2, h2, body2 = e.json("/search/issues?q=org:kubesphere")
    ok(st == 200 and st2 == 403 and h2.get("X-RateLimit-Resource") == "search",
       "search bucket is separate and exhausts on its own", (st, st2))
    log = e.log()
    ok(log[-1]["fault"] == "exhausted" and log[-1]["resource"] == "search", "log: exhausted")
    time.sleep(1.2)
    st, h, body = e.get("/orgs/kubesphere")
    ok(st == 200 and h["X-RateLimit-Remaining"] == "2", "bucket resets --reset-in after first use",
       (st, h.get("X-RateLimit-Remaining")))
    e.stop()


def test_token_now():
    t = Server("--token", "s3cret", "--now", "2021-12-10T00:00:00Z", name="token")
    st, h, body = t.json("/orgs/kubesphere", {"Authorization": "token wrong"})
    ok(st == 401 and body == {"message": "Bad credentials",
                              "documentation_url": "https://docs.github.com/rest"},
       "wrong token -> 401 Bad credentials", (st, body))
    st, h, _ = t.json("/orgs/kubesphere", {"Authorization": "Bearer s3cret"})
    ok(st == 200 and h["X-RateLimit-Limit"] == "5000", "Bearer TOKEN accepted, limit 5000")
    st, h, _ = t.json("/orgs/kubesphere", {"Authorization": "token s3cret"})
    ok(st == 200, "token TOKEN accepted")
    st, h, _ = t.json("/orgs/kubesphere")
    ok(st == 200 and h["X-RateLimit-Limit"] == "60", "no Authorization: anonymous, limit 60")
    st, h, body = t.json("/search/issues?q=" + q("org:kubesphere is:pr merged:2021-12-06..2021-12-12"))
    exp = json.load(open(EXPECTED))
    before = sum(1 for p in exp["merged_pulls"] if p["merged_at"] < "2021-12-10")
    ok(body["total_count"] == before, "--now hides later merges", (body["total_count"], before))
    world = json.load(open(KS))
    later = next(p for r in world["repos"] if r["name"] == "console" for p in r["pulls"]
                 if p["created_at"] < "2021-12-10" < p["merged_at"])
    st, h, body = t.json(f"/repos/kubesphere/console/pulls/{later['number']}")
    ok(st == 200 and body["state"] == "open" and body["merged_at"] is None
       and body["closed_at"] is None, "--now: a PR merged later is open then", body)
    st, h, body = t.json("/repos/kubesphere/console/pulls?state=open&per_page=100")
    ok(st == 200 and later["number"] in [p["number"] for p in body], "--now: listed as open")
    st, h, rels = t.json("/repos/kubesphere/kubesphere/releases")
    ok(all(r["created_at"] <= "2021-12-10T00:00:00Z" for r in rels) and rels,
       "--now hides later releases")
    t.stop()


def test_prefix():
    p = Server("--prefix", "/api/v3", name="prefix")
    st, h, body = p.json("/api/v3/orgs/kubesphere")
    ok(st == 200 and body["login"] == "kubesphere", "--prefix serves /api/v3/...")
    st, h, body = p.json("/orgs/kubesphere")
    ok(st == 404, "--prefix: root path is 404", st)
    st, h, body = p.json("/api/v3/repos/kubesphere/console/pulls?state=closed")
    ok(links(h)["next"].startswith(p.url("/api/v3/repos/kubesphere/console/pulls?")) and
       body[0]["url"].startswith(p.url("/api/v3/")), "--prefix: Link and url fields include it",
       h.get("Link"))
    log = p.log()
    ok(log[0]["path"] == "/orgs/kubesphere" and len(log) == 3, "log path without prefix", log)
    ok(p.stop() == 0, "exits 0 on SIGTERM")


def test_keepalive(s):
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    statuses = []
    for path in ("/orgs/kubesphere", "/nope", "/repos/kubesphere/console"):
        c.request("GET", path, headers={"Authorization": "token anything"})
        r = c.getresponse()
        r.read()
        statuses.append((r.status, r.getheader("X-RateLimit-Limit")))
    c.close()
    ok(statuses == [(200, "5000"), (404, "5000"), (200, "5000")],
       "keep-alive: 3 requests on one connection; any token accepted without --token",
       statuses)


def main():
    s = Server(name="main")
    try:
        test_basics(s)
        test_pagination(s)
        test_etag(s)
        test_404(s)
        test_releases_issues(s)
        test_search(s)
        test_prior(s)
        test_keepalive(s)
        test_faults(s)
        test_cap()
        test_exhaustion()
        test_token_now()
        test_prefix()
        ok(s.stop() == 0, "main server exits 0 on SIGTERM")
        errs = "".join(open(srv.err_file).read() for srv in servers)
        ok("Traceback" not in errs, "no tracebacks on the servers' stderr", errs[-2000:])
    finally:
        for srv in servers:
            if srv.proc.poll() is None:
                srv.proc.kill()
                srv.proc.wait()
        shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
