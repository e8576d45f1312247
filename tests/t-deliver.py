"""Delivery beyond WeChat (--publish email,notify, --format eml, the Atom
feed), against servers digest has not seen: a real SMTP server on loopback
(python3-aiosmtpd, tests/smtp_sink.py) with AUTH, the five chat webhooks of
tests/fake_chat.py (schemas, signatures with a time window, 429s), and the
feed read by a real parser (python3-feedparser).

Shows: one well-formed email per issue whose every cid: has its inline
image and whose Subject decodes to the issue title, the same message as
NAME.eml; an Atom feed feedparser reads without error (bozo 0), with ids
stable across re-runs, one entry per period, newest first; one card per
platform, signed where the platform wants it, a 429 waited out; no second
delivery on a re-run, --resend sends again; a failing channel does not stop
the others and ends with exit 1 naming it; no secret in any output, file or
the state store."""
import email, email.policy, glob, json, os, re, sqlite3, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import TESTS, WORLDS, FakeGitHub, Workspace, check, done  # noqa: E402
from fake_chat import FakeChat  # noqa: E402

DEBIAN_PY = "/usr/bin/python3"
for mod in ("aiosmtpd", "feedparser"):
    if subprocess.run([DEBIAN_PY, "-c", "import " + mod], capture_output=True).returncode:
        check(False, "python3-%s is installed (make test-deps)" % mod)
        done()

PASSWORD = "smtp-Pa55word-never-printed"
SECRETS = {"feishu": ("fs-token-0a1b2c3d", "fs-secret-SIGNING-9f8e"),
           "dingtalk": ("dt-token-4e5f6a7b", "SECdt-secret-SIGNING-7c6b"),
           "wecom": ("wc-key-8c9d0e1f", None), "slack": ("sl-TOKEN-2a3b4c5d", None),
           "discord": ("dc-TOKEN-6e7f8a9b", None)}
SITE = "https://news.example.org/kubesphere"


class Smtp:
    def __init__(self, user=None, password=None):
        self.dir = tempfile.mkdtemp(prefix="dg-smtp-")
        pf = os.path.join(self.dir, "port")
        args = [DEBIAN_PY, os.path.join(TESTS, "smtp_sink.py"), "--dir", os.path.join(self.dir, "mail"),
                "--port-file", pf, "--max-idle", "200"]
        if user:
            args += ["--user", user, "--password", password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "log"), "w"))
        deadline = time.time() + 30
        while not os.path.exists(pf):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("smtp sink did not start: " + open(os.path.join(self.dir, "log")).read())
            time.sleep(0.05)
        self.port = int(open(pf).read())

    def messages(self):
        return sorted(glob.glob(os.path.join(self.dir, "mail", "*.eml")))

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def feed(path):
    code = ("import feedparser, json, sys\nd = feedparser.parse(sys.argv[1])\n"
            "print(json.dumps({'bozo': d.bozo, 'exc': str(d.get('bozo_exception', '')), 'title': d.feed.get('title'),"
            " 'id': d.feed.get('id'), 'entries': [{'id': e.id, 'title': e.title, 'link': e.link, 'updated': e.updated,"
            " 'summary': e.get('summary', ''), 'content': [c.value for c in e.get('content', [])]} for e in d.entries]}))")
    p = subprocess.run([DEBIAN_PY, "-c", code, path], capture_output=True, text=True)
    return json.loads(p.stdout) if p.returncode == 0 else {"bozo": 1, "exc": p.stderr[-300:], "entries": []}


def parse_mail(raw):
    return email.message_from_bytes(raw, policy=email.policy.default)


def check_mail(raw, title, what):
    m = parse_mail(raw)
    check(str(m["Subject"]) == title, "%s: the Subject decodes to the issue title: %r" % (what, str(m["Subject"])))
    check(m["Message-ID"] and m["Date"] and m["MIME-Version"] == "1.0", "%s: Message-ID, Date, MIME-Version" % what)
    check("KubeSphere" in str(m["From"]) and "news@kubesphere.io" in str(m["From"]) and
          str(m["From"]).startswith("KubeSphere \u793e\u533a"), "%s: the CJK From display name decodes: %s" % (what, m["From"]))
    lines = raw.split(b"\r\n")
    check(all(len(l) <= 998 for l in lines), "%s: no line over 998 bytes" % what)
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
    check(all(len(l) <= 78 for l in head), "%s: header lines folded to 78: %s" % (what, max(head, key=len)))
    check(b"\n" not in raw.replace(b"\r\n", b""), "%s: every line ends in CRLF" % what)
    check(m.get_content_type() == "multipart/related", "%s: multipart/related (%s)" % (what, m.get_content_type()))
    alt = [p for p in m.walk() if p.get_content_type() == "multipart/alternative"]
    check(len(alt) == 1 and [p.get_content_type() for p in alt[0].iter_parts()] == ["text/plain", "text/html"],
          "%s: multipart/alternative of text/plain then text/html" % what)
    plain = m.get_body(("plain",)).get_content()
    html = m.get_body(("html",)).get_content()
    check(title in plain and re.search(r"\[1\] https?://", plain) and "](" not in plain,
          "%s: the plain text has the title and numbered link references: %s" % (what, plain[:200]))
    check('style="' in html and "<style" not in html, "%s: the HTML is styled inline" % what)
    cids = set(re.findall(r'src="cid:([^"]+)"', html))
    parts = {p["Content-ID"].strip("<>"): p for p in m.walk() if p["Content-ID"]}
    check(cids and cids <= set(parts), "%s: every cid: has its part (%d cids, %d parts)" % (what, len(cids), len(parts)))
    check(all(parts[c].get_content_type() == "image/png" and parts[c].get_content()[:4] == b"\x89PNG" and
              parts[c].get_content_disposition() == "inline" for c in cids & set(parts)),
          "%s: the inline parts are PNG images" % what)
    return m


