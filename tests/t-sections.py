"""The sections real community reports have beyond code: good first issues
([report] good_first_issues: open issues labelled "good first issue" or "help
wanted" in the watched repositories, updated in the period, one search per
scope group, each with its problem statement) and the community's own blog
posts of the period ([report] blog_feeds, each with its summary). A feed that
cannot be read leaves the issue written, exit 3, the feed named; a closed
period's re-run asks nothing again."""
import copy
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dg-sections-")
world = json.load(open(os.path.join(WORLDS, "kubesphere.json"), encoding="utf-8"))
repo = next(r for r in world["repos"] if r["full_name"] == "kubesphere/kubesphere")
archived = copy.deepcopy(repo)


def issue(n, title, labels, state="open", updated="2021-12-08T03:00:00Z", body=""):
    return {"number": n, "title": title, "body": body, "user": "someone", "state": state,
            "created_at": "2021-12-01T00:00:00Z", "updated_at": updated,
            "closed_at": updated if state == "closed" else None, "labels": labels,
            "html_url": "https://github.com/kubesphere/kubesphere/issues/%d" % n}


repo["issues"] += [
    issue(7001, "Docs: unify the terms of the installer pages", ["good first issue"],
          body="<!-- template -->\n### What happened\n\nThe installer pages call the same thing by\nthree names.\n\n"
               "More text here."),
    issue(7002, "Add a unit test for the <router> helper", ["help wanted", "area/test"]),
    issue(7003, "Closed already", ["good first issue"], state="closed"),
    issue(7004, "Old and quiet", ["good first issue"], updated="2021-11-01T00:00:00Z"),
    issue(7005, "Not for newcomers", ["kind/bug"]),
]
path = os.path.join(tmp, "world.json")
json.dump(world, open(path, "w", encoding="utf-8"), ensure_ascii=False)

files = os.path.join(tmp, "files")
os.makedirs(files)
open(os.path.join(files, "blog.xml"), "w", encoding="utf-8").write("""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>KubeSphere Blog</title><link>https://kubesphere.io/blog/</link>
<item><title>KubeSphere 3.2.1 上手 &amp; 实践</title><link>https://kubesphere.io/blog/321/</link>
<pubDate>Thu, 09 Dec 2021 08:00:00 +0000</pubDate>
<description>本文介绍 KubeSphere 3.2.1 的新功能。</description></item>
<item><title>An older post</title><link>https://kubesphere.io/blog/old/</link>
<pubDate>Mon, 01 Nov 2021 08:00:00 +0000</pubDate><description>old</description></item>
</channel></rss>
""")

with FakeGitHub(path, "--search-quota", "1000", "--files", files) as gh:
    extra_report = ('\n[report]\ngood_first_issues = true\nblog_feeds = ["%s/_files/blog.xml"]\n' % gh.url)
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai")
    with open(ws.config, "a") as f:
        f.write(extra_report)
    p = ws.run("--week", "2021-W49", "--format", "md,json,html")
    if check(p.returncode == 0, "the report renders with both sections", p.stderr):
        m = ws.model("community-2021-W49.json")
        md = ws.read("community-2021-W49.md")
        got = [g["number"] for g in m["good_first_issues"]]
        check(got == [7001, 7002], "open good first / help wanted issues updated in the period, no other", got)
        first = m["good_first_issues"][0] if m["good_first_issues"] else {}
        check(first.get("summary") == "The installer pages call the same thing by three names.",
              "each with its problem statement (the body's first paragraph of prose)", first.get("summary"))
        check("## Good first issue" in md and "\\<router\\>" in md and
              "[Docs: unify the terms of the installer pages](https://github.com/kubesphere/kubesphere/issues/7001)"
              in md, "the section lists them, titles escaped", md[md.find("## Good first"):][:600])
        searches = [r for r in gh.log() if r["resource"] == "search" and "label:" in r["query"].get("q", "")]
        check(len(searches) == 1 and 'label:"good first issue","help wanted"' in searches[0]["query"]["q"],
              "one search query", [r["query"]["q"] for r in searches])
        posts = m.get("blog_posts", [])
        check([b["url"] for b in posts] == ["https://kubesphere.io/blog/321/"],
              "the community's posts of the period, no older one", posts)
        check("## 近期博文推荐" in md and "KubeSphere 3.2.1 上手 \\& 实践" in md and "本文介绍 KubeSphere 3.2.1 的新功能。" in md,
              "each post with its summary", md[md.find("## 近期博文"):][:400])
    gh.control(reset_log=True)
    p = ws.run("--week", "2021-W49", "--format", "md")
    check(p.returncode == 0 and not gh.log(), "a closed period's re-run asks nothing again", gh.log()[:3])
    ws.close()

    ws = Workspace(gh.url, language="en")
    with open(ws.config, "a") as f:
        f.write(extra_report.replace("blog.xml", "missing.xml"))
    p = ws.run("--week", "2021-W49", "--format", "md")
    check(p.returncode == 3 and "missing.xml" in p.stderr,
          "an unreadable blog feed: the issue written, exit 3, the feed named (%d)" % p.returncode, p.stderr[-500:])
    check(os.path.exists(os.path.join(ws.out, "community-2021-W49.md")) and
          "## Good first issues" in ws.read("community-2021-W49.md"), "... with its other sections")
    ws.close()

done()
