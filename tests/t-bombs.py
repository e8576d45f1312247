"""Image bombs served by a loopback avatar host (tests/bombs.py): a run with
the poster, and a run publishing to tests/fake_wechat.py (the draft's
avatars), each with --timeout 20, end within the timeout plus 10 s, with
a peak RSS under 1 GiB (the digest and every process it started), exit 0 or
3, the issue written, a warning naming each refused avatar, and no bomb kept
in the state store. Bombs kept by an older digest are not used: a run drops
them and fetches again. Logins are percent-encoded in the avatar URL. And
300 new contributors render: the poster is capped (119 people and "+181")
under 4096 px. DIGEST_BIN=build/rel-img/digest runs it against a release
build (where the child's RLIMIT_AS applies)."""
import json, os, re, resource, shutil, sqlite3, struct, subprocess, sys, tempfile, threading, time, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402
from fake_wechat import FakeWeChat  # noqa: E402
import bombs  # noqa: E402

TIMEOUT = 20
GIB = 1 << 30
APPID, SECRET = "wxTESTAPPID", "S3cretValue"
WEEK = "2021-W49"
ODD_LOGIN = "odd%2F..%2Fname"      # a hostile GitHub's login: must reach the avatar host encoded


def good_png(w=48, h=48, rgb=(30, 160, 90)):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + bombs.chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            bombs.chunk(b"IDAT", zlib.compress(raw)) + bombs.chunk(b"IEND", b""))


GOOD = good_png()
BOMBS = {name: make() for name, make in bombs.BOMBS.items()}
BOMB_LOGINS = {"bomb-" + re.sub(r"[^a-z0-9]+", "-", name.rsplit(".", 1)[0]): name for name in BOMBS}


class ImageHost:
    """An avatar host on 127.0.0.1: /a/<login>.img is BOMBS[serve[login]], or a good PNG."""

    def __init__(self):
        self.serve, self.paths = {}, []
        host = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                host.paths.append(self.path)
                m = re.match(r"^/a/(.+)\.img$", self.path)
                name = host.serve.get(m.group(1)) if m else None
                body = BOMBS[name] if name else GOOD
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.srv.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.srv.server_address[1]
        threading.Thread(target=self.srv.serve_forever, daemon=True).start()

    def close(self):
        self.srv.shutdown()
        self.srv.server_close()


