"""A biweekly is called so everywhere: the title, the front matter (title and
keywords), the intro and the WeChat draft's title, in both languages, from the
weekly's words (community.weekly -> community.biweekly in strings.toml) or
from [digest] title_biweekly; the weekly of the same config keeps its name."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

WORLD = os.path.join(WORLDS, "kubesphere.json")


def untitled(ws, intro, more=""):
    text = open(ws.config, encoding="utf-8").read().replace('title = "Test report"\n', "", 1)
    text = text.replace("[digest]\n", '[digest]\ncommunity = "KubeSphere"\nintro = "%s"\n%s' % (intro, more), 1)
    open(ws.config, "w", encoding="utf-8").write(text)


with FakeGitHub(WORLD, "--search-quota", "1000") as gh:
    for lang, intro, weekly, biweekly in (("zh", "欢迎阅读 KubeSphere 社区周报！", "社区周报", "社区双周报"),
                                          ("en", "Welcome to the KubeSphere weekly.", "Community Weekly",
                                           "Community Biweekly")):
        ws = Workspace(gh.url, language=lang, timezone="Asia/Shanghai")
        untitled(ws, intro)
        p = ws.run("--biweekly", "2021-W49", "--format", "md,json,wechat-json,html")
        if not check(p.returncode == 0, "%s: the biweekly renders" % lang, p.stderr):
            continue
        m = ws.model("community-2021-W48-W49.json")
        md = ws.read("community-2021-W48-W49.md")
        payload = json.loads(ws.read("community-2021-W48-W49.wechat.json"))
        fm = md.split("---")[1]
        check(m["title"] == "KubeSphere " + biweekly, "%s: the title says %s" % (lang, biweekly), m["title"])
        check("title: 'KubeSphere %s |" % biweekly in fm and ("双周报" in fm.split("keywords:")[1].split("\n")[0]
                                                            if lang == "zh" else "biweekly" in fm.lower()),
              "%s: the front matter's title and keywords say so" % lang, fm)
        check(biweekly.split()[-1].lower() in payload["articles"][0]["title"].lower(),
              "%s: the WeChat draft's title says so" % lang, payload["articles"][0]["title"])
        words = ("双周报" if lang == "zh" else "biweekly")
        check(words in m["intro"].lower() and "双双" not in md and "bibi" not in md.lower(),
              "%s: the intro says so too, once" % lang, m["intro"])
        p = ws.run("--week", "2021-W49", "--format", "json")
        check(p.returncode == 0 and ws.model("community-2021-W49.json")["title"] == "KubeSphere " + weekly,
              "%s: the weekly of the same config keeps its name" % lang)
        ws.close()

    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai")
    untitled(ws, "你好", 'title_biweekly = "KubeSphere 社区半月谈"\n')
    p = ws.run("--biweekly", "2021-W49", "--format", "json")
    check(p.returncode == 0 and ws.model("community-2021-W48-W49.json")["title"] == "KubeSphere 社区半月谈",
          "[digest] title_biweekly names the biweekly", p.stderr)
    ws.close()

done()
