#!/usr/bin/env python3
"""Honest stages, seen from outside: the model is built once, complete, and
no output writes into it, so `--format json` alone and `--format
md,html,json` give byte-identical models; every file the model names
(certificates) exists. For both kinds, on the bundled world."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

FEEDS = os.path.join(TESTS, "cnweekly", "feeds")

NOW = {"DIGEST_NOW": "2022-01-03T01:00:00Z"}
CASES = [("community", "2021-W49", "zh", "Asia/Shanghai"), ("community", "2021-W42", "en", "UTC"),
         ("cnweekly", "2021-W41", "zh", "Asia/Shanghai"), ("cnweekly", "2021-W50", "en", "UTC")]


def cnweekly_config(ws, url):
    """The recorded feeds, served by the fake (no request leaves the machine)."""
    feeds = os.path.join(ws.dir, "feeds.toml")
    with open(feeds, "w") as f:
        for name, file, cat in (("Cloudflare Blog", "rss_2.0_cloudflare.xml", "news"),
                                ("Ghost Changelog", "rss_2.0_ghost_2.xml", "article"),
                                ("Kubernetes Blog", "kubernetes-blog-2021-12.xml", "article")):
            f.write('[[feed]]\nname = "%s"\nurl = "%s/_files/%s"\ncategory = "%s"\nlanguage = "en"\n\n'
                    % (name, url, file, cat))
    with open(ws.config, "a") as f:
        f.write('\n[cnweekly]\nfeeds = "%s"\npicks_dir = "%s"\nwatch_repos = ["kubesphere/kubesphere", '
                '"kubesphere/kubekey"]\ntopics = ["kubernetes"]\nmin_stars = 100\nproject_days = 60\n'
                % (feeds, os.path.join(ws.dir, "picks")))


def local_paths(v, key=""):
    """Every value of a *_url / *_file / *_png key that is a path of digest's own (not a URL)."""
    if isinstance(v, dict):
        for k, x in v.items():
            yield from local_paths(x, k)
    elif isinstance(v, list):
        for x in v:
            yield from local_paths(x, key)
    elif isinstance(v, str) and v and (key.endswith(("_url", "_file", "_png")) or key == "url") \
            and "://" not in v and not v.startswith(("#", "mailto:")):
        yield v


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json"), "--search-quota", "1000", "--quota", "100000", "--files", FEEDS) as gh:
    for kind, week, lang, tz in CASES:
        runs = {}
        for formats in ("json", "md,html,json", "json,wechat-json,html"):
            ws = Workspace(gh.url, language=lang, timezone=tz)
            if kind == "cnweekly":
                cnweekly_config(ws, gh.url)
            p = ws.run("--kind", kind, "--week", week, "--format", formats, env=NOW)
            name = "%s-%s.json" % (kind, week)
            runs[formats] = (ws, p, open(os.path.join(ws.out, name), "rb").read() if p.returncode in (0, 3) else b"")
        base = runs["json"][2]
        check(base and all(r[2] == base for r in runs.values()),
              "%s %s (%s): the model is byte-identical whatever --format asks for" % (kind, week, lang),
              "\n".join("%s: exit %d, %d bytes %s" % (f, r[1].returncode, len(r[2]), r[1].stderr[-300:])
                        for f, r in runs.items()))
        for formats, (ws, p, data) in runs.items():
            model = json.loads(data) if data else {}
            missing = [x for x in local_paths(model) if not os.path.exists(os.path.join(ws.out, x))]
            named = list(local_paths(model))
            check(not missing, "%s %s --format %s: the %d files the model names exist" % (kind, week, formats,
                                                                                         len(named)), missing)
        certs = [x for x in local_paths(json.loads(base)) if x.startswith("certificates/")] if base else []
        if kind == "community":
            check(certs and all(x.endswith((".png", ".svg")) for x in certs),
                  "%s %s: the model names the certificate PNGs and SVGs (%d)" % (kind, week, len(certs)), certs)
        for ws, _, _ in runs.values():
            ws.close()
done()
