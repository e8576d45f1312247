"""--publish wechat against a hostile WeChat (tests/fake_wechat.py's hostile
mode): one draft per issue whatever fails or is killed (an answer lost
after the draft was made: a 502, a body that is no JSON, a run killed while
waiting; a sent.json that cannot be written after the draft was recorded; a
store that knows no draft while the draft box has one, among many);
draft/batchget bounded against an endless list; the cover uploaded once per
issue and again only when WeChat lost it; no access token or AppSecret in
any output, file or the state store, whatever the server echoes (errmsg,
media_id, URLs, headers; a token holding "&", "#", quotes and spaces is
percent-encoded and redacted in -v); server text (ESC, OSC, CR in a media_id
and an errmsg) escaped on the terminal; http:// avatars uploaded, not
dropped; a content over WeChat's limits fails publishing (exit 1, the limit
named) with the .md, .html and .json written, and --format wechat-json alone
warns and writes."""
import glob, json, os, shutil, signal, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402
from fake_wechat import FakeWeChat  # noqa: E402

SECRET = 'S3cret&#"/Value never-printed'
APPID = "wxATTACKAPPID"
TOKEN_CHARS = '&x=1#frag"\\/+ %'
ESC_MID = "\x1b]0;pwned\x07\x1b[2J\rFORGED"
ESC_MSG = "\x1b[2K\rdigest: forged line\n\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07"
WEEK = "2021-W49"
# A GitHub token: the fake GitHub allows 5000 requests with one, 60 without.
ENV = {"WECHAT_APPID": APPID, "WECHAT_SECRET": SECRET, "GITHUB_TOKEN": "ghp_wxattack0123456789abcdef"}
os.environ.pop("WECHAT_APPID", None)
os.environ.pop("WECHAT_SECRET", None)

OUTPUTS = []      # every stdout and stderr
WORKSPACES = []   # every workspace: their files and stores are searched at the end

wxs = FakeWeChat(APPID, SECRET)
# A world whose avatars are http:// (the fragment makes them https: they
# must still be found and uploaded), served by the fake WeChat.
world = json.load(open(os.path.join(WORLDS, "kubesphere.json")))
for login, u in world["users"].items():
    u["avatar_url"] = "%s/_avatar/%s.png" % (wxs.url, u["login"])
wdir = tempfile.mkdtemp(prefix="dg-wxworld-")
wpath = os.path.join(wdir, "world.json")
json.dump(world, open(wpath, "w"))


def workspace(gh, extra=""):
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                   extra='community = "KubeSphere"\nauthor = "KubeSphere"\n%s\n'
                         '[wechat]\napi_url = "%s"\n' % (extra, wxs.url))
    WORKSPACES.append(ws)
    return ws


def publish(ws, *args, fmt="md,html,json"):
    p = ws.run("--week", WEEK, "--publish", "wechat", "--format", fmt, *args, env=ENV)
    OUTPUTS.extend([p.stdout, p.stderr])
    return p


def drafts():
    return wxs.state()["drafts"]


def calls(path):
    return sum(1 for l in wxs.state()["log"] if l["path"] == path)


def fresh_box():
    """An empty draft box and material library, no fault left on."""
    wxs.control(drop_drafts=True, drop_materials=True, fail_paths={}, draft_add_5xx=0, draft_add_garbage=0,
                draft_add_hang=0, batchget_endless=False, media_id_extra="", material_extra="", url_extra="")


def raw_free(text, what):
    check("\x1b" not in text and "\r" not in text and "\x07" not in text,
          "%s: no raw ESC, CR or BEL" % what, repr(text[-600:]))


