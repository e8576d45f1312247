"""The Cloud Native Weekly: recorded feeds + the sample world -> golden issue,
dedupe across issues (tracking-parameter variants included), idempotent
re-renders, numbering, the editor's file and --draft, failing feeds."""
import difflib
import html
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import (BUILD, TESTS, WORLDS, FakeGitHub, Workspace, check, done,  # noqa: E402
                        xmllint_errors)

GOLDEN = os.path.join(TESTS, "golden")
CHECKER = os.path.join(BUILD, "tests", "wechat-check")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"
tmp = tempfile.mkdtemp(prefix="dg-cn-")

# The sample world, with topics and stars so that the project search has
# something to find (the world itself has none: they are not in git).
world = json.load(open(os.path.join(WORLDS, "kubesphere.json"), encoding="utf-8"))
for r, stars in (("kubekey", 1800), ("kubesphere", 11000), ("console", 600)):
    repo = next(x for x in world["repos"] if x["name"] == r)
    repo["topics"] = ["kubernetes", "cloud-native"]
    repo["stargazers_count"] = stars
    repo["created_at"] = "2021-09-20T00:00:00Z"
    repo["description"] = {"kubekey": "Install Kubernetes and KubeSphere in one command",
                           "kubesphere": "The container platform tailored for Kubernetes multi-cloud",
                           "console": "KubeSphere web console"}[r]
# A security advisory of a watched repository, in the week 2021-W46 when
# kubekey's only release was a pre-release (made for this test: the world has
# none; the shape is GitHub's, served by the fake's security-advisories route).
kubekey = next(x for x in world["repos"] if x["name"] == "kubekey")
kubekey["security_advisories"] = [
    {"ghsa_id": "GHSA-2c5x-7j4f-9q3m", "cve_id": "CVE-2021-99999", "severity": "high", "state": "published",
     "summary": "Cluster credentials written world-readable", "description": "test advisory",
     "created_at": "2021-11-10T00:00:00Z", "published_at": "2021-11-17T08:00:00Z"},
    {"ghsa_id": "GHSA-8h2p-3v9w-5r6k", "cve_id": None, "severity": "low", "state": "draft",
     "summary": "A draft is never news", "created_at": "2021-11-10T00:00:00Z", "published_at": None}]
world_path = os.path.join(tmp, "world.json")
json.dump(world, open(world_path, "w", encoding="utf-8"), ensure_ascii=False)

# Feeds: the three recorded ones, plus a later copy of Ghost's whose entry
# links to the same page with tracking parameters, plus a broken one.
files = os.path.join(tmp, "files")
shutil.copytree(os.path.join(TESTS, "cnweekly", "feeds"), files)
ghost = open(os.path.join(files, "rss_2.0_ghost_2.xml"), encoding="utf-8").read()
later = (ghost.replace("Mon, 11 Oct 2021", "Tue, 19 Oct 2021")
         .replace("https://ghost.org/changelog/email-without-publishing/",
                  "https://GHOST.org/changelog/email-without-publishing?utm_source=rss&amp;utm_medium=feed"))
check(later != ghost and "19 Oct 2021" in later, "the derived later feed differs from the recorded one")
open(os.path.join(files, "ghost-later.xml"), "w", encoding="utf-8").write(later)
open(os.path.join(files, "broken.xml"), "w").write("<rss><channel><item><title>x</ti")
# Feed links built to get past a link sanitiser with a fixed buffer: a
# 5000-character one with CJK across byte 2048 that then closes the Markdown
# link and opens HTML, one with ')' '<' '>' and blanks, a javascript: one.
HOSTILE_LINKS = ["https://h.example/" + "a" * 2024 + "中文" * 10 + ")[x](javascript:alert(21))<script>alert(22)</script>",
                 "https://h.example/a b)<img src=x onerror=alert(23)> [y](javascript:alert(24))",
                 "javascript:alert(25)"]
