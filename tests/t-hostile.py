"""Hostile and odd inputs render safely: HTML and script in titles, release
notes and event issues, a 1 MB release note, emoji, CJK and RTL text."""
import json
import re
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import BUILD, WORLDS, FakeGitHub, Workspace, check, done, xmllint_errors  # noqa: E402

CHECKER = os.path.join(BUILD, "tests", "wechat-check")
world = json.load(open(os.path.join(WORLDS, "kubesphere.json"), encoding="utf-8"))
repo = next(r for r in world["repos"] if r["full_name"] == "kubesphere/kubekey")
community = next(r for r in world["repos"] if r["full_name"] == "kubesphere/community")

TITLE = 'fix: *ptr* [x](y) <script>alert(1)</script> & <img src=x onerror=alert(2)> 🚀 修复 עברית'
pr = min((p for p in repo["pulls"] if "2021-12-06" <= p["merged_at"] < "2021-12-13" and p["user"] != "ks-ci-bot"),
         key=lambda p: p["merged_at"])  # the earliest: highlights are capped per repo
pr["title"] = TITLE

evil_body = ("## Features\n\n- <script>alert(3)</script> Add [a link](javascript:alert(4)) "
             "![img](data:image/png;base64,AAAA) <iframe src=https://evil.example></iframe>\n"
             "- second `<b>` item\n\n"
             "<details><summary>raw html</summary><script>alert(5)</script></details>\n\n"
             "| a | b |\n|---|---|\n| <x> | y |\n\n```\ncode <script>\n```\n")
filler = "- filler line with text and <span onclick=x>html</span> 中文 🙂\n" * 20000
repo["releases"].insert(0, {
    "id": 1, "tag_name": "v9.9.9", "name": "<b>v9.9.9</b> \u202eevil", "draft": False, "prerelease": False,
    "created_at": "2021-12-08T00:00:00Z", "published_at": "2021-12-08T00:00:00Z", "author": pr["user"],
    "html_url": "https://github.com/kubesphere/kubekey/releases/tag/v9.9.9",
    "body": evil_body + filler})
community["issues"].append({
    "number": 9999, "title": "<img src=x onerror=alert(6)> Meetup 🎉", "user": "ghost", "state": "open",
    "labels": ["event"], "created_at": "2021-12-01T00:00:00Z", "updated_at": "2021-12-01T00:00:00Z",
    "closed_at": None, "html_url": "https://github.com/kubesphere/community/issues/9999",
    "body": "date: 2021-12-09T10:00:00Z\nlocation: <b>Beijing</b>\nlink: javascript:alert(7)\n"})
community["issues"].append({
    "number": 9998, "title": "No date here", "user": "ghost", "state": "open", "labels": ["event"],
    "created_at": "2021-12-01T00:00:00Z", "updated_at": "2021-12-01T00:00:00Z", "closed_at": None,
    "html_url": "https://github.com/kubesphere/community/issues/9998", "body": "date: soon\n"})

tmp = tempfile.mkdtemp(prefix="dg-hostile-")
path = os.path.join(tmp, "world.json")
json.dump(world, open(path, "w", encoding="utf-8"), ensure_ascii=False)
check(len((evil_body + filler).encode()) > 1_000_000, "the release note is over 1 MB")

