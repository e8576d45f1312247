#!/usr/bin/env python3
"""A fake WeChat Official Account API on 127.0.0.1 (stdlib only) for the
draft-box publisher: stable_token, media/uploadimg, material/add_material,
draft/add, draft/update, with the documented checks and errors (format and
size checks on uploads, external images filtered, length limits, token
expiry, IP whitelist, quota, permissions). /_state shows what it holds;
/_control (POST JSON) changes behaviour: deny_ip, expire_after (authorized
calls before the token expires), quota (draft calls left; then quota_code,
45009 daily or 45011 per minute), busy (answers of -1), unauthorized (paths
answered 48001 api unauthorized, as for an unverified account),
drop_drafts (true: forget every draft, as when a person published or deleted
it: draft/update then answers 40007), token_error ([errcode, errmsg]: what
stable_token answers, as for a secret WeChat refuses or froze; null: check
the appid and secret given on the command line, 40013 or 40125). /_avatar/<login>.png serves a 64x64
PNG (an avatar host for the tests), or what avatar_kinds names for that
login: "gif" (66x66) or "webp" (70x70, lossless), whatever the name says.
Uploads record the kind, size and, for a PNG, its width and height.
draft/batchget lists the drafts, newest first (offset, count at most 20,
no_content).

Hostile mode, for tests/t-attack-wechat.py (also through /_control):
token_chars (put into every token made: "&", "#", quotes, spaces), echo
(true: every error's errmsg starts with the access token of the request
and the AppSecret, and every answer carries them in an X-Echo header),
errmsg_extra (appended to every errmsg: ESC, OSC, CR), media_id_extra and
material_extra (appended to the media_id of every draft, of every material;
"{token}" is the request's access token), url_extra (appended to uploadimg
URLs), fail_paths ({path: [errcode, errmsg]}: that answer instead),
draft_add_5xx (that many draft/add calls make the draft, then answer 500),
draft_add_garbage (make it, then answer a body that is no JSON),
draft_add_hang (seconds: make it, then wait before answering: a run killed
meanwhile), decoys (N: that many drafts of other titles made now),
batchget_endless (true: every page full of decoys, total_count huge),
drop_materials (true: forget every material, as when a person deleted them)."""
import argparse, json, os, re, struct, subprocess, sys, tempfile, threading, time, urllib.request, zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse, parse_qs

STATE = {"tokens": {}, "uploads": [], "materials": {}, "drafts": {}, "log": [], "next": 1,
         "deny_ip": None, "expire_after": None, "quota": None, "quota_code": 45009, "busy": 0,
         "unauthorized": [], "avatar_kinds": {}, "escaped": False, "token_error": None,
         "token_chars": "", "echo": False, "errmsg_extra": "", "media_id_extra": "", "material_extra": "",
         "url_extra": "", "fail_paths": {}, "draft_add_5xx": 0, "draft_add_garbage": 0, "draft_add_hang": 0,
         "batchget_endless": False, "batchget_calls": 0}
LOCK = threading.Lock()
ARGS = None
LAST = [time.time()]


def png(w, h, rgb):
    raw = b"".join(b"\0" + bytes(rgb) * w for _ in range(h))
    chunk = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
            chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def gif(w, h, rgb):
    """A GIF whose LZW codes stay 8 bits wide (minimum code size 7, a clear
    code every 100 pixels), so each code is one byte."""
    pal = bytes(rgb) + b"\0" * (128 * 3 - 3)
    codes = bytearray()
    for i in range(w * h):
        if i % 100 == 0:
            codes.append(128)
        codes.append(0)
    codes.append(129)
    data = b"".join(bytes([len(codes[i:i + 255])]) + codes[i:i + 255] for i in range(0, len(codes), 255))
    return (b"GIF89a" + struct.pack("<HHBBB", w, h, 0xf6, 0, 0) + pal +
            b"," + struct.pack("<HHHHB", 0, 0, w, h, 0) + b"\7" + data + b"\0;")


