#!/usr/bin/env python3
"""The preview page's copy button, in headless Chromium driven through
chromedriver's W3C WebDriver HTTP API (stdlib only).

Renders tests/wechat/hostile/cjk.md with md2wechat, serves the page from
127.0.0.1 (a secure context, so the async clipboard API is available), and
checks: no console errors or CSP violations; the button puts the fragment on
the clipboard as text/html; with navigator.clipboard removed, the fallback
copy event carries the fragment as text/html. Env: DIGEST_BUILD, DIGEST_TESTS.
"""
import html.parser
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
TOTAL_TIMEOUT = 60  # the browser part
failures = 0


def ok(msg):
    print("ok - " + msg, flush=True)


def not_ok(msg):
    global failures
    failures += 1
    print("not ok - " + msg, flush=True)


def ensure_chromium():
    """'' when chromium and chromedriver are installed, else a reason naming the
    make target that installs them (tests never install packages themselves)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        return "%s missing: run `make test-deps` (make check does it before the suite)" % " and ".join(missing)
    return ""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Driver:
    """Just enough of the W3C WebDriver protocol."""

    def __init__(self, base):
        self.base = base
        self.sid = None

    def call(self, method, path, body=None, timeout=15):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return json.loads(r.read() or b"{}").get("value")
        except urllib.error.HTTPError as e:
            detail = e.read().decode(errors="replace")
            raise RuntimeError("%s %s -> %s: %s" % (method, path, e.code, detail[:300]))

    def s(self, method, path, body=None, timeout=15):
        return self.call(method, "/session/%s%s" % (self.sid, path), body, timeout)

    def execute(self, script, args=None):
        return self.s("POST", "/execute/sync", {"script": script, "args": args or []})

    def execute_async(self, script, args=None):
        return self.s("POST", "/execute/async", {"script": script, "args": args or []}, timeout=20)

    def cdp(self, cmd, params):
        return self.s("POST", "/goog/cdp/execute", {"cmd": cmd, "params": params})


class Tokens(html.parser.HTMLParser):
    """HTML as a comparable token list: tags with their attributes, text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = []

    def handle_starttag(self, tag, attrs):
        self.out.append(("start", tag, tuple(sorted((k, v or "") for k, v in attrs))))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in ("br", "img", "hr"):
            self.out.append(("end", tag))

    def handle_data(self, data):
        if self.out and self.out[-1][0] == "text":
            self.out[-1] = ("text", self.out[-1][1] + data)
        else:
            self.out.append(("text", data))


def tokens(s):
    """Tokens of the HTML with a clipboard wrapper (meta, html/head/body,
    Start/EndFragment comments) removed and whitespace-only text dropped."""
    p = Tokens()
    p.feed(s)
    p.close()
    wrapper = {"html", "head", "body", "meta"}
    return [t for t in p.out
            if not (t[0] in ("start", "end") and t[1] in wrapper)
            and not (t[0] == "text" and not t[1].strip(" \t\r\n"))]


def same_html(got, want):
    a, b = tokens(got), tokens(want)
    if a == b:
        return ""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return "first difference at token %d: got %r, want %r" % (i, x, y)
    return "token counts differ: got %d, want %d" % (len(a), len(b))


HOOK = r"""
window.__dgErrors = [];
window.addEventListener('error', function (e) { window.__dgErrors.push('error: ' + e.message); }, true);
window.addEventListener('unhandledrejection', function (e) { window.__dgErrors.push('rejection: ' + e.reason); });
document.addEventListener('securitypolicyviolation', function (e) {
  window.__dgErrors.push('csp: ' + e.violatedDirective + ' ' + e.blockedURI);
});
(function () {
  var orig = console.error;
  console.error = function () {
    window.__dgErrors.push('console.error: ' + Array.prototype.join.call(arguments, ' '));
    return orig.apply(console, arguments);
  };
})();
"""

READ_CLIPBOARD = r"""
var done = arguments[arguments.length - 1];
var cb = window.__dgRealClipboard || navigator.clipboard;
cb.read().then(function (items) {
  var item = items.find(function (i) { return i.types.indexOf('text/html') >= 0; });
  if (!item) { done({error: 'no text/html item', types: items.map(function (i) { return i.types; })}); return; }
  item.getType('text/html').then(function (b) { return b.text(); })
    .then(function (t) { done({html: t, types: item.types}); }, function (e) { done({error: String(e)}); });
}, function (e) { done({error: 'read: ' + e}); });
"""


