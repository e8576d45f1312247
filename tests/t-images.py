"""Images are cosmetic. With --publish wechat and the poster, an avatar host
that refuses connections (port 1) is not retried: the run takes about as
long as one whose avatars load (the retries used to cost ~50 s), each avatar
URL is requested once in the run (the poster and the draft both want it:
the second ask sends nothing and warns the same), the poster draws initials,
the draft leaves the avatars out, and the issue is published (exit 0).
Avatars that load are requested once too (the store keeps them)."""
import json, os, re, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402
from fake_wechat import FakeWeChat  # noqa: E402

APPID, SECRET = "wxTESTAPPID", "S3cretValue"
ENV = {"WECHAT_APPID": APPID, "WECHAT_SECRET": SECRET,
       "DIGEST_RETRY_BASE_MS": "500"}  # the real backoff: retries would show in the time


def requested(stderr, url):
    """How many times -v says `url` was sent ("GET URL -> STATUS ...")."""
    return len(re.findall(r"^digest: GET %s -> " % re.escape(url), stderr, re.M))


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json")) as gh:
    wxs = FakeWeChat(APPID, SECRET)

    def run(avatar_url):
        ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                       extra='community = "KubeSphere"\n[trends]\nweeks = 0\n[images]\nposter = true\navatar_url = "%s"\n'
                             '[wechat]\napi_url = "%s"\n' % (avatar_url, wxs.url))
        t = time.time()
        p = ws.run("--week", "2021-W49", "--publish", "wechat", "--format", "md,html,json", "-v", env=ENV)
        secs = time.time() - t
        logins = []
        try:
            logins = [n["login"] for n in ws.model("community-2021-W49.json")["new_contributors"]]
        except (OSError, ValueError, KeyError):
            pass
        ws.close()
        return p, secs, logins

    p0, base, logins = run(wxs.url + "/_avatar/{login}.png")
    check(p0.returncode == 0 and logins, "avatars that load: published (%d, %d new contributors): %s" %
          (p0.returncode, len(logins), p0.stderr[-400:]))
    counts = {l: requested(p0.stderr, "%s/_avatar/%s.png" % (wxs.url, l)) for l in logins}
    check(counts and all(c == 1 for c in counts.values()), "each avatar that loads is requested once: %s" % counts)

    drafts = len(wxs.state()["drafts"])
    p1, secs, logins1 = run("http://127.0.0.1:1/{login}.png")
    check(p1.returncode == 0, "a refused avatar host: still published, exit 0 (%d): %s" %
          (p1.returncode, p1.stderr[-400:]))
    check(len(wxs.state()["drafts"]) == drafts and "wechat draft updated" in p1.stdout,
          "the issue's draft was found by its title and updated, none added")
    check(secs < base + 10, "a refused avatar host costs no retries: %.1f s, %.1f s with avatars" % (secs, base))
    counts = {l: requested(p1.stderr, "http://127.0.0.1:1/%s.png" % l) for l in logins1}
    check(counts and all(c == 1 for c in counts.values()),
          "each refused avatar URL is requested once (poster and draft): %s" % counts)
    check("retrying" not in "".join(l for l in p1.stderr.splitlines() if "127.0.0.1:1/" in l),
          "no retry of a refused avatar")
    for l in logins1:
        poster = re.search(r"avatar of @%s: .*127\.0\.0\.1:1/%s\.png: ([^\n]*)" % (re.escape(l), re.escape(l)),
                           p1.stderr)
        draft = re.search(r"image \S+ left out of the draft: .*127\.0\.0\.1:1/%s\.png: ([^\n]*)" % re.escape(l),
                          p1.stderr)
        check(poster and draft and "connect" in poster.group(1).lower() and
              draft.group(1) == poster.group(1).replace(" (drawn as an initial on the poster)", ""),
              "@%s: the poster and the draft give the same warning: %s / %s" %
              (l, poster and poster.group(1), draft and draft.group(1)))
    wxs.close()
done()
