"""digest against a hostile server (tests/hostile_server.py): every run ends
within its limits with exit 1 or 3 and a message naming the source; the token
goes nowhere but the API and appears in no output; server text cannot forge a
log line; a long CJK title never blanks an issue; a failed write leaves every
file as it was."""
import glob
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import Hostile, Workspace, check, done  # noqa: E402

TOKEN = "ghp_HOSTILEtest0123456789abcdef"


def run(srv, ws, scenario, *args, env=None):
    srv.scenario(scenario)
    e = {"GITHUB_TOKEN": TOKEN, "DIGEST_STALL_SECONDS": "1", "DIGEST_MAX_PAGES": "5"}
    e.update(env or {})
    t = time.time()
    # --refresh: each scenario is the server's, on a week already collected and kept.
    p = ws.run("--week", "2021-W49", "--format", "md,json", "--refresh", *args, env=e, timeout=60)
    return p, time.time() - t


def everything_written(ws):
    """stdout-independent: every byte digest left in the out and state dirs."""
    blob = b""
    for path in glob.glob(os.path.join(ws.dir, "**"), recursive=True):
        if os.path.isfile(path):
            blob += open(path, "rb").read()
    return blob


srv = Hostile("--feed-title", "云原生" * 100 + "：一个很长的标题")
try:
    def workspace(extra=""):
        return Workspace(srv.url + "/api/v3", orgs=("o",), event_repos=(), extra=extra)

    ws = workspace()
    p, secs = run(srv, ws, "normal")
    check(p.returncode == 0, "normal server: exit 0", p.stderr)
    log = srv.log()
    check(log and all(r["auth"] for r in log if r["path"].startswith("/api/v3/")),
          "the token goes to the API paths", log)

    # Pagination: a loop and an endless list both end, with a warning naming the list.
    p, secs = run(srv, ws, "loop")
    check(p.returncode == 3 and "leads back to a page already fetched" in p.stderr,
          "a Link loop ends the list: exit 3 and a warning (%d)" % p.returncode, p.stderr)
    check(len([r for r in srv.log() if "/orgs/o/repos" in r["path"]]) == 1, "the loop cost one request")
    p, secs = run(srv, ws, "endless")
    check(p.returncode == 3 and "past 5 pages" in p.stderr, "endless pages stop at the cap: exit 3", p.stderr)
    check(len([r for r in srv.log() if "/orgs/o/repos" in r["path"]]) == 5, "five pages fetched, no more")

    # Time: a silent endpoint and a trickle end within the limits.
    p, secs = run(srv, ws, "silent", "--timeout", "6")
    check(p.returncode in (1, 3) and secs < 15, "a silent endpoint: exit %d after %.1f s" % (p.returncode, secs),
          p.stderr)
    check("/releases" in p.stderr, "the message names the stalled request", p.stderr)
    p, secs = run(srv, ws, "drip", "--timeout", "3")
    check(p.returncode in (1, 3) and secs < 10, "a 2 byte/s trickle: exit %d after %.1f s" % (p.returncode, secs),
          p.stderr)
    check("time limit (--timeout 3 s)" in p.stderr and "/releases" in p.stderr,
          "the message names the deadline and the request", p.stderr)

    # Rate limits a server can abuse.
    p, secs = run(srv, ws, "retry_after", "--max-wait", "3")
    check(p.returncode == 1 and secs < 15, "Retry-After forever: exit 1 after %.1f s" % secs, p.stderr)
    check("waits" in p.stderr and "in all" in p.stderr, "the message says the waits added up", p.stderr)
    p, secs = run(srv, ws, "retry_huge", "--max-wait", "3")
    check(p.returncode == 1 and "beyond --max-wait" in p.stderr and "runtime error" not in p.stderr,
          "a 20-digit Retry-After: exit 1, no overflow", p.stderr)
    p, secs = run(srv, ws, "reset_huge", "--max-wait", "3")
    check(p.returncode == 1 and "runtime error" not in p.stderr and "unknown time" in p.stderr,
          "a 20-digit rate-limit reset: exit 1, the reset time is unknown", p.stderr)
    p, secs = run(srv, ws, "retry_date", "--max-wait", "30")
    searches = [r["t"] for r in srv.log() if r["path"].startswith("/api/v3/search/")]
    check(p.returncode == 0 and len(searches) >= 2 and searches[1] - searches[0] >= 1.0,
          "Retry-After as an HTTP date is waited for (%s)" %
          ("%.1f s" % (searches[1] - searches[0]) if len(searches) >= 2 else "no retry"), p.stderr)

    # The token: not after a redirect off the API, not through dot segments, never echoed.
    p, secs = run(srv, ws, "redirect")
    out = [r for r in srv.log() if r["path"].startswith("/outside/")]
    check(p.returncode == 0 and out and not any(r["auth"] for r in out),
          "a redirect outside the API base is followed without the token", (p.stderr, srv.log()))
    p, secs = run(srv, ws, "dotseg")
    out = [r for r in srv.log() if r["path"].startswith("/outside/")]
    check(out and not any(r["auth"] for r in out), "a next page through ../.. gets no token", srv.log())
    p, secs = run(srv, ws, "echo", "-v")
    blob = everything_written(ws)
    check(TOKEN not in p.stdout and TOKEN not in p.stderr, "an echoing server: the token is in no output line")
    check(TOKEN.encode() not in blob, "nor in any file written (issue, JSON, state store)")

    # Log forging: a name with CR/LF from the server.
    p, secs = run(srv, ws, "crlf", "-v")
    check(not [l for l in p.stderr.split("\n") if l.startswith("digest: forged")] and "\r" not in p.stderr,
          "CR/LF from a server never starts a line of its own", p.stderr[-2000:])
    ws.close()

    # A failed write leaves every file as it was.
    ws = workspace()
    p, secs = run(srv, ws, "normal")
    before = {f: open(os.path.join(ws.out, f), "rb").read() for f in os.listdir(ws.out)}
    os.remove(os.path.join(ws.out, "community-2021-W49.json"))
    os.mkdir(os.path.join(ws.out, "community-2021-W49.json"))  # its rename will fail
    p, secs = run(srv, ws, "normal", "--week", "2021-W49")
    md = open(os.path.join(ws.out, "community-2021-W49.md"), "rb").read()
    check(p.returncode == 1 and md == before["community-2021-W49.md"],
          "a failed rename: exit 1 and the Markdown is the old one", p.stderr)
    check(not [f for f in os.listdir(ws.out) if f.startswith(".")], "no temporary or backup left",
          os.listdir(ws.out))
    ws.close()

    # A long CJK headline never blanks the weekly (a zh issue: the zh feed's title is its headline).
    ws = Workspace(srv.url + "/api/v3", orgs=("o",), event_repos=(), language="zh")
    feeds = os.path.join(ws.dir, "feeds.toml")
    with open(feeds, "w") as f:
        f.write('[[feed]]\nname = "hostile"\nurl = "%s/feed.xml"\ncategory = "news"\nlanguage = "zh"\n' % srv.url)
    with open(ws.config, "a") as f:
        f.write('\n[cnweekly]\nfeeds = "%s"\npicks_dir = "%s"\ntopics = []\nwatch_repos = []\n'
                % (feeds, os.path.join(ws.dir, "picks")))
    p, secs = run(srv, ws, "normal", "--kind", "cnweekly")
    title = "云原生" * 100 + "：一个很长的标题"
    check(p.returncode == 0, "a 300-character CJK headline: exit 0", p.stderr)
    if p.returncode == 0:
        md = ws.read("cnweekly-2021-W49.md")
        model = ws.model("cnweekly-2021-W49.json")
        check(title in md and title in model["title"], "the headline is whole in the Markdown and the model")

    # An unedited --draft never carries a feed's HTML or script links into the issue.
    p, secs = run(srv, ws, "evilfeed", "--kind", "cnweekly", "--draft")
    draft = open(os.path.join(ws.dir, "picks", "2021-W49.toml"), encoding="utf-8").read() if p.returncode == 0 else ""
    check(p.returncode == 0 and 'paragraph = ""' in draft and "suggestion = " in draft,
          "the draft keeps the fetched summary apart, as a suggestion", p.stderr + draft[:600])
    p, secs = run(srv, ws, "evilfeed", "--kind", "cnweekly", "--format", "md,html,json")
    if check(p.returncode == 0, "the unedited draft renders", p.stderr):
        md, frag = ws.read("cnweekly-2021-W49.md"), ws.read("cnweekly-2021-W49.wechat.html").lower()
        model = ws.model("cnweekly-2021-W49.json")
        check(not re.search(r"(?<!\\)<(img|script)", md) and not re.search(r"(?<!\\)\]\(javascript:", md),
              "Markdown: the feed's HTML and link are escaped text", md[-1500:])
        check("<img" not in frag and "<script" not in frag and 'href="javascript' not in frag,
              "WeChat HTML: no element, no javascript: href", frag[-1500:])
        urls = [v for item in model["news"] for k, v in item.items() if k == "url" or k.endswith("_url")]
        check(urls and not [u for u in urls if not u.startswith("https://")], "JSON: every URL is http(s)", urls)
    ws.close()
finally:
    srv.close()
done()
