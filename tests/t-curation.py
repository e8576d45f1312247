"""The community report an editor signs off quickly (#21, items 1-3), on the
KubeSphere world (tests/worlds) with a few pull requests and one release
added in week 2021-W49:

- a final minor release of KubeKey whose notes are Karmada v1.16.0's real
  notes (tests/release-notes, Apache-2.0): its summary carries the notes'
  What's New items, and the lead sentence names it and its first items;
- no chore line in a summary, no chore highlight, while three or more others;
- no backport as its own highlight; a series of PRs ("Add resource
  interpreter for TFJob / PyTorchJob / RayCluster") one item crediting every
  author and linking every PR; "fix: Fix" normalised;
- governance (a nomination, OWNERS, the community repository) in the news
  section, not among the highlights;
- the weekly W49 and the biweekly W49..W50 lead with the same release, though
  KubeSphere (far busier) publishes a final patch in W50;
- the front matter's description and the WeChat summary are the lead, its
  snapshot the cover digest writes."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

WORLD = os.path.join(WORLDS, "kubesphere.json")
NOTES = os.path.join(TESTS, "release-notes", "changelog_karmada_v1.16.0.md")
WHATS_NEW = ["Multi-Component Scheduling Support", "Enhance Replica Assignment with Webster Algorithm",
             "Eviction Queue Rate Limiting"]


def pull(repo, number, title, user, merged, labels=()):
    return {"number": number, "title": title, "body": "", "user": user, "state": "closed",
            "created_at": merged, "updated_at": merged, "closed_at": merged, "merged_at": merged,
            "labels": list(labels), "html_url": "https://github.com/kubesphere/%s/pull/%d" % (repo, number),
            "author_association": "CONTRIBUTOR"}


ADDED = {
    "kubekey": [
        (9001, "Add resource interpreter for TFJob", "24sama"),
        (9002, "Add resource interpreter for PyTorchJob", "pixiake"),
        (9003, "Add resource interpreter for RayCluster", "24sama"),
        (9004, "publish release v1.16.0-alpha.2", "pixiake"),
        (9005, "e2e: fix flaky test of the cluster create", "24sama"),
        (9006, "Bump github.com/spf13/cobra from 1.1.3 to 1.2.1", "pixiake"),
        (9007, "[release-1.2] fix the kubeconfig path of the worker nodes", "24sama"),
        (9008, "fix: Fix the registry mirror of containerd", "pixiake"),
        (9009, "Nominate @24sama as maintainer of kubekey", "pixiake"),
        (9010, "Update OWNERS", "pixiake"),
    ],
    "community": [
        (9011, "Add wansir to sig-devops member", "wansir"),
    ],
}


def make_world(path):
    with open(WORLD, encoding="utf-8") as f:
        w = json.load(f)
    with open(NOTES, encoding="utf-8") as f:
        notes = f.read()
    for r in w["repos"]:
        for number, title, user in ADDED.get(r["name"], []):
            r["pulls"].append(pull(r["name"], number, title, user, "2021-12-08T0%d:00:00Z" % (number % 10)))
        r["pulls"].sort(key=lambda p: p["merged_at"], reverse=True)
        if r["name"] == "kubekey":
            r["releases"].append({"id": 990001, "tag_name": "v1.3.0", "name": "v1.3.0", "body": notes,
                                  "draft": False, "prerelease": False, "created_at": "2021-12-09T03:00:00Z",
                                  "published_at": "2021-12-09T03:00:00Z", "author": "pixiake",
                                  "html_url": "https://github.com/kubesphere/kubekey/releases/tag/v1.3.0"})
            r["releases"].sort(key=lambda x: x["published_at"], reverse=True)
    for login in ("24sama", "pixiake", "wansir"):
        assert login in w["users"], login
    with open(path, "w", encoding="utf-8") as f:
        json.dump(w, f)


tmp = tempfile.mkdtemp(prefix="dg-curation-")
world = os.path.join(tmp, "world.json")
make_world(world)
PRODUCTS = ('\n[[report.products]]\nname = "KubeSphere"\n'
            'repos = ["kubesphere/kubesphere", "kubesphere/console", "kubesphere/ks-installer"]\n'
            '\n[[report.products]]\nname = "KubeKey"\nrepos = ["kubesphere/kubekey"]\n')

with FakeGitHub(world, "--search-quota", "1000") as gh:
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai", extra='community = "KubeSphere"\n')
    with open(ws.config, "a") as f:
        f.write(PRODUCTS + "\n[images]\ncover = true\n")
    p = ws.run("--week", "2021-W49", "--format", "md,json")
    check(p.returncode == 0, "the weekly renders", p.stderr[-500:])
    m = ws.model("community-2021-W49.json")
    md = ws.read("community-2021-W49.md")

    # (1) the notes read by their structure
    lead = m["lead"]
    check(lead and lead["product"] == "KubeKey" and lead["tag"] == "v1.3.0",
          "the final minor release leads the weekly, not the busier product's pre-release", lead)
    group = next((g for g in m["release_groups"] if g["latest"]["tag"] == "v1.3.0"), None)
    notes = group["latest"]["notes"] if group else []
    check(notes[:3] == WHATS_NEW, "its summary starts with the What's New ### headings", notes)
    check(group and group["latest"]["more_url"] == "https://github.com/kubesphere/kubekey/releases/tag/v1.3.0",
          "'all notes' links the tag's release page", group and group["latest"]["more_url"])

    # (2) the lead is news
    head = m["headline"]["text"] if m.get("headline") else ""
    check(head.startswith("KubeKey v1.3.0 发布，带来 ") and WHATS_NEW[0] in head,
          "the lead sentence names the release and its first What's New items", head)
    check(m["front_matter"]["description"] == head, "the front matter's description is the lead",
          m["front_matter"]["description"])
    check("本期重点：[KubeKey v1.3.0](https://github.com/kubesphere/kubekey/releases/tag/v1.3.0) 发布，带来 " in md,
          "the intro's lead links the release", md[:1200])
    check(len(head) <= 120, "the lead fits WeChat's summary (%d characters)" % len(head))
    check(m["front_matter"]["snapshot"] == "community-2021-W49.cover.png" and
          os.path.exists(os.path.join(ws.out, "community-2021-W49.cover.png")),
          "the front matter's snapshot is the cover digest wrote", m["front_matter"]["snapshot"])

    # (3) curated highlights
    shown = [(g["product"], it) for g in m["highlight_groups"] for it in g["pulls"]]
    titles = [it["title"] for _, it in shown]
    chores = [t for t in titles if any(w in t.lower() for w in ("publish release", "e2e", "flaky", "bump "))]
    check(len(titles) >= 3 and not chores, "no chore highlight while others exist", chores)
    check(not [t for t in titles if "kubeconfig path of the worker" in t],
          "a backport whose original is not in the period is no highlight of its own", titles)
    series = [it for _, it in shown if "resource interpreter" in it["title"]]
    check(len(series) == 1 and series[0]["title"] ==
          "Add resource interpreter for TFJob, PyTorchJob, RayCluster",
          "the series is one item naming every kind", [it["title"] for it in series])
    if series:
        check(sorted(a["login"] for a in series[0]["authors"]) == ["24sama", "pixiake"] and
              sorted(s["number"] for s in series[0]["series"]) == [9002, 9003],
              "it credits every author once and links every PR", series[0])
        check("[#9002](https://github.com/kubesphere/kubekey/pull/9002)" in md and
              "[@pixiake](https://github.com/pixiake)" in md, "the Markdown links the series' PRs and authors")
    check("Fix the registry mirror of containerd" in titles, "'fix: Fix …' reads 'Fix …'", titles)
    check(not [t for t in titles if "Nominate" in t or "OWNERS" in t or "sig-devops" in t],
          "governance is no highlight", titles)
    news = [n["title"] for n in m.get("news", [])]
    check(sorted(news) == sorted(["Nominate @24sama as maintainer of kubekey", "Update OWNERS",
                                  "Add wansir to sig-devops member"]),
          "the nomination, the OWNERS change and the community repository's PR are community news", news)
    check("## 社区动态" in md and md.index("## 社区动态") > md.index("## 近期重要更新"),
          "the news section follows the highlights", md[-1500:])
    check("### KubeKey" in md and "### kubekey" not in md and "### Kubekey" not in md,
          "groups use the product's configured name")

    # The biweekly W49..W50: KubeSphere v3.2.1 (a final patch of a far busier
    # product) in W50 does not take the lead from W49's minor release.
    p = ws.run("--biweekly", "2021-W50", "--format", "md,json,wechat-json")
    check(p.returncode == 0, "the biweekly renders", p.stderr[-500:])
    names = [n for n in os.listdir(ws.out) if n.endswith(".json") and "W49-W50" in n and "wechat" not in n]
    bi = ws.model(names[0]) if names else {}
    check(bi.get("lead") and bi["lead"]["tag"] == "v1.3.0" and bi["lead"]["product"] == "KubeKey",
          "the biweekly containing W49 leads with W49's lead release", bi.get("lead"))
    check(any(g["latest"]["tag"] == "v3.2.1" for g in bi.get("release_groups", [])),
          "(the biweekly does show KubeSphere v3.2.1)")
    drafts = [n for n in os.listdir(ws.out) if "W49-W50" in n and n.endswith(".wechat.json")]
    if drafts:
        with open(os.path.join(ws.out, drafts[0]), encoding="utf-8") as f:
            draft = json.load(f)
        digest = draft["articles"][0]["digest"]
        check(digest == bi["headline"]["text"][:120], "the WeChat summary is the lead", digest)
    else:
        check(False, "the biweekly writes its WeChat draft payload", os.listdir(ws.out))
    ws.close()
done()