with FakeGitHub(path, "--search-quota", "1000") as gh:
    for lang in ("zh", "en"):
        ws = Workspace(gh.url, language=lang, extra='site_url = "https://example.org/weekly"\n')
        p = ws.run("--week", "2021-W49", "--format", "md,html,json", timeout=120)
        if not check(p.returncode == 0, "%s: hostile world renders (exit 0)" % lang, p.stderr):
            continue
        check("9998" in p.stderr and "no parseable date" in p.stderr,
              "%s: an event without a date is a warning naming the issue" % lang, p.stderr)
        md = ws.read("community-2021-W49.md")
        frag = ws.read("community-2021-W49.wechat.html")
        page = ws.read("community-2021-W49.html")
        check("fix: \\*ptr\\* \\[x\\](y) \\<script\\>" in md, "%s: the PR title is escaped Markdown text" % lang)
        check("fix: *ptr* [x](y) &lt;script&gt;alert(1)&lt;/script&gt;" in frag,
              "%s: the PR title reaches HTML as text" % lang)
        lower = frag.lower()
        for bad in ("<script", "<iframe", "javascript:", "data:image", "<img src=x", "<details"):
            check(bad not in lower, "%s: no %r in the fragment" % (lang, bad))
        tags = re.findall(r"<[a-z][^>]*>", lower)
        check(not [t for t in tags if re.search(r"\son[a-z]+\s*=", t)],
              "%s: no element carries an event handler attribute" % lang)
        scripts = page.lower().count("<script")
        check(scripts == 1, "%s: the preview page has only its own copy script (%d)" % (lang, scripts))
        check("🚀" in frag and "עברית" in frag and "修复" in frag, "%s: emoji, CJK and RTL text survive" % lang)
        check(len(frag.encode()) < 1_000_000, "%s: the fragment stays under WeChat's 1 MB" % lang)
        c = subprocess.run([CHECKER, "--strict", os.path.join(ws.out, "community-2021-W49.wechat.html")],
                           capture_output=True, text=True)
        check(c.returncode == 0, "%s: the fragment passes the WeChat checklist" % lang,
              "\n".join(l for l in c.stdout.splitlines() if l.startswith("not ok")))
        errors = xmllint_errors(os.path.join(ws.out, "community-2021-W49.wechat.html"))
        check(not errors, "%s: the fragment is well-formed" % lang, errors[:800])
        model = ws.model("community-2021-W49.json")
        ev = [e for e in model["events"]["past"] if e["number"] == 9999]
        check(ev and ev[0]["link"] == "", "%s: a javascript: event link is dropped from the model" % lang, ev)
        ws.close()

# Event links built to get past a sanitiser with a fixed buffer: CJK across
# byte 2048 of a 5000-character link that then closes the Markdown link and
# opens HTML, and one with ')' '<' '>' and blanks early on. A world of their
# own: the checks above forbid "javascript:" even as inert text.
LONG_LINK = "https://e.example/" + "a" * 2024 + "中文" * 10 + ")[x](javascript:alert(8))<script>alert(9)</script>"
LONG_LINK += "中" * (5000 - len(LONG_LINK))
SHORT_LINK = "https://e.example/a b)<img src=x onerror=alert(10)> [y](javascript:alert(11))"
check(len(LONG_LINK) == 5000, "the long event link has 5000 characters")
world = json.load(open(os.path.join(WORLDS, "kubesphere.json"), encoding="utf-8"))
community = next(r for r in world["repos"] if r["full_name"] == "kubesphere/community")
for number, link in ((9997, LONG_LINK), (9996, SHORT_LINK)):
    community["issues"].append({
        "number": number, "title": "Link test %d" % number, "user": "ghost", "state": "open",
        "labels": ["event"], "created_at": "2021-12-01T00:00:00Z", "updated_at": "2021-12-01T00:00:00Z",
        "closed_at": None, "html_url": "https://github.com/kubesphere/community/issues/%d" % number,
        "body": "date: 2021-12-10T10:00:00Z\nlocation: online\nlink: %s\n" % link})
path = os.path.join(tmp, "links.json")
json.dump(world, open(path, "w", encoding="utf-8"), ensure_ascii=False)
with FakeGitHub(path, "--search-quota", "1000") as gh:
    ws = Workspace(gh.url, language="en")
    p = ws.run("--week", "2021-W49", "--format", "md,html,json", timeout=120)
    if check(p.returncode == 0, "hostile event links: the issue renders (exit 0)", p.stderr):
        for name in ("md", "wechat.html", "html", "json"):
            text = ws.read("community-2021-W49." + name)
            left = [m for m in ("alert(8", "alert(9", "alert(10", "alert(11", "](javascript:", "<script>alert",
                                "onerror=alert(") if m in text]
            check(not left, "no part of the hostile event links is live in the .%s" % name, left)
        model = ws.model("community-2021-W49.json")
        links = {e["number"]: e["link"] for e in model["events"]["past"] if e["number"] in (9997, 9996)}
        check(len(links) == 2 and all(l.startswith("https://e.example/") and not re.search(r"[\s()<>\[\]\"']", l)
                                      for l in links.values()),
              "the hostile event links are https links with nothing that ends them early", links)
        check(len(links.get(9997, "")) > 5000 and "中文" * 10 in links.get(9997, ""),
              "the long link is kept whole (CJK past byte 2048 intact)")
    ws.close()
done()
