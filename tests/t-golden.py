"""The community report, rendered from the sample world: golden files (a
change in output is a visible diff), byte-for-byte determinism, valid UTF-8,
well-formed HTML, and the WeChat checklist on every fragment.

UPDATE_GOLDEN=1 rewrites tests/golden/ from the current output."""
import difflib
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import BUILD, TESTS, WORLDS, FakeGitHub, Workspace, check, done, xmllint_errors  # noqa: E402

WORLD = os.path.join(WORLDS, "kubesphere.json")
GOLDEN = os.path.join(TESTS, "golden")
CHECKER = os.path.join(BUILD, "tests", "wechat-check")
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

CASES = [
    # (name, language, timezone, week, extra digest keys)
    ("zh", "zh", "Asia/Shanghai", "2021-W49",
     'community = "KubeSphere"\nauthor = "KubeSphere"\n'
     'intro = "欢迎阅读 KubeSphere 社区周报！"\n'
     'footer = "欢迎加入 KubeSphere 社区：[GitHub](https://github.com/kubesphere) · '
     '[往期周报](https://mp.weixin.qq.com/s/kubesphere-weekly)"\n'
     'qr_image = "https://pek3b.qingstor.com/kubesphere-community/images/qrcode.png"\n'
     'site_url = "https://kubesphere.io/zh/weekly"\n'
     'links = { "官网" = "https://kubesphere.io/zh/", "GitHub" = "https://github.com/kubesphere" }\n'),
    ("en", "en", "UTC", "2021-W42",
     'community = "KubeSphere"\nauthor = "KubeSphere"\n'
     'intro = "Welcome to the KubeSphere community report."\n'),
]
ZH_TABLES = ('\n[[report.products]]\nname = "KubeSphere"\n'
             'repos = ["kubesphere/kubesphere", "kubesphere/console", "kubesphere/ks-installer"]\n')
EXTRA_TABLES = ('\n[contributors]\ncertificate_url = '
                '"https://pek3b.qingstor.com/kubesphere-community/images/contributor-{login}.png"\n'
                '\n[contributors.certificates]\n"Sigboom" = "https://example.org/certificates/sigboom-2.png"\n')


def render(gh, lang, tz, week, extra, tables=""):
    ws = Workspace(gh.url, language=lang, timezone=tz, extra=extra)
    if tables:
        with open(ws.config, "a") as f:
            f.write(tables)
    p = ws.run("--week", week, "--format", "md,html,json")
    return ws, p


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def valid_utf8(data):
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


