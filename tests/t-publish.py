"""--publish wechat against tests/fake_wechat.py, for the sample world: one
draft with no external image, a PNG certificate per new contributor and a
cover; a re-run updates the draft, and so does a run with a fresh store (the
draft with the issue's title, found with draft/batchget); token expiry survived; a whitelist refusal
exits 1 naming the IP; a rejected secret exits 2; a draft WeChat no longer
knows (40007) is added again and the new one recorded; quota (45009, 45011)
and permission (48001) refusals end the run with words saying so; GIF and
WebP avatars are converted and uploaded; no secret or token in any output,
file or the state store. And the rendered PNGs look right.
The credentials are checked before anything else: unset, rejected (40125,
40001, 41004) or a WeChat that cannot be reached stop the run before any
request to GitHub and before any file is written. A publish that fails
after the files were written leaves them in place and recorded."""
import glob, json, os, re, sqlite3, struct, sys, tempfile, time, zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402
from fake_wechat import FakeWeChat  # noqa: E402

SECRET = "S3cretValue-never-printed"
APPID = "wxTESTAPPID"
os.environ.pop("WECHAT_APPID", None)
os.environ.pop("WECHAT_SECRET", None)


def out_files(ws):
    return [os.path.join(d, f) for d, _, fs in os.walk(ws.out) for f in fs]


def issues_recorded(ws, period):
    db = os.path.join(ws.state, "digest.sqlite3")
    if not os.path.exists(db):
        return 0
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM issues WHERE period = ?", (period,)).fetchone()[0]


