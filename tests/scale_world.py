"""A real org history made N times bigger: each repository of WORLD copied
K times (name "-k"), each person of a copy a different person ("-k" login),
every time kept, so a week holds K times the merged pull requests, with K
pull requests merged in each second one merged in (the ties GitHub's search
orders as it likes). For make bench and one-off measurements:

  python3 tests/scale_world.py WORLD --repos 300 --out FILE
"""
import argparse
import copy
import json


def rename(login, k):
    if not login or login.endswith("[bot]"):
        return login  # bots stay bots (and shared)
    return "%s-%d" % (login, k)


def scale(world, repos):
    out = copy.deepcopy(world)
    base = world["repos"]
    copies = max(1, -(-repos // len(base)))
    out["repos"] = []
    users = dict(world.get("users", {}))
    for k in range(copies):
        for r in base:
            if len(out["repos"]) >= repos:
                break
            c = copy.deepcopy(r)
            if k:
                c["name"] = "%s-%d" % (r["name"], k)
                c["full_name"] = "%s/%s" % (r["owner"], c["name"])
                c["html_url"] = r["html_url"] + "-%d" % k
                c["id"] = r["id"] * 1000 + k
                for kind in ("pulls", "issues"):
                    for it in c.get(kind, []):
                        it["user"] = rename(it.get("user"), k)
                        it["html_url"] = it["html_url"].replace("/%s/" % r["full_name"], "/%s/" % c["full_name"])
                for rel in c.get("releases", []):
                    rel["id"] = rel["id"] * 1000 + k
                    rel["author"] = rename(rel.get("author"), k)
                    rel["html_url"] = rel["html_url"].replace("/%s/" % r["full_name"], "/%s/" % c["full_name"])
            out["repos"].append(c)
    for login, u in world.get("users", {}).items():
        for k in range(1, copies):
            nl = rename(login, k)
            if nl != login:
                v = dict(u, login=nl, id=u["id"] * 1000 + k, html_url=u["html_url"] + "-%d" % k,
                         avatar_url=u["avatar_url"].replace(login, nl))
                users[nl] = v
    out["users"] = users
    for org in out.get("orgs", {}).values():
        org["repos"] = [r["name"] for r in out["repos"] if r["owner"].lower() == org["login"].lower()]
    prior = world.get("prior_contributors", {})
    out["prior_contributors"] = {org: [rename(l, k) for k in range(copies) for l in logins] for org, logins in prior.items()}
    return out


ap = argparse.ArgumentParser()
ap.add_argument("world")
ap.add_argument("--repos", type=int, required=True)
ap.add_argument("--out", required=True)
a = ap.parse_args()
json.dump(scale(json.load(open(a.world, encoding="utf-8")), a.repos), open(a.out, "w", encoding="utf-8"), ensure_ascii=False)