def wait_for(fn, timeout=8.0, step=0.1):
    end = time.time() + timeout
    value = fn()
    while not value and time.time() < end:
        time.sleep(step)
        value = fn()
    return value


def browser_log_errors(drv):
    """SEVERE browser log entries (chromedriver's legacy log endpoint)."""
    try:
        entries = drv.s("POST", "/se/log", {"type": "browser"}) or []
    except RuntimeError:
        try:
            entries = drv.s("POST", "/log", {"type": "browser"}) or []
        except RuntimeError:
            return None
    return [e.get("message", "") for e in entries
            if e.get("level") == "SEVERE" and "favicon.ico" not in e.get("message", "")]


def run(tmp, page_name, fragment_file):
    with open(fragment_file, encoding="utf-8") as f:
        fragment = f.read()

    handler = lambda *a, **k: Quiet(*a, directory=tmp, **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = "http://127.0.0.1:%d/%s" % (server.server_address[1], page_name)

    port = free_port()
    log = open(os.path.join(tmp, "chromedriver.log"), "w")
    proc = subprocess.Popen([CHROMEDRIVER, "--port=%d" % port], stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    drv = Driver("http://127.0.0.1:%d" % port)
    try:
        ready = wait_for(lambda: _status(drv), timeout=10)
        if not ready:
            not_ok("chromedriver did not start")
            return
        profile = os.path.join(tmp, "profile")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:loggingPrefs": {"browser": "ALL"},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--user-data-dir=" + profile],
            },
        }}}
        try:
            sess = drv.call("POST", "/session", caps, timeout=40)
        except (RuntimeError, OSError) as e:
            not_ok("chromium session: %s" % e)
            return
        drv.sid = sess["sessionId"]
        ok("headless chromium session started (%s)" % sess.get("capabilities", {}).get("browserVersion", "?"))
        drv.s("POST", "/timeouts", {"script": 15000, "pageLoad": 15000, "implicit": 0})

        # Error hooks before any page script runs.
        drv.cdp("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        drv.s("POST", "/url", {"url": url})
        # Permissions apply to the current document's origin: set them on the page.
        for name in ("clipboard-read", "clipboard-write"):
            try:
                drv.s("POST", "/permissions", {"descriptor": {"name": name}, "state": "granted"})
            except RuntimeError:
                drv.cdp("Browser.grantPermissions", {"origin": url.rsplit("/", 1)[0],
                                                     "permissions": ["clipboardReadWrite",
                                                                     "clipboardSanitizedWrite"]})
        embedded = drv.execute("var n = document.getElementById('dg-article').firstElementChild;"
                               "return n ? n.outerHTML : null;")
        diff = same_html(embedded or "", fragment)
        if embedded and not diff:
            ok("page embeds the fragment unchanged")
        else:
            not_ok("embedded fragment differs from the .wechat.html file: %s" % diff)

        btn = drv.s("POST", "/element", {"using": "css selector", "value": "#dg-copy"})
        eid = list(btn.values())[0]
        label = drv.s("GET", "/element/%s/text" % eid)
        inside = drv.execute("return document.getElementById('dg-article').contains("
                             "document.getElementById('dg-copy'));")
        if "复制到公众号 / Copy for WeChat" in label and inside is False:
            ok("copy button present, outside the fragment")
        else:
            not_ok("copy button label %r, inside fragment: %r" % (label, inside))

        # Path 1: navigator.clipboard.write with a ClipboardItem.
        drv.s("POST", "/element/%s/click" % eid, {})
        status = wait_for(lambda: drv.execute("return document.getElementById('dg-status').textContent;"))
        if status == "已复制 / Copied":
            ok("status after click: %s" % status)
        else:
            not_ok("status after click: %r" % status)
        got = drv.execute_async(READ_CLIPBOARD)
        if got and "html" in got:
            diff = same_html(got["html"], fragment)
            if diff:
                not_ok("clipboard text/html differs from the fragment: %s" % diff)
            else:
                ok("clipboard holds the fragment as text/html (types %s)" % ",".join(got.get("types", [])))
            if "text/plain" in got.get("types", []):
                ok("clipboard also holds text/plain")
            else:
                not_ok("no text/plain on the clipboard: %r" % got.get("types"))
        else:
            not_ok("clipboard read failed: %r" % got)

        # Path 2: no async clipboard API -> one-off copy listener + execCommand.
        drv.execute("window.__dgRealClipboard = navigator.clipboard;"
                    "return navigator.clipboard.writeText('cleared');")
        drv.s("POST", "/refresh", {})
        drv.execute(r"""
            window.__dgRealClipboard = navigator.clipboard;
            Object.defineProperty(Navigator.prototype, 'clipboard', {get: function () { return undefined; },
                                                                   configurable: true});
            window.__dgCopied = null;
            window.addEventListener('copy', function (e) {
              window.__dgCopied = {html: e.clipboardData.getData('text/html'),
                                   text: e.clipboardData.getData('text/plain')};
            });
            document.getElementById('dg-status').textContent = '';
            return navigator.clipboard === undefined;
        """)
        btn = drv.s("POST", "/element", {"using": "css selector", "value": "#dg-copy"})
        drv.s("POST", "/element/%s/click" % list(btn.values())[0], {})
        status = wait_for(lambda: drv.execute("return document.getElementById('dg-status').textContent;"))
        copied = drv.execute("return window.__dgCopied;")
        if status == "已复制 / Copied" and copied and copied.get("html"):
            diff = same_html(copied["html"], fragment)
            if diff:
                not_ok("fallback copy event text/html differs: %s" % diff)
            else:
                ok("fallback: copy event carries the fragment as text/html")
        else:
            not_ok("fallback copy: status %r, captured %r" % (status, copied and {k: (v or "")[:80]
                                                                                   for k, v in copied.items()}))
        got = drv.execute_async(READ_CLIPBOARD)
        if got and "html" in got and not same_html(got["html"], fragment):
            ok("fallback: system clipboard holds the fragment")
        else:
            not_ok("fallback: clipboard read %r" % (got and {k: str(v)[:80] for k, v in got.items()}))

        errors = drv.execute("return window.__dgErrors;") or []
        logged = browser_log_errors(drv)
        if logged is None:
            logged = []
            print("# browser log endpoint unavailable; relying on the injected hooks")
        if not errors and not logged:
            ok("no console errors, script errors or CSP violations")
        else:
            not_ok("page errors: %s" % "; ".join((errors + logged)[:5]))
    finally:
        if drv.sid:
            try:
                drv.call("DELETE", "/session/%s" % drv.sid, timeout=10)
            except (RuntimeError, OSError):
                pass
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        log.close()
        server.shutdown()
        server.server_close()


def _status(drv):
    try:
        return drv.call("GET", "/status", timeout=2).get("ready")
    except (OSError, RuntimeError, AttributeError):
        return False


def main():
    tests = os.environ.get("DIGEST_TESTS") or os.path.dirname(os.path.abspath(__file__))
    build = os.environ.get("DIGEST_BUILD", "build/asan")
    md2wechat = os.path.join(build, "tests", "md2wechat")
    if not os.access(md2wechat, os.X_OK):
        not_ok("missing %s (build with make test-programs)" % md2wechat)
        return 1

    reason = ensure_chromium()
    if reason:
        not_ok("chromium unavailable: " + reason)
        return 1
    ok("chromium and chromedriver present")

    def on_alarm(*_):
        raise TimeoutError("browser checks exceeded %d s" % TOTAL_TIMEOUT)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(TOTAL_TIMEOUT)

    tmp = tempfile.mkdtemp(prefix="t-preview.")
    try:
        src = os.path.join(tests, "wechat", "hostile", "cjk.md")
        frag = os.path.join(tmp, "cjk.wechat.html")
        page = os.path.join(tmp, "cjk.html")
        r = subprocess.run([md2wechat, src, frag, page], capture_output=True, text=True, timeout=30)
        if r.returncode != 0:
            not_ok("md2wechat: " + r.stderr.strip())
            return 1
        with open(page, encoding="utf-8") as f:
            text = f.read()
        with open(frag, encoding="utf-8") as f:
            text = text.replace(f.read(), "")  # the page around the fragment
        if not any(s in text for s in ("http://", "https://", "<link", " src=", "url(", "@import")):
            ok("preview page references no external resources")
        else:
            not_ok("preview page references external resources")
        run(tmp, "cjk.html", frag)
    except TimeoutError as e:
        not_ok(str(e))
    except (RuntimeError, OSError, KeyError, ValueError) as e:
        not_ok("webdriver: %s" % e)
    finally:
        signal.alarm(0)
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