def webp(w, h, rgb):
    """A lossless WebP (VP8L) of one colour: every prefix code holds a single
    symbol, so the pixels take no bits."""
    bits, n = 0, 0

    def put(v, k):
        nonlocal bits, n
        bits |= v << n
        n += k
    put(w - 1, 14); put(h - 1, 14); put(0, 1); put(0, 3)  # size, no alpha, version 0
    put(0, 1)  # no transform
    put(0, 1)  # no colour cache
    put(0, 1)  # no meta prefix codes
    for sym in (rgb[1], rgb[0], rgb[2], 255, 0):  # green, red, blue, alpha, distance
        put(1, 1); put(0, 1); put(1, 1); put(sym, 8)  # simple code, one 8-bit symbol
    body = b"\x2f" + bits.to_bytes((n + 7) // 8, "little")
    chunk = b"VP8L" + struct.pack("<I", len(body)) + body + (b"\0" if len(body) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def sniff(b):
    if b.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if b.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if b[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if b.startswith(b"BM"):
        return "bmp"
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return "webp"
    return None


def text_len(html):
    t = re.sub(r"<[^>]*>", "", html)
    t = re.sub(r"&[#a-zA-Z0-9]{1,10};", "x", t)
    return len(t.replace("\n", ""))


class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, obj, ctype="application/json; encoding=utf-8", status=200):
        body = obj if isinstance(obj, bytes) else json.dumps(obj, ensure_ascii=False).encode()
        if getattr(self, "delay", 0):
            self.deferred = (body, ctype, status)  # sent once the lock is released and the delay over
            return
        self.write(body, ctype, status)

    def write(self, body, ctype, status):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if STATE["echo"]:
            self.send_header("X-Echo", "%s %s" % (getattr(self, "tok", ""), ARGS.secret))
        self.end_headers()
        self.wfile.write(body)

    def err(self, code, msg):
        if STATE["echo"]:
            msg = "%s secret=%s %s" % (getattr(self, "tok", ""), ARGS.secret, msg)
        self.send({"errcode": code, "errmsg": msg + STATE["errmsg_extra"]})

    def do_GET(self):
        LAST[0] = time.time()
        u = urlparse(self.path)
        if u.path == "/_state":
            with LOCK:
                return self.send(STATE)
        m = re.match(r"^/_avatar/([A-Za-z0-9_-]+)\.png$", u.path)
        if m:
            colour = (zlib.crc32(m.group(1).encode()) & 0xff, 120, 200)
            with LOCK:
                kind = STATE["avatar_kinds"].get(m.group(1), "png")
            body = {"gif": lambda: gif(66, 66, colour), "webp": lambda: webp(70, 70, colour)}.get(
                kind, lambda: png(64, 64, colour))()
            self.send_response(200)
            self.send_header("Content-Type", "image/" + kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return self.wfile.write(body)
        self.send({"errcode": 43002, "errmsg": "require POST method"})

    def do_POST(self):
        LAST[0] = time.time()
        self.delay, self.deferred = 0, None
        with LOCK:
            self.post()
        if self.deferred:
            time.sleep(self.delay)
            try:
                self.write(*self.deferred)
            except OSError:
                pass  # the client was killed meanwhile

    def post(self):
        u = urlparse(self.path)
        q = parse_qs(u.query)
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        self.tok = (q.get("access_token") or [""])[0]
        STATE["log"].append({"path": u.path, "query_has_token": "access_token" in q})
        if u.path == "/_control":
            ctl = json.loads(body)
            if ctl.pop("drop_drafts", False):
                STATE["drafts"].clear()
            if ctl.pop("drop_materials", False):
                STATE["materials"].clear()
            for i in range(ctl.pop("decoys", 0)):
                STATE["drafts"]["DECOY%d" % STATE["next"]] = {"title": "Decoy draft %d" % i, "digest": "",
                                                              "content": "<p>x</p>"}
                STATE["next"] += 1
            STATE.update(ctl)
            return self.send({"ok": True})
        if STATE["deny_ip"]:
            ip = STATE["deny_ip"]
            return self.err(40164, f"invalid ip {ip} ipv6 ::ffff:{ip}, not in whitelist rid: 1")
        if STATE["busy"] > 0:
            STATE["busy"] -= 1
            return self.err(-1, "system error")
        if u.path in STATE["fail_paths"]:
            return self.err(*STATE["fail_paths"][u.path])
        if u.path == "/cgi-bin/stable_token":
            return self.token(body)
        tok = self.tok
        if tok not in STATE["tokens"]:
            return self.err(40001, "invalid credential, access_token is invalid or not latest")
        if STATE["tokens"][tok] < time.time():
            return self.err(42001, "access_token expired")
        if STATE["expire_after"] is not None:
            STATE["expire_after"] -= 1
            if STATE["expire_after"] < 0:
                STATE["expire_after"] = None
                STATE["tokens"][tok] = 0
                return self.err(42001, "access_token expired")
        if u.path in STATE["unauthorized"]:
            return self.err(48001, "api unauthorized rid: 1")
        if u.path == "/cgi-bin/media/uploadimg":
            return self.upload(body, 1024 * 1024, ("png", "jpeg"), True)
        if u.path == "/cgi-bin/material/add_material":
            if (q.get("type") or [""])[0] != "image":
                return self.err(40004, "invalid media type")
            return self.upload(body, 10 * 1024 * 1024, ("png", "jpeg", "gif", "bmp"), False)
        if u.path in ("/cgi-bin/draft/add", "/cgi-bin/draft/update"):
            return self.draft(u.path, body)
        if u.path == "/cgi-bin/draft/batchget":
            return self.batchget(body)
        self.err(40066, "invalid url")

    def batchget(self, body):
        try:
            req = json.loads(body)
        except ValueError:
            return self.err(47001, "data format error")
        STATE["batchget_calls"] += 1
        offset, count = req.get("offset"), req.get("count")
        if not isinstance(offset, int) or not isinstance(count, int) or offset < 0 or not 1 <= count <= 20:
            return self.err(40097, "invalid args")
        if STATE["batchget_endless"]:
            items = [{"media_id": "ENDLESS%d" % (offset + i), "update_time": 1,
                      "content": {"news_item": [{"title": "Endless %d" % (offset + i), "digest": ""}]}}
                     for i in range(count)]
            return self.send({"total_count": 10 ** 9, "item_count": count, "item": items})
        mids = list(STATE["drafts"])[::-1]  # newest first
        items = []
        for mid in mids[offset:offset + count]:
            art = {k: v for k, v in STATE["drafts"][mid].items() if k not in ("dropped_images", "updates")}
            if req.get("no_content"):
                art.pop("content", None)
            items.append({"media_id": mid, "content": {"news_item": [art]}, "update_time": 1})
        self.send({"total_count": len(mids), "item_count": len(items), "item": items})

    def token(self, body):
        try:
            req = json.loads(body)
        except ValueError:
            return self.err(47001, "data format error")
        if STATE["token_error"]:
            return self.err(*STATE["token_error"])
        if req.get("appid") != ARGS.appid:
            return self.err(40013, "invalid appid")
        if req.get("secret") != ARGS.secret:
            return self.err(40125, "invalid appsecret")
        now = time.time()
        for t, exp in STATE["tokens"].items():
            if exp > now and not req.get("force_refresh"):
                return self.send({"access_token": t, "expires_in": int(exp - now)})
        t = "TOKEN%06d%s%s" % (STATE["next"], STATE["token_chars"], "x" * 120)
        STATE["next"] += 1
        STATE["tokens"][t] = now + ARGS.token_ttl
        self.send({"access_token": t, "expires_in": ARGS.token_ttl})

    def upload(self, body, limit, kinds, plain):
        ctype = self.headers.get("Content-Type", "")
        m = re.search(r"boundary=(\S+)", ctype)
        data = None
        if m:
            for part in body.split(b"--" + m.group(1).encode()):
                head, _, rest = part.partition(b"\r\n\r\n")
                if b'name="media"' in head:
                    data = rest[:-2] if rest.endswith(b"\r\n") else rest
        if data is None:
            return self.err(41005, "media data missing")
        kind = sniff(data)
        if kind not in kinds:
            return self.err(40005, "invalid file type")
        if len(data) > limit:
            return self.err(40009, "invalid image size")
        i = STATE["next"]
        STATE["next"] += 1
        url = (f"http://mmbiz.qpic.cn/mmbiz_{kind}/fake{i}/0?wx_fmt={kind}" +
               STATE["url_extra"].replace("{token}", self.tok))
        rec = {"kind": kind, "size": len(data), "url": url, "plain": plain}
        if kind == "png" and data[12:16] == b"IHDR":
            rec["width"], rec["height"] = struct.unpack(">II", data[16:24])
        if plain:
            STATE["uploads"].append(rec)
            return self.send({"url": url}, ctype="text/plain")
        mid = "MEDIA%d" % i + STATE["material_extra"].replace("{token}", self.tok)
        STATE["materials"][mid] = rec
        self.send({"media_id": mid, "url": url})

    def draft(self, path, body):
        if rb"\u" in body:
            STATE["escaped"] = True
        try:
            req = json.loads(body)
        except ValueError:
            return self.err(47001, "data format error")
        if STATE["quota"] is not None:
            if STATE["quota"] <= 0:
                if STATE["quota_code"] == 45011:
                    return self.err(45011, "api minute-quota reach limit, mustslower retry next minute")
                return self.err(45009, "reach max api daily quota limit")
            STATE["quota"] -= 1
        if path.endswith("update"):
            if req.get("media_id") not in STATE["drafts"]:
                return self.err(40007, "invalid media_id")
            art = req.get("articles")
            if not isinstance(art, dict):
                return self.err(44003, "empty news data")
        else:
            arts = req.get("articles")
            if not isinstance(arts, list) or not arts:
                return self.err(44003, "empty news data")
            art = arts[0]
        if len(art.get("title", "")) > 32 or not art.get("title"):
            return self.err(45003, "title size out of limit")
        if len(art.get("author", "")) > 16:
            return self.err(45110, "author size out of limit")
        if len(art.get("digest", "")) > 128:
            return self.err(45004, "description size out of limit")
        c = art.get("content", "")
        if text_len(c) >= 20000 or len(c.encode()) >= 1024 * 1024:
            return self.err(45002, "content size out of limit")
        if art.get("thumb_media_id") not in STATE["materials"]:
            return self.err(40007, "invalid media_id")
        for href in re.findall(r'<a\s[^>]*href="([^"]*)"', c):
            if not href.startswith(("https://mp.weixin.qq.com/", "http://mp.weixin.qq.com/")):
                return self.err(45166, "invalid content")
        dropped = []
        def keep(m):
            if m.group(1).startswith("https://mmbiz.qpic.cn/"):
                return m.group(0)
            dropped.append(m.group(1))
            return ""
        art = dict(art, content=re.sub(r'<img\s[^>]*src="([^"]*)"[^>]*>', keep, c))
        art["dropped_images"] = dropped
        if path.endswith("update"):
            STATE["drafts"][req["media_id"]] = dict(art, updates=STATE["drafts"][req["media_id"]].get("updates", 0) + 1)
            return self.send({"errcode": 0, "errmsg": "ok"})
        mid = "DRAFT%d" % STATE["next"] + STATE["media_id_extra"].replace("{token}", self.tok)
        STATE["next"] += 1
        STATE["drafts"][mid] = art
        if STATE["draft_add_5xx"] > 0:  # made, then the answer is lost
            STATE["draft_add_5xx"] -= 1
            return self.send(b"<html>502 Bad Gateway</html>", ctype="text/html", status=502)
        if STATE["draft_add_garbage"] > 0:
            STATE["draft_add_garbage"] -= 1
            return self.send(b"<html>upstream timed out", ctype="text/html")
        if STATE["draft_add_hang"]:
            self.delay = STATE["draft_add_hang"]
        self.send({"media_id": mid})


class FakeWeChat:
    """This server on 127.0.0.1 (a random port) for a test: `url`, state(), control(**settings), close()."""

    def __init__(self, appid, secret):
        self.dir = tempfile.mkdtemp(prefix="dg-wx-")
        pf = os.path.join(self.dir, "port")
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--port-file", pf,
                                      "--appid", appid, "--secret", secret, "--max-idle", "120"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 30
        while not os.path.exists(pf):
            if self.proc.poll() is not None or time.time() > deadline:
                raise RuntimeError("fake WeChat did not start")
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
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--appid", default="wxAPPID")
    p.add_argument("--secret", default="SECRET")
    p.add_argument("--token-ttl", type=int, default=7200)
    p.add_argument("--max-idle", type=float, default=120)
    ARGS = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), H)
    srv.timeout = 0.5
    if ARGS.port_file:
        with open(ARGS.port_file + ".tmp", "w") as f:
            f.write(str(srv.server_address[1]))
        os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    while time.time() - LAST[0] < ARGS.max_idle:
        srv.handle_request()


if __name__ == "__main__":
    main()