HOSTILE_LINKS[0] += "中" * (5000 - len(HOSTILE_LINKS[0]))
open(os.path.join(files, "hostile-links.xml"), "w", encoding="utf-8").write(
    "<rss version=\"2.0\"><channel><title>H</title><link>https://h.example/</link>" + "".join(
        "<item><title>Hostile link %d</title><link>%s</link><pubDate>Sat, 16 Oct 2021 0%d:00:00 GMT</pubDate>"
        "</item>" % (i, html.escape(l), i) for i, l in enumerate(HOSTILE_LINKS)) + "</channel></rss>")


def feed_list(url, extra=()):
    path = os.path.join(tmp, "feeds-%d.toml" % len(os.listdir(tmp)))
    feeds = [("Cloudflare Blog", "rss_2.0_cloudflare.xml", "news"),
             ("Ghost Changelog", "rss_2.0_ghost_2.xml", "article"),
             ("Element Blog", "rss_2.0_element_io.xml", "article"),
             ("Kubernetes Blog", "kubernetes-blog-2021-12.xml", "article")] + list(extra)
    with open(path, "w") as f:
        for name, file, cat in feeds:
            f.write('[[feed]]\nname = "%s"\nurl = "%s/_files/%s"\ncategory = "%s"\nlanguage = "en"\n\n'
                    % (name, url, file, cat))
    return path


def workspace(gh, lang="zh", extra_feeds=(), picks=None, cn_extra=""):
    ws = Workspace(gh.url, language=lang, timezone="UTC", extra='community = "KubeSphere"\nauthor = "KubeSphere"\n')
    picks = picks or os.path.join(ws.dir, "picks")
    with open(ws.config, "a") as f:
        f.write('\n[cnweekly]\nfeeds = "%s"\npicks_dir = "%s"\nwatch_repos = ["kubesphere/kubesphere", '
                '"kubesphere/kubekey"]\ninclude_prereleases = true\ntopics = ["kubernetes"]\nmin_stars = 100\n'
                'project_days = 60\nmax_projects = 2\nreference_date = "2021-01-04"\nreference_number = 1\n%s'
                % (feed_list(gh.url, extra_feeds), picks, cn_extra))
    return ws


def cn_run(ws, week, *args, env=None):
    return ws.run("--kind", "cnweekly", "--week", week, *args, env=env)


def compare_golden(ws, name, files):
    for f in files:
        got = open(os.path.join(ws.out, f), "rb").read()
        golden = os.path.join(GOLDEN, "%s-%s" % (name, f))
        if UPDATE:
            os.makedirs(GOLDEN, exist_ok=True)
            open(golden, "wb").write(got)
        want = open(golden, "rb").read() if os.path.exists(golden) else b""
        diff = "".join(difflib.unified_diff(want.decode("utf-8", "replace").splitlines(True),
                                            got.decode("utf-8", "replace").splitlines(True), n=1))
        check(got == want, "%s: %s matches tests/golden/%s-%s" % (name, f, name, f), diff[:3000])