with FakeGitHub(WORLD, "--search-quota", "1000") as gh:
    for name, lang, tz, week, extra in CASES:
        tables = EXTRA_TABLES if lang == "en" else ZH_TABLES
        ws, p = render(gh, lang, tz, week, extra, tables)
        if not check(p.returncode == 0, "%s: digest renders %s" % (name, week), p.stderr):
            continue
        files = ["community-%s.md" % week, "community-%s.wechat.html" % week,
                 "community-%s.html" % week]
        # Same input twice: identical bytes (a fresh state store each time).
        ws2, p2 = render(gh, lang, tz, week, extra, tables)
        for f in files:
            check(p2.returncode == 0 and read_bytes(os.path.join(ws.out, f)) ==
                  read_bytes(os.path.join(ws2.out, f)), "%s: %s is byte-for-byte reproducible" % (name, f))
        ws2.close()
        for f in files:
            got = read_bytes(os.path.join(ws.out, f))
            check(valid_utf8(got), "%s: %s is valid UTF-8" % (name, f))
            golden = os.path.join(GOLDEN, "%s-%s" % (name, f))
            if UPDATE:
                os.makedirs(GOLDEN, exist_ok=True)
                with open(golden, "wb") as g:
                    g.write(got)
            want = read_bytes(golden) if os.path.exists(golden) else b""
            diff = "".join(difflib.unified_diff(want.decode("utf-8", "replace").splitlines(True),
                                                got.decode("utf-8", "replace").splitlines(True),
                                                "golden/" + os.path.basename(golden), "output", n=1))
            check(got == want, "%s: %s matches tests/golden/%s" % (name, f, os.path.basename(golden)),
                  diff[:3000])
            if f.endswith(".html"):
                errors = xmllint_errors(os.path.join(ws.out, f))
                check(not errors, "%s: %s is well-formed (xmllint --html)" % (name, f), errors[:1500])
        frag = os.path.join(ws.out, "community-%s.wechat.html" % week)
        c = subprocess.run([CHECKER, "--strict", frag], capture_output=True, text=True)
        check(c.returncode == 0, "%s: the fragment passes every must-item of the WeChat checklist" % name,
              "\n".join(l for l in c.stdout.splitlines() if l.startswith("not ok")) + c.stderr)
        if lang == "zh":
            files = os.listdir(os.path.join(ws.out, "certificates"))
            certs = [c for c in files if c.endswith(".svg")]
            model = ws.model("community-%s.json" % week)
            check(len(certs) == len(model["new_contributors"]) and
                  sorted(c[:-4] + ".png" for c in certs) == sorted(c for c in files if c.endswith(".png")),
                  "zh: one SVG and one PNG certificate per new contributor (%d)" % len(certs))
            pngs = {c: read_bytes(os.path.join(ws.out, "certificates", c)) for c in files if c.endswith(".png")}
            again = ws.run("--week", week, "--offline", "--format", "md")
            check(again.returncode == 0 and all(read_bytes(os.path.join(ws.out, "certificates", c)) == b
                                                for c, b in pngs.items()),
                  "zh: a re-render writes the same PNG certificates (from the store's cache)", again.stderr)
            from datetime import datetime, timedelta, timezone
            for n in model["new_contributors"]:
                merged = datetime.strptime(n["first_pull"]["merged_at"], "%Y-%m-%dT%H:%M:%SZ")
                day = (merged.replace(tzinfo=timezone.utc) + timedelta(hours=8)).strftime("%Y-%m-%d")
                svg_path = os.path.join(ws.out, n["certificate_file"])
                check(n["certificate_day"] == day and day in read_bytes(svg_path).decode(),
                      "zh: @%s's certificate carries the local day the first PR merged (%s)" % (n["login"], day),
                      n.get("certificate_day"))
            svg = read_bytes(os.path.join(ws.out, "certificates", sorted(certs)[0])).decode()
            check(svg.startswith("<svg") and "KubeSphere" in svg, "zh: the certificate names the community")
            md = ws.read("community-%s.md" % week)
            check("[官网](https://kubesphere.io/zh/) · [GitHub](https://github.com/kubesphere)" in md and
                  "qrcode.png" in md, "zh: footer links and QR image from the config")
            check(ws.model("community-%s.json" % week)["number"] == 1, "zh: the first issue in a new store is No. 1")
            for heading in ("## 版本发布", "## 近期重要更新", "## 社区活动", "## 新晋贡献者", "## 贡献者名单"):
                check(heading in md, "zh: section %s is present" % heading)
            check(md.startswith("---\ntitle: 'Test report | 2021.12.06-2021.12.12'\n"),
                  "zh: front matter title names the period", md[:200])
            check("ks-ci-bot" not in md.split("## 贡献者名单")[1], "zh: bots are not in the contributor list")
            frag = ws.read("community-%s.wechat.html" % week)
            check(frag.count('src="https://kubesphere.io/zh/weekly/certificates/') == len(model["new_contributors"]),
                  "zh: each certificate is an image of the fragment, under [digest] site_url")
            check(frag.index("certificates/") < frag.index("参考链接") and "github.com/search" not in frag,
                  "zh: the certificates come before the references; no reference to a search")
            bare = Workspace(gh.url, language=lang, timezone=tz, extra=extra.replace("site_url", "# site_url"))
            with open(bare.config, "a") as f:
                f.write(tables)
            p3 = bare.run("--week", week, "--format", "md,html")
            check(p3.returncode == 0 and "by a relative path" in p3.stderr and "site_url" in p3.stderr and
                  'src="certificates/' in bare.read("community-%s.wechat.html" % week),
                  "zh: without site_url the fragment keeps the relative paths, and says it once", p3.stderr)
            bare.close()
        else:
            model = ws.model("community-%s.json" % week)
            urls = {n["login"]: n["certificate_url"] for n in model["new_contributors"]}
            check(all(u.startswith("https://pek3b.qingstor.com/") for l, u in urls.items() if l != "Sigboom"),
                  "en: certificate URLs follow the configured pattern", urls)
            check(urls.get("Sigboom") == "https://example.org/certificates/sigboom-2.png",
                  "en: a per-person certificate override wins over the pattern", urls)
            check(not os.path.exists(os.path.join(ws.out, "certificates")),
                  "en: no SVG certificate when the community has its own")
        ws.close()

    # An empty week: sections without content are left out.
    ws = Workspace(gh.url, language="zh", timezone="UTC")
    p = ws.run("--since", "2021-08-01T00:00:00Z", "--until", "2021-08-01T00:00:01Z", "--format", "md,html")
    if check(p.returncode == 0, "empty window renders", p.stderr):
        md = ws.read("community-2021-08-01--2021-08-01.md")
        check("## " not in md, "empty window: no empty sections", md)
        c = subprocess.run([CHECKER, "--strict", os.path.join(ws.out, "community-2021-08-01--2021-08-01.wechat.html")],
                           capture_output=True, text=True)
        check(c.returncode == 0, "empty window: the fragment passes the checklist", c.stdout[-1500:])
    ws.close()

done()
