#!/usr/bin/env python3
"""Fake GitHub REST API for digest's tests, demo and benchmark (stdlib only).

Serves a *world* JSON (schema: tests/worlds/README.md) on 127.0.0.1 with the
response shapes, headers, errors, pagination, ETags and rate limits of
api.github.com, plus deterministic fault injection.

Usage:
  python3 tests/fake_github.py --world FILE [options]

Options:
  --world FILE          world JSON to serve (required)
  --port N              port to bind on 127.0.0.1; 0 (default) = random
  --port-file PATH      write the chosen port there (tmp file + rename)
  --log PATH            also append every request record (see /_log) as a JSON line
  --token TOKEN         require "Authorization: Bearer TOKEN" or "token TOKEN";
                        any other Authorization -> 401 Bad credentials; no
                        Authorization -> unauthenticated (core limit 60).
                        Without --token every request with an Authorization
                        header is authenticated (5000), without it anonymous (60).
  --prefix /api/v3      serve under a path prefix (GitHub Enterprise style)
  --now RFC3339         serve the world as of this moment (default: the world's
                        "now"): later items are hidden, PRs merged later are open
  --latency-ms N        sleep N ms before answering each API request
  --fail-every N        every Nth API request -> 5xx, cycling 502 (HTML body),
                        500 (JSON body), 503 (HTML body)
  --secondary-every N   every Nth API request -> secondary rate limit with
                        Retry-After; alternately 403 and 429 (first one is 403)
  --truncate-every N    every Nth API request that would answer 200 -> the body
                        cut in half (Content-Length of the cut body; the ETag is
                        still the full body's, as a broken proxy would send)
  --quota N             core limit per window (default 5000 auth / 60 anonymous)
  --search-quota N      search limit per window (default 30)
  --reset-in S          core window length: a bucket resets S seconds after
                        its first use (default 3600)
  --search-reset-in S   search window length (default 60)
  --retry-after S       Retry-After value of secondary-limit faults (default 1)
  --max-idle S          exit after S seconds without any request (default 600)
  --files DIR           also serve DIR's files (feeds) under /_files/, with ETag/304;
                        logged with resource "files", outside quota and faults
  --or-mode MODE        misread the OR of issue searches, as servers without
                        GitHub's advanced search do: "stray" (parentheses are
                        part of the words: "(author:a" is text, "author:b)" a
                        login "b)"), "and" (several author: terms must all
                        match: nothing does), "one" (only the last author:
                        term counts); default: understood
  --search-total N      every /search/issues answer reports total_count N
                        (a server that always claims more), items unchanged
  --ignore-order        /search/issues ignores order= (always oldest first),
                        as a server without it would

Requests: GET (and HEAD) only; other methods on API paths -> 404. API "url"
fields point at this server (http://127.0.0.1:PORT[prefix]/...), "html_url"
fields at https://github.com. As on GitHub, /pulls and /issues default to
state=open (every world PR is closed: ask for state=closed or all).
"API requests" are all requests except /_control, /_log and /rate_limit; they
are numbered n = 1, 2, ... and faults hit request numbers (a faulted request
succeeds when retried). If several fault kinds hit the same n: 5xx wins over
secondary, secondary over truncate. Order per request: latency, auth (401),
5xx/secondary fault, routing, rate limit (403 when exhausted), If-None-Match
(304), truncate fault.

Rate limits: buckets per (authenticated|anonymous, core|search). Every API
response carries X-RateLimit-Limit/-Remaining/-Reset (epoch s, real clock)/
-Used/-Resource. Consumed by answered requests (200 incl. truncated ones, 404,
422); NOT by 304s, 5xx/secondary faults, 401s or exhausted 403s. Secondary
faults keep the headers (Remaining > 0) and add Retry-After. Exhausted: 403,
X-RateLimit-Remaining: 0, no Retry-After, body
{"message":"API rate limit exceeded for user ID 1.",...}; anonymous callers get
GitHub's "API rate limit exceeded for 127.0.0.1. (But here's the good news:
...)" instead (both start "API rate limit exceeded for").

Endpoints: /rate_limit, /orgs/{org}, /orgs/{org}/repos, /users/{login},
/repos/{o}/{r}, .../releases, .../releases/latest, .../releases/tags/{tag},
.../releases/{id}, .../pulls, .../pulls/{n}, .../issues, .../issues/{n},
.../contributors, .../security-advisories (world key "security_advisories"),
/search/issues, /search/repositories. Pagination with
per_page (default 30, max 100) and page, and a GitHub-style Link header.
Search: only the first 1000 results are reachable (beyond: 422). A search
with author:X for a login in the world's prior_contributors[ORG] (scoped to
org:ORG/user:ORG or any repo:ORG/R) also finds one synthetic merged PR
"Earlier contribution" of 2015-01-01T00:00:00Z in the org's first repo
(numbers 1..N); it is also served by /repos/{o}/{first}/pulls/{n}.

Control (not counted, not rate-limited, served with or without the prefix):
  GET  /_log      JSON array of API request records:
                  {"n","method","path" (without prefix),"query" (dict; a
                  repeated key gives a list),"status","conditional","auth",
                  "resource":"core|search","fault":null|"5xx"|"secondary"|
                  "429"|"truncate"|"exhausted","in_flight": API requests
                  being served when it arrived, itself included, "arrived_ms",
                  "answered_ms": when it arrived and was answered, in ms
                  since the server started}
  GET  /_control  current settings as JSON
  POST /_control  JSON object with any of: latency_ms, fail_every,
                  secondary_every, truncate_every, quota, search_quota
                  (null = default), reset_in, search_reset_in, retry_after,
                  or_mode (null or a --or-mode MODE), search_total (null or
                  an integer, any size or sign), ignore_order (true or
                  false), reset_log (true: clear the log, restart n and the fault
                  cycles at 1), reset_quota (true: refill all buckets).
                  Answers the new settings.

Prints "listening on http://127.0.0.1:PORT" once bound; exits 0 on SIGTERM,
SIGINT or --max-idle.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import re
import signal
import socket
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, unquote, urlsplit

DOC = "https://docs.github.com/rest"
DOC_RATE = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
DOC_SECONDARY = ("https://docs.github.com/rest/overview/"
                 "resources-in-the-rest-api#secondary-rate-limits")
DOC_SEARCH = "https://docs.github.com/v3/search/"
SEARCH_CAP = 1000
BOT_NAMES = {"ks-ci-bot", "ks-crowdin-bot", "k8s-ci-robot", "karmada-bot", "dependabot",
             "github-actions", "allcontributors", "renovate"}
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SYNTH_TS = "2015-01-01T00:00:00Z"


class ApiError(Exception):
    """An API error answer: status and JSON body."""

    def __init__(self, status, body):
        super().__init__(status)
        self.status = status
        self.body = body


def not_found():
    return ApiError(404, {"message": "Not Found", "documentation_url": DOC})


def invalid_query(msg):
    return ApiError(422, {"message": "Validation Failed",
                          "errors": [{"message": msg, "resource": "Search",
                                      "field": "q", "code": "invalid"}],
                          "documentation_url": DOC_SEARCH})


def parse_ts(s):
    """RFC 3339 / ISO 8601 (Z, offset, or none = UTC) or a bare date -> epoch seconds."""
    s = s.strip()
    if DATE_RE.match(s):
        d = datetime.strptime(s, "%Y-%m-%d").replace(tzinfo=timezone.utc)
    else:
        d = datetime.fromisoformat(s)
        if d.tzinfo is None:
            d = d.replace(tzinfo=timezone.utc)
    return d.timestamp()


def fmt_ts(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def hid(*parts):
    """Stable synthetic id from strings."""
    return int(hashlib.sha1(":".join(str(p) for p in parts).encode()).hexdigest()[:8], 16)


def node_id(kind, i):
    return base64.b64encode(f"0{len(kind)}:{kind}{i}".encode()).decode()


def is_bot(login):
    lo = login.lower()
    return (lo.endswith("[bot]") or lo.endswith("-bot") or lo.endswith("-robot")
            or lo in BOT_NAMES)


def dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- world ----

class World:
    """The world, indexed once at start; all lookups are case-insensitive."""

    def __init__(self, data, now, base):
        self.base = base  # API base URL used inside bodies
        self.now_ts = parse_ts(now or data["now"])
        self.users = {}
        for login, u in data.get("users", {}).items():
            self.users[login.lower()] = u
        self.orgs = {}
        self.repos = {}
        self.by_author = {}
        self.all_items = []
        self.synthetic = {}  # (org lower, login lower) -> synthetic PR item
        self.cache = {}
        repo_data = {r["full_name"].lower(): r for r in data.get("repos", [])}
        for org, o in data.get("orgs", {}).items():
            rec = {"login": o.get("login", org), "repos": [], "id": hid("org", org.lower()),
                   "world": o}  # the world's own org object: org_obj's profile fields
            self.orgs[org.lower()] = rec
            for name in o.get("repos", []):
                rd = repo_data.pop(f"{org}/{name}".lower(), None)
                if rd is not None:
                    self._add_repo(rec, rd)
        for rd in repo_data.values():  # repositories of orgs not listed in "orgs"
            owner = rd["owner"]
            rec = self.orgs.setdefault(owner.lower(), {"login": owner, "repos": [],
                                                       "id": hid("org", owner.lower())})
            self._add_repo(rec, rd)
        for org, logins in data.get("prior_contributors", {}).items():
            o = self.orgs.get(org.lower())
            if not o or not o["repos"]:
                continue
            o["prior"] = list(logins)
            first = o["repos"][0]
            for i, login in enumerate(logins, 1):
                it = self._item(first, {
                    "number": i, "title": "Earlier contribution", "body": "", "user": login,
                    "state": "closed", "created_at": SYNTH_TS, "updated_at": SYNTH_TS,
                    "closed_at": SYNTH_TS, "merged_at": SYNTH_TS, "labels": [],
                    "html_url": f"https://github.com/{first['full_name']}/pull/{i}",
                    "author_association": "CONTRIBUTOR"}, True)
                if it is None:  # served moment before the synthetic history
                    continue
                it["synthetic"] = True
                self.synthetic[(org.lower(), login.lower())] = it
                first["synthetic"].setdefault(i, it)

    def _add_repo(self, org, rd):
        now = self.now_ts
        if parse_ts(rd["created_at"]) > now:
            return
        R = dict(rd)
        R["org"] = org
        R["created_ts"] = parse_ts(rd["created_at"])
        pushed = min(parse_ts(rd["pushed_at"]), now)
        R["pushed_at"] = fmt_ts(pushed)
        R["pushed_ts"] = pushed
        R["api"] = f"{self.base}/repos/{rd['full_name']}"
        R["items"] = []
        R["by_number"] = {}
        R["synthetic"] = {}
        for p in rd.get("pulls", []):
            it = self._item(R, p, True)
            if it:
                R["items"].append(it)
        for i in rd.get("issues", []):
            it = self._item(R, i, False)
            if it:
                R["items"].append(it)
        for it in R["items"]:
            R["by_number"][it["number"]] = it
            self.by_author.setdefault(it["user"].lower(), []).append(it)
            self.all_items.append(it)
        rels = []
        for r in rd.get("releases", []):
            if parse_ts(r["created_at"]) > now:
                continue
            rr = dict(r)
            rr["created_ts"] = parse_ts(r["created_at"])
            rels.append(rr)
        rels.sort(key=lambda r: (r["created_ts"], r["id"]), reverse=True)
        R["releases"] = rels
        # Repository security advisories (world key "security_advisories": ghsa_id,
        # cve_id, summary, description, severity, state, created_at, published_at,
        # optionally updated_at, withdrawn_at, cvss_score, cwe_ids), as of now.
        R["advisories"] = [dict(a) for a in rd.get("security_advisories", [])
                           if parse_ts(a["created_at"]) <= now]
        R["open_issues"] = sum(1 for it in R["items"] if it["state"] == "open")
        org["repos"].append(R)
        self.repos[rd["full_name"].lower()] = R

    def _item(self, R, p, is_pr):
        """One issue or pull request as seen at now_ts (None if not created yet)."""
        now = self.now_ts
        created = parse_ts(p["created_at"])
        if created > now:
            return None
        it = {"repo": R, "is_pr": is_pr, "synthetic": False, "number": p["number"],
              "title": p["title"], "body": p.get("body") or None, "user": p["user"],
              "labels": list(p.get("labels") or []),
              "html_url": p["html_url"], "assoc": p.get("author_association", "NONE"),
              "created_at": p["created_at"], "created_ts": created}
        closed = p.get("closed_at")
        merged = p.get("merged_at") if is_pr else None
        closed_ts = parse_ts(closed) if closed else None
        merged_ts = parse_ts(merged) if merged else None
        updated_ts = parse_ts(p.get("updated_at") or p["created_at"])
        if closed_ts is not None and closed_ts > now:
            # Closed after the served moment: still open then.
            closed = merged = None
            closed_ts = merged_ts = None
            updated_ts = created
        it.update({"closed_at": closed, "closed_ts": closed_ts, "merged_at": merged,
                   "merged_ts": merged_ts, "updated_ts": min(updated_ts, now),
                   "state": "closed" if closed_ts is not None else "open"})
        it["updated_at"] = (p.get("updated_at") if updated_ts <= now and it["state"] == p.get("state")
                            else fmt_ts(it["updated_ts"]))
        it["labels_l"] = {label.lower() for label in it["labels"]}
        it["sha"] = hashlib.sha1(f"{R['full_name']}#{p['number']}".encode()).hexdigest()
        return it

    # -- lookups --

    def org(self, name):
        o = self.orgs.get(name.lower())
        if o is None:
            raise not_found()
        return o

    def repo(self, owner, name):
        R = self.repos.get(f"{owner}/{name}".lower())
        if R is None:
            raise not_found()
        return R

    def user_rec(self, login):
        u = self.users.get(login.lower())
        if u is None:
            i = int(hashlib.sha1(login.encode()).hexdigest()[:7], 16)
            u = {"login": login, "id": i, "type": "Bot" if is_bot(login) else "User",
                 "name": None, "html_url": f"https://github.com/{login}",
                 "avatar_url": f"https://github.com/{login}.png"}
        return u

    def known_login(self, login):
        lo = login.lower()
        if lo in self.users or lo in self.by_author:
            return True
        return any(k[1] == lo for k in self.synthetic)

    # -- object builders --

    def user_obj(self, login):
        u = self.user_rec(login)
        lg = u["login"]
        api = f"{self.base}/users/{quote(lg)}"
        return {"login": lg, "id": u["id"], "node_id": node_id("User", u["id"]),
                "avatar_url": u["avatar_url"], "gravatar_id": "", "url": api,
                "html_url": u["html_url"], "followers_url": f"{api}/followers",
                "following_url": f"{api}/following{{/other_user}}",
                "gists_url": f"{api}/gists{{/gist_id}}",
                "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
                "subscriptions_url": f"{api}/subscriptions",
                "organizations_url": f"{api}/orgs", "repos_url": f"{api}/repos",
                "events_url": f"{api}/events{{/privacy}}",
                "received_events_url": f"{api}/received_events",
                "type": u["type"], "site_admin": False}

    def org_user_obj(self, o):
        lg = o["login"]
        api = f"{self.base}/users/{lg}"
        return {"login": lg, "id": o["id"], "node_id": node_id("Organization", o["id"]),
                "avatar_url": f"https://avatars.githubusercontent.com/u/{o['id']}?v=4",
                "gravatar_id": "", "url": api, "html_url": f"https://github.com/{lg}",
                "followers_url": f"{api}/followers",
                "following_url": f"{api}/following{{/other_user}}",
                "gists_url": f"{api}/gists{{/gist_id}}",
                "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
                "subscriptions_url": f"{api}/subscriptions",
                "organizations_url": f"{api}/orgs", "repos_url": f"{api}/repos",
                "events_url": f"{api}/events{{/privacy}}",
                "received_events_url": f"{api}/received_events",
                "type": "Organization", "site_admin": False}

    def org_obj(self, o):
        lg = o["login"]
        api = f"{self.base}/orgs/{lg}"
        # Optional profile fields of the world's orgs[ORG] (tests/worlds/README.md).
        prof = o.get("world") or {}
        return {"login": lg, "id": o["id"], "node_id": node_id("Organization", o["id"]),
                "url": api, "repos_url": f"{api}/repos", "events_url": f"{api}/events",
                "hooks_url": f"{api}/hooks", "issues_url": f"{api}/issues",
                "members_url": f"{api}/members{{/member}}",
                "public_members_url": f"{api}/public_members{{/member}}",
                "avatar_url": f"https://avatars.githubusercontent.com/u/{o['id']}?v=4",
                "description": prof.get("description"), "name": prof.get("name", lg),
                "company": None, "blog": prof.get("blog", ""),
                "location": None, "email": None, "twitter_username": None,
                "is_verified": False, "has_organization_projects": True,
                "has_repository_projects": True, "public_repos": len(o["repos"]),
                "public_gists": 0, "followers": 0, "following": 0,
                "html_url": f"https://github.com/{lg}",
                "created_at": min((R["created_at"] for R in o["repos"]),
                                  default=SYNTH_TS),
                "updated_at": fmt_ts(self.now_ts), "type": "Organization"}

    def user_full(self, login):
        lo = login.lower()
        if lo in self.orgs:
            o = self.orgs[lo]
            d = self.org_user_obj(o)
            d.update({"name": o["login"], "company": None, "blog": "", "location": None,
                      "email": None, "hireable": None, "bio": None,
                      "twitter_username": None, "public_repos": len(o["repos"]),
                      "public_gists": 0, "followers": 0, "following": 0,
                      "created_at": self.org_obj(o)["created_at"],
                      "updated_at": fmt_ts(self.now_ts)})
            return d
        if not self.known_login(login):
            raise not_found()
        d = self.user_obj(login)
        d.update({"name": self.user_rec(login).get("name"), "company": None, "blog": "",
                  "location": None, "email": None, "hireable": None, "bio": None,
                  "twitter_username": None, "public_repos": 0, "public_gists": 0,
                  "followers": 0, "following": 0, "created_at": SYNTH_TS,
                  "updated_at": SYNTH_TS})
        return d

    def repo_obj(self, R):
        key = ("repo", R["full_name"])
        s = self.cache.get(key)
        if s is None:
            s = self.cache[key] = dumps(self.repo_dict(R))
        return s

    def repo_dict(self, R):
        api = R["api"]
        fn = R["full_name"]
        return {
            "id": R["id"], "node_id": node_id("Repository", R["id"]), "name": R["name"],
            "full_name": fn, "private": False, "owner": self.org_user_obj(R["org"]),
            "html_url": R["html_url"], "description": R.get("description"),
            "fork": bool(R.get("fork")), "url": api,
            "archive_url": f"{api}/{{archive_format}}{{/ref}}",
            "branches_url": f"{api}/branches{{/branch}}",
            "collaborators_url": f"{api}/collaborators{{/collaborator}}",
            "commits_url": f"{api}/commits{{/sha}}",
            "compare_url": f"{api}/compare/{{base}}...{{head}}",
            "contents_url": f"{api}/contents/{{+path}}",
            "contributors_url": f"{api}/contributors", "events_url": f"{api}/events",
            "issues_url": f"{api}/issues{{/number}}", "labels_url": f"{api}/labels{{/name}}",
            "pulls_url": f"{api}/pulls{{/number}}", "releases_url": f"{api}/releases{{/id}}",
            "tags_url": f"{api}/tags",
            "git_url": f"git://github.com/{fn}.git", "ssh_url": f"git@github.com:{fn}.git",
            "clone_url": f"https://github.com/{fn}.git", "svn_url": f"https://github.com/{fn}",
            "homepage": None, "size": 0,
            "stargazers_count": R.get("stargazers_count", 0),
            "watchers_count": R.get("stargazers_count", 0),
            "language": R.get("language"), "has_issues": True, "has_projects": True,
            "has_downloads": True, "has_wiki": True, "has_pages": False,
            "forks_count": R.get("forks_count", 0), "mirror_url": None,
            "archived": bool(R.get("archived")), "disabled": False,
            "open_issues_count": R["open_issues"], "license": R.get("license"),
            "allow_forking": True, "is_template": False,
            "topics": list(R.get("topics") or []), "visibility": "public",
            "forks": R.get("forks_count", 0), "open_issues": R["open_issues"],
            "watchers": R.get("stargazers_count", 0),
            "default_branch": R.get("default_branch", "main"),
            "created_at": R["created_at"], "updated_at": R["pushed_at"],
            "pushed_at": R["pushed_at"],
            "permissions": {"admin": False, "maintain": False, "push": False,
                            "triage": False, "pull": True},
        }

    def label_obj(self, R, name):
        i = hid("label", R["full_name"], name.lower())
        return {"id": i, "node_id": node_id("Label", i),
                "url": f"{R['api']}/labels/{quote(name)}", "name": name,
                "color": hashlib.sha1(name.lower().encode()).hexdigest()[:6],
                "default": False, "description": None}

    def issue_dict(self, it):
        R = it["repo"]
        api = R["api"]
        n = it["number"]
        iid = hid("issue", R["full_name"], n)
        d = {"url": f"{api}/issues/{n}", "repository_url": api,
             "labels_url": f"{api}/issues/{n}/labels{{/name}}",
             "comments_url": f"{api}/issues/{n}/comments",
             "events_url": f"{api}/issues/{n}/events", "html_url": it["html_url"],
             "id": iid, "node_id": node_id("Issue", iid), "number": n,
             "title": it["title"], "user": self.user_obj(it["user"]),
             "labels": [self.label_obj(R, lb) for lb in it["labels"]],
             "state": it["state"], "locked": False, "assignee": None, "assignees": [],
             "milestone": None, "comments": 0, "created_at": it["created_at"],
             "updated_at": it["updated_at"], "closed_at": it["closed_at"],
             "author_association": it["assoc"], "active_lock_reason": None}
        if it["is_pr"]:
            d["draft"] = False
            d["pull_request"] = {"url": f"{api}/pulls/{n}", "html_url": it["html_url"],
                                 "diff_url": f"{it['html_url']}.diff",
                                 "patch_url": f"{it['html_url']}.patch",
                                 "merged_at": it["merged_at"]}
        d["body"] = it["body"]
        d["timeline_url"] = f"{api}/issues/{n}/timeline"
        d["performed_via_github_app"] = None
        d["state_reason"] = ("completed" if it["state"] == "closed" and not it["is_pr"]
                             else None)
        return d

    def pull_dict(self, it, full=False):
        R = it["repo"]
        api = R["api"]
        n = it["number"]
        pid = hid("pull", R["full_name"], n)
        user = self.user_obj(it["user"])
        branch = R.get("default_branch", "main")
        base_sha = hashlib.sha1(f"base:{R['full_name']}#{n}".encode()).hexdigest()
        head_repo_name = f"{it['user']}/{R['name']}"
        d = {"url": f"{api}/pulls/{n}", "id": pid, "node_id": node_id("PullRequest", pid),
             "html_url": it["html_url"], "diff_url": f"{it['html_url']}.diff",
             "patch_url": f"{it['html_url']}.patch", "issue_url": f"{api}/issues/{n}",
             "number": n, "state": it["state"], "locked": False, "title": it["title"],
             "user": user, "body": it["body"], "created_at": it["created_at"],
             "updated_at": it["updated_at"], "closed_at": it["closed_at"],
             "merged_at": it["merged_at"],
             "merge_commit_sha": it["sha"] if it["merged_at"] else None,
             "assignee": None, "assignees": [], "requested_reviewers": [],
             "requested_teams": [], "labels": [self.label_obj(R, lb) for lb in it["labels"]],
             "milestone": None, "draft": False,
             "commits_url": f"{api}/pulls/{n}/commits",
             "review_comments_url": f"{api}/pulls/{n}/comments",
             "review_comment_url": f"{api}/pulls/comments{{/number}}",
             "comments_url": f"{api}/issues/{n}/comments",
             "statuses_url": f"{api}/statuses/{it['sha']}",
             "head": {"label": f"{it['user']}:pr-{n}", "ref": f"pr-{n}", "sha": it["sha"],
                      "user": user,
                      "repo": {"id": hid("fork", head_repo_name.lower()),
                               "name": R["name"], "full_name": head_repo_name,
                               "owner": user, "private": False,
                               "html_url": f"https://github.com/{head_repo_name}",
                               "fork": True,
                               "url": f"{self.base}/repos/{head_repo_name}"}},
             "base": {"label": f"{R['owner']}:{branch}", "ref": branch, "sha": base_sha,
                      "user": self.org_user_obj(R["org"]), "repo": self.repo_dict(R)},
             "_links": {"self": {"href": f"{api}/pulls/{n}"},
                        "html": {"href": it["html_url"]},
                        "issue": {"href": f"{api}/issues/{n}"},
                        "comments": {"href": f"{api}/issues/{n}/comments"},
                        "review_comments": {"href": f"{api}/pulls/{n}/comments"},
                        "commits": {"href": f"{api}/pulls/{n}/commits"},
                        "statuses": {"href": f"{api}/statuses/{it['sha']}"}},
             "author_association": it["assoc"], "auto_merge": None,
             "active_lock_reason": None}
        if full:
            d.update({"merged": it["merged_at"] is not None, "mergeable": None,
                      "rebaseable": None, "mergeable_state": "unknown", "merged_by": None,
                      "comments": 0, "review_comments": 0, "maintainer_can_modify": False,
                      "commits": 1, "additions": 0, "deletions": 0, "changed_files": 0})
        return d

    def advisory_dict(self, R, a):
        """A repository security advisory in the shape GitHub documents for
        GET /repos/{owner}/{repo}/security-advisories."""
        ghsa = a["ghsa_id"]
        ids = [{"type": "GHSA", "value": ghsa}] + ([{"type": "CVE", "value": a["cve_id"]}] if a.get("cve_id") else [])
        published = a.get("published_at") if a.get("state") == "published" else None
        return {"ghsa_id": ghsa, "cve_id": a.get("cve_id"),
                "url": f"{self.base}/repos/{R['full_name']}/security-advisories/{ghsa}",
                "html_url": f"{R['html_url']}/security/advisories/{ghsa}",
                "summary": a["summary"], "description": a.get("description", ""),
                "severity": a.get("severity"), "author": None, "publisher": self.org_user_obj(R["org"]),
                "identifiers": ids, "state": a.get("state", "published"),
                "created_at": a["created_at"], "updated_at": a.get("updated_at") or published or a["created_at"],
                "published_at": published, "closed_at": None, "withdrawn_at": a.get("withdrawn_at"),
                "submission": None,
                "vulnerabilities": [{"package": {"ecosystem": a.get("ecosystem", "go"), "name": a.get("package", "")},
                                     "vulnerable_version_range": a.get("vulnerable_version_range", ""),
                                     "patched_versions": a.get("patched_versions", ""),
                                     "vulnerable_functions": []}],
                "cvss": {"vector_string": a.get("cvss_vector"), "score": a.get("cvss_score")},
                "cvss_severities": {"cvss_v3": {"vector_string": a.get("cvss_vector"), "score": a.get("cvss_score")},
                                    "cvss_v4": {"vector_string": None, "score": None}},
                "cwes": [{"cwe_id": c, "name": ""} for c in a.get("cwe_ids", [])],
                "cwe_ids": list(a.get("cwe_ids", [])), "credits": [], "credits_detailed": [],
                "collaborating_users": [], "collaborating_teams": [], "private_fork": None}

    def release_dict(self, R, r):
        api = R["api"]
        i = r["id"]
        return {"url": f"{api}/releases/{i}", "assets_url": f"{api}/releases/{i}/assets",
                "upload_url": (f"https://uploads.github.com/repos/{R['full_name']}"
                               f"/releases/{i}/assets{{?name,label}}"),
                "html_url": r["html_url"], "id": i, "author": self.user_obj(r["author"]),
                "node_id": node_id("Release", i), "tag_name": r["tag_name"],
                "target_commitish": R.get("default_branch", "main"), "name": r.get("name"),
                "draft": bool(r.get("draft")), "prerelease": bool(r.get("prerelease")),
                "created_at": r["created_at"],
                "published_at": None if r.get("draft") else r.get("published_at"),
                "assets": [], "tarball_url": f"{api}/tarball/{quote(r['tag_name'])}",
                "zipball_url": f"{api}/zipball/{quote(r['tag_name'])}",
                "body": r.get("body")}

    def cached(self, kind, it):
        """Serialized JSON of an item in one of its shapes (built once)."""
        key = (kind, it["repo"]["full_name"], it["number"], it["synthetic"])
        s = self.cache.get(key)
        if s is None:
            if kind == "issue":
                obj = self.issue_dict(it)
            elif kind == "search":
                obj = self.issue_dict(it)
                obj["score"] = 1.0
            elif kind == "pull":
                obj = self.pull_dict(it)
            else:
                obj = self.pull_dict(it, full=True)
            s = self.cache[key] = dumps(obj)
        return s


# --------------------------------------------------------------- search ----

def tokenize(q, keep_parens=False):
    """Search terms: (negated, key or None, value).

    Parentheses of GitHub's advanced syntax group alternatives, as in
    "(author:a OR author:b)"; repeated author:/repo:/org: qualifiers are
    alternatives here anyway, so the grouping marks are dropped (kept, as
    parts of the words, by a server without the advanced syntax)."""
    out = []
    if not keep_parens:
        q = re.sub(r'(^|\s)\(+|\)+(?=\s|$)', " ", q)
    # A qualifier's value: a word, or quoted words, or a comma-separated list
    # of either (label:"good first issue","help wanted" is one value, the
    # list "good first issue,help wanted": any of the labels).
    item = r'(?:"[^"]*"|[^\s",]+)'
    for m in re.finditer(r'(-?)([A-Za-z][\w-]*):(%s(?:,%s)*|\S*)|"([^"]*)"|(\S+)' % (item, item), q):
        if m.group(2) is not None:
            v = ",".join(x[1:-1] if len(x) >= 2 and x[0] == '"' and x[-1] == '"' else x
                         for x in re.findall(item, m.group(3))) if m.group(3) else ""
            out.append((m.group(1) == "-", m.group(2).lower(), v))
        elif m.group(4) is not None:
            out.append((False, None, m.group(4)))
        else:
            out.append((False, None, m.group(5)))
    return out


def date_range(key, v):
    """Qualifier value -> (lo, lo_inclusive, hi, hi_inclusive); None = open end."""
    def one(x, as_end):
        if x == "*":
            return None
        t = parse_ts(x)
        if as_end and DATE_RE.match(x.strip()):
            return t + 86400, False  # a date ends at the next day's start, exclusive
        return t, True

    try:
        if v.startswith(">="):
            return parse_ts(v[2:]), True, None, False
        if v.startswith("<="):
            t, incl = one(v[2:], True)
            return None, False, t, incl
        if v.startswith(">"):
            x = v[1:]
            if DATE_RE.match(x.strip()):
                return parse_ts(x) + 86400, True, None, False
            return parse_ts(x), False, None, False
        if v.startswith("<"):
            return None, False, parse_ts(v[1:]), False
        if ".." in v:
            a, b = v.split("..", 1)
            lo = None if a == "*" else parse_ts(a)
            hi = one(b, True)
            return lo, True, hi[0] if hi else None, hi[1] if hi else False
        t, incl = one(v, True)
        return parse_ts(v), True, t, incl
    except (ValueError, TypeError):
        raise invalid_query(f"The '{key}' qualifier's value '{v}' is not a valid date "
                            "(use YYYY-MM-DD or an ISO 8601 date-time).")


def in_range(t, r):
    if t is None:
        return False
    lo, loi, hi, hii = r
    if lo is not None and (t < lo or (t == lo and not loi)):
        return False
    if hi is not None and (t > hi or (t == hi and not hii)):
        return False
    return True


def login_of(v):
    return v[4:] + "[bot]" if v.lower().startswith("app/") else v


OR_MODES = ("stray", "and", "one")


def search_issues(world, q, or_mode=None):
    """Items matching q (GitHub issue-search syntax, the subset in the docstring),
    the OR misread as --or-mode says."""
    preds = []
    authors, not_authors, repos, orgs, texts = [], [], [], [], []
    in_fields = set()
    for neg, key, v in tokenize(q, keep_parens=or_mode == "stray"):
        if key is None:
            if v.upper() not in ("AND", "OR", "NOT"):
                texts.append((neg, v.lower()))
            continue
        vl = v.lower()
        p = None
        if key in ("is", "type", "state"):
            if vl in ("pr", "pull-request"):
                p = lambda it: it["is_pr"]
            elif vl == "issue":
                p = lambda it: not it["is_pr"]
            elif vl == "merged":
                p = lambda it: it["merged_ts"] is not None
            elif vl == "unmerged":
                p = lambda it: it["is_pr"] and it["state"] == "closed" and it["merged_ts"] is None
            elif vl in ("open", "closed"):
                p = (lambda s: lambda it: it["state"] == s)(vl)
            elif vl in ("public", "unlocked"):
                p = lambda it: True
            elif vl in ("private", "locked", "draft"):
                p = lambda it: False
            else:
                raise invalid_query(f"Unknown value '{v}' for the '{key}' qualifier.")
        elif key in ("author", "involves"):
            (not_authors if neg else authors).append(login_of(v).lower())
            continue
        elif key == "repo":
            if neg:
                p = (lambda x: lambda it: it["repo"]["full_name"].lower() == x)(vl)
            else:
                repos.append(vl)
                continue
        elif key in ("org", "user"):
            if neg:
                p = (lambda x: lambda it: it["repo"]["owner"].lower() == x)(vl)
            else:
                orgs.append(vl)
                continue
        elif key == "label":
            names = {x for x in vl.split(",") if x}
            p = (lambda ns: lambda it: bool(ns & it["labels_l"]))(names)
        elif key == "no":
            if vl == "label":
                p = lambda it: not it["labels"]
            else:
                p = lambda it: True  # no assignees, milestones, projects in the world
        elif key in ("merged", "created", "updated", "closed"):
            r = date_range(key, v)
            p = (lambda f, rr: lambda it: in_range(it[f], rr))(key + "_ts", r)
        elif key == "archived":
            p = (lambda b: lambda it: bool(it["repo"].get("archived")) == b)(vl == "true")
        elif key == "draft":
            p = (lambda b: lambda it: b is False)(vl == "true")
        elif key == "base":
            p = (lambda b: lambda it: it["is_pr"] and
                 it["repo"].get("default_branch", "").lower() == b)(vl)
        elif key == "in":
            in_fields.update(x for x in vl.split(",") if x)
            continue
        elif key == "comments":
            p = lambda it: True if v in ("0", "<1", "<=0", ">=0") else False
        elif key in ("sort", "language"):
            continue
        else:
            texts.append((neg, f"{key}:{v}".lower()))  # GitHub: unknown qualifier = text
            continue
        if p is not None:
            preds.append((lambda f: (lambda it: not f(it)))(p) if neg else p)
    for full in repos:
        if full not in world.repos:
            raise invalid_query("The listed users and repositories cannot be searched either "
                                "because the resources do not exist or you do not have "
                                "permission to view them.")
    for o in orgs:
        if o not in world.orgs:
            raise invalid_query("The listed users and repositories cannot be searched either "
                                "because the resources do not exist or you do not have "
                                "permission to view them.")
    scoped_orgs = set(orgs) | {world.repos[r]["org"]["login"].lower() for r in repos}

    def in_scope(it):
        if not repos and not orgs:
            return True
        R = it["repo"]
        if it["synthetic"]:  # history of the whole org: any repo of the org scopes it
            return R["owner"].lower() in scoped_orgs
        return R["full_name"].lower() in repos or R["owner"].lower() in orgs

    if or_mode == "and" and len(set(authors)) > 1:
        return []  # one author cannot be several people
    if or_mode == "one":
        authors = authors[-1:]
    if authors:
        cands = []
        for a in dict.fromkeys(authors):
            cands.extend(world.by_author.get(a, []))
            for o in (scoped_orgs or world.orgs.keys()):
                s = world.synthetic.get((o, a))
                if s is not None:
                    cands.append(s)
    elif repos and not orgs:
        cands = [it for r in dict.fromkeys(repos) for it in world.repos[r]["items"]]
    elif orgs:
        cands = [it for o in dict.fromkeys(orgs + [world.repos[r]["org"]["login"].lower()
                                                   for r in repos])
                 for R in world.orgs[o]["repos"] for it in R["items"]]
    else:
        cands = world.all_items
    fields = in_fields or {"title", "body"}
    out = []
    for it in cands:
        if not in_scope(it):
            continue
        if not_authors and it["user"].lower() in not_authors:
            continue
        if not all(p(it) for p in preds):
            continue
        if texts:
            hay = " ".join((it[f] or "") for f in ("title", "body") if f in fields).lower()
            if not all((t in hay) != neg for neg, t in texts):
                continue
        out.append(it)
    return out


def search_repos(world, q):
    preds, orgs, texts = [], [], []
    for neg, key, v in tokenize(q):
        vl = v.lower()
        p = None
        if key is None:
            texts.append(vl)
            continue
        if key == "topic":
            p = (lambda t: lambda R: t in [x.lower() for x in R.get("topics") or []])(vl)
        elif key in ("stars", "forks"):
            f = "stargazers_count" if key == "stars" else "forks_count"
            p = (lambda f, v: lambda R: num_match(R.get(f, 0) or 0, v))(f, v)
        elif key in ("created", "pushed"):
            r = date_range(key, v)
            p = (lambda f, rr: lambda R: in_range(R[f], rr))(key + "_ts", r)
        elif key == "language":
            p = (lambda x: lambda R: (R.get("language") or "").lower() == x)(vl)
        elif key in ("org", "user"):
            if vl not in world.orgs:
                raise invalid_query("The listed users cannot be searched either because the "
                                    "resources do not exist or you do not have permission to "
                                    "view them.")
            orgs.append(vl)
            continue
        elif key == "repo":
            p = (lambda x: lambda R: R["full_name"].lower() == x)(vl)
        elif key == "fork":
            p = (lambda b: lambda R: b in ("true", "only") or not R.get("fork"))(vl)
        elif key == "archived":
            p = (lambda b: lambda R: bool(R.get("archived")) == b)(vl == "true")
        elif key == "is":
            p = (lambda b: lambda R: b)(vl == "public")
        elif key in ("in", "sort"):
            continue
        else:
            texts.append(f"{key}:{vl}")
            continue
        preds.append((lambda f: lambda R: not f(R))(p) if neg else p)
    out = []
    for R in world.repos.values():
        if orgs and R["owner"].lower() not in orgs:
            continue
        if not all(p(R) for p in preds):
            continue
        hay = f"{R['name']} {R.get('description') or ''}".lower()
        if not all(t in hay for t in texts):
            continue
        out.append(R)
    return out


def num_match(n, v):
    try:
        if v.startswith(">="):
            return n >= int(v[2:])
        if v.startswith("<="):
            return n <= int(v[2:])
        if v.startswith(">"):
            return n > int(v[1:])
        if v.startswith("<"):
            return n < int(v[1:])
        if ".." in v:
            a, b = v.split("..", 1)
            return (a == "*" or n >= int(a)) and (b == "*" or n <= int(b))
        return n == int(v)
    except ValueError:
        raise invalid_query(f"The value '{v}' is not a valid number.")


# ---------------------------------------------------------------- state ----

STARTED = time.monotonic()

SETTING_KEYS = ("latency_ms", "fail_every", "secondary_every", "truncate_every", "quota",
                "search_quota", "reset_in", "search_reset_in", "retry_after")
MISREAD_KEYS = ("or_mode", "search_total", "ignore_order")


class State:
    """Mutable server state: settings, request counter, log, rate-limit buckets."""

    def __init__(self, args):
        self.lock = threading.Lock()
        self.settings = {k: getattr(args, k) for k in SETTING_KEYS + MISREAD_KEYS}
        self.token = args.token
        self.prefix = (args.prefix or "").rstrip("/")
        self.files_dir = os.path.abspath(args.files) if args.files else None
        self.log_path = args.log
        self.n = 0
        self.in_flight = 0
        self.log = []
        self.cycle = {"5xx": 0, "secondary": 0}
        self.buckets = {}
        self.last_activity = time.monotonic()

    def next_request(self):
        """Number the API request and decide its fault (by number only)."""
        with self.lock:
            self.n += 1
            n, s = self.n, self.settings
            fault = None
            if s["fail_every"] and n % s["fail_every"] == 0:
                self.cycle["5xx"] += 1
                fault = ("5xx", (502, 500, 503)[(self.cycle["5xx"] - 1) % 3])
            elif s["secondary_every"] and n % s["secondary_every"] == 0:
                self.cycle["secondary"] += 1
                fault = ("secondary", 403) if self.cycle["secondary"] % 2 else ("429", 429)
            elif s["truncate_every"] and n % s["truncate_every"] == 0:
                fault = ("truncate", 200)
            return n, fault, s["latency_ms"], s["retry_after"], self.in_flight

    def _bucket(self, ident, resource, now):
        s = self.settings
        if resource == "search":
            limit = s["search_quota"] if s["search_quota"] is not None else 30
            window = s["search_reset_in"]
        else:
            limit = s["quota"] if s["quota"] is not None else (5000 if ident == "auth" else 60)
            window = s["reset_in"]
        b = self.buckets.setdefault((ident, resource), {"used": 0, "start": None})
        if b["start"] is not None and now >= b["start"] + window:
            b["used"], b["start"] = 0, None
        return b, limit, window

    def rate_info(self, ident, resource):
        with self.lock:
            now = time.time()
            b, limit, window = self._bucket(ident, resource, now)
            start = b["start"] if b["start"] is not None else now
            return {"limit": limit, "remaining": max(0, limit - b["used"]),
                    "reset": int(math.ceil(start + window)), "used": b["used"],
                    "resource": resource}

    def charge(self, ident, resource, consume):
        """Check the bucket and, if consume, use one request. Returns (ok, headers info)."""
        with self.lock:
            now = time.time()
            b, limit, window = self._bucket(ident, resource, now)
            ok = b["used"] < limit
            if ok and consume:
                b["used"] += 1
                if b["start"] is None:
                    b["start"] = now
            start = b["start"] if b["start"] is not None else now
            return ok, {"limit": limit, "remaining": max(0, limit - b["used"]),
                        "reset": int(math.ceil(start + window)), "used": b["used"],
                        "resource": resource}

    def record(self, rec):
        line = json.dumps(rec, ensure_ascii=False)
        with self.lock:
            self.log.append(rec)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(line + "\n")

    def control(self, body):
        with self.lock:
            for k, v in body.items():
                if k in SETTING_KEYS:
                    if v is not None and (not isinstance(v, (int, float)) or isinstance(v, bool)
                                          or v < 0):
                        raise ValueError(f"{k}: expected a number >= 0")
                    if v is None and k not in ("quota", "search_quota"):
                        raise ValueError(f"{k}: expected a number >= 0")
                    self.settings[k] = v
                elif k == "or_mode":
                    if v is not None and v not in OR_MODES:
                        raise ValueError(f"or_mode: expected null or one of {', '.join(OR_MODES)}")
                    self.settings[k] = v
                elif k == "search_total":
                    if v is not None and (not isinstance(v, int) or isinstance(v, bool)):
                        raise ValueError("search_total: expected null or an integer")
                    self.settings[k] = v
                elif k == "ignore_order":
                    if not isinstance(v, bool):
                        raise ValueError("ignore_order: expected true or false")
                    self.settings[k] = v
                elif k == "reset_log":
                    if v:
                        self.log = []
                        self.n = 0
                        self.cycle = {"5xx": 0, "secondary": 0}
                elif k == "reset_quota":
                    if v:
                        self.buckets = {}
                else:
                    raise ValueError(f"unknown key '{k}'")
            return dict(self.settings)


# -------------------------------------------------------------- handler ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 120

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def version_string(self):
        return "GitHub.com"

    def do_GET(self):
        self.dispatch("GET")

    def do_HEAD(self):
        self.dispatch("HEAD")

    def do_POST(self):
        self.dispatch("POST")

    def do_PUT(self):
        self.dispatch("PUT")

    def do_PATCH(self):
        self.dispatch("PATCH")

    def do_DELETE(self):
        self.dispatch("DELETE")

    # -- plumbing --

    def send(self, status, body, headers=(), ctype="application/json; charset=utf-8"):
        self.send_response(status)
        if status != 304:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        # Headers and body in one write (with TCP_NODELAY, see setup): two
        # writes would wait on the client's delayed ACK, ~40 ms per answer.
        self._headers_buffer.append(b"\r\n")
        if status != 304 and body and self.command != "HEAD":
            self._headers_buffer.append(body)
        self.flush_headers()

    def dispatch(self, method):
        st = self.server.state
        st.last_activity = time.monotonic()
        n = int(self.headers.get("Content-Length") or 0)
        body_in = self.rfile.read(n) if n > 0 else b""
        split = urlsplit(self.path)
        path, raw_q = split.path, split.query
        self.raw_path = path  # Link URLs repeat the path as requested, prefix included
        api_path, outside = path, False
        if st.prefix:
            if path == st.prefix or path.startswith(st.prefix + "/"):
                api_path = path[len(st.prefix):] or "/"
            else:
                outside = True  # nothing but the control paths is served there
        try:
            if api_path in ("/_log", "/_control"):
                return self.control(method, api_path, body_in)
            if path.startswith("/_files/"):
                return self.static_file(method, path[len("/_files/"):])
            with st.lock:
                st.in_flight += 1
            try:
                self.api(method, api_path, raw_q, outside)
            finally:
                with st.lock:
                    st.in_flight -= 1
        except BrokenPipeError:
            pass
        except Exception as e:  # never die on a request; answer 500 and say why
            import traceback
            traceback.print_exc()
            try:
                self.send(500, dumps({"message": f"fake_github internal error: {e}"}).encode())
            except Exception:
                pass

    def static_file(self, method, rel):
        """--files DIR: documents such as feeds, with ETag/304 like any web
        server; logged with resource "files" (not API requests: no quota,
        no faults)."""
        st = self.server.state
        rec = {"n": 0, "method": method, "path": "/_files/" + rel, "query": {}, "status": None,
               "conditional": self.headers.get("If-None-Match") is not None,
               "auth": self.headers.get("Authorization") is not None, "resource": "files",
               "fault": None}
        full = os.path.abspath(os.path.join(st.files_dir or "/nonexistent", rel))
        if (not st.files_dir or not full.startswith(st.files_dir + os.sep) or
                not os.path.isfile(full) or method != "GET"):
            rec["status"] = 404
            st.record(rec)
            return self.send(404, b"not found", (), "text/plain")
        with open(full, "rb") as f:
            data = f.read()
        etag = 'W/"%s"' % hashlib.sha1(data).hexdigest()
        ext = os.path.splitext(full)[1].lower()
        ctype = {".json": "application/feed+json", ".atom": "application/atom+xml",
                 ".rss": "application/rss+xml"}.get(ext, "application/xml")
        if etag_match(self.headers.get("If-None-Match"), etag):
            rec["status"] = 304
            st.record(rec)
            return self.send(304, b"", [("ETag", etag)], ctype)
        rec["status"] = 200
        st.record(rec)
        return self.send(200, data, [("ETag", etag)], ctype)

    def control(self, method, path, body_in):
        st = self.server.state
        if path == "/_log" and method == "GET":
            with st.lock:
                data = dumps(st.log)
            return self.send(200, data.encode())
        if path == "/_control" and method == "GET":
            with st.lock:
                return self.send(200, dumps(st.settings).encode())
        if path == "/_control" and method == "POST":
            try:
                req = json.loads(body_in or b"{}")
                if not isinstance(req, dict):
                    raise ValueError("expected a JSON object")
                settings = st.control(req)
            except ValueError as e:
                return self.send(400, dumps({"message": f"/_control: {e}"}).encode())
            return self.send(200, dumps(settings).encode())
        return self.send(405, dumps({"message": "Method Not Allowed"}).encode())

    def auth(self):
        """(authenticated, ok): who is asking and whether the credentials are good."""
        st = self.server.state
        h = self.headers.get("Authorization")
        if h is None:
            return False, True
        if st.token is None:
            return True, True
        parts = h.split(None, 1)
        if (len(parts) == 2 and parts[0].lower() in ("bearer", "token")
                and parts[1].strip() == st.token):
            return True, True
        return False, False

    def api(self, method, path, raw_q, outside_prefix):
        st = self.server.state
        world = self.server.world
        qlist = parse_qsl(raw_q, keep_blank_values=True)
        query = {}
        for k, v in qlist:
            if k in query:
                query[k] = (query[k] if isinstance(query[k], list) else [query[k]]) + [v]
            else:
                query[k] = v
        q1 = {}
        for k, v in qlist:
            q1.setdefault(k, v)
        authed, cred_ok = self.auth()
        ident = "auth" if authed else "anon"
        conditional = self.headers.get("If-None-Match") is not None
        resource = "search" if path.startswith("/search/") else "core"

        if path == "/rate_limit" and method in ("GET", "HEAD") and not outside_prefix:
            if not cred_ok:
                return self.send(401, dumps({"message": "Bad credentials",
                                             "documentation_url": DOC}).encode(),
                                 self.rl_headers(st.rate_info("anon", "core")))
            core = st.rate_info(ident, "core")
            search = st.rate_info(ident, "search")
            strip = lambda d: {k: d[k] for k in ("limit", "remaining", "reset", "used")}
            body = dumps({"resources": {
                "core": strip(core), "search": strip(search),
                "graphql": {"limit": 5000 if authed else 0, "remaining": 5000 if authed else 0,
                            "reset": core["reset"], "used": 0}},
                "rate": strip(core)}).encode()
            return self.send(200, body, self.rl_headers(core) + [
                ("ETag", 'W/"%s"' % hashlib.sha1(body).hexdigest()),
                ("Cache-Control", "no-cache")])

        n, fault, latency_ms, retry_after, in_flight = st.next_request()
        rec = {"n": n, "method": method, "path": path, "query": query, "status": None,
               "conditional": conditional, "auth": authed, "resource": resource, "fault": None,
               "in_flight": in_flight, "arrived_ms": round((time.monotonic() - STARTED) * 1000, 1)}
        if latency_ms:
            time.sleep(latency_ms / 1000.0)
        try:
            if not cred_ok:
                info = st.rate_info("anon", resource)
                body = dumps({"message": "Bad credentials", "documentation_url": DOC})
                return self.finish_api(rec, 401, body.encode(), self.rl_headers(info))
            if fault and fault[0] == "5xx":
                rec["fault"] = "5xx"
                info = st.rate_info(ident, resource)
                code = fault[1]
                if code == 500:
                    body = dumps({"message": "Server Error"}).encode()
                    return self.finish_api(rec, 500, body, self.rl_headers(info))
                title = "502 Bad Gateway" if code == 502 else "503 Service Unavailable"
                body = (f"<html><body><h1>{title}</h1>No server is available to handle "
                        "this request.</body></html>\n").encode()
                return self.finish_api(rec, code, body, self.rl_headers(info),
                                       ctype="text/html; charset=utf-8")
            if fault and fault[0] in ("secondary", "429"):
                rec["fault"] = fault[0]
                info = st.rate_info(ident, resource)
                body = dumps({"message": "You have exceeded a secondary rate limit. Please wait "
                              "a few minutes before you try again.",
                              "documentation_url": DOC_SECONDARY}).encode()
                ra = retry_after
                ra = str(int(ra)) if float(ra) == int(ra) else str(ra)
                return self.finish_api(rec, fault[1], body,
                                       [("Retry-After", ra)] + self.rl_headers(info))

            extra = []
            try:
                if method not in ("GET", "HEAD") or outside_prefix:
                    raise not_found()
                misread = {k: st.settings[k] for k in MISREAD_KEYS}
                status, body, extra = route(world, path, q1, raw_q, self.link_base(path), misread)
            except ApiError as e:
                status, body = e.status, dumps(e.body)
            body = body.encode()
            etag = 'W/"%s"' % hashlib.sha1(body).hexdigest() if status == 200 else None
            not_modified = (status == 200 and conditional
                            and etag_match(self.headers.get("If-None-Match"), etag))
            ok, info = st.charge(ident, resource, consume=not not_modified)
            if not ok:
                rec["fault"] = "exhausted"
                msg = ("API rate limit exceeded for user ID 1." if authed else
                       "API rate limit exceeded for 127.0.0.1. (But here's the good news: "
                       "Authenticated requests get a higher rate limit. Check out the "
                       "documentation for more details.)")
                body = dumps({"message": msg, "documentation_url": DOC_RATE}).encode()
                return self.finish_api(rec, 403, body, self.rl_headers(info))
            headers = self.rl_headers(info) + extra
            if etag:
                headers.append(("ETag", etag))
                headers.append(("Cache-Control", "no-cache" if resource == "search"
                                else "private, max-age=60, s-maxage=60"))
                headers.append(("Vary", "Accept, Authorization, Cookie, X-GitHub-OTP"))
            if not_modified:
                return self.finish_api(rec, 304, b"", headers)
            if fault and fault[0] == "truncate" and status == 200:
                rec["fault"] = "truncate"
                body = body[:len(body) // 2]
            return self.finish_api(rec, status, body, headers)
        finally:
            if rec["status"] is None:
                rec["status"] = 500
                st.record(rec)

    def finish_api(self, rec, status, body, headers, ctype="application/json; charset=utf-8"):
        rec["status"] = status
        rec["answered_ms"] = round((time.monotonic() - STARTED) * 1000, 1)
        self.server.state.record(rec)
        headers = list(headers) + [("X-GitHub-Media-Type", "github.v3; format=json"),
                                   ("X-GitHub-Request-Id", "FAKE:%08X" % rec["n"])]
        self.send(status, body, headers, ctype)

    @staticmethod
    def rl_headers(info):
        return [("X-RateLimit-Limit", str(info["limit"])),
                ("X-RateLimit-Remaining", str(info["remaining"])),
                ("X-RateLimit-Reset", str(info["reset"])),
                ("X-RateLimit-Used", str(info["used"])),
                ("X-RateLimit-Resource", info["resource"])]

    def link_base(self, path):
        return f"{self.server.base_url}{self.raw_path}"


def etag_match(header, etag):
    if header is None or etag is None:
        return False
    want = etag[2:] if etag.startswith("W/") else etag
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*":
            return True
        if (tag[2:] if tag.startswith("W/") else tag) == want:
            return True
    return False


# --------------------------------------------------------------- routes ----

def int_param(q, name, default):
    try:
        return int(q.get(name, default))
    except (TypeError, ValueError):
        return default


def page_params(q):
    """(per_page, page) as GitHub takes them: default 30, at most 100, page from 1."""
    per_page = int_param(q, "per_page", 30)
    if per_page < 1:
        per_page = 30
    return min(per_page, 100), max(1, int_param(q, "page", 1))


def paginate(q, raw_q, link_base, items, cap=None):
    """Slice items for per_page/page; returns (page items, extra headers)."""
    per_page, page = page_params(q)
    reachable = len(items) if cap is None else min(len(items), cap)
    last = max(1, -(-reachable // per_page))
    start = (page - 1) * per_page
    chunk = items[start:min(start + per_page, reachable)] if start < reachable else []
    links = []

    def url(p):
        parts = [x for x in raw_q.split("&") if x] if raw_q else []
        done = False
        for i, x in enumerate(parts):
            if x.split("=", 1)[0] == "page":
                parts[i] = f"page={p}"
                done = True
        if not done:
            parts.append(f"page={p}")
        return f"<{link_base}?{'&'.join(parts)}>"

    if reachable > 0 or page > 1:
        if page > 1:
            links.append(f'{url(page - 1)}; rel="prev"')
        if page < last:
            links.append(f'{url(page + 1)}; rel="next"')
            links.append(f'{url(last)}; rel="last"')
        if page > 1:
            links.append(f'{url(1)}; rel="first"')
    return chunk, ([("Link", ", ".join(links))] if links else [])


def json_list(strings):
    return "[" + ",".join(strings) + "]"


def sort_items(items, field, desc):
    return sorted(items, key=lambda it: (it[field], it["number"]), reverse=desc)


SORT_FIELDS = {"created": "created_ts", "updated": "updated_ts"}


def route(world, path, q, raw_q, link_base, misread=None):
    """GET path -> (status, JSON text, extra headers); raises ApiError."""
    seg = [unquote(s) for s in path.split("/")[1:]]
    if not seg or path.endswith("/") and path != "/":
        raise not_found()
    if len(seg) == 2 and seg[0] == "orgs":
        return 200, dumps(world.org_obj(world.org(seg[1]))), []
    if len(seg) == 3 and seg[0] == "orgs" and seg[2] == "repos":
        o = world.org(seg[1])
        typ = q.get("type", "all")
        repos = [R for R in o["repos"]
                 if typ in ("all", "public", "member")
                 or (typ == "sources" and not R.get("fork"))
                 or (typ == "forks" and R.get("fork"))]
        sort = q.get("sort", "created")
        direction = q.get("direction", "asc" if sort == "full_name" else "desc")
        keyf = {"full_name": lambda R: R["full_name"].lower(),
                "updated": lambda R: R["pushed_ts"], "pushed": lambda R: R["pushed_ts"]}.get(
            sort, lambda R: R["created_ts"])
        repos = sorted(repos, key=lambda R: (keyf(R), R["full_name"].lower()),
                       reverse=direction == "desc")
        chunk, hdr = paginate(q, raw_q, link_base, repos)
        return 200, json_list(world.repo_obj(R) for R in chunk), hdr
    if len(seg) == 2 and seg[0] == "users":
        return 200, dumps(world.user_full(seg[1])), []
    if len(seg) == 2 and seg[0] == "search":
        return search_route(world, seg[1], q, raw_q, link_base, misread)
    if len(seg) < 3 or seg[0] != "repos":
        raise not_found()
    R = world.repo(seg[1], seg[2])
    rest = seg[3:]
    if not rest:
        d = world.repo_dict(R)
        d["organization"] = world.org_user_obj(R["org"])
        d["network_count"] = 0
        d["subscribers_count"] = 0
        return 200, dumps(d), []
    what = rest[0]
    if what == "releases":
        if len(rest) == 1:
            chunk, hdr = paginate(q, raw_q, link_base, R["releases"])
            return 200, dumps([world.release_dict(R, r) for r in chunk]), hdr
        if rest[1:] == ["latest"]:
            for r in R["releases"]:
                if not r.get("draft") and not r.get("prerelease"):
                    return 200, dumps(world.release_dict(R, r)), []
            raise not_found()
        if len(rest) == 3 and rest[1] == "tags":
            for r in R["releases"]:
                if r["tag_name"] == rest[2]:
                    return 200, dumps(world.release_dict(R, r)), []
            raise not_found()
        if len(rest) == 2 and rest[1].isdigit():
            for r in R["releases"]:
                if r["id"] == int(rest[1]):
                    return 200, dumps(world.release_dict(R, r)), []
        raise not_found()
    if what in ("pulls", "issues") and len(rest) == 2 and rest[1].isdigit():
        num = int(rest[1])
        it = R["by_number"].get(num) or R["synthetic"].get(num)
        if it is None or (what == "pulls" and not it["is_pr"]):
            raise not_found()
        return 200, world.cached("pullfull" if what == "pulls" else "issue", it), []
    if len(rest) != 1:
        raise not_found()
    if what == "security-advisories":
        # state (triage|draft|published|closed), sort (created|updated|published,
        # default created), direction (default desc), per_page/page.
        state = q.get("state")
        if state and state not in ("triage", "draft", "published", "closed"):
            raise ApiError(422, {"message": "Validation Failed", "documentation_url": DOC})
        sort = q.get("sort", "created")
        if sort not in ("created", "updated", "published"):
            raise ApiError(422, {"message": "Validation Failed", "documentation_url": DOC})
        advs = [world.advisory_dict(R, a) for a in R["advisories"]]
        advs = [a for a in advs if not state or a["state"] == state]
        advs.sort(key=lambda a: (a[sort + "_at"] or "", a["ghsa_id"]), reverse=q.get("direction", "desc") == "desc")
        chunk, hdr = paginate(q, raw_q, link_base, advs)
        return 200, dumps(chunk), hdr
    if what == "pulls":
        state = q.get("state", "open")
        sort = q.get("sort", "created")
        direction = q.get("direction", "desc" if sort == "created" else "asc")
        base, head = q.get("base"), q.get("head")
        items = [it for it in R["items"] if it["is_pr"]
                 and (state == "all" or it["state"] == state)
                 and (not base or R.get("default_branch", "").lower() == base.lower())
                 and (not head or f"{it['user']}:pr-{it['number']}".lower() == head.lower())]
        field = "updated_ts" if sort == "updated" else "created_ts"
        items = sort_items(items, field, direction == "desc")
        chunk, hdr = paginate(q, raw_q, link_base, items)
        return 200, json_list(world.cached("pull", it) for it in chunk), hdr
    if what == "issues":
        state = q.get("state", "open")
        sort = q.get("sort", "created")
        direction = q.get("direction", "desc")
        labels = {x.strip().lower() for x in q.get("labels", "").split(",") if x.strip()}
        creator = (q.get("creator") or "").lower()
        since = None
        if q.get("since"):
            try:
                since = parse_ts(q["since"])
            except ValueError:
                raise ApiError(422, {"message": "Validation Failed",
                                     "errors": [{"resource": "Issue", "field": "since",
                                                 "code": "invalid"}],
                                     "documentation_url": DOC})
        items = [it for it in R["items"]
                 if (state == "all" or it["state"] == state)
                 and labels <= it["labels_l"]
                 and (not creator or it["user"].lower() == creator)
                 and (since is None or it["updated_ts"] >= since)
                 and q.get("assignee") != "*" and q.get("milestone") != "*"]
        items = sort_items(items, SORT_FIELDS.get(sort, "created_ts"), direction == "desc")
        chunk, hdr = paginate(q, raw_q, link_base, items)
        return 200, json_list(world.cached("issue", it) for it in chunk), hdr
    if what == "contributors":
        counts = {}
        for it in R["items"]:
            if it["is_pr"] and it["merged_ts"] is not None:
                counts[it["user"]] = counts.get(it["user"], 0) + 1
        lower = {k.lower(): k for k in counts}
        for login in R["org"].get("prior", []):
            k = lower.get(login.lower(), login)
            counts[k] = counts.get(k, 0) + 1
        order = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
        chunk, hdr = paginate(q, raw_q, link_base, order)
        out = []
        for login, c in chunk:
            d = world.user_obj(login)
            d["contributions"] = c
            out.append(d)
        return 200, dumps(out), hdr
    raise not_found()


_search_memo = {}
_search_memo_lock = threading.Lock()


def sorted_search(world, query, sort, order, or_mode=None):
    """search_issues, sorted, memoised per (world, query, sort, order, or_mode):
    the world never changes, and clients page through the same query."""
    key = (id(world), query, sort, order, or_mode)
    with _search_memo_lock:
        hit = _search_memo.get(key)
    if hit is not None:
        return hit
    items = search_issues(world, query, or_mode)
    field = {"created": "created_ts", "updated": "updated_ts"}.get(sort, "created_ts")
    items.sort(key=lambda it: (it[field], it["repo"]["full_name"].lower(), it["number"]),
               reverse=order != "asc")
    with _search_memo_lock:
        if len(_search_memo) > 4096:
            _search_memo.clear()
        _search_memo[key] = items
    return items


def search_route(world, kind, q, raw_q, link_base, misread=None):
    if kind not in ("issues", "repositories"):
        raise not_found()
    query = q.get("q")
    if not query or not query.strip():
        raise ApiError(422, {"message": "Validation Failed",
                             "errors": [{"resource": "Search", "field": "q",
                                         "code": "missing"}],
                             "documentation_url": DOC_SEARCH})
    per_page, page = page_params(q)
    if (page - 1) * per_page >= SEARCH_CAP:
        raise ApiError(422, {"message": "Only the first 1000 search results are available",
                             "documentation_url": DOC_SEARCH})
    order = q.get("order", "desc")
    sort = q.get("sort")
    if kind == "issues":
        misread = misread or {}
        if misread.get("ignore_order"):
            order = "asc"
        items = sorted_search(world, query, sort, order, misread.get("or_mode"))
        chunk, hdr = paginate(q, raw_q, link_base, items, cap=SEARCH_CAP)
        total = misread.get("search_total")
        body = ('{"total_count":%d,"incomplete_results":false,"items":%s}'
                % (len(items) if total is None else total,
                   json_list(world.cached("search", it) for it in chunk)))
        return 200, body, hdr
    repos = search_repos(world, query)
    if sort == "updated":
        keyf = lambda R: (R["pushed_ts"], R["full_name"].lower())
    elif sort == "forks":
        keyf = lambda R: (R.get("forks_count", 0), R["full_name"].lower())
    else:
        keyf = lambda R: (R.get("stargazers_count", 0), R["full_name"].lower())
    repos.sort(key=keyf, reverse=order != "asc")
    chunk, hdr = paginate(q, raw_q, link_base, repos, cap=SEARCH_CAP)
    parts = [world.repo_obj(R)[:-1] + ',"score":1.0}' for R in chunk]
    body = ('{"total_count":%d,"incomplete_results":false,"items":%s}'
            % (len(repos), json_list(parts)))
    return 200, body, hdr


# ----------------------------------------------------------------- main ----

class Server(ThreadingHTTPServer):
    daemon_threads = True  # open keep-alive connections must not block exit
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients that hang up (timeouts, retries) are normal here, not errors.
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Fake GitHub REST API serving a world JSON.")
    ap.add_argument("--world", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--log")
    ap.add_argument("--token")
    ap.add_argument("--latency-ms", dest="latency_ms", type=float, default=0)
    ap.add_argument("--fail-every", dest="fail_every", type=int, default=0)
    ap.add_argument("--secondary-every", dest="secondary_every", type=int, default=0)
    ap.add_argument("--truncate-every", dest="truncate_every", type=int, default=0)
    ap.add_argument("--quota", type=int, default=None)
    ap.add_argument("--search-quota", dest="search_quota", type=int, default=None)
    ap.add_argument("--reset-in", dest="reset_in", type=float, default=3600)
    ap.add_argument("--search-reset-in", dest="search_reset_in", type=float, default=60)
    ap.add_argument("--retry-after", dest="retry_after", type=float, default=1)
    ap.add_argument("--prefix", default="")
    ap.add_argument("--now")
    ap.add_argument("--max-idle", dest="max_idle", type=float, default=600)
    ap.add_argument("--files", help="serve the files of this directory under /_files/")
    ap.add_argument("--or-mode", dest="or_mode", choices=OR_MODES, default=None)
    ap.add_argument("--search-total", dest="search_total", type=int, default=None)
    ap.add_argument("--ignore-order", dest="ignore_order", action="store_true")
    args = ap.parse_args(argv)
    # Handlers first, so a signal during the world's loading is not lost.
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    if args.prefix and not args.prefix.startswith("/"):
        ap.error("--prefix must start with '/'")
    try:
        with open(args.world, encoding="utf-8") as f:
            data = json.load(f)
        if args.now:
            parse_ts(args.now)
    except (OSError, ValueError) as e:
        print(f"fake_github: {args.world}: {e}", file=sys.stderr)
        return 2

    server = Server(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    prefix = args.prefix.rstrip("/")
    server.base_url = f"http://127.0.0.1:{port}"
    try:
        server.world = World(data, args.now, f"http://127.0.0.1:{port}{prefix}")
    except (KeyError, TypeError, ValueError) as e:
        print(f"fake_github: {args.world}: bad world: {e!r}", file=sys.stderr)
        return 2
    server.state = State(args)
    t = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                         daemon=True)
    t.start()
    if args.port_file:
        tmp = f"{args.port_file}.tmp{os.getpid()}"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"listening on http://127.0.0.1:{port}", flush=True)
    while not stop.wait(0.25):
        if time.monotonic() - server.state.last_activity > args.max_idle:
            print(f"fake_github: idle for {args.max_idle:g} s, exiting", file=sys.stderr)
            break
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
