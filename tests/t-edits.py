"""The community report's editor's file (#21, item 4): `--draft` writes
edits/community-<week>.toml beside the config (one [[item]] per shown item,
lead = "", a commented [[news]]), never over an existing one; while it
exists it decides the issue (text, drop, lead, news); schema errors name the
file and line; an edited text is kept by URL in the store and reappears in
the biweekly for the same item without any file; [digest] edits_dir moves
the files."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

WEEK = "2021-W49"
FAST = ["--search-quota", "1000"]
MD, JS = "community-%s.md" % WEEK, "community-%s.json" % WEEK


def items(text):
    """The [[item]] tables of an editor's file: url -> the table's text."""
    out = {}
    for block in text.split("[[item]]")[1:]:
        url = re.search(r'^url = "([^"]*)"', block, re.M).group(1)
        out[url] = block
    return out


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json"), *FAST) as gh:
    ws = Workspace(gh.url, language="zh")
    path = os.path.join(ws.dir, "edits", "community-%s.toml" % WEEK)
    p = ws.run("--week", WEEK, "--draft")
    check(p.returncode == 0 and os.path.exists(path), "--kind community --draft writes edits/community-<week>.toml "
          "beside the config", p.stderr)
    check(not os.path.exists(os.path.join(ws.out, MD)), "--draft writes no issue")
    text = open(path).read()
    got = items(text)
    check('lead = ""' in text and "# [[news]]" in text, "the file has lead = \"\" and a commented [[news]] example")
    p = ws.run("--week", WEEK, "--format", "md,json")
    m = ws.model(JS)
    shown = [g["latest"]["url"] for g in m["release_groups"]] + \
            [pl["url"] for g in m["highlight_groups"] for pl in g["pulls"]]
    check(sorted(got) == sorted(shown), "one [[item]] per shown item (%d)" % len(shown),
          sorted(set(got) ^ set(shown))[:5])
    check(all('text = ""' in b and "drop = false" in b and "suggestion = " in b and "section = " in b
              for b in got.values()), "each item has section, title, suggestion, text = \"\", drop = false")

    # A second --draft does not overwrite the editor's work.
    before = open(path).read()
    p = ws.run("--week", WEEK, "--draft")
    check(p.returncode == 1 and "not overwriting" in p.stderr and open(path).read() == before,
          "--draft over an existing file refuses and leaves it as it was", p.stderr)

    # The editor's edits: a text, a drop, the lead, a news item.
    pulls = [pl for g in m["highlight_groups"] for pl in g["pulls"]]
    edited, dropped = pulls[0], pulls[1]
    rel = m["release_groups"][0]["latest"]
    text = before.replace('lead = ""', 'lead = "本周 KubeSphere 发布了 3.2.1 的第二个候选版本。"', 1)
    blocks = text.split("[[item]]")
    for i, b in enumerate(blocks):
        if 'url = "%s"' % edited["url"] in b:
            blocks[i] = b.replace('text = ""', 'text = "控制台新增 <多语言> 配置 & 更多语言支持"')
        if 'url = "%s"' % dropped["url"] in b:
            blocks[i] = b.replace("drop = false", "drop = true")
        if 'url = "%s"' % rel["url"] in b:
            blocks[i] = b.replace('text = ""', 'text = "控制台 v3.2.1-rc.2 修复了多项问题。"')
    text = "[[item]]".join(blocks) + ('\n[[news]]\ntitle = "KubeSphere 社区会议改期"\nurl = "https://kubesphere.io/news/1"\n'
                                      'text = "本周社区会议改到周四举行。"\n')
    open(path, "w").write(text)
    p = ws.run("--week", WEEK, "--format", "md,json,html")
    md, m2 = ws.read(MD), ws.model(JS)
    pulls2 = {pl["url"]: pl for g in m2["highlight_groups"] for pl in g["pulls"]}
    check(p.returncode == 0 and pulls2.get(edited["url"], {}).get("text") == "控制台新增 <多语言> 配置 & 更多语言支持",
          "an item's text replaces digest's (JSON: text beside the title)", p.stderr)
    check(pulls2[edited["url"]]["title"] == edited["title"], "the title stays beside it")
    check("控制台新增 \\<多语言\\> 配置" in md and "<多语言>" not in md,
          "the text is escaped as data in the Markdown", [l for l in md.splitlines() if "控制台新增" in l])
    check("<多语言>" not in ws.read("community-%s.wechat.html" % WEEK), "and in the WeChat fragment")
    check(dropped["url"] not in pulls2 and dropped["url"] not in md, "drop = true removes the item")
    check(m2["lead"]["text"].startswith("本周 KubeSphere") and "本周 KubeSphere 发布了" in md, "lead replaces digest's lead")
    check(m2["release_groups"][0]["latest"].get("text") == "控制台 v3.2.1-rc.2 修复了多项问题。" and
          "控制台 v3.2.1-rc.2 修复了多项问题。" in md, "a release's text replaces its notes")
    check(m2["news"] and m2["news"][-1]["title"] == "KubeSphere 社区会议改期" and "## 社区动态" in md and
          "本周社区会议改到周四举行。" in md, "an added [[news]] is shown under 社区动态")
    first = md
    p = ws.run("--week", WEEK, "--format", "md,json,html")
    check(p.returncode == 0 and ws.read(MD) == first, "a re-run keeps every edit")

    # The biweekly holding that week: no file of its own, the kept texts by URL.
    p = ws.run("--biweekly", "2021-W50", "--format", "md,json")
    bi = [n for n in os.listdir(ws.out) if n.startswith("community-2021-W49-W50") and n.endswith(".json")]
    mb = ws.model(bi[0]) if bi else {}
    pb = {pl["url"]: pl for g in mb.get("highlight_groups", []) for pl in g["pulls"]}
    check(p.returncode == 0 and edited["url"] in pb and pb[edited["url"]].get("text") == "控制台新增 <多语言> 配置 & 更多语言支持",
          "the biweekly shows the edited text of the same item (kept in the store by URL)",
          (p.stderr[-300:], list(pb)[:3]))

    # The biweekly's own file: drafted with the kept text; it then decides,
    # so an editor who empties the text there gets digest's own back.
    p = ws.run("--biweekly", "2021-W50", "--draft")
    bpath = os.path.join(ws.dir, "edits", "community-2021-W49-W50.toml")
    btext = open(bpath).read() if os.path.exists(bpath) else ""
    bitems = items(btext)
    check(p.returncode == 0 and 'text = "控制台新增 <多语言> 配置 & 更多语言支持"' in bitems.get(edited["url"], ""),
          "the biweekly's editor's file is drafted with the kept text", p.stderr[-300:])
    open(bpath, "w").write(btext.replace('text = "控制台新增 <多语言> 配置 & 更多语言支持"', 'text = ""'))
    p = ws.run("--biweekly", "2021-W50", "--format", "md,json")
    mb = ws.model(bi[0]) if bi else {}
    pb = {pl["url"]: pl for g in mb.get("highlight_groups", []) for pl in g["pulls"]}
    check(p.returncode == 0 and edited["url"] in pb and "text" not in pb[edited["url"]],
          "an item the biweekly's file lists with text = \"\" shows digest's own text", p.stderr[-300:])
    os.remove(bpath)

    # Schema errors: file and line.
    open(path, "a").write('\n[[item]]\nurl = "https://x"\ndrop = "yes"\n')
    p = ws.run("--week", WEEK)
    check(p.returncode == 2 and re.search(r"community-%s\.toml:\d+" % WEEK, p.stderr) and "drop" in p.stderr,
          "a wrong type is exit 2 naming the file, the line and the key", p.stderr)
    open(path, "w").write(before + '\n[[news]]\ntitle = "x"\n')
    p = ws.run("--week", WEEK)
    check(p.returncode == 2 and "needs 'url'" in p.stderr and re.search(r"\.toml:\d+", p.stderr),
          "a [[news]] without url is exit 2 with file:line", p.stderr)
    ws.close()

    # [digest] edits_dir moves the files.
    ws = Workspace(gh.url, language="en", extra='edits_dir = "my-edits"')
    p = ws.run("--week", WEEK, "--draft")
    check(p.returncode == 0 and os.path.exists(os.path.join(ws.dir, "my-edits", "community-%s.toml" % WEEK)),
          "digest.edits_dir moves the editor's files", p.stderr)
    p = ws.run("--biweekly", "2021-W50", "--draft")
    check(p.returncode == 0 and os.path.exists(os.path.join(ws.dir, "my-edits", "community-2021-W49-W50.toml")),
          "a biweekly's file is community-<YYYY>-W<ww>-W<ww>.toml", p.stderr)
    ws.close()
done()