with FakeGitHub(wpath) as gh:
    # 1. A token holding & # " \ / + space %, errmsgs and headers echoing the
    #    token and the secret, ESC/OSC/CR in every media_id and errmsg.
    wxs.control(token_chars=TOKEN_CHARS, echo=True, errmsg_extra=ESC_MSG, media_id_extra=ESC_MID,
                material_extra=ESC_MID)
    ws = workspace(gh)
    before_mat = calls("/cgi-bin/material/add_material")
    p = publish(ws, "-v")
    box = drafts()
    mid = next(iter(box), "")
    check(p.returncode == 0 and len(box) == 1, "a hostile token and ids: published, one draft (%d)" % p.returncode,
          p.stderr[-800:])
    check(("wechat draft added: %s" % mid.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\r", " "))
          in p.stdout, "the publish line names the media_id escaped", repr(p.stdout[-300:]))
    raw_free(p.stdout, "the publish line")
    raw_free(p.stderr, "stderr")
    check("access_token=REDACTED" in p.stderr and "x=1#frag" not in p.stderr and "TOKEN0" not in p.stderr,
          "-v: the percent-encoded token is redacted whole", p.stderr[-600:])
    check("left out" not in p.stderr, "http:// avatars are found in the fragment (made https) and uploaded",
          p.stderr[-600:])
    sizes = [(u.get("width"), u.get("height")) for u in wxs.state()["uploads"]]
    check(sizes.count((64, 64)) >= 2, "the avatars went up as 64x64 PNGs: %s" % sizes)
    content = box.get(mid, {}).get("content", "")
    check(content.count('alt="贡献者证书"') >= 1 and "onerror" not in content,
          "certificates are captioned images in the article, no attribute outside its quotes")
    check(calls("/cgi-bin/material/add_material") - before_mat == 1, "the cover uploaded once")

    # 2. Again: the draft is updated, the cover not uploaded again.
    before_mat = calls("/cgi-bin/material/add_material")
    p = publish(ws)
    box = drafts()
    check(p.returncode == 0 and list(box) == [mid] and box.get(mid, {}).get("updates") == 1,
          "a second run updates the one draft (%d)" % p.returncode, p.stderr[-500:])
    check(calls("/cgi-bin/material/add_material") == before_mat,
          "the cover is not uploaded again across two runs (%d uploads)" % (calls("/cgi-bin/material/add_material")
                                                                           - before_mat))
    check(box.get(mid, {}).get("thumb_media_id") in wxs.state()["materials"], "the kept cover is the draft's thumb")

    # 3. A refusal whose errmsg echoes the token and the secret, with ESC/OSC/CR.
    wxs.control(fail_paths={"/cgi-bin/draft/update": [45166, "invalid content"]})
    p = publish(ws)
    wxs.control(fail_paths={})
    check(p.returncode == 1 and "45166" in p.stderr and "\\x1b" in p.stderr,
          "an errmsg is shown escaped, exit 1 (%d)" % p.returncode, p.stderr[-500:])
    raw_free(p.stderr, "an errmsg on stderr")
    check(not any(l.startswith("digest: forged") for l in p.stderr.splitlines()), "no forged line")
    check("S3cret" not in p.stderr and "TOKEN0" not in p.stderr, "the echoed token and secret are scrubbed",
          p.stderr[-500:])
    wxs.control(token_error=[40999, "rejected"])
    p = publish(ws)
    wxs.control(token_error=None)
    check(p.returncode == 1 and "40999" in p.stderr and "S3cret" not in p.stderr and "TOKEN0" not in p.stderr,
          "stable_token's errmsg echoing the secret and the token: scrubbed (%d)" % p.returncode, p.stderr[-400:])
    raw_free(p.stderr, "stable_token's errmsg")
    wxs.control(echo=False, errmsg_extra="", media_id_extra="", material_extra="")

    # 4. A media_id holding the token: neither recorded nor printed, and no
    #    second draft on the next run.
    fresh_box()
    wxs.control(media_id_extra="-{token}-", url_extra="&t={token}")
    ws = workspace(gh)
    p1 = publish(ws)
    p2 = publish(ws)
    check(p1.returncode == 1 and "no usable media_id" in p1.stderr and len(drafts()) == 1,
          "a media_id holding the token is refused (%d), one draft" % p1.returncode, p1.stderr[-400:])
    check(p2.returncode == 1 and "not adding another" in p2.stderr and len(drafts()) == 1,
          "the next run finds it and adds no other (%d)" % p2.returncode, p2.stderr[-400:])
    fresh_box()

    # 5. draft/add makes the draft, then the answer is lost: not retried;
    #    the next run finds it by its title and updates it.
    for fault, words in (("draft_add_5xx", "HTTP 502"), ("draft_add_garbage", "not a JSON object")):
        fresh_box()
        ws = workspace(gh)
        wxs.control(**{fault: 1})
        before = calls("/cgi-bin/draft/add")
        p1 = publish(ws)
        made = list(drafts())
        check(p1.returncode == 1 and words in p1.stderr and "not sent again" in p1.stderr and len(made) == 1 and
              calls("/cgi-bin/draft/add") - before == 1,
              "%s: exit 1, draft/add sent once, one draft (%d, %d sent)" % (fault, p1.returncode,
                                                                              calls("/cgi-bin/draft/add") - before),
              p1.stderr[-400:])
        p2 = publish(ws)
        check(p2.returncode == 0 and made and list(drafts()) == made and
              ("wechat draft updated: %s" % made[0]) in p2.stdout,
              "%s: the next run updates that draft, none added" % fault, p2.stdout[-300:] + p2.stderr[-300:])

    # 6. A run killed while draft/add is answered (the draft is made).
    fresh_box()
    ws = workspace(gh)
    wxs.control(draft_add_hang=30)
    e = dict(os.environ, DIGEST_RETRY_BASE_MS="20")
    e.pop("GH_TOKEN", None)
    e.update(ENV)
    proc = subprocess.Popen([DIGEST, "--config", ws.config, "--week", WEEK, "--publish", "wechat"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
    deadline = time.time() + 240
    while not drafts() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    made = list(drafts())
    proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate()
    OUTPUTS.extend([out.decode("utf-8", "replace"), err.decode("utf-8", "replace")])
    wxs.control(draft_add_hang=0)
    check(len(made) == 1 and proc.returncode == -signal.SIGKILL, "killed after WeChat made the draft (%s)" %
          proc.returncode)
    p = publish(ws)
    check(p.returncode == 0 and made and list(drafts()) == made and ("wechat draft updated: %s" % made[0]) in p.stdout,
          "after the kill, the next run updates that draft", p.stdout[-300:] + p.stderr[-300:])

    # 7. The media_id is recorded the moment WeChat answers: what fails after
    #    (the sent payload cannot be written) does not lose it.
    fresh_box()
    ws = workspace(gh)
    os.makedirs(os.path.join(ws.out, "community-%s.wechat.sent.json" % WEEK, "x"))
    p1 = publish(ws)
    made = list(drafts())
    p2 = publish(ws)
    check(p1.returncode == 0 and "was not written" in p1.stderr and len(made) == 1,
          "sent.json not written: a warning, the draft made (%d)" % p1.returncode, p1.stderr[-300:])
    check(p2.returncode == 0 and made and list(drafts()) == made and
          ("wechat draft updated: %s" % made[0]) in p2.stdout, "the next run updates the draft recorded",
          p2.stdout[-300:])

    # 8. A store that knows no draft, a draft box with the draft
    #    behind 45 newer ones: found on the third page and updated.
    fresh_box()
    ws = workspace(gh)
    p = publish(ws)
    ours = list(drafts())
    wxs.control(decoys=45)
    ws = workspace(gh)
    pages = wxs.state()["batchget_calls"]
    p = publish(ws)
    st = wxs.state()
    check(p.returncode == 0 and len(st["drafts"]) == 46 and ours and
          ("wechat draft updated: %s" % ours[0]) in p.stdout and st["batchget_calls"] - pages == 3,
          "the draft with the issue's title is found among 46 (3 pages) and updated (%d, %d pages)" %
          (p.returncode, st["batchget_calls"] - pages), p.stdout[-300:] + p.stderr[-300:])

    # 9. WeChat lost the cover: 40007 on update, the cover uploaded again, the
    #    same draft updated.
    before = calls("/cgi-bin/material/add_material")
    wxs.control(drop_materials=True)
    p = publish(ws)
    st = wxs.state()
    check(p.returncode == 0 and ours and ("wechat draft updated: %s" % ours[0]) in p.stdout and
          len(st["drafts"]) == 46 and calls("/cgi-bin/material/add_material") - before == 1 and
          st["drafts"].get(ours[0], {}).get("thumb_media_id") in st["materials"],
          "a cover WeChat lost is uploaded again once, the draft updated (%d)" % p.returncode, p.stderr[-400:])

    # 10. An endless draft list: at most 10 pages, then the draft is added.
    fresh_box()
    wxs.control(batchget_endless=True)
    ws = workspace(gh)
    pages = wxs.state()["batchget_calls"]
    p = publish(ws)
    wxs.control(batchget_endless=False)
    check(p.returncode == 0 and wxs.state()["batchget_calls"] - pages == 10 and len(drafts()) == 1,
          "an endless draft list: 10 pages asked, then added (%d, %d pages)" %
          (p.returncode, wxs.state()["batchget_calls"] - pages), p.stderr[-300:])

    # 11. A content over WeChat's limits: publishing fails naming the limit,
    #     the files are written; --format wechat-json alone warns.
    fresh_box()
    ws = workspace(gh, extra='intro = "%s"' % ("字" * 21000))
    before = sum(calls(x) for x in ("/cgi-bin/draft/add", "/cgi-bin/draft/update", "/cgi-bin/media/uploadimg"))
    p = publish(ws, fmt="md,html,json,wechat-json")
    names = sorted(os.listdir(ws.out)) if os.path.isdir(ws.out) else []
    check(p.returncode == 1 and "WeChat allows under 20000" in p.stderr and "publishing failed" in p.stderr,
          "over the limits: exit 1 naming the limit (%d)" % p.returncode, p.stderr[-500:])
    check(all("community-%s.%s" % (WEEK, x) in names for x in ("md", "html", "json", "wechat.html", "wechat.json")),
          "over the limits: the .md, .html, .json and .wechat.json are written: %s" % names)
    check(sum(calls(x) for x in ("/cgi-bin/draft/add", "/cgi-bin/draft/update", "/cgi-bin/media/uploadimg"))
          == before, "over the limits: nothing uploaded, no draft")
    p = ws.run("--week", WEEK, "--format", "md,html,wechat-json", env=ENV)
    OUTPUTS.extend([p.stdout, p.stderr])
    check(p.returncode == 0 and "WeChat would refuse it" in p.stderr and "WeChat allows under 20000" in p.stderr,
          "--format wechat-json alone: written, with a warning naming the limit (%d)" % p.returncode,
          p.stderr[-400:])

    # No token, no secret anywhere digest wrote or said.
    tokens = list(wxs.state()["tokens"])
    blobs = list(OUTPUTS)
    for ws in WORKSPACES:
        for f in glob.glob(os.path.join(ws.dir, "**", "*"), recursive=True):
            if os.path.isfile(f):
                blobs.append(open(f, "rb").read().decode("latin-1"))
        db = os.path.join(ws.state, "digest.sqlite3")
        if os.path.exists(db):
            with sqlite3.connect(db) as c:
                blobs.append("\n".join(c.iterdump()))
    pieces = [SECRET, "S3cret", "TOKEN0", "x=1#frag"] + tokens
    leaks = [(i, x) for i, b in enumerate(blobs) for x in pieces if x and x in b]
    check(tokens and not leaks, "no token or secret in any output, file or store (%d tokens, %d texts): %s" %
          (len(tokens), len(blobs), leaks[:5]))
    for ws in WORKSPACES:
        ws.close()
wxs.close()
shutil.rmtree(wdir, ignore_errors=True)
done()
