"""Fake incoming webhooks of five chats on 127.0.0.1, strict about what
each platform documents, with a request log (GET /_state) and controls
(POST /_control: {"rate_limit": {"slack": 1}} answers the next request(s)
of that platform with a 429, {"down": {"wecom": 1}} with a 500).

  Feishu custom bot   POST /open-apis/bot/v2/hook/TOKEN
      JSON {msg_type: text|post|image|share_chat|interactive, content|card};
      with a secret: "timestamp" (seconds, within an hour of now) and
      "sign" = base64(HMAC-SHA256(key = timestamp "\\n" secret, message = ""));
      answers HTTP 200 {"code": 0, "msg": "success", ...} or a code:
      19021 sign match fail, 19001 bad token, 9499 bad request, 11232 rate.
  DingTalk robot      POST /robot/send?access_token=TOKEN[&timestamp=MS&sign=S]
      sign = urlencode(base64(HMAC-SHA256(key = secret, message = MS "\\n" secret))),
      MS within an hour; JSON {msgtype: markdown, markdown: {title, text}};
      HTTP 200 {"errcode": 0, "errmsg": "ok"}, 310000 sign, 300001 token,
      40035 bad body, 130101 rate (20 a minute).
  WeCom group bot     POST /cgi-bin/webhook/send?key=KEY
      JSON {msgtype: markdown, markdown: {content <= 4096 bytes}};
      {"errcode": 0, "errmsg": "ok"}, 93000 bad key, 40058 too long,
      45009 rate.
  Slack webhook       POST /services/T/B/TOKEN
      JSON {text?, blocks?} (one of them), blocks: header (plain_text <= 150),
      section (text <= 3000, mrkdwn|plain_text), divider, context, actions;
      HTTP 200 "ok"; 400 "invalid_blocks" / "no_text" / "invalid_payload";
      404 "no_service"; 429 "rate_limited" with Retry-After (seconds).
  Discord webhook     POST /api/webhooks/ID/TOKEN
      JSON {content?, embeds? (<= 10)}: title <= 256, description <= 4096,
      fields <= 25 (name <= 256, value <= 1024), <= 6000 characters in all;
      HTTP 204 no body; 400 {"message": "Invalid Form Body", "code": 50035};
      404 {"message": "Unknown Webhook", "code": 10015};
      429 {"message": "You are being rate limited.", "retry_after": S,
      "global": false} with Retry-After.

The tokens and secrets come from --config (a JSON file:
{"feishu": {"token": "...", "secret": "..."}, "dingtalk": {...}, "wecom":
{"token": "..."}, "slack": {"token": "..."}, "discord": {"id": "1", "token": "..."}}).
Stops after --max-idle seconds without a request.
"""
import argparse, base64, hashlib, hmac, json, os, subprocess, sys, tempfile, threading, time, urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CONF = {}
LOG = []
CTRL = {"rate_limit": {}, "down": {}}
LOCK = threading.Lock()
LAST = [time.time()]
WINDOW = 3600


def b64hmac(key, msg):
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def take(kind, platform):
    with LOCK:
        n = CTRL[kind].get(platform, 0)
        if n > 0:
            CTRL[kind][platform] = n - 1
            return True
    return False


def feishu(token, body):
    c = CONF.get("feishu", {})
    if token != c.get("token"):
        return 200, {"code": 19001, "msg": "param invalid: incoming webhook access token invalid", "data": {}}
    if not isinstance(body, dict) or body.get("msg_type") not in ("text", "post", "image", "share_chat", "interactive"):
        return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
    if c.get("secret"):
        ts, sign = body.get("timestamp"), body.get("sign")
        try:
            t = int(ts)
        except (TypeError, ValueError):
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time",
                         "data": {}}
        want = b64hmac(("%s\n%s" % (ts, c["secret"])).encode(), b"")
        if abs(time.time() - t) > WINDOW or sign != want:
            return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour from current time",
                         "data": {}}
    if body["msg_type"] == "interactive":
        card = body.get("card")
        if not isinstance(card, dict) or not isinstance(card.get("elements"), list) or not card["elements"]:
            return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
        for e in card["elements"]:
            if e.get("tag") not in ("div", "markdown", "hr", "action", "note", "img"):
                return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
        title = card.get("header", {}).get("title", {})
        if title and title.get("tag") not in ("plain_text", "lark_md"):
            return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
    elif not isinstance(body.get("content"), dict):
        return 200, {"code": 9499, "msg": "Bad Request", "data": {}}
    if len(json.dumps(body).encode()) > 20 * 1024:
        return 200, {"code": 9499, "msg": "Bad Request: body over 20 KB", "data": {}}
    return 200, {"code": 0, "msg": "success", "data": {}, "StatusCode": 0, "StatusMessage": "success"}


