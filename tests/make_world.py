#!/usr/bin/env python3
"""Synthetic worlds for tests/fake_github.py, and expected weekly facts for any world.

Generate (deterministic for a given seed and arguments):
  python3 tests/make_world.py --org bench --repos 100 --seed 1 --out FILE
      [--weeks 8] [--now 2024-03-04T01:00:00Z] [--org-name "Acme 开源社区"]

  Same schema as tests/worlds/README.md. The org's first repository is named
  after the org, the second is "community" (event issues, label "event",
  numbers 9001..). Merged PRs are spread over --weeks weeks before the week of
  `now`; a few repositories are busy, most are quiet; most repositories release
  rarely (a weekly run finds few releases) and each has 1-3 releases from
  before the window. Bots (type Bot) author some PRs; about half of the
  contributors are prior_contributors (history before the window), the others
  join at a random moment inside it, so every week has a few new contributors.
  --org-name sets the org's display name (orgs[ORG].name, served by GET
  /orgs/ORG); without it the world has none and the login stands in.

Expected facts (rules of tests/worlds/README.md, "Expected files"):
  python3 tests/make_world.py --expected WORLD --week 2021-12-06 [--org ORG] [--out FILE]

  Prints (or writes) the same JSON as tests/worlds/*-expected-WEEK.json;
  for the kubesphere world it reproduces those files byte for byte.
"""

import argparse
import hashlib
import json
import random
import sys
import time
from datetime import datetime, timedelta, timezone

DAY = 86400
WEEK = 7 * DAY
BOT_NAMES = {"ks-ci-bot", "ks-crowdin-bot", "k8s-ci-robot", "karmada-bot", "dependabot",
             "github-actions", "allcontributors", "renovate"}

ADJ = ["able", "bold", "calm", "dark", "eager", "fair", "glad", "happy", "icy", "jolly",
       "keen", "lucky", "merry", "neat", "odd", "proud", "quick", "rapid", "shy", "tidy",
       "urban", "vivid", "warm", "young", "zesty", "brave", "crisp", "deep", "fancy", "grand"]
NOUN = ["otter", "falcon", "maple", "river", "comet", "pixel", "tiger", "cedar", "ember",
        "harbor", "lynx", "meadow", "nebula", "orbit", "pebble", "quartz", "raven", "summit",
        "tundra", "willow", "yak", "zephyr", "badger", "canyon", "delta", "fjord", "glacier",
        "heron", "island", "jaguar"]
PARTS = ["api", "agent", "bridge", "cache", "cli", "collector", "controller", "dashboard",
         "docs", "engine", "exporter", "gateway", "helm", "installer", "kit", "ledger",
         "mesh", "monitor", "operator", "plugin", "proxy", "registry", "runner", "scheduler",
         "sdk", "sidecar", "store", "tracer", "ui", "webhook"]
VERBS = ["fix", "add", "update", "remove", "refactor", "improve", "support", "bump", "docs:",
         "test:"]
THINGS = ["retry logic", "pagination", "config loader", "helm chart", "login page",
          "metrics endpoint", "error messages", "unit tests", "README", "CI workflow",
          "cache eviction", "TLS settings", "rate limiter", "release notes", "log format",
          "CRD validation", "webhook timeout", "go.mod", "Dockerfile", "e2e tests"]
LABELS = ["bug", "enhancement", "documentation", "cleanup", "area/ci"]
TOPICS = ["kubernetes", "cloud-native", "observability", "devops", "gitops", "service-mesh",
          "monitoring", "cncf"]
CITIES = ["Berlin", "Lisbon", "Toronto", "Nairobi", "Seoul", "Austin"]
OFFSETS = ["+00:00", "+01:00", "+02:00", "-05:00", "+08:00", "+09:00"]