def secrets_absent(ws, outputs, what):
    values = [PASSWORD] + [v for t, s in SECRETS.values() for v in (t, s) if v]
    leaks = [v for v in values for o in outputs if v in o]
    for path in glob.glob(os.path.join(ws.dir, "**", "*"), recursive=True):
        if os.path.isfile(path):
            data = open(path, "rb").read()
            leaks += ["%s in %s" % (v, os.path.relpath(path, ws.dir)) for v in values if v.encode() in data]
    check(not leaks, "%s: no secret in stdout, stderr, the files or the state store" % what, leaks[:5])


with FakeGitHub(os.path.join(WORLDS, "kubesphere.json")) as gh:
    smtp = Smtp("digest-bot", PASSWORD)
    chat = FakeChat({"feishu": {"token": SECRETS["feishu"][0], "secret": SECRETS["feishu"][1]},
                     "dingtalk": {"token": SECRETS["dingtalk"][0], "secret": SECRETS["dingtalk"][1]},
                     "wecom": {"token": SECRETS["wecom"][0]}, "slack": {"token": SECRETS["slack"][0]},
                     "discord": {"id": "4242", "token": SECRETS["discord"][0]}})
    env = {"SMTP_USER": "digest-bot", "SMTP_PASSWORD": PASSWORD,
           "FEISHU_HOOK": chat.url + "/open-apis/bot/v2/hook/" + SECRETS["feishu"][0],
           "FEISHU_SECRET": SECRETS["feishu"][1],
           "DINGTALK_HOOK": chat.url + "/robot/send?access_token=" + SECRETS["dingtalk"][0],
           "DINGTALK_SECRET": SECRETS["dingtalk"][1],
           "WECOM_HOOK": chat.url + "/cgi-bin/webhook/send?key=" + SECRETS["wecom"][0],
           "SLACK_HOOK": chat.url + "/services/T000/B000/" + SECRETS["slack"][0],
           "DISCORD_HOOK": chat.url + "/api/webhooks/4242/" + SECRETS["discord"][0]}
    notify = "".join('[[notify]]\ntype = "%s"\nurl_env = "%s_HOOK"\n%s' %
                     (t, t.upper(), 'secret_env = "%s_SECRET"\n' % t.upper() if SECRETS[t][1] else "")
                     for t in ("feishu", "dingtalk", "wecom", "slack", "discord"))
    ws = Workspace(gh.url, language="zh", timezone="Asia/Shanghai",
                   extra='community = "KubeSphere"\nauthor = "KubeSphere"\nsite_url = "%s"\n'
                         '[email]\nsmtp_url = "smtp://127.0.0.1:%d"\nfrom = "KubeSphere \u793e\u533a <news@kubesphere.io>"\n'
                         'to = ["reader@example.org", "\u8bfb\u8005 <duzhe@example.cn>"]\n'
                         'user_env = "SMTP_USER"\npassword_env = "SMTP_PASSWORD"\n%s' % (SITE, smtp.port, notify))
    chat.control(rate_limit={"slack": 1, "discord": 1})
    t0 = time.time()
    p = ws.run("--week", "2021-W49", "--publish", "email,notify", "--format", "md,html,json,eml", "-v", env=env)
    check(p.returncode == 0, "email and cards: exit 0 (%d): %s" % (p.returncode, p.stderr[-800:]))
    model = ws.model("community-2021-W49.json")
    title = model["title"]
    mails = smtp.messages()
    check(len(mails) == 1, "one email for the issue: %d" % len(mails))
    env_json = json.load(open(mails[0][:-4] + ".json")) if mails else {}
    check(env_json.get("mail_from") == "news@kubesphere.io" and
          sorted(env_json.get("rcpt_tos", [])) == ["duzhe@example.cn", "reader@example.org"],
          "the envelope: from the sender, to both readers: %s" % env_json)
    if mails:
        sent = check_mail(open(mails[0], "rb").read(), title, "the email sent")
    eml = os.path.join(ws.out, "community-2021-W49.eml")
    check(os.path.exists(eml) and eml in p.stdout, "--format eml writes NAME.eml and lists it")
    if os.path.exists(eml):
        check_mail(open(eml, "rb").read(), title, "the .eml")
    check(("email sent: community 2021-W49 to 2 recipients") in p.stdout, "the email is reported: " + p.stdout[-600:])

    # The cards.
    log = chat.state()["log"]
    ok = [l for l in log if l["status"] in (200, 204)]
    check(sorted(l["platform"] for l in ok) == ["dingtalk", "discord", "feishu", "slack", "wecom"],
          "one card per platform: %s" % [(l["platform"], l["status"], l["answer"]) for l in log])
    check(all(l["answer"] in ("ok", None) or l["answer"].get("code", l["answer"].get("errcode")) == 0 for l in ok),
          "every platform answered success (signatures valid)")
    fs = next((l for l in ok if l["platform"] == "feishu"), {})
    check(fs.get("body", {}).get("msg_type") == "interactive" and fs["body"].get("sign") and fs["body"].get("timestamp"),
          "Feishu: an interactive card with timestamp and sign")
    card = json.dumps(fs.get("body", {}), ensure_ascii=False)
    check(title in card and SITE + "/community-2021-W49.html" in card, "the card has the title and the issue's link")
    dt = next((l for l in ok if l["platform"] == "dingtalk"), {})
    check(dt.get("query", {}).get("sign") and dt.get("body", {}).get("msgtype") == "markdown",
          "DingTalk: markdown, signed in the query")
    check(len([l for l in log if l["platform"] == "slack" and l["status"] == 429]) == 1 and
          len([l for l in log if l["platform"] == "discord" and l["status"] == 429]) == 1,
          "Slack and Discord answered 429 once and were sent again")
    slack_times = [l["time"] for l in log if l["platform"] == "slack"]
    check(len(slack_times) == 2 and slack_times[1] - slack_times[0] >= 0.9, "Retry-After (1 s) was honoured")
    check(sum(1 for l in p.stdout.splitlines() if l.startswith("card sent:")) == 5, "five cards reported")
    check(all(v not in p.stderr for v in ("/open-apis/", "/robot/send", "/services/T000", "/api/webhooks")),
          "-v lines do not show the webhook URLs", p.stderr[-400:])
    check("POST slack (SLACK_HOOK) -> 429" in p.stderr, "-v names the platform and the variable")

    # The feed.
    fpath = os.path.join(ws.out, "community.atom.xml")
    f1 = feed(fpath)
    check(f1["bozo"] == 0, "feedparser reads the feed without error: %s" % f1.get("exc"))
    check(len(f1["entries"]) == 1 and f1["entries"][0]["title"] == title and
          f1["entries"][0]["link"] == SITE + "/community-2021-W49.html" and f1["entries"][0]["id"].startswith("tag:news.example.org,"),
          "one entry: title, link, a tag: id: %s" % f1["entries"][:1])
    check(f1["entries"] and f1["entries"][0]["content"] and "<" in f1["entries"][0]["content"][0],
          "the entry's content is the article HTML")

    # A re-run: nothing delivered again; the feed entry updated, not added.
    n_log = len(chat.state()["log"])
    p2 = ws.run("--week", "2021-W49", "--publish", "email,notify", env=env)
    check(p2.returncode == 0 and len(smtp.messages()) == 1 and len(chat.state()["log"]) == n_log,
          "a re-run sends no email and no card (%d): %s" % (p2.returncode, p2.stderr[-300:]))
    check(p2.stdout.count("already sent") == 6, "the re-run says each was sent already")
    f2 = feed(fpath)
    check(f2["bozo"] == 0 and [e["id"] for e in f2["entries"]] == [e["id"] for e in f1["entries"]],
          "the feed's ids are stable across re-runs, no entry duplicated")

    # Another period: a second entry, newest first.
    p3 = ws.run("--week", "2021-W48", "--format", "md", env=env)
    f3 = feed(fpath)
    check(p3.returncode in (0, 3) and [e["link"].rsplit("-", 2)[-2:] for e in f3["entries"]] ==
          [["2021", "W49.html"], ["2021", "W48.html"]] and len(f3["entries"]) == 2,
          "a run of an earlier period adds its entry after the newer one: %s" % [e["link"] for e in f3["entries"]])
    check(f3["entries"] and f3["entries"][0]["id"] == f1["entries"][0]["id"], "the W49 id is unchanged")

    # --resend: sent again.
    p4 = ws.run("--week", "2021-W49", "--publish", "email", "--resend", env=env)
    check(p4.returncode == 0 and len(smtp.messages()) == 2, "--resend sends the email again (%d)" % p4.returncode)

    # A failing channel does not stop the others: exit 1 naming it.
    bad = dict(env, DISCORD_HOOK=chat.url + "/api/webhooks/4242/wrong-token")
    p5 = ws.run("--week", "2021-W47", "--publish", "notify,email", env=bad)
    check(p5.returncode == 1 and "discord (DISCORD_HOOK)" in p5.stderr and "Unknown Webhook" in p5.stderr,
          "a refused webhook: exit 1 naming the platform and its words (%d): %s" % (p5.returncode, p5.stderr[-300:]))
    check(len(smtp.messages()) == 3 and p5.stdout.count("card sent:") == 4,
          "the email and the other cards went out all the same")
    check(os.path.exists(os.path.join(ws.out, "community-2021-W47.md")), "the files were written before")
    p6 = ws.run("--week", "2021-W47", "--publish", "notify,email", env=env)
    check(p6.returncode == 0 and p6.stdout.count("card sent:") == 1 and len(smtp.messages()) == 3,
          "the next run sends only what failed (%d): %s" % (p6.returncode, p6.stdout[-300:]))

    # A bad signing secret is refused by the platform, named by its code.
    p7 = ws.run("--week", "2021-W46", "--publish", "notify", env=dict(env, FEISHU_SECRET="not-the-secret",
                                                                      DINGTALK_SECRET="not-the-secret-either"))
    check(p7.returncode == 1 and "code 19021" in p7.stderr and "errcode 310000" in p7.stderr,
          "wrong secrets: Feishu's code and DingTalk's errcode named: %s" % p7.stderr[-400:])

    # A refused login: exit 1 naming the server and its reply, the password nowhere.
    p10 = ws.run("--week", "2021-W44", "--publish", "email", env=dict(env, SMTP_PASSWORD="wrong-" + PASSWORD[::-1]))
    check(p10.returncode == 1 and ("email: smtp://127.0.0.1:%d" % smtp.port) in p10.stderr and "535" in p10.stderr
          and PASSWORD[::-1] not in p10.stdout + p10.stderr,
          "a refused SMTP login: exit 1 naming the server and the 535 (%d): %s" % (p10.returncode, p10.stderr[-300:]))
    check(len(smtp.messages()) == 3, "nothing was delivered with the wrong password")

    # Missing configuration is a usage error before any request.
    n_gh = len(gh.log())
    p8 = ws.run("--week", "2021-W45", "--publish", "email", env={"SMTP_USER": "digest-bot"})
    check(p8.returncode == 2 and "SMTP_PASSWORD" in p8.stderr and len(gh.log()) == n_gh,
          "an unset password variable: exit 2 before any request: %s" % p8.stderr[-200:])
    p9 = ws.run("--publish", "fax")
    check(p9.returncode == 2 and "unknown channel 'fax'" in p9.stderr, "--publish fax: exit 2")

    secrets_absent(ws, [x.stdout + x.stderr for x in (p, p2, p3, p4, p5, p6, p7, p8, p10)], "after every run")
    db = os.path.join(ws.state, "digest.sqlite3")
    with sqlite3.connect(db) as c:
        rows = c.execute("SELECT channel FROM deliveries WHERE period = '2021-W49' ORDER BY channel").fetchall()
    check([r[0] for r in rows] == ["email", "notify:dingtalk:DINGTALK_HOOK", "notify:discord:DISCORD_HOOK",
                                   "notify:feishu:FEISHU_HOOK", "notify:slack:SLACK_HOOK", "notify:wecom:WECOM_HOOK"],
          "each delivery recorded per issue and channel: %s" % rows)
    chat.close()
    smtp.close()
    ws.close()

    # No site_url: the feed still comes with the edition, its links relative
    # to it (the page beside it), its ids under the org's GitHub page.
    bare = Workspace(gh.url, language="en")
    pb = bare.run("--week", "2021-W49", env=env)
    pb2 = bare.run("--week", "2021-W49", env=env)
    fb = feed(os.path.join(bare.out, "community.atom.xml")) if pb.returncode == 0 else {"bozo": 1, "entries": []}
    check(pb.returncode == 0 and pb2.returncode == 0 and fb["bozo"] == 0 and len(fb["entries"]) == 1 and
          fb["entries"][0]["link"].endswith("community-2021-W49.html") and
          fb["entries"][0]["id"].startswith("tag:github.com,") and "kubesphere/community/2021-W49" in fb["entries"][0]["id"],
          "without site_url: a feed a parser reads, relative links, ids under the org (%d): %s" %
          (pb.returncode, fb["entries"][:1]))
    bare.close()
done()
