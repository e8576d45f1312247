"""A hostile GitHub and feed host for the attack tests (stdlib only, loopback).

It serves just enough of the REST API for a community run of one org "o" with
one repository, under the GitHub Enterprise style base /api/v3, and one feed
at /feed.xml; a scenario (POST /_control {"scenario": NAME}) makes it
misbehave the way an attacker's server would:

  normal         answers as GitHub does
  loop           the org listing's Link rel="next" leads back to page 1
  endless        the org listing has a next page forever
  silent         the releases request is accepted and never answered
  drip           the releases response trickles in, two bytes a second, forever
  retry_after    every search answers 403 with Retry-After: 1
  retry_huge     every search answers 403 with a 20-digit Retry-After
  retry_date     the first search answers 403 with Retry-After as an HTTP date 2 s ahead
  reset_huge     every search answers 403, limit exhausted, reset 20 digits ahead
  redirect       the org listing redirects to /outside/... on the same host
  dotseg         the org listing's next page is /api/v3/../../outside/...
  echo           every body and error message echoes the Authorization header
  crlf           the repository's name carries CR/LF and a forged log line
  evilfeed       the feed's summary holds HTML and a javascript: link (entity-encoded)
  broken         the org listing answers; releases and searches fail with 500

Every request is logged (GET /_log): path, whether it carried a token, time.
Loops are bounded: the server stops after --max-idle seconds without a
request, and a dripping or silent answer ends when the client hangs up or
after 120 s.
"""
import argparse
import email.utils
import json
import socket
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATE = {"scenario": "normal", "log": [], "searches": 0, "last": time.time()}
LOCK = threading.Lock()
FEED_TITLE = None


def repo_object(base, name):
    return {"id": 1, "name": name, "full_name": "o/" + name, "html_url": "https://github.com/o/" + name,
            "description": "a repository", "archived": False, "fork": False, "private": False}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, status, body, headers=None, ctype="application/json; charset=utf-8"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self._headers_buffer.append(b"\r\n")  # headers and body in one write
        self._headers_buffer.append(data)
        self.flush_headers()

    def echo(self, text):
        auth = self.headers.get("Authorization") or ""
        return text + (" [" + auth + "]" if STATE["scenario"] == "echo" and auth else "")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(n) or b"{}")
        with LOCK:
            STATE.update(body)
            STATE["log"] = []
            STATE["searches"] = 0
        self.send(200, {"ok": True})

    def do_GET(self):
        path = self.path
        with LOCK:
            STATE["last"] = time.time()
            if path != "/_log":
                STATE["log"].append({"path": path, "auth": bool(self.headers.get("Authorization")),
                                     "t": time.time()})
        sc = STATE["scenario"]
        base = "http://%s:%d" % self.server.server_address[:2]
        if path == "/_log":
            return self.send(200, STATE["log"])
        if path == "/feed.xml":
            desc = ("&lt;img src=x onerror=alert(1)&gt; [click](javascript:alert(2)) &lt;script&gt;x&lt;/script&gt;"
                    if sc == "evilfeed" else "news")
            items = ("<item><title>%s</title><link>https://example.org/news/1</link>"
                     "<pubDate>Tue, 07 Dec 2021 10:00:00 +0000</pubDate>"
                     "<description>%s</description></item>" % (FEED_TITLE, desc))
            return self.send(200, ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                                   "<title>f</title><link>https://example.org/</link>%s</channel></rss>"
                                   % items).encode(), ctype="application/rss+xml")
        if path.startswith("/outside/"):
            return self.send(200, [repo_object(base, "r")])
        if path.startswith("/api/v3/orgs/o/repos"):
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
            page = int(query.get("page", ["1"])[0])
            name = "r\r\ndigest: forged log line" if sc == "crlf" else "r"
            if sc == "redirect":
                return self.send(302, b"", {"Location": "/outside/repos"})
            headers = {}
            if sc == "loop":
                headers["Link"] = '<%s/api/v3/orgs/o/repos?type=sources&per_page=100>; rel="next"' % base
            elif sc == "endless":
                headers["Link"] = '<%s/api/v3/orgs/o/repos?type=sources&per_page=100&page=%d>; rel="next"' % (
                    base, page + 1)
            elif sc == "dotseg":
                headers["Link"] = '<%s/api/v3/../../outside/repos?page=2>; rel="next"' % base
            repo = repo_object(base, name)
            repo["description"] = self.echo("a repository")
            return self.send(200, [repo] if page == 1 else [], headers)
        if sc == "broken" and ("/releases" in path or path.startswith("/api/v3/search/")):
            return self.send(500, {"message": "Server Error"})
        if "/releases" in path:
            if sc == "silent":
                time.sleep(120)
                return
            if sc == "drip":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "1000000")
                self.end_headers()
                try:
                    for _ in range(240):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(0.5)
                except OSError:
                    pass
                return
            return self.send(200, [{"id": 1, "tag_name": "v1.0.0", "name": "v1.0.0", "draft": False,
                                    "prerelease": False, "created_at": "2021-12-08T00:00:00Z",
                                    "published_at": "2021-12-08T00:00:00Z", "author": {"login": "a"},
                                    "html_url": "https://github.com/o/r/releases/tag/v1.0.0",
                                    "body": self.echo("## Features\n\n- one (#1)\n")}])
        if path.startswith("/api/v3/search/"):
            with LOCK:
                STATE["searches"] += 1
                first = STATE["searches"] == 1
            msg = {"message": self.echo("You have exceeded a secondary rate limit")}
            if sc == "retry_after":
                return self.send(403, msg, {"Retry-After": "1"})
            if sc == "retry_huge":
                return self.send(403, msg, {"Retry-After": "99999999999999999999"})
            if sc == "retry_date" and first:
                return self.send(403, msg, {"Retry-After": email.utils.formatdate(time.time() + 2, usegmt=True)})
            if sc == "reset_huge":
                return self.send(403, {"message": "API rate limit exceeded"},
                                 {"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "30",
                                  "X-RateLimit-Reset": "99999999999999999999", "X-RateLimit-Resource": "search"})
            if sc == "echo":
                return self.send(422, {"message": self.echo("Validation Failed")})
            return self.send(200, {"total_count": 0, "incomplete_results": False, "items": []})
        return self.send(404, {"message": self.echo("Not Found")})


def main():
    global FEED_TITLE
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--max-idle", type=float, default=120)
    ap.add_argument("--feed-title", default="news")
    a = ap.parse_args()
    FEED_TITLE = a.feed_title
    from fakeserve import serve_until_idle
    serve_until_idle(ThreadingHTTPServer(("127.0.0.1", 0), Handler), a.port_file, STATE, a.max_idle)


if __name__ == "__main__":
    main()
