"""A hold-out world for the trends tests (tests/make_world.py with a seed no
other test uses) and its weekly counts, as the report counts them: merged
pull requests, distinct authors with bots apart, new contributors (a first
merged pull request in the org that week; prior contributors merged in 2015)."""
import json, os, subprocess, sys, tempfile
from datetime import datetime, timedelta, timezone

TESTS = os.path.dirname(os.path.abspath(__file__))
NOW = "2024-03-04T01:00:00Z"           # Monday: the last complete week is 2024-W09
LAST_MONDAY = datetime(2024, 2, 26, tzinfo=timezone.utc)


def make(dirpath):
    path = os.path.join(dirpath, "holdout.json")
    subprocess.run([sys.executable, os.path.join(TESTS, "make_world.py"), "--org", "holdout", "--repos", "10",
                    "--seed", "2323", "--weeks", "10", "--now", NOW, "--out", path], check=True)
    return path


def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


def weeks(n):
    """The n weeks ending with 2024-W09: [(label, since, until)]."""
    out = []
    for k in range(n - 1, -1, -1):
        since = LAST_MONDAY - timedelta(weeks=k)
        y, w, _ = since.isocalendar()
        out.append(("%04d-W%02d" % (y, w), since, since + timedelta(weeks=1)))
    return out


def counts(world_path, n):
    """{label: (merged_prs, contributors, new_contributors)} for the n weeks."""
    w = json.load(open(world_path))
    bots = {u for u, v in w["users"].items() if v.get("type") == "Bot" or u.endswith("[bot]")}
    first = {}
    pulls = []
    for r in w["repos"]:
        if r.get("fork") or r.get("archived"):
            continue
        for p in r["pulls"]:
            if p.get("merged_at"):
                t = ts(p["merged_at"])
                pulls.append((t, p["user"]))
                first[p["user"]] = min(first.get(p["user"], t), t)
    for logins in w.get("prior_contributors", {}).values():
        for login in logins:
            first[login] = ts("2015-01-01T00:00:00Z")
    out = {}
    for label, since, until in weeks(n):
        inw = [(t, u) for t, u in pulls if since <= t < until]
        people = {u for _, u in inw if u not in bots}
        out[label] = (len(inw), len(people), len({u for u in people if since <= first[u] < until}))
    return out, sorted(bots)


def events(world_path):
    """JSONEachRow lines of GitHub events (ClickHouse's github_events columns) for the
    world's merged pulls, with what a real archive also holds: the opening events,
    a duplicate of some closing events, closed-unmerged pulls, other repos."""
    w = json.load(open(world_path))
    rows = []

    def ev(kind, action, repo, number, login, actor, merged, merged_at, created):
        rows.append(json.dumps({"event_type": kind, "action": action, "repo_name": repo, "number": number,
                                "title": "t", "creator_user_login": login, "actor_login": actor,
                                "merged": merged, "merged_at": merged_at, "created_at": created}))

    def fmt(s):
        return ts(s).strftime("%Y-%m-%d %H:%M:%S")

    for r in w["repos"]:
        for i, p in enumerate(r["pulls"]):
            ev("PullRequestEvent", "opened", r["full_name"], p["number"], p["user"], p["user"], 0,
               "1970-01-01 00:00:00", fmt(p["created_at"]))
            if p.get("merged_at"):
                ev("PullRequestEvent", "closed", r["full_name"], p["number"], p["user"], "maintainer", 1,
                   fmt(p["merged_at"]), fmt(p["merged_at"]))
                if i % 7 == 0:   # GH Archive holds some events twice
                    ev("PullRequestEvent", "closed", r["full_name"], p["number"], p["user"], "maintainer", 1,
                       fmt(p["merged_at"]), fmt(p["merged_at"]))
            ev("IssuesEvent", "opened", r["full_name"], p["number"] + 100000, p["user"], p["user"], 0,
               "1970-01-01 00:00:00", fmt(p["created_at"]))
        # closed without merging, and a repository nobody watches
        ev("PullRequestEvent", "closed", r["full_name"], 999999, "someone", "someone", 0, "1970-01-01 00:00:00",
           "2024-02-27 10:00:00")
    ev("PullRequestEvent", "closed", "elsewhere/other", 1, "stranger", "x", 1, "2024-02-27 10:00:00",
       "2024-02-27 10:00:00")
    org = next(iter(w["orgs"]))
    first_repo = w["orgs"][org]["repos"][0]
    for i, login in enumerate(w.get("prior_contributors", {}).get(org, []), 1):
        ev("PullRequestEvent", "closed", "%s/%s" % (org, first_repo), i, login, "maintainer", 1,
           "2015-01-01 00:00:00", "2015-01-01 00:00:00")
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    d = tempfile.mkdtemp()
    p = make(d)
    print(counts(p, 8))
