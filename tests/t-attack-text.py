#!/usr/bin/env python3
"""Control characters from a hostile GitHub (issue #19): a login, a pull
request title and a release name carrying ESC, BEL, OSC and NUL-class bytes
neither fail the run nor reach any output: not the Markdown, the HTML, the
JSON model's strings, the certificate SVGs, the poster, nor the terminal."""
import json
import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402

EVIL = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")

tmp = tempfile.mkdtemp(prefix="dg-text-")
world = json.load(open(os.path.join(WORLDS, "kubesphere.json"), encoding="utf-8"))
# A new contributor of 2021-W49 whose login carries controls, everywhere the world names it.
old, new = "anhoder", "anh\x1b[31moder\x07"
user = world["users"].pop(old)
user.update(login=new, name=new)
world["users"][new] = user
touched = 0
for repo in world["repos"]:
    for pr in repo.get("pulls", []):
        if pr.get("user") == old:
            pr["user"] = new
            touched += 1
        if "2021-12-06" <= (pr.get("merged_at") or "") < "2021-12-13":
            pr["title"] = pr["title"] + EVIL
    for rel in repo.get("releases", []):
        rel["name"] = (rel.get("name") or rel.get("tag_name", "")) + EVIL
        rel["body"] = (rel.get("body") or "") + "\n- evil " + EVIL + "\n"
check(touched > 0, "the hostile world renames a contributor (%d pulls)" % touched)
path = os.path.join(tmp, "world.json")
json.dump(world, open(path, "w", encoding="utf-8"))


def strings(v):
    if isinstance(v, dict):
        for x in v.values():
            yield from strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from strings(x)
    elif isinstance(v, str):
        yield v


with FakeGitHub(path, "--quota", "100000", "--search-quota", "1000") as gh:
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai", extra='community = "KubeSphere"\n')
    with open(ws.config, "a") as f:
        f.write("\n[images]\nposter = true\ncover = true\n")
    p = ws.run("--week", "2021-W49", "--format", "md,html,json", env={"DIGEST_NOW": "2022-01-03T01:00:00Z"})
    check(p.returncode in (0, 3), "controls in a login, titles and release names: the run goes on (exit %d)"
          % p.returncode, p.stderr[-2000:])
    check(not CONTROL.search(p.stdout) and "\x1b" not in p.stderr and "\x07" not in p.stderr,
          "nothing raw on the terminal", repr(p.stderr[-500:]))
    dirty = []
    for base, _, names in os.walk(ws.out):
        for n in names:
            f = os.path.join(base, n)
            data = open(f, "rb").read()
            if n.endswith(".json"):
                bad = [s for s in strings(json.loads(data)) if CONTROL.search(s)]
                if bad:
                    dirty.append("%s: %r" % (n, bad[:2]))
            elif n.endswith((".md", ".html", ".svg")) and CONTROL.search(data.decode("utf-8", "replace")):
                dirty.append(n)
    check(not dirty, "no control character in any file written (Markdown, HTML, JSON strings, SVG)", dirty)
    model = json.load(open(os.path.join(ws.out, "community-2021-W49.json"), encoding="utf-8"))
    logins = [n["login"] for n in model.get("new_contributors", [])]
    check("anh[31moder" in logins, "the login is kept, without its controls", logins)
    svgs = [n for n in os.listdir(os.path.join(ws.out, "certificates")) if n.endswith(".svg")] \
        if os.path.isdir(os.path.join(ws.out, "certificates")) else []
    check(len(svgs) == len(logins) and any(n != "contributor-anh31moder.svg" and n.startswith("contributor-anh31moder")
                                           for n in svgs),
          "its certificate is drawn, under a name of its own (reduced, with a hash)", svgs)
    check(os.path.exists(os.path.join(ws.out, "community-2021-W49.poster.png")), "the poster is drawn")
    ws.close()

shutil.rmtree(tmp, ignore_errors=True)
done()