TOKEN = "ghp_cnweeklyTOKEN"
with FakeGitHub(world_path, "--files", files, "--search-quota", "1000", "--quota", "100000") as gh:
    # Golden issue, zh: W41 (feeds) then W42 (releases; W41's items are not repeated).
    ws = workspace(gh)
    p = cn_run(ws, "2021-W41", "--format", "md,html,json", env={"GITHUB_TOKEN": TOKEN})
    if check(p.returncode == 0, "zh: 2021-W41 renders", p.stderr):
        m = ws.model("cnweekly-2021-W41.json")
        check([a["title"] for a in m["articles"]] == ["Send emails without publishing",
                                                      "Simpler plans for Element, on-premise and cloud!"],
              "zh W41: the articles are the feed entries of the week, newest first", m["articles"])
        check([n["title"] for n in m["news"]] == ["Privacy-Preserving Compromised Credential Checking"],
              "zh W41: news from the news feed", m["news"])
        check([x["repo"] for x in m["projects"]] == ["kubesphere/kubesphere", "kubesphere/kubekey"],
              "zh W41: projects by stars, capped at max_projects", m["projects"])
        check(m["number"] == 41, "zh W41: issue number from the reference date (2021-W01 = 1)", m["number"])
        check(m["title"].startswith("云原生周刊：") and m["title"].endswith("| 第 41 期 | 2021.10.18"),
              "zh W41: title '云原生周刊：<headline> | 第 N 期 | YYYY.M.D'", m["title"])
        md = ws.read("cnweekly-2021-W41.md")
        for h in ("## 开源项目推荐", "## 文章推荐", "## 云原生动态"):
            check(h in md, "zh W41: section %s" % h)
        check("title: '云原生周刊：" in md, "zh W41: front matter title")
        compare_golden(ws, "cn-zh", ["cnweekly-2021-W41.md", "cnweekly-2021-W41.wechat.html",
                                     "cnweekly-2021-W41.html"])
        c = subprocess.run([CHECKER, "--strict", os.path.join(ws.out, "cnweekly-2021-W41.wechat.html")],
                           capture_output=True, text=True)
        check(c.returncode == 0, "zh W41: the fragment passes the WeChat checklist",
              "\n".join(l for l in c.stdout.splitlines() if l.startswith("not ok")))
        errors = xmllint_errors(os.path.join(ws.out, "cnweekly-2021-W41.html"))
        check(not errors, "zh W41: the page is well-formed", errors[:800])
        files_log = [r for r in gh.log() if r["resource"] == "files"]
        check(files_log and not any(r["auth"] for r in files_log),
              "the GitHub token is never sent to feed hosts (%d feed requests)" % len(files_log))
        first_md = md
        # Re-rendering the same issue gives the same issue; feeds are revalidated.
        gh.control(reset_log=True)
        p = cn_run(ws, "2021-W41", "--format", "md,html,json", env={"GITHUB_TOKEN": TOKEN})
        check(p.returncode == 0 and ws.read("cnweekly-2021-W41.md") == first_md,
              "zh W41: re-rendering gives the same issue, not an empty one", p.stderr)
        again = [r for r in gh.log() if r["resource"] == "files"]
        check(again and all(r["conditional"] and r["status"] == 304 for r in again),
              "zh W41: a re-run fetches feeds conditionally (all 304)", again)

    ws_extra = workspace(gh, extra_feeds=[("Ghost again", "ghost-later.xml", "article")])
    shutil.rmtree(ws_extra.state, ignore_errors=True)
    shutil.copytree(ws.state, ws_extra.state)  # the store that published W41
    p = cn_run(ws_extra, "2021-W42", "--format", "md,json")
    if check(p.returncode == 0, "zh: 2021-W42 renders after W41", p.stderr):
        m = ws_extra.model("cnweekly-2021-W42.json")
        urls = [x["url"] for x in m["articles"] + m["news"]] + [x["url"] for x in m["projects"]]
        check(not any("ghost.org" in u.lower() for u in urls),
              "W42: the tracking-parameter variant of a W41 article is not repeated", urls)
        check(not any(x["repo"] in ("kubesphere/kubesphere", "kubesphere/kubekey") for x in m["projects"]),
              "W42: projects of W41 are not repeated", m["projects"])
        check([x["repo"] for x in m["projects"]] == ["kubesphere/console"],
              "W42: the next project by stars takes their place", m["projects"])
        check(sorted(n["title"] for n in m["news"]) == ["kubekey v1.2.0-alpha.6 发布", "kubesphere v3.2.0-rc.1 发布"],
              "W42: releases of watched repos are news", m["news"])
        check(m["number"] == 42, "W42: issue number 42")
    ws_extra.close()

    # English golden with the editor's file: it decides the content.
    ws_en = workspace(gh, lang="en")
    os.makedirs(os.path.join(ws_en.dir, "picks"))
    with open(os.path.join(ws_en.dir, "picks", "2021-W41.toml"), "w") as f:
        f.write('headline = "KubeKey goes multi-arch"\n\n[[project]]\nrepo = "kubesphere/kubekey"\n'
                'paragraph = "KubeKey installs Kubernetes and KubeSphere **in one command**."\n\n'
                '[[article]]\nurl = "https://element.io/blog/simpler-plans-for-element-on-premise-and-cloud/?utm_source=x"\n'
                'paragraph = "This article explains Element\'s two plans."\n\n'
                '[[news]]\nurl = "https://blog.cloudflare.com/privacy-preserving-compromised-credential-checking/"\n'
                'title = "Cloudflare open-sources a credential checker"\n')
    p = cn_run(ws_en, "2021-W41", "--format", "md,html,json")
    if check(p.returncode == 0, "en: the editor's file renders", p.stderr):
        m = ws_en.model("cnweekly-2021-W41.json")
        check(m["headline"] == "KubeKey goes multi-arch" and "KubeKey goes multi-arch" in m["title"],
              "en: the editor's headline is the title's", m["title"])
        check([x["repo"] for x in m["projects"]] == ["kubesphere/kubekey"] and len(m["articles"]) == 1
              and len(m["news"]) == 1, "en: exactly the editor's items, no automatic ones")
        check(m["articles"][0]["title"] == "Simpler plans for Element, on-premise and cloud!",
              "en: an editor's item gets its title from the feed (URL variant matched)")
        check(m["news"][0]["title"] == "Cloudflare open-sources a credential checker",
              "en: the editor's title wins")
        md = ws_en.read("cnweekly-2021-W41.md")
        check("**in one command**" in md, "en: the editor's paragraph is kept as Markdown")
        compare_golden(ws_en, "cn-en", ["cnweekly-2021-W41.md", "cnweekly-2021-W41.wechat.html",
                                        "cnweekly-2021-W41.html"])
    # A malformed editor's file is a config error naming file and line.
    with open(os.path.join(ws_en.dir, "picks", "2021-W43.toml"), "w") as f:
        f.write('headline = "x"\n[[article]]\nlink = "https://example.com/"\n')
    p = cn_run(ws_en, "2021-W43", "--format", "md")
    check(p.returncode == 2 and "2021-W43.toml:3: unknown key 'article.link'" in p.stderr,
          "a bad editor's file: exit 2 with file and line", p.stderr)
    ws_en.close()

    # --draft: writes the editor's file with candidates, never overwrites it.
    ws_d = workspace(gh)
    p = cn_run(ws_d, "2021-W41", "--draft")
    path = os.path.join(ws_d.dir, "picks", "2021-W41.toml")
    if check(p.returncode == 0 and os.path.exists(path), "--draft writes picks/2021-W41.toml", p.stderr):
        text = open(path, encoding="utf-8").read()
        check('[[project]]\n' in text and 'repo = "kubesphere/kubesphere"' in text and '[[article]]' in text
              and 'url = "https://ghost.org/changelog/email-without-publishing/"' in text,
              "the draft lists the candidates", text[:800])
        check(not os.path.exists(ws_d.out) or not os.listdir(ws_d.out), "--draft renders nothing")
        p = cn_run(ws_d, "2021-W41", "--draft")
        check(p.returncode == 1 and "not overwriting" in p.stderr and open(path, encoding="utf-8").read() == text,
              "a second --draft refuses to overwrite the editor's file", p.stderr)
        # Trim it to one article: the render follows the file.
        keep = text.split("[[project]]")[0] + "[[article]]" + text.split("[[article]]")[1]
        open(path, "w", encoding="utf-8").write(keep)
        p = cn_run(ws_d, "2021-W41", "--format", "json")
        m = ws_d.model("cnweekly-2021-W41.json") if p.returncode == 0 else {}
        check(p.returncode == 0 and len(m["articles"]) == 1 and not m["projects"] and not m["news"],
              "the trimmed draft is what renders", p.stderr)
    ws_d.close()

    # Feeds that fail: a warning naming the feed, the issue still written, exit 3.
    ws_f = workspace(gh, extra_feeds=[("Broken Feed", "broken.xml", "article"),
                                      ("Missing Feed", "missing.xml", "news")])
    p = cn_run(ws_f, "2021-W41", "--format", "md")
    check(p.returncode == 3 and "Missing Feed" in p.stderr and "Broken Feed" in p.stderr
          and os.path.exists(os.path.join(ws_f.out, "cnweekly-2021-W41.md")),
          "failing feeds: warnings name them, the issue is written, exit 3", p.stderr)
    ws_f.close()

    # Hostile feed links reach no output as a live link or raw HTML.
    ws_h = workspace(gh, extra_feeds=[("Hostile Links", "hostile-links.xml", "article")])
    p = cn_run(ws_h, "2021-W41", "--format", "md,html,json")
    if check(p.returncode == 0, "hostile feed links: the issue renders", p.stderr):
        model = ws_h.model("cnweekly-2021-W41.json")
        for a in model["articles"]:   # the canonical key is the item's identity in the store, not a link
            a.pop("key", None)
        for name in ("md", "wechat.html", "html", "json"):
            text = json.dumps(model, ensure_ascii=False) if name == "json" else ws_h.read("cnweekly-2021-W41." + name)
            left = [m for m in ("alert(2", "](javascript:", "<script>alert", "onerror=alert(") if m in text]
            check(not left, "hostile feed links: nothing of them is live in the .%s" % name, left)
        arts = {a["title"]: a["url"] for a in model["articles"] if a["title"].startswith("Hostile")}
        check(len(arts) >= 2 and all(u == "" or (u.startswith("https://h.example/") and
                                                 not re.search(r"[\s()<>\[\]\"']", u)) for u in arts.values()),
              "hostile feed links: https links with nothing that ends them early, or empty", arts)
    ws_h.close()
    # News by significance: the headline is the week's most significant release
    # (2021-W50: kubesphere v3.2.1 and kubekey v1.2.1 over their release candidates).
    ws_s = workspace(gh, cn_extra='footer = "欢迎投稿：[云原生周刊](https://github.com/kubesphere/community)"\n'
                                   '[cnweekly.links]\n"往期回顾" = "https://kubesphere.io/zh/news/"\n')
    p = cn_run(ws_s, "2021-W50", "--format", "md,html,json")
    if check(p.returncode == 0, "W50 renders", p.stderr):
        m = ws_s.model("cnweekly-2021-W50.json")
        titles = [n["title"] for n in m["news"]]
        check(m["headline"] == "kubesphere v3.2.1 发布" and titles[:2] == ["kubesphere v3.2.1 发布", "kubekey v1.2.1 发布"],
              "W50: the headline is the most significant release (a final patch over release candidates; "
              "watch_repos order among equals)", titles)
        check(all("-rc." in t for t in titles[2:]), "W50: pre-releases come after", titles)
        check(m["lead"].startswith("本期头条：kubesphere v3.2.1 发布。"), "W50: a lead naming the headline", m["lead"])
        md = ws_s.read("cnweekly-2021-W50.md")
        check("本期头条：kubesphere v3.2.1 发布" in md, "W50: the lead is in the Markdown")
        check([a["title"] for a in m["articles"]] == ["Kubernetes 1.23: StatefulSet PVC Auto-Deletion (alpha)",
              "Kubernetes 1.23: Prevent PersistentVolume leaks when deleting out of order"],
              "W50: the Kubernetes blog's posts of the week are the articles", m["articles"])
        check("欢迎投稿" in md and "[往期回顾](https://kubesphere.io/zh/news/)" in md and "往期周报" not in md,
              "W50: the weekly's own footer and series links")
        compare_golden(ws_s, "cn-zh", ["cnweekly-2021-W50.md", "cnweekly-2021-W50.wechat.html"])
    # An advisory outranks a pre-release (2021-W46); a draft advisory is never news.
    p = cn_run(ws_s, "2021-W46", "--format", "json")
    if check(p.returncode == 0, "W46 renders", p.stderr):
        m = ws_s.model("cnweekly-2021-W46.json")
        check(m["headline"] == "kubekey 安全公告：CVE-2021-99999（高危）" and m["news"][0]["kind"] == "advisory",
              "W46: a high-severity advisory is the headline, over a pre-release", [n["title"] for n in m["news"]])
        check(not any("draft" in n.get("summary", "") for n in m["news"]), "W46: a draft advisory is not news")
        check(m["news"][0]["url"].endswith("/security/advisories/GHSA-2c5x-7j4f-9q3m"), "W46: the advisory's page")
    # Project picks as of the week: the release latest at the end of that week, not today's.
    p = cn_run(ws_s, "2021-W44", "--format", "json")
    if check(p.returncode == 0, "W44 renders", p.stderr):
        m = ws_s.model("cnweekly-2021-W44.json")
        rel = {x["repo"]: (x["latest_release"] or {}).get("tag") for x in m["projects"]}
        check(rel.get("kubesphere/console") == "v3.2.0", "W44: console's release of 2021-11-03 is its latest then", rel)
    ws_s.close()
    ws_p = workspace(gh)
    p = cn_run(ws_p, "2021-W41", "--format", "json")
    if check(p.returncode == 0, "W41 renders", p.stderr):
        m = ws_p.model("cnweekly-2021-W41.json")
        rel = {x["repo"]: (x["latest_release"] or {}).get("tag") for x in m["projects"]}
        check(rel == {"kubesphere/kubesphere": "v3.1.1", "kubesphere/kubekey": "v1.1.1"},
              "W41: the picks show the releases latest on 2021-10-18 (not v3.2.1 of 2021-12-16)", rel)
    ws_p.close()

    # An unedited zh draft renders with no English paragraph as an item's text.
    ws_u = workspace(gh)
    p = cn_run(ws_u, "2021-W41", "--draft")
    if check(p.returncode == 0, "zh: --draft", p.stderr):
        p = cn_run(ws_u, "2021-W41", "--format", "md,json")
        m = ws_u.model("cnweekly-2021-W41.json") if p.returncode == 0 else {}
        md = ws_u.read("cnweekly-2021-W41.md") if p.returncode == 0 else ""
        items = m.get("projects", []) + m.get("articles", []) + m.get("news", [])
        check(p.returncode == 0 and items and all(x.get("has_fact") and x.get("fact") for x in items),
              "unedited zh draft: every item gets a zh sentence from its facts", p.stderr)
        english = [x.get("summary") or x.get("description") for x in items]
        check(all(e and e not in md and e.rstrip("…")[:40] not in md for e in english),
              "unedited zh draft: no fetched English text is shown as an item's text", english)
        check("have no zh paragraph yet" in p.stderr and "Send emails without publishing" in p.stderr,
              "unedited zh draft: a warning lists the items still to write", p.stderr)
    ws_u.close()

    # The feed list's priority ranks feed news; the schema checks it.
    ws_q = workspace(gh, extra_feeds=[("Ghost news", "rss_2.0_ghost_2.xml", "news")])
    with open(ws_q.config, encoding="utf-8") as f:
        feeds_path = f.read().split('feeds = "')[1].split('"')[0]
    text = open(feeds_path, encoding="utf-8").read()
    open(feeds_path, "w", encoding="utf-8").write(text.replace('name = "Ghost news"\n', 'name = "Ghost news"\npriority = 5\n'))
    p = cn_run(ws_q, "2021-W41", "--format", "json")
    if check(p.returncode == 0, "W41 with a priority feed renders", p.stderr):
        m = ws_q.model("cnweekly-2021-W41.json")
        check([n["source"] for n in m["news"]][:1] == ["Ghost news"],
              "a feed of higher priority ranks first among feed news, though older", [n["source"] for n in m["news"]])
    open(feeds_path, "w", encoding="utf-8").write(text.replace('name = "Ghost news"\n', 'name = "Ghost news"\npriority = "high"\n'))
    p = cn_run(ws_q, "2021-W41", "--format", "json")
    check(p.returncode == 2 and "priority" in p.stderr and os.path.basename(feeds_path) in p.stderr,
          "a priority that is no integer: exit 2 naming the feed list and the key", p.stderr)
    ws_q.close()

    # --kind all writes both kinds.
    ws_a = workspace(gh)
    p = ws_a.run("--kind", "all", "--week", "2021-W41", "--format", "md")
    check(p.returncode == 0 and os.path.exists(os.path.join(ws_a.out, "community-2021-W41.md"))
          and os.path.exists(os.path.join(ws_a.out, "cnweekly-2021-W41.md")), "--kind all writes both", p.stderr)
    ws_a.close()
    ws.close()

shutil.rmtree(tmp, ignore_errors=True)
done()
