"""Trends on a hold-out world (tests/holdout.py): the last 8 weeks equal the
world's counts week by week and the report's own count for its week; the
weeks digest never ran are backfilled over REST within two search requests a
week; a re-run and `digest history` cost no request; the chart is a PNG in
the Markdown, the WeChat fragment and a published draft; trends.weeks = 0
turns the section off; a biweekly issue's series is of weeks too."""
import csv, io, json, os, re, sqlite3, struct, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, FakeGitHub, Workspace, check, done  # noqa: E402
from fake_wechat import FakeWeChat  # noqa: E402
import holdout  # noqa: E402

WEEK = "2024-W09"
tmp = tempfile.mkdtemp(prefix="dg-trends-")
world = holdout.make(tmp)
want, bots = holdout.counts(world, 8)
TRENDS = "[trends]\nweeks = 8\n"


def history(ws, *args):
    return subprocess.run([DIGEST, "history", "--config", ws.config] + list(args), capture_output=True, text=True,
                          env=dict(os.environ, DIGEST_NOW="2024-03-04T01:00:00Z"), timeout=120)


with FakeGitHub(world, "--search-quota", "1000") as gh:
    ws = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="zh", extra=TRENDS)
    p = ws.run("--week", WEEK, "--format", "md,html,json")
    check(p.returncode == 0, "the issue is written (exit %d)" % p.returncode, p.stderr[-800:])
    m = ws.model("community-%s.json" % WEEK)
    trend = m.get("trend") or {}
    got = {w["week"]: (w["merged_prs"], w["contributors"]) for w in trend.get("weeks", [])}
    check(list(got) == list(want), "8 weeks ending with the issue's: %s" % list(got))
    check(got == {k: v[:2] for k, v in want.items()}, "merged PRs and active contributors equal the world's, "
          "week by week", "\n".join("%s got %s want %s" % (k, got.get(k), want[k][:2]) for k in want))
    st = m.get("stats", {})
    check(got.get(WEEK) == (st.get("merged_pulls"), st.get("contributors")),
          "the issue's own week is the report's own count", (got.get(WEEK), st))
    newc = {w["week"]: w["new_contributors"] for w in trend.get("weeks", [])}
    check(newc.get(WEEK) == st.get("new_contributors") == want[WEEK][2],
          "the issue's new contributors in its week", newc)
    check(all(v is None or v == want[k][2] for k, v in newc.items()),
          "a backfilled week's new contributors are right or null (unknown)", newc)
    prev = want["2024-W08"][0]
    pct = round((want[WEEK][0] - prev) * 100 / prev)
    check(trend.get("sentence") == "合并 PR %d 个，较上期 %+d%%" % (want[WEEK][0], pct),
          "the sentence of change: " + str(trend.get("sentence")))
    # The backfill: merged-PR searches outside the issue's own week.
    searches = [r for r in gh.log() if r["path"] == "/search/issues"]
    backfill = [r for r in searches if "merged:2024-02-26" not in r["query"].get("q", "") and
                "author:" not in r["query"].get("q", "")]
    check(0 < len(backfill) <= 2 * 7, "backfill within 2 requests a week: %d for 7 weeks" % len(backfill),
          [r["query"].get("q") for r in backfill])
    # The chart: a PNG 750 px wide, in the Markdown and the fragment.
    png = os.path.join(ws.out, "community-%s.trend.png" % WEEK)
    head = open(png, "rb").read(24) if os.path.exists(png) else b""
    check(head[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", head[16:20])[0] == 750,
          "the chart is a 750 px wide PNG")
    md = ws.read("community-%s.md" % WEEK)
    check("](community-%s.trend.png)" % WEEK in md and "## 社区趋势" in md, "the chart is in the Markdown")
    frag = ws.read("community-%s.wechat.html" % WEEK)
    check('src="community-%s.trend.png"' % WEEK in frag,
          "the chart is in the WeChat fragment (an issue's own image, by its relative path)")
    check("trend chart" in p.stderr and "site_url" in p.stderr,
          "without site_url, the warning counts the chart among the own images a pasted fragment cannot load",
          p.stderr[-500:])

    # A re-run: nothing asked again.
    gh.control(reset_log=True)
    p = ws.run("--week", WEEK, "--format", "md,html,json")
    check(p.returncode == 0 and not gh.log(), "a re-run sends no request (%d)" % len(gh.log()), p.stderr[-400:])
    check(ws.model("community-%s.json" % WEEK).get("trend") == trend, "and gives the same trend")
    db = os.path.join(ws.state, "digest.sqlite3")
    with sqlite3.connect(db) as c:
        kept = c.execute("SELECT COUNT(*) FROM kept WHERE ns = 'chart-png'").fetchone()[0]
    check(kept == 1 and open(png, "rb").read(24) == head,
          "the chart's PNG is kept by its SVG (a re-render takes it from the store, the same bytes)", kept)

    # digest history: the same series, from the store alone.
    p = history(ws, "--weeks", "8")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    check(p.returncode == 0 and not gh.log(), "digest history exits 0 with no request", p.stderr[-400:])
    check({r["week"]: (int(r["merged_prs"]), int(r["contributors"])) for r in rows} == got,
          "digest history prints the trend's series as CSV", p.stdout)
    p = history(ws, "--weeks", "3", "--format", "json", "--offline")
    series = json.loads(p.stdout or "null") or []
    check(p.returncode == 0 and [w["week"] for w in series] == list(want)[-3:] and
          series[-1]["merged_prs"] == want[WEEK][0], "digest history --format json --weeks 3", p.stdout[:300])
    p = history(ws, "--format", "xml")
    check(p.returncode == 2 and "--format" in p.stderr, "a bad --format is a usage error", p.stderr)
    bare = os.path.join(tmp, "bare.toml")
    with open(bare, "w") as f:
        f.write('[github]\napi_url = "%s"\n' % gh.url)
    p = subprocess.run([DIGEST, "history", "--config", bare], capture_output=True, text=True, timeout=60)
    check(p.returncode == 2 and "github.orgs" in p.stderr and not p.stdout,
          "a config watching nothing is exit 2, not weeks of zero", p.stderr)

    # A fresh store: history backfills itself (the watched set listed), then keeps it.
    fresh = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="zh", extra=TRENDS)
    gh.control(reset_log=True)
    p = history(fresh, "--weeks", "8")
    rows = list(csv.DictReader(io.StringIO(p.stdout)))
    check(p.returncode == 0 and {r["week"]: (int(r["merged_prs"]), int(r["contributors"])) for r in rows} ==
          {k: v[:2] for k, v in want.items()}, "digest history on a fresh store: the world's series",
          p.stdout + p.stderr[-400:])
    n = len([r for r in gh.log() if r["path"] == "/search/issues"])
    check(n <= 2 * 8, "its backfill within 2 searches a week (%d)" % n)
    gh.control(reset_log=True)
    p = history(fresh, "--weeks", "8")
    check(p.returncode == 0 and not gh.log(), "and a second history costs no request (%d)" % len(gh.log()))
    fresh.close()

    # Biweekly: the series is still of weeks; the two are counted from
    # its own collection, and the change is of its two weeks against the two before.
    bi = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="zh", extra=TRENDS)
    p = bi.run("--biweekly", WEEK, "--format", "json")
    bt = bi.model("community-2024-W08-W09.json").get("trend") or {}
    bgot = {w["week"]: (w["merged_prs"], w["contributors"]) for w in bt.get("weeks", [])}
    check(p.returncode == 0 and bgot == {k: v[:2] for k, v in want.items()},
          "biweekly: the same 8 weeks, its own two counted from its collection", (bgot, p.stderr[-300:]))
    cur, before = want["2024-W08"][0] + want[WEEK][0], want["2024-W06"][0] + want["2024-W07"][0]
    check(bt.get("change", {}).get("merged_prs") == cur and bt["change"].get("previous") == before,
          "biweekly: the change is the period's against the previous period", bt.get("change"))
    bi.close()

    # A server that claims more than it holds (a first page that is not full,
    # a total past it): the week's count is not believed, the weeks stay
    # unknown, exit 3, and it costs one search a week.
    liar = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="zh", extra=TRENDS)
    gh.control(reset_log=True, search_total=5000)
    p = history(liar, "--weeks", "4", "-q")
    n = len([r for r in gh.log() if r["path"] == "/search/issues"])
    check(p.returncode == 3 and "trends:" in p.stderr and 0 < n <= 4 and
          p.stdout.count(",,,") == 4, "a lying total: the backfill within its budget (%d searches), exit 3, "
          "the weeks empty" % n, p.stdout + p.stderr[-300:])
    gh.control(search_total=None)
    liar.close()

    # Off.
    off = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="en",
                    extra="[trends]\nweeks = 0\n")
    p = off.run("--week", WEEK, "--format", "md,json")
    check(p.returncode == 0 and "trend" not in off.model("community-%s.json" % WEEK) and
          not os.path.exists(os.path.join(off.out, "community-%s.trend.png" % WEEK)) and
          "## Trends" not in off.read("community-%s.md" % WEEK), "trends.weeks = 0: no trends section")
    off.close()

    # A published draft holds the chart, uploaded like the other images.
    wxs = FakeWeChat("wxTESTAPPID", "S3cretValue-never-printed")
    pub = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="zh",
                    extra=TRENDS + '[images]\navatar_url = "%s/_avatar/{login}.png"\n[wechat]\napi_url = "%s"\n'
                    % (wxs.url, wxs.url))
    p = pub.run("--week", WEEK, "--publish", "wechat", "--format", "md,html",
                env={"WECHAT_APPID": "wxTESTAPPID", "WECHAT_SECRET": "S3cretValue-never-printed"})
    drafts = list(wxs.state()["drafts"].values())
    content = drafts[0].get("content", "") if drafts else ""
    imgs = re.findall(r'<img[^>]*>', content)
    chart = [i for i in imgs if trend.get("alt", "?") in i]
    check(p.returncode == 0 and len(chart) == 1 and 'src="https://mmbiz.qpic.cn/' in chart[0],
          "the published draft shows the chart, uploaded", p.stderr[-600:] + "\n" + "\n".join(imgs[:5]))
    wxs.close()
    pub.close()
    ws.close()

done()