def dingtalk(q, body):
    c = CONF.get("dingtalk", {})
    if q.get("access_token") != c.get("token"):
        return 200, {"errcode": 300001, "errmsg": "token is not exist"}
    if c.get("secret"):
        ts, sign = q.get("timestamp"), q.get("sign")
        want = b64hmac(c["secret"].encode(), ("%s\n%s" % (ts, c["secret"])).encode())
        try:
            ok = abs(time.time() * 1000 - int(ts)) <= WINDOW * 1000 and sign == want
        except (TypeError, ValueError):
            ok = False
        if not ok:
            return 200, {"errcode": 310000, "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}
    if not isinstance(body, dict) or body.get("msgtype") not in ("text", "link", "markdown", "actionCard", "feedCard"):
        return 200, {"errcode": 40035, "errmsg": "missing parameter json"}
    if body["msgtype"] == "markdown":
        md = body.get("markdown")
        if not isinstance(md, dict) or not isinstance(md.get("title"), str) or not isinstance(md.get("text"), str) \
                or not md["title"] or not md["text"]:
            return 200, {"errcode": 40035, "errmsg": "missing parameter markdown"}
    return 200, {"errcode": 0, "errmsg": "ok"}


def wecom(q, body):
    c = CONF.get("wecom", {})
    if q.get("key") != c.get("token"):
        return 200, {"errcode": 93000, "errmsg": "invalid webhook url, hint: [1]"}
    if not isinstance(body, dict) or body.get("msgtype") not in ("text", "markdown", "image", "news", "file",
                                                                 "template_card", "markdown_v2"):
        return 200, {"errcode": 40008, "errmsg": "invalid message type"}
    if body["msgtype"] == "markdown":
        md = body.get("markdown")
        if not isinstance(md, dict) or not isinstance(md.get("content"), str) or not md["content"]:
            return 200, {"errcode": 41009, "errmsg": "missing markdown content"}
        if len(md["content"].encode()) > 4096:
            return 200, {"errcode": 40058, "errmsg": "markdown.content exceed max length 4096"}
    return 200, {"errcode": 0, "errmsg": "ok"}


def slack(token, body):
    c = CONF.get("slack", {})
    if token != c.get("token"):
        return 404, "no_service"
    if not isinstance(body, dict):
        return 400, "invalid_payload"
    if not body.get("text") and not body.get("blocks"):
        return 400, "no_text"
    for b in body.get("blocks") or []:
        t = b.get("type")
        if t == "header":
            tx = b.get("text", {})
            if tx.get("type") != "plain_text" or not tx.get("text") or len(tx["text"]) > 150:
                return 400, "invalid_blocks"
        elif t == "section":
            tx = b.get("text", {})
            if tx.get("type") not in ("mrkdwn", "plain_text") or not tx.get("text") or len(tx["text"]) > 3000:
                return 400, "invalid_blocks"
        elif t not in ("divider", "context", "actions", "image"):
            return 400, "invalid_blocks"
    return 200, "ok"


def discord(wid, token, body):
    c = CONF.get("discord", {})
    if wid != c.get("id") or token != c.get("token"):
        return 404, {"message": "Unknown Webhook", "code": 10015}
    bad = {"message": "Invalid Form Body", "code": 50035, "errors": {}}
    if not isinstance(body, dict) or (not body.get("content") and not body.get("embeds")):
        return 400, {"message": "Cannot send an empty message", "code": 50006}
    embeds = body.get("embeds") or []
    if len(embeds) > 10:
        return 400, bad
    total = 0
    for e in embeds:
        if len(e.get("title", "")) > 256 or len(e.get("description", "")) > 4096 or len(e.get("fields", [])) > 25:
            return 400, bad
        total += len(e.get("title", "")) + len(e.get("description", ""))
        for f in e.get("fields", []):
            if not f.get("name") or not f.get("value") or len(f["name"]) > 256 or len(f["value"]) > 1024:
                return 400, bad
            total += len(f["name"]) + len(f["value"])
        if "url" in e and not str(e["url"]).startswith(("http://", "https://")):
            return 400, bad
    if total > 6000:
        return 400, bad
    return 204, None


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def answer(self, status, body, headers=()):
        data = b"" if body is None else (body if isinstance(body, str) else json.dumps(body)).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if body is not None:
            self.send_header("Content-Type", "text/html" if isinstance(body, str) else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        LAST[0] = time.time()
        if self.path == "/_state":
            with LOCK:
                return self.answer(200, {"log": LOG})
        self.answer(404, {"message": "not found"})

    def do_POST(self):
        LAST[0] = time.time()
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        u = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        parts = u.path.strip("/").split("/")
        if u.path == "/_control":
            with LOCK:
                for k, v in json.loads(raw).items():
                    CTRL[k].update(v)
            return self.answer(200, {"ok": True})
        if u.path.startswith("/open-apis/bot/v2/hook/"):
            platform = "feishu"
        elif u.path == "/robot/send":
            platform = "dingtalk"
        elif u.path == "/cgi-bin/webhook/send":
            platform = "wecom"
        elif u.path.startswith("/services/"):
            platform = "slack"
        elif u.path.startswith("/api/webhooks/"):
            platform = "discord"
        else:
            return self.answer(404, {"message": "not found"})
        ctype = self.headers.get("Content-Type", "")
        try:
            body = json.loads(raw.decode("utf-8")) if ctype.startswith("application/json") else None
        except (UnicodeDecodeError, ValueError):
            body = None
        headers = []
        if take("rate_limit", platform):
            if platform == "discord":
                status, ans = 429, {"message": "You are being rate limited.", "retry_after": 0.3, "global": False}
                headers = [("Retry-After", "1")]
            elif platform == "slack":
                status, ans, headers = 429, "rate_limited", [("Retry-After", "1")]
            else:
                status, ans, headers = 429, {"message": "too many requests"}, [("Retry-After", "1")]
        elif take("down", platform):
            status, ans = 500, {"message": "internal error"}
        elif platform == "feishu":
            status, ans = feishu(parts[-1], body)
        elif platform == "dingtalk":
            status, ans = dingtalk(q, body)
        elif platform == "wecom":
            status, ans = wecom(q, body)
        elif platform == "slack":
            status, ans = slack(parts[-1], body)
        else:
            status, ans = discord(parts[-2] if len(parts) >= 4 else "", parts[-1], body)
        with LOCK:
            LOG.append({"platform": platform, "path": u.path, "query": q, "content_type": ctype, "body": body,
                        "status": status, "answer": ans, "time": time.time()})
        self.answer(status, ans, headers)


class FakeChat:
    """This server on 127.0.0.1 (a random port) for a test: `url`, state(), control(**kw), close()."""

    def __init__(self, conf):
        self.dir = tempfile.mkdtemp(prefix="dg-chat-")
        pf, cf = os.path.join(self.dir, "port"), os.path.join(self.dir, "conf.json")
        with open(cf, "w") as f:
            json.dump(conf, f)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--port-file", pf, "--config", cf,
                                      "--max-idle", "120"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not os.path.exists(pf):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("fake chat did not start")
            time.sleep(0.05)
        self.url = "http://127.0.0.1:%s" % open(pf).read().strip()

    def state(self):
        with urllib.request.urlopen(self.url + "/_state", timeout=10) as r:
            return json.load(r)

    def control(self, **kw):
        req = urllib.request.Request(self.url + "/_control", data=json.dumps(kw).encode(), method="POST")
        urllib.request.urlopen(req, timeout=10).read()

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--config", required=True)
    p.add_argument("--max-idle", type=float, default=120)
    a = p.parse_args()
    CONF.update(json.load(open(a.config)))
    srv = ThreadingHTTPServer(("127.0.0.1", a.port), H)
    srv.timeout = 0.5
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(a.port_file + ".tmp", a.port_file)
    while time.time() - LAST[0] < a.max_idle:
        srv.handle_request()
    return 0


if __name__ == "__main__":
    sys.exit(main())
