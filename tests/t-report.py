"""The community report's editorial choices on a real org history, week by
week: the lead release of each product is its most significant one, the
issue's lead is a final whenever there is one, no cherry-pick or backport is
a highlight of its own, no bot is highlighted, titles keep their code spans,
and issue numbers depend on the period alone, whatever the order of runs."""
import json
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

WORLD = os.path.join(WORLDS, "kubesphere.json")
WEEKS = ["2021-W%02d" % w for w in range(27, 53)]
PRODUCTS = ('\n[[report.products]]\nname = "KubeSphere"\n'
            'repos = ["kubesphere/kubesphere", "kubesphere/console", "kubesphere/ks-installer"]\n')
TAG = re.compile(r"^(?:.*[-/])?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-?([0-9A-Za-z][0-9A-Za-z.-]*))?(?:\+.*)?$")


def significance(tag, pre_flag, published):
    """An independent reading of the ranking: kind, version, recency."""
    m = TAG.match(tag)
    if not m:
        return (0, (), "", published)
    major, minor, patch = (int(x or 0) for x in m.group(1, 2, 3))
    pre = m.group(4) or ""
    if pre or pre_flag:
        kind = 1
    elif minor == 0 and patch == 0:
        kind = 4
    elif patch == 0:
        kind = 3
    else:
        kind = 2
    # a final sorts after its pre-releases: compare "no pre" as highest
    return (kind, (major, minor, patch), (1, "") if not pre else (0, pre), published)


def workspace(gh, tables=""):
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai", extra='community = "KubeSphere"\n')
    with open(ws.config, "a") as f:
        f.write(PRODUCTS + tables)
    return ws


def product_of(repo):
    return "KubeSphere" if repo in ("kubesphere/kubesphere", "kubesphere/console",
                                    "kubesphere/ks-installer") else repo.split("/")[1].capitalize()


def base_title(t):
    t = re.sub(r"^(\s*\[[^\]]*(release|backport|cherry|\d+\.\d+)[^\]]*\]\s*)+", "", t, flags=re.I)
    t = re.sub(r"^automated cherry pick of[^:]*:\s*", "", t, flags=re.I)
    return t.strip().rstrip(".").lower()


def check_week(week, m, md):
    releases = m["releases"]
    groups = m["release_groups"]
    by_product = {}
    for r in releases:
        by_product.setdefault(product_of(r["repo"]), []).append(r)
    check(sorted(g["product"] for g in groups) == sorted(by_product),
          "%s: one release group per product with releases" % week, ([g["product"] for g in groups], list(by_product)))
    for g in groups:
        rs = by_product.get(g["product"], [])
        best = max(rs, key=lambda r: significance(r["tag"], r["prerelease"], r["published_at"]))
        check(g["latest"]["tag"] == best["tag"], "%s: %s leads with its most significant release %s"
              % (week, g["product"], best["tag"]), g["latest"]["tag"])
        tags = [g["latest"]["tag"]] + [o["tag"] for o in g["others"]]
        check(len(tags) == len(set(tags)), "%s: %s names each tag once" % (week, g["product"]), tags)
    if groups:
        finals = [g for g in groups if not g["latest"]["prerelease"]]
        check(not finals or not groups[0]["latest"]["prerelease"],
              "%s: the issue's lead is a final when a product released one" % week, groups[0]["latest"]["tag"])
        check(m["lead"] and m["lead"]["tag"] == groups[0]["latest"]["tag"], "%s: the lead is the first release shown"
              % week, m["lead"])
    else:
        check(m["lead"] is None, "%s: no release, no lead" % week)
    bots = {p["author"] for p in m["merged_pulls"] if p["bot"]}
    shown = [p for g in m["highlight_groups"] for p in g["pulls"]]
    seen = {}
    for g in m["highlight_groups"]:
        for p in g["pulls"]:
            key = (g["product"], p["repo"], base_title(p["title"]))
            check(key not in seen, "%s: %s is one highlight (no cherry-pick of it apart)" % (week, p["title"]),
                  (seen.get(key), p["number"]))
            seen[key] = p["number"]
    check(not [p for p in shown if re.match(r"\s*\[release|automated cherry pick", p["title"], re.I)],
          "%s: no highlight is a cherry-pick or backport by its title" % week,
          [p["title"] for p in shown if re.match(r"\s*\[release|automated cherry pick", p["title"], re.I)])
    check(not [p for p in shown if p["author"] in bots], "%s: no bot is highlighted" % week)
    check("\\`" not in md, "%s: no backslash-escaped backtick in the Markdown" % week)
    check("发布 0 个版本" not in md and "新增 0 位" not in md, "%s: no zero clause" % week)


numbers = {}
with FakeGitHub(WORLD, "--search-quota", "1000") as gh:
    # Every week in order, one store: the choices of each week.
    ws = workspace(gh)
    for week in WEEKS:
        p = ws.run("--week", week, "--format", "md,json")
        if not check(p.returncode == 0, "%s: digest renders" % week, p.stderr[-500:]):
            continue
        m = ws.model("community-%s.json" % week)
        numbers[week] = m["number"]
        check_week(week, m, ws.read("community-%s.md" % week))
    ws.close()
    # No reference: the first week recorded is 1, every other week follows
    # from it, and weeks before it have none.
    first = WEEKS.index("2021-W27")
    check(all(numbers.get(w) == i - first + 1 for i, w in enumerate(WEEKS)),
          "without a reference, the first week recorded is 1 and numbers follow the weeks", numbers)

    # The same weeks in another order, in a fresh store: the first run fixes
    # the reference, every other week follows from it, a week before it has
    # none (and a warning says so).
    order = WEEKS[5:12]
    random.Random(10).shuffle(order)
    ws = workspace(gh)
    got = {}
    for week in order + [WEEKS[3]]:
        p = ws.run("--week", week, "--format", "json")
        got[week] = ws.model("community-%s.json" % week)["number"] if p.returncode == 0 else "failed"
    start = WEEKS.index(order[0])
    want = {w: WEEKS.index(w) - start + 1 if WEEKS.index(w) >= start else None for w in got}
    check(got == want, "numbers depend on the period alone after the first run (%s first)" % order[0], (got, want))
    check("before the reference" in p.stderr, "a week before the reference: a warning says it has no number",
          p.stderr[-300:])
    ws.close()

    # With a configured reference: the same numbers in any order.
    results = []
    for seed in (1, 2):
        ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai", extra='community = "KubeSphere"\n')
        with open(ws.config) as f:
            text = f.read()
        with open(ws.config, "w") as f:
            f.write(text.replace("[events]", '[report]\nreference_date = "2021-09-01"\nreference_number = 40\n\n[events]'))
        weeks = WEEKS[6:14]
        random.Random(seed).shuffle(weeks)
        got = {}
        for week in weeks:
            p = ws.run("--week", week, "--format", "json")
            got[week] = ws.model("community-%s.json" % week)["number"] if p.returncode == 0 else p.stderr[-200:]
        results.append(got)
        ws.close()
    check(results[0] == results[1] and results[0]["2021-W35"] == 40 and results[0]["2021-W34"] is None,
          "with a reference: numbers are the same in any order (W35 = 40, W34 none)", results)
done()