def read_png(path):
    """(width, height, rows of RGBA tuples) of an 8-bit RGB/RGBA PNG."""
    b = open(path, "rb").read()
    assert b[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(b):
        n, t = struct.unpack(">I4s", b[pos:pos + 8])
        d = b[pos + 8:pos + 8 + n]
        if t == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", d[:10])
        elif t == b"IDAT":
            idat += d
        pos += 12 + n
    bpp = 4 if ctype == 6 else 3
    raw, rows, prev = zlib.decompress(idat), [], bytearray(w * bpp)
    stride = w * bpp
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            c = prev[i - bpp] if i >= bpp else 0
            up = prev[i]
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + up) & 255
            elif f == 3: line[i] = (line[i] + (a + up) // 2) & 255
            elif f == 4:
                p = a + up - c
                pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else up if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, [[tuple(r[x * bpp:x * bpp + bpp]) for x in range(w)] for r in rows]


def dark(px):
    return sum(px[:3]) < 200 * 3


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json")) as gh:
    wxs = FakeWeChat(APPID, SECRET)
    tpl = tempfile.mkdtemp(prefix="dg-tpl-")
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                   extra='community = "KubeSphere"\nauthor = "KubeSphere"\n'
                         '[images]\navatar_url = "%s/_avatar/{login}.png"\nposter = true\n'
                         '[wechat]\napi_url = "%s"\nsource_url = "https://kubesphere.io/zh/"\n' % (wxs.url, wxs.url))
    env = {"WECHAT_APPID": APPID, "WECHAT_SECRET": SECRET}
    wxs.control(expire_after=3)  # the token expires after three calls: fetched again, call retried
    p = ws.run("--week", "2021-W49", "--publish", "wechat", "--format", "md,html,wechat-json", "-v", env=env)
    check(p.returncode == 0, "publish exits 0 (%d): %s" % (p.returncode, p.stderr[-600:]))
    st = wxs.state()
    check(len(st["drafts"]) == 1, "one draft in the draft box")
    draft = list(st["drafts"].values())[0] if st["drafts"] else {}
    mid = list(st["drafts"])[0] if st["drafts"] else "?"
    check(("wechat draft added: %s" % mid) in p.stdout, "the media_id is printed: " + p.stdout[:200])
    check(draft.get("dropped_images") == [], "no image of the content was filtered: %s" % draft.get("dropped_images"))
    srcs = re.findall(r'<img[^>]*src="([^"]*)"', draft.get("content", ""))
    check(srcs and all(s.startswith("https://mmbiz.qpic.cn/") for s in srcs), "every <img> is an uploaded https URL")
    certs = sorted(glob.glob(os.path.join(ws.out, "certificates", "*.png")))
    check(len(certs) == 4, "a PNG certificate per new contributor: %d" % len(certs))
    check(len(st["uploads"]) >= len(certs) + 4 and all(u["kind"] in ("png", "jpeg") for u in st["uploads"]),
          "certificates, avatars and poster uploaded as PNG/JPEG: %d" % len(st["uploads"]))
    check(all(u["size"] < 1024 * 1024 for u in st["uploads"]), "each upload under 1 MB")
    content = draft.get("content", "")
    # the section ends where the trends (one image: the chart) or the references begin
    end = content.find("社区趋势") if "社区趋势" in content else content.find("参考链接")
    section = content[content.find("新晋贡献者"):end] if "新晋贡献者" in content else ""
    check(section.count("<img") == 4 + 4 + 1 and "新晋贡献者海报" in section and
          "<img" not in content[content.find("参考链接"):],
          "avatars, certificates and the poster inside the new contributors section, with a heading; "
          "nothing after the references (%d images there)" % section.count("<img"))
    check("查看证书" not in content and content.count(">贡献者证书<") >= 4,
          "each certificate is an image captioned with its owner, never a dead link")
    check(draft.get("thumb_media_id") in st["materials"], "the cover is a permanent material")
    check(len(draft.get("title", "")) <= 32 and "第" in draft.get("title", ""), "short title: " + draft.get("title", ""))
    check(not st["escaped"], "JSON sent as UTF-8, no \\u escapes")
    tokens = [l for l in st["log"] if l["path"] == "/cgi-bin/stable_token"]
    check(len(tokens) >= 2, "token expiry survived: fetched %d times" % len(tokens))
    check("access_token=REDACTED" in p.stderr, "-v redacts access_token=")
    payload = json.load(open(os.path.join(ws.out, "community-2021-W49.wechat.json"), encoding="utf-8"))
    check(payload["articles"][0]["title"] == draft.get("title"), "wechat-json holds the same title")
    check(payload["articles"][0]["thumb_media_id"] == "" and "mmbiz.qpic.cn" not in payload["articles"][0]["content"],
          "wechat-json is the article before upload (no media_id, local images)")
    sent = json.load(open(os.path.join(ws.out, "community-2021-W49.wechat.sent.json"), encoding="utf-8"))
    sa = sent["articles"][0] if isinstance(sent.get("articles"), list) and sent["articles"] else {}
    check(sa.get("content") == draft.get("content") and sa.get("thumb_media_id") == draft.get("thumb_media_id") and
          sa.get("title") == draft.get("title"), "wechat.sent.json is the draft/add payload WeChat received")

    # A re-run updates the same draft.
    p2 = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
    st = wxs.state()
    check(p2.returncode == 0 and len(st["drafts"]) == 1 and st["drafts"].get(mid, {}).get("updates") == 1,
          "a re-run updates the draft (%d): %s" % (p2.returncode, p2.stderr[-300:]))
    check(("wechat draft updated: %s" % mid) in p2.stdout, "the update is reported")
    sent = json.load(open(os.path.join(ws.out, "community-2021-W49.wechat.sent.json"), encoding="utf-8"))
    check(sent.get("media_id") == mid and sent.get("index") == 0 and
          sent.get("articles", {}).get("content") == st["drafts"].get(mid, {}).get("content"),
          "after an update, wechat.sent.json is the draft/update payload")

    # Whitelist refusal: exit 1, the IP named, no retry.
    wxs.control(deny_ip="203.0.113.7")
    p3 = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
    check(p3.returncode == 1 and "203.0.113.7" in p3.stderr and "whitelist" in p3.stderr,
          "40164: exit 1 naming the IP: %d %s" % (p3.returncode, p3.stderr[-300:]))
    wxs.control(deny_ip=None)

    # A rejected secret is a configuration error.
    p4 = ws.run("--week", "2021-W49", "--publish", "wechat", env={"WECHAT_APPID": APPID, "WECHAT_SECRET": "wrong"})
    check(p4.returncode == 2 and "AppSecret" in p4.stderr, "40125: exit 2: %d %s" % (p4.returncode, p4.stderr[-200:]))

    # Pre-flight: the credentials are checked before anything is collected.
    def preflight(what, env, code, words, wx_url=None, wx_requests=None):
        w = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                      extra='[images]\navatar_url = "%s/_avatar/{login}.png"\n[wechat]\napi_url = "%s"\n'
                            % (wxs.url, wx_url or wxs.url))
        gh_before, wx_before = len(gh.log()), len(wxs.state()["log"])
        t = time.time()
        pp = w.run("--week", "2021-W49", "--publish", "wechat", env=env)
        secs = time.time() - t
        gh_sent, wx_sent = len(gh.log()) - gh_before, len(wxs.state()["log"]) - wx_before
        check(pp.returncode == code and all(x in pp.stderr for x in words),
              "%s: exit %d naming %s (%d): %s" % (what, code, words, pp.returncode, pp.stderr[-400:]))
        check(gh_sent == 0, "%s: no request to GitHub (%d sent)" % (what, gh_sent))
        check(not out_files(w) and not issues_recorded(w, "2021-W49"),
              "%s: no file written, nothing recorded: %s" % (what, out_files(w)))
        if wx_requests is not None:
            summary = re.search(r"^digest: (\d+) requests? .*quota used (\d+) core \+ (\d+) search", pp.stderr, re.M)
            check(wx_sent == wx_requests and summary and summary.groups() == (str(wx_requests), "0", "0"),
                  "%s: %d request(s) to WeChat (%d), counted in the summary, no quota: %s" %
                  (what, wx_requests, wx_sent, summary and summary.group(0)))
        w.close()
        return secs

    both = ["WECHAT_APPID", "WECHAT_SECRET"]
    secs = preflight("credentials unset", {}, 2, both, wx_requests=0)
    check(secs < 2, "credentials unset: exit in under 2 s (%.2f s)" % secs)
    secs = preflight("an empty secret", {"WECHAT_APPID": APPID, "WECHAT_SECRET": ""}, 2, both, wx_requests=0)
    check(secs < 2, "an empty secret: exit in under 2 s (%.2f s)" % secs)
    preflight("a rejected secret (40125)", {"WECHAT_APPID": APPID, "WECHAT_SECRET": "wrong"}, 2,
              both + ["AppSecret", "40125"], wx_requests=1)
    preflight("a rejected AppID (40013)", {"WECHAT_APPID": "wxOTHER", "WECHAT_SECRET": SECRET}, 2,
              both + ["AppID", "40013"], wx_requests=1)
    for code, msg in ((40001, "invalid credential"), (41004, "appsecret missing"), (40243, "AppSecret frozen")):
        wxs.control(token_error=[code, msg])
        preflight("stable_token %d" % code, env, 2, both + [str(code)], wx_requests=1)
    wxs.control(token_error=None)
    preflight("WeChat unreachable", env, 1, ["stable_token", "127.0.0.1:1"], wx_url="http://127.0.0.1:1")
    wxs.control(deny_ip="203.0.113.9")
    preflight("a whitelist refusal at pre-flight", env, 1, ["203.0.113.9", "whitelist"], wx_requests=1)
    wxs.control(deny_ip=None)

    # Publishing fails after the files were written: they stay, recorded,
    # and the run says which they are (exit 1).
    wf = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                   extra='[images]\navatar_url = "%s/_avatar/{login}.png"\n[wechat]\napi_url = "%s"\n'
                         % (wxs.url, wxs.url))
    wxs.control(unauthorized=["/cgi-bin/draft/add", "/cgi-bin/draft/update"])
    pf = wf.run("--week", "2021-W49", "--publish", "wechat", env=env)
    wxs.control(unauthorized=[])
    md = os.path.join(wf.out, "community-2021-W49.md")
    check(os.path.exists(md) and os.path.exists(os.path.join(wf.out, "community-2021-W49.wechat.html")),
          "publish failed after writing: the files are in place: %s" % out_files(wf))
    check(issues_recorded(wf, "2021-W49") == 1, "publish failed after writing: the store recorded the issue")
    check(pf.returncode == 1 and "publishing failed" in pf.stderr and "48001" in pf.stderr and
          "community-2021-W49.md" in pf.stdout + pf.stderr,
          "publish failed after writing: exit 1, the written files named (%d): %s %s" %
          (pf.returncode, pf.stdout[-300:], pf.stderr[-400:]))
    wf.close()

    # Busy (-1) is retried.
    wxs.control(busy=1)
    p5 = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
    check(p5.returncode == 0, "-1 is retried: %s" % p5.stderr[-200:])

    # The stored draft is gone (a person published or deleted it): update
    # answers 40007, digest adds it again and records the new media_id.
    wxs.control(drop_drafts=True)
    p7 = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
    st = wxs.state()
    new = list(st["drafts"])
    check(p7.returncode == 0 and len(new) == 1 and new[0] != mid and ("wechat draft added: %s" % new[0]) in p7.stdout,
          "40007 on update falls back to add (%d): %s %s" % (p7.returncode, p7.stdout[-200:], p7.stderr[-300:]))
    p8 = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
    st = wxs.state()
    check(p8.returncode == 0 and new and ("wechat draft updated: %s" % new[0]) in p8.stdout and
          st["drafts"].get(new[0], {}).get("updates") == 1 and len(st["drafts"]) == 1,
          "the new media_id is recorded: the next run updates it: %s" % p8.stdout[-200:])

    # Quota: not retried, exit 1, the message says which quota.
    def draft_calls():
        return sum(1 for l in wxs.state()["log"] if l["path"].startswith("/cgi-bin/draft/"))
    quota_err = []
    for code, word in ((45009, "daily"), (45011, "per-minute")):
        wxs.control(quota=0, quota_code=code)
        before = draft_calls()
        pq = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
        calls = draft_calls() - before
        quota_err.append(pq.stderr)
        check(pq.returncode == 1 and ("%s API quota is used up (%d)" % (word, code)) in pq.stderr and calls == 1,
              "%d: exit 1, the %s quota named, sent once (%d calls): %s" % (code, word, calls, pq.stderr[-300:]))
    wxs.control(quota=None)

    # 48001: the account may not call the API.
    wxs.control(unauthorized=["/cgi-bin/draft/add", "/cgi-bin/draft/update"])
    pu = ws.run("--week", "2021-W49", "--publish", "wechat", env=env)
    check(pu.returncode == 1 and "lacks the permission" in pu.stderr and "48001" in pu.stderr,
          "48001: exit 1, the account lacks the permission: %d %s" % (pu.returncode, pu.stderr[-300:]))
    wxs.control(unauthorized=[])

    # GIF and WebP avatars (a fresh store, so nothing cached): converted to
    # PNG and uploaded, none left out.
    logins = [os.path.basename(c)[len("contributor-"):-4] for c in certs]
    ws2 = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                    extra='community = "KubeSphere"\nauthor = "KubeSphere"\n'
                          '[images]\navatar_url = "%s/_avatar/{login}.png"\n'
                          '[wechat]\napi_url = "%s"\n' % (wxs.url, wxs.url))
    wxs.control(avatar_kinds={logins[0]: "gif", logins[1]: "webp"})
    before = len(wxs.state()["uploads"])
    pg = ws2.run("--week", "2021-W49", "--publish", "wechat", env=env)
    st = wxs.state()
    sizes = [(u.get("width"), u.get("height")) for u in st["uploads"][before:] if u["kind"] == "png"]
    check(pg.returncode == 0 and "left out" not in pg.stderr,
          "GIF and WebP avatars: published, none left out (%d): %s" % (pg.returncode, pg.stderr[-300:]))
    check((66, 66) in sizes, "the GIF avatar was uploaded as a 66x66 PNG: %s" % sizes)
    check((70, 70) in sizes, "the WebP avatar was uploaded as a 70x70 PNG: %s" % sizes)
    # A fresh store knows no draft: the one with the issue's title is found
    # (draft/batchget) and updated, not a second one added.
    check(list(st["drafts"]) == new and st["drafts"][new[0]].get("dropped_images") == [] and
          ("wechat draft updated: %s" % new[0]) in pg.stdout,
          "a fresh store: the draft with the issue's title is updated, none added, no filtered image: %s %s"
          % (list(st["drafts"]), pg.stdout[-200:]))
    wxs.control(avatar_kinds={})
    ws2.close()

    # No secret or token anywhere.
    outputs = [p.stdout, p.stderr, p2.stdout, p2.stderr, p3.stderr, p4.stderr, p5.stderr, p7.stdout, p7.stderr,
               p8.stderr, pu.stderr, pg.stdout, pg.stderr] + quota_err
    for f in glob.glob(os.path.join(ws.dir, "**", "*"), recursive=True):
        if os.path.isfile(f):
            outputs.append(open(f, "rb").read().decode("latin-1"))
    check(not any(SECRET in o or "TOKEN0000" in o for o in outputs), "no secret or token in outputs, files or the store")

    # The PNGs look right.
    w, h, px = read_png(certs[0])
    check((w, h) == (1200, 840), "certificate PNG is 1200x840: %dx%d" % (w, h))
    check(px[37][600][:3] == (0x00, 0xa9, 0x71), "certificate border colour at (600,37): %s" % (px[37][600],))
    check(px[5][5][:3] == (0xf7, 0xfa, 0xf9), "certificate background at (5,5)")
    cw, ch, cpx = read_png(os.path.join(ws.out, "community-2021-W49.cover.png"))
    check((cw, ch) == (900, 383), "cover is 900x383: %dx%d" % (cw, ch))

    # CJK glyphs, not tofu: a user's cover template draws 中 large; its middle
    # column is ink from top to bottom (a tofu box would be hollow there).
    os.makedirs(tpl, exist_ok=True)
    with open(os.path.join(tpl, "cover.svg.mustache"), "w", encoding="utf-8") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="900" height="383">'
                '<rect width="900" height="383" fill="#ffffff"/>'
                '<text x="450" y="300" font-size="300" text-anchor="middle" fill="#000000" '
                'font-family="Noto Sans CJK SC, sans-serif">中</text></svg>')
    with open(ws.config, "a") as f:
        pass
    cfg = open(ws.config).read().replace('[digest]\n', '[digest]\ntemplates_dir = "%s"\n' % tpl, 1)
    open(ws.config, "w").write(cfg)
    p6 = ws.run("--week", "2021-W49", "--format", "md", "--offline", env={"DIGEST_DUMMY": "1"})
    # the cover is written only when asked: images.cover
    open(ws.config, "w").write(cfg.replace("[images]\n", "[images]\ncover = true\n"))
    p6 = ws.run("--week", "2021-W49", "--format", "md", "--offline")
    check(p6.returncode in (0, 3), "offline render with the user's cover template: %s" % p6.stderr[-300:])
    w, h, px = read_png(os.path.join(ws.out, "community-2021-W49.cover.png"))
    cols = [x for x in range(w) if any(dark(px[y][x]) for y in range(h))]
    rows = [y for y in range(h) if any(dark(px[y][x]) for x in range(w))]
    check(cols and rows, "the glyph has ink")
    if cols and rows:
        mid_x = (cols[0] + cols[-1]) // 2
        inked = sum(1 for y in range(rows[0], rows[-1] + 1) if any(dark(px[y][x]) for x in range(mid_x - 3, mid_x + 4)))
        check(inked > 0.9 * (rows[-1] - rows[0] + 1), "中 has its centre stroke (not tofu): %d of %d rows" %
              (inked, rows[-1] - rows[0] + 1))
    wxs.close()
done()