def fmt(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def parse(s):
    s = s.strip()
    if len(s) == 10:
        s += "T00:00:00Z"
    d = datetime.fromisoformat(s)
    if d.tzinfo is None:
        d = d.replace(tzinfo=timezone.utc)
    return d.timestamp()


def sha_id(*parts):
    return int(hashlib.sha1(":".join(map(str, parts)).encode()).hexdigest()[:7], 16)


def is_bot(login):
    lo = login.lower()
    return (lo.endswith("[bot]") or lo.endswith("-bot") or lo.endswith("-robot")
            or lo in BOT_NAMES)


def user_entry(login, name):
    i = sha_id(login)
    bot = is_bot(login)
    return {"login": login, "id": i, "type": "Bot" if bot else "User",
            "name": None if bot else name, "html_url": f"https://github.com/{login}",
            "avatar_url": (f"https://avatars.githubusercontent.com/u/{i}?v=4" if bot
                           else f"https://github.com/{login}.png")}


def generate(org, nrepos, seed, weeks, now_s):
    rng = random.Random(seed)
    now = parse(now_s)
    d = datetime.fromtimestamp(now, timezone.utc)
    week0 = (d - timedelta(days=d.weekday())).replace(hour=0, minute=0, second=0,
                                                      microsecond=0).timestamp()
    win = week0 - weeks * WEEK  # the window: `weeks` full weeks before the week of now

    # People: maintainers, prior contributors, newcomers joining inside the window.
    nhuman = max(40, nrepos * 4)
    logins = []
    seen = set()
    while len(logins) < nhuman:
        lg = f"{rng.choice(ADJ)}-{rng.choice(NOUN)}{rng.randint(1, 99)}"
        if rng.random() < 0.3:
            lg = lg.replace("-", "").capitalize()
        if lg.lower() not in seen:
            seen.add(lg.lower())
            logins.append(lg)
    maintainers = logins[: max(4, nhuman // 8)]
    prior = set(maintainers) | set(logins[len(maintainers): nhuman // 2])
    joiners = {lg: win + rng.random() * (now - win) for lg in logins if lg not in prior}
    bots = ["dependabot[bot]", f"{org}-ci-bot", "github-actions[bot]", "renovate[bot]"]
    prior_bots = bots[:2]
    names = {lg: lg.replace("-", " ").title() for lg in logins}

    repo_names = [org, "community"]
    while len(repo_names) < nrepos:
        nm = f"{rng.choice(PARTS)}-{rng.choice(NOUN)}"
        if nm not in repo_names:
            repo_names.append(nm)
    repo_names = repo_names[:nrepos]

    used = set()
    repos = []
    for ri, name in enumerate(repo_names):
        full = f"{org}/{name}"
        busy = min(40.0, 0.3 + rng.paretovariate(1.3) * 1.2)
        if name == "community":
            busy = 0.5
        rel_rate = rng.choice([0.02, 0.03, 0.05]) if rng.random() > 0.05 else 0.4
        # merged PRs, one Poisson-ish count per week
        merges = []
        for w in range(weeks + 1):
            lam = busy * (0.7 + 0.6 * rng.random())
            k = 0
            acc = rng.expovariate(1.0)
            while acc < lam:
                k += 1
                acc += rng.expovariate(1.0)
            for _ in range(k):
                t = win + w * WEEK + rng.random() * WEEK
                if t < now:
                    merges.append(int(t))
        merges.sort()
        pulls = []
        number = rng.randint(200, 3000)
        seen_in_repo = set(x.lower() for x in prior if ri == 0)  # history lives in repo 0
        for t in merges:
            r = rng.random()
            if r < 0.08:
                user = rng.choice(bots)
            else:
                pool = [lg for lg in logins if lg not in joiners or joiners[lg] <= t]
                if r < 0.45:
                    user = rng.choice(maintainers)
                elif r < 0.6 and any(lg in joiners and joiners[lg] <= t for lg in pool):
                    user = rng.choice([lg for lg in pool if lg in joiners])
                else:
                    user = rng.choice(pool)
            created = t - rng.randint(3600, 7 * DAY)
            number += rng.randint(1, 4)
            if user.lower() not in seen_in_repo:
                assoc = "FIRST_TIME_CONTRIBUTOR"
                seen_in_repo.add(user.lower())
            elif user in maintainers:
                assoc = "MEMBER"
            else:
                assoc = "CONTRIBUTOR"
            title = f"{rng.choice(VERBS)} {rng.choice(THINGS)}"
            labels = []
            if user == "dependabot[bot]":
                title = f"Bump {rng.choice(PARTS)}-lib from 1.{rng.randint(0, 9)}.0 to 1.{rng.randint(10, 19)}.0"
                labels = ["dependencies"]
            elif rng.random() < 0.3:
                labels = [rng.choice(LABELS)]
            used.add(user)
            pulls.append({"number": number, "title": title,
                          "body": "" if rng.random() < 0.6 else f"This PR changes {rng.choice(THINGS)}.",
                          "user": user, "state": "closed", "created_at": fmt(created),
                          "updated_at": fmt(t), "closed_at": fmt(t), "merged_at": fmt(t),
                          "labels": labels,
                          "html_url": f"https://github.com/{full}/pull/{number}",
                          "author_association": assoc})
        # PR numbers follow creation order on GitHub; renumber accordingly.
        nums = sorted(p["number"] for p in pulls)
        for p, n in zip(sorted(pulls, key=lambda p: (p["created_at"], p["merged_at"])), nums):
            p["number"] = n
            p["html_url"] = f"https://github.com/{full}/pull/{n}"
        pulls.sort(key=lambda p: (p["merged_at"], p["number"]), reverse=True)

        # Releases: 1-3 before the window, then rarely inside it.
        releases = []
        major, minor, patch = 0, rng.randint(1, 9), 0
        times = sorted(win - rng.randint(1, 26) * WEEK + rng.randint(0, WEEK)
                       for _ in range(rng.randint(1, 3)))
        for w in range(weeks + 1):
            if rng.random() < rel_rate:
                t = win + w * WEEK + rng.random() * WEEK
                if t < now:
                    times.append(int(t))
        times.sort()
        prev_t = None
        rc = 0
        for t in times:
            if rc == 0 and rng.random() < 0.2:
                minor += 1
                patch = 0
                rc = 1
                tag = f"v{major}.{minor}.{patch}-rc.{rc}"
            elif rc:
                rc = 0
                tag = f"v{major}.{minor}.{patch}"
            else:
                patch += 1
                tag = f"v{major}.{minor}.{patch}"
            since = [p for p in reversed(pulls)
                     if (prev_t is None or p["merged_at"] > fmt(prev_t)) and p["merged_at"] <= fmt(t)]
            lines = [f"- {p['title']} (#{p['number']}) @{p['user']}" for p in since[:30]]
            body = ("_Synthetic release generated by tests/make_world.py._\n\n## Changes\n\n"
                    + ("\n".join(lines) if lines else "- No pull requests merged."))
            author = rng.choice(maintainers)
            used.add(author)
            releases.append({"id": sha_id("release", full, tag), "tag_name": tag, "name": tag,
                             "body": body, "draft": False, "prerelease": "-rc" in tag,
                             "created_at": fmt(t), "published_at": fmt(t), "author": author,
                             "html_url": f"https://github.com/{full}/releases/tag/{tag}"})
            prev_t = t
        releases.sort(key=lambda r: r["created_at"], reverse=True)

        issues = []
        if name == "community":
            nev = max(3, weeks // 2 + 3)
            evs = sorted(win + rng.random() * (now + 14 * DAY - win) for _ in range(nev))
            for k, t in enumerate(evs):
                t = int(t) - int(t) % 1800
                created = t - 14 * DAY
                if created > now:
                    continue
                off = rng.choice(OFFSETS)
                sign = 1 if off[0] == "+" else -1
                shift = sign * (int(off[1:3]) * 3600 + int(off[4:6]) * 60)
                local = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t + shift)) + off
                end = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t + shift + 5400)) + off
                meetup = rng.random() < 0.3
                city = rng.choice(CITIES)
                slug = f"event-{k + 1}"
                body = (f"date: {local}\nlocation: {city if meetup else 'online'}\n"
                        f"link: https://{org}.example.org/events/{slug}/\nend: {end}\n"
                        f"kind: {'meetup' if meetup else 'live stream'}\n"
                        + (f"address: {rng.randint(1, 200)} Main Street, {city}\n" if meetup else "")
                        + "source: synthetic (tests/make_world.py)\n\n"
                        f"A {'meetup' if meetup else 'live stream'} about {rng.choice(THINGS)}.")
                used.add("ghost")
                issues.append({"number": 9001 + k,
                               "title": f"{'Meetup' if meetup else 'Live'}: {rng.choice(THINGS)}",
                               "body": body, "user": "ghost", "state": "open", "labels": ["event"],
                               "created_at": fmt(created), "updated_at": fmt(created),
                               "closed_at": None,
                               "html_url": f"https://github.com/{full}/issues/{9001 + k}"})
            issues.sort(key=lambda i: i["number"], reverse=True)

        created_repo = win - rng.randint(30, 2000) * DAY
        stamps = [p["merged_at"] for p in pulls] + [r["created_at"] for r in releases] \
            + [fmt(created_repo)]
        repos.append({
            "owner": org, "name": name, "full_name": full, "id": sha_id("repo", full),
            "description": None, "html_url": f"https://github.com/{full}", "fork": False,
            "archived": False, "default_branch": rng.choice(["main", "main", "master"]),
            "created_at": fmt(created_repo), "pushed_at": max(stamps),
            "stargazers_count": int(rng.paretovariate(1.1) * 10) - 10 + rng.randint(0, 9),
            "topics": sorted(rng.sample(TOPICS, rng.randint(0, 3))),
            "releases": releases, "pulls": pulls, "issues": issues})

    users = {}
    for lg in sorted(used, key=str.lower):
        users[lg] = user_entry(lg, names.get(lg))
    prior_list = sorted((set(prior) | set(prior_bots)), key=str.lower)
    return {
        "provenance": {"sources": [], "generated_by": "tests/make_world.py",
                       "note": (f"Synthetic world (seed {seed}, {nrepos} repositories, "
                                f"{weeks} weeks before the week of now); nothing here is real.")},
        "now": fmt(now),
        "orgs": {org: {"login": org, "repos": repo_names}},
        "prior_contributors": {org: prior_list},
        "users": users,
        "repos": repos,
    }


def event_fields(issue):
    out = {}
    for line in (issue.get("body") or "").split("\n"):
        if not line.strip():
            break
        k, _, v = line.partition(":")
        out[k.strip()] = v.strip()
    return out


def expected(world, org, week):
    """Weekly facts per tests/worlds/README.md 'Expected files'."""
    since = parse(week)
    until = since + WEEK
    names = world["orgs"][org]["repos"]
    repos = [r for r in world["repos"] if r["owner"] == org and r["name"] in names]
    users = {k.lower(): v for k, v in world.get("users", {}).items()}
    rels, merged, first, evs = [], [], {}, []
    for r in repos:
        for rel in r["releases"]:
            if not rel.get("draft") and since <= parse(rel["published_at"]) < until:
                rels.append({"full_name": r["full_name"], "tag_name": rel["tag_name"],
                             "prerelease": rel["prerelease"], "published_at": rel["published_at"]})
        for p in r["pulls"]:
            if not p.get("merged_at"):
                continue
            t = parse(p["merged_at"])
            if since <= t < until:
                merged.append({"full_name": r["full_name"], "number": p["number"],
                               "user": p["user"], "merged_at": p["merged_at"]})
            key = (t, r["full_name"], p["number"])
            lo = p["user"].lower()
            if lo not in first or key < first[lo][0]:
                first[lo] = (key, p["user"], r["full_name"], p["number"], p["merged_at"])
        for i in r.get("issues", []):
            if "event" not in i.get("labels", []):
                continue
            f = event_fields(i)
            if "date" not in f:
                continue
            evs.append((parse(f["date"]), i["number"], {
                "full_name": r["full_name"], "number": i["number"], "title": i["title"],
                "date": f["date"], "location": f.get("location"), "link": f.get("link")}))
    prior = {lg.lower() for lg in world.get("prior_contributors", {}).get(org, [])}
    newc = []
    for lo, (key, login, full, num, at) in first.items():
        u = users.get(lo)
        bot = u["type"] == "Bot" if u else is_bot(login)
        if lo in prior or bot or not since <= key[0] < until:
            continue
        newc.append({"login": login, "full_name": full, "number": num, "merged_at": at})
    evs.sort(key=lambda e: (e[0], e[1]))
    return {
        "org": org, "since": fmt(since), "until": fmt(until),
        "releases": sorted(rels, key=lambda x: (x["published_at"], x["full_name"], x["tag_name"])),
        "merged_pulls": sorted(merged, key=lambda x: (x["full_name"], x["number"])),
        "new_contributors": sorted(newc, key=lambda x: x["login"].lower()),
        "events_in_window": [e[2] for e in evs if since <= e[0] < until],
        "events_upcoming": [e[2] for e in evs if until <= e[0] < until + 14 * DAY],
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--org", default="bench")
    ap.add_argument("--repos", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--weeks", type=int, default=8)
    ap.add_argument("--now", default="2024-03-04T01:00:00Z")
    ap.add_argument("--org-name", dest="org_name", help="the org's display name (orgs[ORG].name)")
    ap.add_argument("--out")
    ap.add_argument("--expected", metavar="WORLD", help="compute expected facts of WORLD")
    ap.add_argument("--week", help="with --expected: the week's Monday, YYYY-MM-DD")
    a = ap.parse_args(argv)
    if a.expected:
        if not a.week:
            ap.error("--expected needs --week")
        with open(a.expected, encoding="utf-8") as f:
            world = json.load(f)
        org = a.org if a.org in world["orgs"] else next(iter(world["orgs"]))
        data = expected(world, org, a.week)
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    else:
        if a.repos < 2:
            ap.error("--repos must be at least 2")
        data = generate(a.org, a.repos, a.seed, a.weeks, a.now)
        if a.org_name is not None:
            data["orgs"][a.org]["name"] = a.org_name
        text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
