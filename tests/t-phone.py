#!/usr/bin/env python3
"""Every WeChat fragment of the goldens on a phone: headless Chromium at a
375 px wide screen (WeChat's article padding of 16 px each side), element
geometry measured, not screenshots. Nothing but code blocks may be wider
than the screen or start left of it; the page never scrolls sideways; list
items hang (a wrapped line starts under the text, not under the bullet).
Uses the WebDriver helpers of t-preview.py. Env: DIGEST_TESTS."""
import glob
import http.server
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("t_preview", os.path.join(HERE, "t-preview.py"))
tp = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tp)

WIDTH = 375
PADDING = 16
PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>html,body{margin:0;padding:0}#content{padding:0 %dpx}</style></head>
<body><div id="content">%s</div></body></html>"""
AVATAR = ('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
          '<rect width="64" height="64" fill="#00a971"/></svg>')

MEASURE = r"""
var W = arguments[0], PAD = arguments[1], out = {wide: [], hang: [], checked: 0, lists: 0};
var doc = document.documentElement;
out.scroll = doc.scrollWidth;
out.client = doc.clientWidth;
var all = document.querySelectorAll('#content *');
for (var i = 0; i < all.length; i++) {
  var e = all[i];
  if (e.closest('pre')) continue;            // code blocks may scroll
  var r = e.getBoundingClientRect();
  if (r.width === 0 && r.height === 0) continue;
  out.checked++;
  if (r.right > W - PAD + 0.5 || r.left < PAD - 0.5)
    out.wide.push(e.tagName + ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + '] ' +
                  (e.textContent || '').slice(0, 60));
}
// Hanging indents: in a list item's section, the text after the marker
// starts where its wrapped lines start.
var secs = document.querySelectorAll('#content li > section');
for (var k = 0; k < secs.length; k++) {
  var s = secs[k], mark = s.firstElementChild;
  if (!mark || mark.tagName !== 'SPAN') continue;
  // the text after the marker (an inline-block as wide as the indent)
  var after = document.createRange();
  after.setStartAfter(mark);
  after.setEnd(s, s.childNodes.length);
  var rects = after.getClientRects(), firstTop = Infinity, lineLeft = Infinity;
  for (var j = 0; j < rects.length; j++)
    if (rects[j].width > 0) firstTop = Math.min(firstTop, rects[j].top);
  for (var j = 0; j < rects.length; j++)
    if (rects[j].width > 0 && rects[j].top > firstTop + 10) lineLeft = Math.min(lineLeft, rects[j].left);
  if (lineLeft !== Infinity) out.lists++;
  var textLeft = mark.getBoundingClientRect().right;
  if (lineLeft === Infinity) continue;
  if (Math.abs(textLeft - lineLeft) > 3)
    out.hang.push(Math.round(textLeft) + ' vs ' + Math.round(lineLeft) + ': ' + s.textContent.slice(0, 50));
}
return out;
"""


def main():
    tests = os.environ.get("DIGEST_TESTS") or HERE
    fragments = sorted(glob.glob(os.path.join(tests, "golden", "*.wechat.html")))
    if not fragments:
        tp.not_ok("no golden fragments")
        return 1
    reason = tp.ensure_chromium()
    if reason:
        tp.not_ok("chromium unavailable: " + reason)
        return 1

    def on_alarm(*_):
        raise TimeoutError("browser checks exceeded 120 s")
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(120)
    tmp = tempfile.mkdtemp(prefix="t-phone.")
    proc = server = drv = None
    try:
        with open(os.path.join(tmp, "avatar.svg"), "w") as f:
            f.write(AVATAR)
        pages = []
        for path in fragments:
            with open(path, encoding="utf-8") as f:
                frag = f.read()
            # Images from the network are a local 64 px picture of the same size.
            frag = re.sub(r'src="https://[^"]*"', 'src="avatar.svg"', frag)
            name = os.path.basename(path).replace(".wechat.html", ".phone.html")
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                f.write(PAGE % (PADDING, frag))
            pages.append(name)

        handler = lambda *a, **k: tp.Quiet(*a, directory=tmp, **k)  # noqa: E731
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        port = tp.free_port()
        log = open(os.path.join(tmp, "chromedriver.log"), "w")
        proc = subprocess.Popen([tp.CHROMEDRIVER, "--port=%d" % port], stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        drv = tp.Driver("http://127.0.0.1:%d" % port)
        if not tp.wait_for(lambda: tp._status(drv), timeout=10):
            tp.not_ok("chromedriver did not start")
            return 1
        caps = {"capabilities": {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": tp.CHROMIUM,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--user-data-dir=" + os.path.join(tmp, "profile")]}}}}
        drv.sid = drv.call("POST", "/session", caps, timeout=40)["sessionId"]
        drv.cdp("Emulation.setDeviceMetricsOverride",
                {"width": WIDTH, "height": 800, "deviceScaleFactor": 2, "mobile": True})
        for name in pages:
            drv.s("POST", "/url", {"url": "http://127.0.0.1:%d/%s" % (server.server_address[1], name)})
            tp.wait_for(lambda: drv.execute("return document.readyState === 'complete' && "
                                            "Array.prototype.every.call(document.images, "
                                            "function (i) { return i.complete; });"))
            m = drv.execute(MEASURE, [WIDTH, PADDING])
            tag = name.replace(".phone.html", "")
            if m["client"] == WIDTH and m["checked"] > 20:
                tp.ok("%s: laid out at %d px (%d elements measured)" % (tag, m["client"], m["checked"]))
            else:
                tp.not_ok("%s: viewport %r, %d elements" % (tag, m["client"], m["checked"]))
            if not m["wide"]:
                tp.ok("%s: nothing but code blocks is wider than the screen" % tag)
            else:
                tp.not_ok("%s: %d elements outside the screen: %s" % (tag, len(m["wide"]), "; ".join(m["wide"][:4])))
            if m["scroll"] <= WIDTH:
                tp.ok("%s: the page does not scroll sideways" % tag)
            else:
                tp.not_ok("%s: the page is %d px wide" % (tag, m["scroll"]))
            if not m["hang"]:
                tp.ok("%s: list items hang (%d wrapped items measured)" % (tag, m["lists"]))
            else:
                tp.not_ok("%s: list items without a hanging indent: %s" % (tag, "; ".join(m["hang"][:3])))
    except TimeoutError as e:
        tp.not_ok(str(e))
    except (RuntimeError, OSError, KeyError, ValueError, TypeError) as e:
        tp.not_ok("webdriver: %s" % e)
    finally:
        signal.alarm(0)
        if drv and drv.sid:
            try:
                drv.call("DELETE", "/session/%s" % drv.sid, timeout=10)
            except (RuntimeError, OSError):
                pass
        if proc:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
                proc.wait(timeout=5)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        if server:
            server.shutdown()
            server.server_close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if tp.failures else 0


if __name__ == "__main__":
    sys.exit(main())