def world_with(new_logins, path):
    """The kubesphere world with each of `new_logins` merging a first pull in the week."""
    w = json.load(open(os.path.join(WORLDS, "kubesphere.json")))
    repo = w["repos"][0]
    for i, login in enumerate(new_logins):
        w["users"][login] = {"login": login, "id": 700000 + i, "type": "User", "name": None,
                             "html_url": "https://github.com/" + login,
                             "avatar_url": "https://avatars.example.invalid/u/%d" % (700000 + i)}
        day, minute = 7 + i % 5, i % 600
        t = "2021-12-%02dT%02d:%02d:00Z" % (day, 1 + minute // 60, minute % 60)
        repo["pulls"].insert(0, {"number": 90000 + i, "title": "first change %d" % i, "body": "", "user": login,
                                 "state": "closed", "created_at": t, "updated_at": t, "closed_at": t,
                                 "merged_at": t, "labels": [],
                                 "html_url": "https://github.com/%s/pull/%d" % (repo["full_name"], 90000 + i),
                                 "author_association": "FIRST_TIME_CONTRIBUTOR"})
    with open(path, "w") as f:
        json.dump(w, f)
    return path


def run(ws, *args, env=None, limit=120):
    """Run digest in `ws`; (returncode, stdout, stderr, seconds, peak RSS in bytes of
    the digest and the processes it started: wait4's rusage of the child)."""
    e = dict(os.environ)
    e.pop("GITHUB_TOKEN", None)
    e.pop("GH_TOKEN", None)
    e.setdefault("DIGEST_RETRY_BASE_MS", "20")
    e.update(env or {})
    out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
    t0 = time.time()
    p = subprocess.Popen([DIGEST, "--config", ws.config] + list(args), stdout=out, stderr=err, env=e)
    timer = threading.Timer(limit, p.kill)
    timer.start()
    _, status, usage = os.wait4(p.pid, 0)
    timer.cancel()
    p.returncode = os.waitstatus_to_exitcode(status)
    secs = time.time() - t0
    out.seek(0)
    err.seek(0)
    return p.returncode, out.read().decode(errors="replace"), err.read().decode(errors="replace"), secs, \
        usage.ru_maxrss * 1024


def kept_images(ws):
    db = os.path.join(ws.state, "digest.sqlite3")
    if not os.path.exists(db):
        return {}
    with sqlite3.connect(db) as c:
        return {k: bytes(v) for k, v in c.execute("SELECT key, value FROM kept WHERE ns = 'image'")}


def png_size(path):
    b = open(path, "rb").read(24)
    return struct.unpack(">II", b[16:24]) if b[:8] == b"\x89PNG\r\n\x1a\n" else (0, 0)


def check_run(what, rc, stderr, secs, rss, ws, md):
    check(rc in (0, 3), "%s: exit 0 or 3, not 1 (%d)" % (what, rc), stderr[-1500:])
    check(os.path.exists(os.path.join(ws.out, md)), "%s: the issue is written (%s)" % (what, md))
    check(secs < TIMEOUT + 10, "%s: ends within --timeout %d + 10 s: %.1f s" % (what, TIMEOUT, secs))
    check(0 < rss < GIB, "%s: peak RSS under 1 GiB: %.0f MiB" % (what, rss / 2**20))
    print("# %s: %.1f s, peak RSS %.0f MiB (%s)" % (what, secs, rss / 2**20, os.path.basename(DIGEST)))


def no_bomb_kept(what, ws):
    """No bomb's bytes in the store, nor anything under a bomb's URL while the host serves bombs."""
    kept = kept_images(ws)
    bad = [k for k, v in kept.items() if v in BOMBS.values() or
           (host.serve and any(k.endswith("/a/%s.img" % l) and v for l in BOMB_LOGINS))]
    check(not bad, "%s: no bomb kept in the store (%d images kept)" % (what, len(kept)), "\n".join(bad))
    return kept


tmp = tempfile.mkdtemp(prefix="dg-bombs-")
host = ImageHost()
host.serve.update(BOMB_LOGINS)
logins = sorted(BOMB_LOGINS) + ["fine-one", ODD_LOGIN]
avatar_url = host.url + "/a/{login}.img"
md = "community-%s.md" % WEEK
try:
    with FakeGitHub(world_with(logins, os.path.join(tmp, "bombs.json")), "--search-quota", "100000", "--quota", "100000") as gh:
        # 1. The poster.
        ws = Workspace(gh.url, extra='[images]\nposter = true\navatar_url = "%s"\n' % avatar_url)
        rc, out, err, secs, rss = run(ws, "--week", WEEK, "--format", "md,json", "--timeout", str(TIMEOUT))
        check_run("poster", rc, err, secs, rss, ws, md)
        for login, name in sorted(BOMB_LOGINS.items()):
            line = re.search(r"avatar of @%s: ([^\n]*)" % re.escape(login), err)
            check(line and re.search(r"refused|--timeout|took", line.group(1)) and
                  "drawn as an initial" in line.group(1),
                  "poster: %s refused with a warning naming @%s: %s" % (name, login, line and line.group(1)))
        check(not re.search(r"avatar of @fine-one:", err), "poster: a fine avatar draws without a warning")
        poster = os.path.join(ws.out, "community-%s.poster.png" % WEEK)
        check(os.path.exists(poster), "poster: the poster is drawn")
        check("/a/odd%252F..%252Fname.img" in host.paths,
              "the login is percent-encoded in the avatar URL: %s" % [p for p in host.paths if "odd" in p])
        kept = no_bomb_kept("poster", ws)
        check(kept.get(host.url + "/a/fine-one.img") == GOOD, "poster: a fine avatar is kept")

        # 2. Bombs an older digest kept: not used, dropped, fetched again (now fine).
        db = sqlite3.connect(os.path.join(ws.state, "digest.sqlite3"))
        with db:
            for login, name in BOMB_LOGINS.items():
                db.execute("INSERT OR REPLACE INTO kept (ns, key, value, kept_at) VALUES ('image', ?, ?, 0)",
                           ("%s/a/%s.img" % (host.url, login), BOMBS[name]))
        db.close()
        host.serve.clear()
        rc, out, err, secs, rss = run(ws, "--week", WEEK, "--format", "md,json", "--timeout", str(TIMEOUT))
        check_run("kept bombs", rc, err, secs, rss, ws, md)
        # svg-dashes passes the header checks: it is used and stopped by the time limit, then dropped.
        check(not re.search(r"avatar of @bomb-(?!svg-dashes)", err),
              "kept bombs refused by their headers: not used, fetched again (now fine)",
              "\n".join(l for l in err.splitlines() if "avatar of" in l)[:1500])
        kept = no_bomb_kept("kept bombs", ws)
        check(all(kept.get("%s/a/%s.img" % (host.url, l)) in (GOOD, b"") for l in BOMB_LOGINS) and
              sum(kept.get("%s/a/%s.img" % (host.url, l)) == GOOD for l in BOMB_LOGINS) >= len(BOMB_LOGINS) - 1,
              "kept bombs: replaced by what the host serves now (or dropped)")
        ws.close()

        # 3. The WeChat draft (lib/publish: every avatar goes through the images API).
        host.serve.update(BOMB_LOGINS)
        wxs = FakeWeChat(APPID, SECRET)
        try:
            ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                           extra='community = "KubeSphere"\n[images]\navatar_url = "%s"\n[wechat]\napi_url = "%s"\n'
                                 % (avatar_url, wxs.url))
            rc, out, err, secs, rss = run(ws, "--week", WEEK, "--publish", "wechat", "--format", "md,html,json",
                                          "--timeout", str(TIMEOUT),
                                          env={"WECHAT_APPID": APPID, "WECHAT_SECRET": SECRET})
            check_run("draft", rc, err, secs, rss, ws, md)
            check(len(wxs.state()["drafts"]) == 1, "draft: the draft is added")
            for login, name in sorted(BOMB_LOGINS.items()):
                check(re.search(r"image \S+ left out of the draft: %s/a/%s\.img: [^\n]*(refused|--timeout|took)"
                                % (re.escape(host.url), re.escape(login)), err),
                      "draft: %s left out with a warning naming its URL" % name)
            ups = wxs.state()["uploads"]
            check(all(u.get("width", 0) <= 4096 and u.get("height", 0) <= 4096 for u in ups),
                  "draft: nothing uploaded over 4096 px: %s" % [(u.get("width"), u.get("height")) for u in ups][:8])
            no_bomb_kept("draft", ws)
            ws.close()
        finally:
            wxs.close()

    # 4. 300 new contributors: the poster is capped, the run succeeds.
    many = ["newcomer-%03d" % i for i in range(300)]
    with FakeGitHub(world_with(many, os.path.join(tmp, "many.json")), "--search-quota", "100000",
                    "--quota", "100000") as gh:
        ws = Workspace(gh.url, extra='[images]\nposter = true\navatar_url = "%s"\n' % avatar_url)
        rc, out, err, secs, rss = run(ws, "--week", WEEK, "--format", "md,json", limit=600)
        check(rc in (0, 3), "300 new contributors: exit 0 or 3 (%d)" % rc, err[-1500:])
        try:
            model = ws.model("community-%s.json" % WEEK)
        except (OSError, ValueError):
            model = {}
        n = len(model.get("new_contributors", []))
        check(n >= 300, "300 new contributors in the model (%d)" % n)
        poster = os.path.join(ws.out, "community-%s.poster.png" % WEEK)
        w, h = png_size(poster) if os.path.exists(poster) else (0, 0)
        check(w == 900 and 0 < h <= 4096, "the poster is drawn, capped: %dx%d" % (w, h))
        check(not re.search(r"avatar of @", err), "every drawn avatar loads (no warning)",
              "\n".join(l for l in err.splitlines() if "avatar of" in l)[:800])
        print("# 300 new contributors: %.1f s, peak RSS %.0f MiB" % (secs, rss / 2**20))
        ws.close()
finally:
    host.close()
    shutil.rmtree(tmp, ignore_errors=True)
done()
