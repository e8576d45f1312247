"""The writer and the editor's kept texts in the Cloud Native Weekly: with
use = "issue" each project, article and news item without the editor's
paragraph shows the writer's sentence (escaped, as the item's text); a
release edited once in the community report's editor's file shows that text
in the weekly of the same week, and the writer is not asked for it."""
import json
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, WORLDS, FakeGitHub, FakeLLM, Workspace, check, done  # noqa: E402

WEEK = "2021-W42"
KEY = "sk-fake-cn-key-5521"
tmp = tempfile.mkdtemp(prefix="dg-writer-cn-")
world = json.load(open(os.path.join(WORLDS, "kubesphere.json"), encoding="utf-8"))
repo = next(x for x in world["repos"] if x["name"] == "kubesphere")
repo.update(topics=["kubernetes"], stargazers_count=11000, description="The container platform for Kubernetes",
            created_at="2021-09-20T00:00:00Z")
world_path = os.path.join(tmp, "world.json")
json.dump(world, open(world_path, "w", encoding="utf-8"))
files = os.path.join(tmp, "files")
shutil.copytree(os.path.join(TESTS, "cnweekly", "feeds"), files)
ghost = open(os.path.join(files, "rss_2.0_ghost_2.xml"), encoding="utf-8").read()
open(os.path.join(files, "ghost-w42.xml"), "w", encoding="utf-8").write(ghost.replace("Mon, 11 Oct 2021",
                                                                                      "Tue, 19 Oct 2021"))

llm = FakeLLM("--key", KEY)
with FakeGitHub(world_path, "--files", files, "--search-quota", "1000", "--quota", "100000") as gh:
    ws = Workspace(gh.url, language="zh")
    feeds = os.path.join(ws.dir, "feeds.toml")
    open(feeds, "w").write('[[feed]]\nname = "Ghost Changelog"\nurl = "%s/_files/ghost-w42.xml"\n'
                           'category = "article"\nlanguage = "en"\n' % gh.url)
    with open(ws.config, "a") as f:
        f.write('\n[cnweekly]\nfeeds = "%s"\nwatch_repos = ["kubesphere/kubesphere"]\ninclude_prereleases = true\n'
                'topics = ["kubernetes"]\nmin_stars = 100\nproject_days = 60\nmax_projects = 1\n'
                '\n[writer]\napi_url = "%s/v1"\nmodel = "fake-chat"\nuse = "issue"\n' % (feeds, llm.url))
    env = {"DIGEST_WRITER_KEY": KEY}

    # The community report's editor edits the kubesphere release once.
    p = ws.run("--week", WEEK, "--draft", env=env)
    path = os.path.join(ws.dir, "edits", "community-%s.toml" % WEEK)
    check(p.returncode == 0 and os.path.exists(path), "community --draft with the writer", p.stderr[-300:])
    url = "https://github.com/kubesphere/kubesphere/releases/tag/v3.2.0-rc.1"
    text = open(path).read()
    check('url = "%s"' % url in text, "the kubesphere release is an item of the editor's file")
    blocks = text.split("[[item]]")
    for i, b in enumerate(blocks):
        if 'url = "%s"' % url in b:
            blocks[i] = b.replace('text = ""', 'text = "KubeSphere 3.2.0 的首个候选版本发布，新增 GPU 调度。"')
    open(path, "w").write("[[item]]".join(blocks))
    p = ws.run("--week", WEEK, "--format", "md", env=env)
    check(p.returncode == 0 and "新增 GPU 调度" in ws.read("community-%s.md" % WEEK), "the community issue shows the edit",
          p.stderr[-300:])

    # The weekly of the same week: the kept edit, the writer's sentences for the rest.
    llm.mode("ok")
    p = ws.run("--kind", "cnweekly", "--week", WEEK, "--format", "md,json", env=env)
    m = ws.model("cnweekly-%s.json" % WEEK)
    md = ws.read("cnweekly-%s.md" % WEEK)
    items = m["projects"] + m["articles"] + m["news"]
    edited = [n for n in m["news"] if n.get("url") == url]
    others = [it for it in items if it.get("url") != url]
    asked = sum(r["items"] for r in llm.log())
    check(p.returncode == 0 and edited and edited[0].get("fact") == "KubeSphere 3.2.0 的首个候选版本发布，新增 GPU 调度。"
          and "新增 GPU 调度" in md, "the weekly shows the community editor's text for the same release", p.stderr[-400:])
    check(others and all(it.get("fact") == "这是一条值得关注的云原生社区动态，介绍了项目的最新进展。" for it in others),
          "every other project, article and news item shows the writer's sentence",
          [(it.get("url"), it.get("fact")) for it in others])
    check(m["has"]["writer_note"] and "部分文字由 AI 根据项目动态撰写" in md, "the weekly shows the writer's note")
    check(asked == len(others), "the writer is asked for those only (%d of %d items)" % (asked, len(items)))
    ws.close()
llm.close()
shutil.rmtree(tmp, ignore_errors=True)
done()
