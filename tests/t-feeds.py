#!/usr/bin/env python3
"""Runs the feed corpus (tests/feeds, see its README) through feed-decoder.

(a) gofeed: translator/{rss,atom}/X.xml against X.json (items[]: title, link,
    publishedParsed else updatedParsed, description else content), the JSON
    Feed translator cases, and the parser/ cases (items/entries: count, title,
    link, description/summary/text content).
(b) feed-rs: every NAME.serde.json against NAME.xml/.json (entries: count,
    title, alternate link, published else updated, summary else text content,
    id unless feed-rs made it up); rss_2.0_invalid_1.xml and xml/*.xml must be
    rejected.
(c) feedparser: the "Expect:" expression of each file, evaluated against a
    small dict built from the decoder's output. Modelled: bozo, entries[i]
    title / title_detail.value / link / summary / description /
    summary_detail.value / published_parsed / updated_parsed (= updated, else
    published, as feedparser falls back) / id / guid / author (compared as a
    name: "Name (email)" -> "Name") / author_detail.name. A clause of an "and" that uses
    anything else (feed[...], version, encoding, content, tags, ...) is not
    evaluated and the case is reported as partial, with the reason; a case
    with no modelled clause is skipped ("# skip"), with the reason.
    "not bozo" = exit 0 and no warning; "bozo" = no crash, and rejected or
    warned when expat (strict) finds the document not well-formed.
(d) feedparser-dates.json: every string through `feed-decoder --date`.
Text fields compare after whitespace collapsing, equal either as they are or
after turning the expected HTML into text (we emit text, feedparser HTML);
a summary we cut ("...…") must be a prefix of the expected text.
Every file of the corpus is also decoded once: none may crash.
One "ok"/"not ok" line per case; exits 1 if any failed.
Environment: DIGEST_BUILD (default build/release), DIGEST_TESTS.
"""
import ast
import concurrent.futures
import datetime
import html.parser
import json
import os
import re
import subprocess
import sys
import urllib.parse
import xml.parsers.expat

HERE = os.environ.get("DIGEST_TESTS") or os.path.dirname(os.path.abspath(__file__))
FEEDS = os.path.join(HERE, "feeds")
BUILD = os.environ.get("DIGEST_BUILD", "build/release")
DECODER = os.path.join(BUILD, "tests", "feed-decoder")
SAN_EXIT = 86
SAN_MARKERS = ("Sanitizer", "runtime error:", "AddressSanitizer", "LeakSanitizer")
SUMMARY_MAX = 280
HASH_ID = re.compile(r"^[0-9a-f]{31,32}$")

failures = 0
counts = {"checked": 0, "partial": 0, "skipped": 0}


def report(ok, name, detail=""):
    global failures
    if ok:
        print("ok - %s%s" % (name, (" " + detail) if detail else ""))
    else:
        failures += 1
        print("not ok - %s" % name)
        for line in str(detail).splitlines() or [""]:
            print("#   " + line)


# --- running the decoder -------------------------------------------------

class Result:
    def __init__(self, rc, stdout, stderr):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.crashed = rc == SAN_EXIT or rc < 0 or any(m in stderr for m in SAN_MARKERS)
        self.warned = "feed-decoder: warning:" in stderr
        self.entries = None
        if rc == 0 and not stdout.startswith(("null", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")):
            try:
                self.entries = json.loads(stdout)
            except ValueError as e:
                self.entries = None
                self.stderr += "\nbad JSON on stdout: %s" % e

    def why(self):
        return "exit %d; stderr: %s" % (self.rc, self.stderr.strip()[:600])


def run_decoder(args):
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = "detect_leaks=1:exitcode=%d" % SAN_EXIT
    env["UBSAN_OPTIONS"] = "halt_on_error=1:exitcode=%d:print_stacktrace=1" % SAN_EXIT
    try:
        p = subprocess.run([DECODER] + list(args), capture_output=True, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        return Result(-9, b"", "timed out")
    return Result(p.returncode, p.stdout.decode("utf-8", "replace"),
                  p.stderr.decode("utf-8", "replace"))


_cache = {}


def decode(path, *extra):
    key = (path,) + extra
    if key not in _cache:
        _cache[key] = run_decoder([path, "--all"] + list(extra))
    return _cache[key]


def prefetch(keys):
    """Run the decoder over many (path, *extra) keys on both cores."""
    todo = [k for k in keys if k not in _cache]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for k, r in zip(todo, pool.map(lambda k: run_decoder([k[0], "--all"] + list(k[1:])), todo)):
            _cache[k] = r


def rel(path):
    return os.path.relpath(path, FEEDS)


# --- comparing text ------------------------------------------------------

class _Text(html.parser.HTMLParser):
    # The block elements lib/feedtext.c separates with a space.
    BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details",
             "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
             "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
             "pre", "section", "summary", "table", "td", "th", "tr", "ul"}
    HIDDEN = {"script", "style", "applet"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCK:
            self.out.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCK:
            self.out.append(" ")

    def handle_data(self, data):
        if not self.hidden:
            self.out.append(data)


def html_to_text(s):
    p = _Text()
    p.feed(s)
    p.close()
    return "".join(p.out)


def norm(s):
    return " ".join(str(s).split())


def text_matches(ours, want):
    """ours (our text) against want (text or HTML); None and "" are absent."""
    if not ours:   # fine when the expected HTML has no text (an image)
        return not want or not norm(html_to_text(want))
    if not want:
        return False
    a = norm(ours)
    for cand in (norm(want), norm(html_to_text(want))):
        if a == cand:
            return True
        if a.endswith("\u2026") and len(a) <= SUMMARY_MAX and cand.startswith(a[:-1].rstrip()):
            return True
    return False


def url_key(u):
    """Scheme and host are case-insensitive (feed-rs lowercases them)."""
    p = urllib.parse.urlsplit(u)
    return p._replace(scheme=p.scheme.lower(), netloc=p.netloc.lower()).geturl()


def date_key(s):
    """RFC 3339 -> "YYYY-MM-DDTHH:MM:SSZ" in UTC (fractions dropped)."""
    if not s:
        return None
    m = re.match(r"^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)?$", s)
    if not m:
        return "unparseable:" + s
    d = datetime.datetime(*map(int, m.groups()[:6]))
    tz = m.group(7)
    if tz and tz != "Z":
        sign = 1 if tz[0] == "+" else -1
        d -= sign * datetime.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6]))
    return d.strftime("%Y-%m-%dT%H:%M:%SZ").rjust(20, "0")


def compare_entries(ours, wants):
    """wants: list of dicts with optional title/link/date/summary/id keys
    (a key present = compare it). Returns a list of problems."""
    probs = []
    if len(ours) != len(wants):
        return ["%d entries, want %d" % (len(ours), len(wants))]
    for i, (o, w) in enumerate(zip(ours, wants)):
        if "title" in w and not text_matches(o.get("title"), w["title"]):
            probs.append("entry %d title %r, want %r" % (i, o.get("title"), w["title"]))
        if "link" in w:
            want = w["link"] or None
            got = o.get("link")
            ok = got == want or (got and want and url_key(got) == url_key(want))
            if not ok and want and not urllib.parse.urlsplit(want).scheme and got:
                # Relative in the expectation (feed-rs keeps it): ours must be
                # that path made absolute.
                ok = bool(urllib.parse.urlsplit(got).scheme) and got.endswith(want.lstrip("."))
            if not ok and not want and w.get("link_or_id"):
                ok = got == w["link_or_id"]   # guid permalink used as link
            if not ok:
                probs.append("entry %d link %r, want %r" % (i, got, want))
        if "date" in w and date_key(o.get("published")) != date_key(w["date"]):
            probs.append("entry %d published %r, want %r" % (i, o.get("published"), w["date"]))
        if "summary" in w and not text_matches(o.get("summary"), w["summary"]):
            probs.append("entry %d summary %r, want %r" % (i, o.get("summary"), w["summary"]))
        if "id" in w and o.get("id") != w["id"]:
            probs.append("entry %d id %r, want %r" % (i, o.get("id"), w["id"]))
    return probs


def check_entries(name, res, wants, note=""):
    if res.crashed or res.entries is None:
        report(False, name, res.why())
        return
    probs = compare_entries(res.entries, wants)
    report(not probs, name, "\n".join(probs) if probs else note)


# --- (a) gofeed ----------------------------------------------------------

def gofeed_want(item):
    w = {"title": item.get("title"), "link": item.get("link")}
    w["date"] = item.get("publishedParsed") or item.get("updatedParsed")
    w["summary"] = item.get("description") or item.get("content")
    return w


def gofeed_cases():
    base = os.path.join(FEEDS, "gofeed")
    for kind in ("rss", "atom"):
        d = os.path.join(base, "translator", kind)
        for f in sorted(os.listdir(d)):
            if f.endswith(".xml"):
                src = os.path.join(d, f)
                exp = json.load(open(src[:-4] + ".json", encoding="utf-8"))
                wants = [gofeed_want(it) for it in exp.get("items") or []]
                check_entries("gofeed translator %s/%s" % (kind, f), decode(src), wants)
    d = os.path.join(base, "translator", "json")
    for f in sorted(os.listdir(d)):
        if f.endswith("_expected.json"):
            src = os.path.join(d, f[:-len("_expected.json")] + ".json")
            exp = json.load(open(os.path.join(d, f), encoding="utf-8"))
            wants = [gofeed_want(it) for it in exp.get("items") or []]
            check_entries("gofeed translator json/%s" % os.path.basename(src), decode(src), wants)
    for kind in ("rss", "atom"):
        d = os.path.join(base, "parser", kind)
        for f in sorted(os.listdir(d)):
            if not f.endswith(".xml"):
                continue
            src = os.path.join(d, f)
            exp = json.load(open(src[:-4] + ".json", encoding="utf-8"))
            wants = []
            for it in exp.get("items") or exp.get("entries") or []:
                w = {"title": it.get("title")}
                if kind == "rss":
                    w["link"] = it.get("link")
                    w["summary"] = it.get("description")
                else:
                    alts = [l["href"] for l in it.get("links") or []
                            if l.get("rel") in (None, "", "alternate")]
                    w["link"] = alts[0] if alts else None
                    content = it.get("content") or {}
                    textual = content.get("type") in (None, "", "text", "html", "xhtml")
                    w["summary"] = it.get("summary") or (content.get("value") if textual else None)
                wants.append(w)
            check_entries("gofeed parser %s/%s" % (kind, f), decode(src), wants)


# --- (b) feed-rs ---------------------------------------------------------

def feedrs_want(e, source):
    w = {"title": (e.get("title") or {}).get("content")}
    alts = [l["href"] for l in e.get("links") or [] if l.get("rel") in (None, "alternate")]
    w["link"] = alts[0] if alts else None
    if not alts and e.get("id") and e["id"] in source:
        w["link_or_id"] = e["id"]
    w["date"] = e.get("published") or e.get("updated")
    summary = (e.get("summary") or {}).get("content")
    content = e.get("content") or {}
    if not summary and (content.get("content_type") or "").startswith("text/"):
        summary = content.get("body")
    if summary:   # feed-rs keeps media:description elsewhere: compare only what it has
        w["summary"] = summary
    # feed-rs makes up an id (hash or UUID) when the entry has none: compare
    # only ids that the document carries.
    if e.get("id") and not HASH_ID.match(e["id"]) and e["id"] in source:
        w["id"] = e["id"]
    return w


def feedrs_cases():
    base = os.path.join(FEEDS, "feed-rs")
    for sub in sorted(os.listdir(base)):
        d = os.path.join(base, sub)
        for f in sorted(os.listdir(d)):
            path = os.path.join(d, f)
            if f.endswith(".serde.json"):
                stem = path[:-len(".serde.json")]
                src = stem + (".json" if sub == "jsonfeed" else ".xml")
                exp = json.load(open(path, encoding="utf-8"))
                source = open(src, "rb").read().decode("utf-8", "replace")
                wants = [feedrs_want(e, source) for e in exp.get("entries") or []]
                check_entries("feed-rs %s" % rel(src), decode(src), wants)
            elif f.endswith(".xml") and not os.path.exists(path[:-4] + ".serde.json"):
                res = decode(path)
                ok = res.rc == 1 and not res.crashed
                if sub == "xml":
                    ok = ok and "not a feed" in res.stderr
                report(ok, "feed-rs %s is rejected" % rel(path), "" if ok else res.why())


# --- (c) feedparser Expect -----------------------------------------------

MODELLED = {
    ("title",), ("title_detail", "value"), ("link",), ("summary",),
    ("description",), ("summary_detail", "value"), ("published_parsed",),
    ("updated_parsed",), ("id",), ("guid",), ("author",), ("author_detail", "name"),
}


class Txt(str):
    """Our text, equal to feedparser's text or HTML for the same content."""
    def __eq__(self, other):
        return isinstance(other, str) and text_matches(str(self), other)

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


def person_name(s):
    """feedparser's "Name (email)" / "email (Name)" / "Name <email>" -> the
    name, as lib/feed.c reduces authors."""
    m = re.match(r"^(.*?)\((.*?)\)(.*)$", s)
    if m:
        inside, outside = m.group(2).strip(), m.group(1).strip()
        return inside if inside and ("@" in outside or not outside) else outside
    return s.split("<")[0].strip() if "<" in s[1:] else s.strip()


class Person(str):
    """Our author (a display name), equal to feedparser's author string."""
    def __eq__(self, other):
        return isinstance(other, str) and norm(self) == norm(person_name(other))

    def __ne__(self, other):
        return not self.__eq__(other)

    __hash__ = str.__hash__


class Entry(dict):
    def has_key(self, k):
        return k in self

    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k)


def struct_time(rfc3339):
    d = datetime.datetime.strptime(rfc3339, "%Y-%m-%dT%H:%M:%SZ")
    return (d.year, d.month, d.day, d.hour, d.minute, d.second, d.weekday(),
            d.timetuple().tm_yday, 0)


def model_entry(o):
    e = Entry()
    if o.get("title"):
        e["title"] = Txt(o["title"])
        e["title_detail"] = {"value": Txt(o["title"])}
    if o.get("link"):
        e["link"] = o["link"]
    if o.get("summary"):
        e["summary"] = e["description"] = Txt(o["summary"])
        e["summary_detail"] = {"value": Txt(o["summary"])}
    if o.get("published"):
        e["published_parsed"] = struct_time(o["published"])
    if o.get("updated") or o.get("published"):
        # feedparser falls back to the published date for "updated".
        e["updated_parsed"] = struct_time(o.get("updated") or o["published"])
    if o.get("id"):
        e["id"] = e["guid"] = o["id"]
    if o.get("author"):
        e["author"] = Person(o["author"])
        e["author_detail"] = {"name": Txt(o["author"])}
    return e


def unmodelled(node):
    """Why clause `node` cannot be evaluated against our model, or None."""
    for n in ast.walk(node):
        if isinstance(n, ast.Name) and n.id not in ("bozo", "entries", "None", "True", "False"):
            return "uses %s" % (ast.unparse(n) if n.id != "feed" else "feed[...]")
    for n in ast.walk(node):
        # the longest chain rooted at entries[i]
        if not isinstance(n, (ast.Subscript, ast.Attribute, ast.Call)):
            continue
        path, cur = [], n
        while True:
            if isinstance(cur, ast.Call) and isinstance(cur.func, ast.Attribute) \
                    and cur.func.attr == "has_key":
                arg = cur.args[0]
                path.insert(0, "has_key(%r)" % getattr(arg, "value", "?"))
                cur = cur.func.value
            elif isinstance(cur, ast.Subscript):
                sl = cur.slice
                if not isinstance(sl, ast.Constant):
                    return "uses a computed index"
                path.insert(0, sl.value)
                cur = cur.value
            elif isinstance(cur, ast.Attribute):
                path.insert(0, cur.attr)
                cur = cur.value
            else:
                break
        if not (isinstance(cur, ast.Name) and cur.id == "entries") or len(path) < 2:
            continue
        fields = tuple(path[1:])
        if len(fields) == 1 and str(fields[0]).startswith("has_key("):
            if fields[0] != "has_key('link')":
                return "uses entries[i].%s" % fields[0]
            continue
        parent = getattr(n, "_parent", None)
        if (isinstance(parent, (ast.Subscript, ast.Attribute)) and parent.value is n) or \
                (isinstance(parent, ast.Call) and parent.func is n):
            continue   # only judge whole chains
        if fields not in MODELLED:
            return "uses entries[i]%s" % "".join("[%r]" % f for f in fields)
    return None


def set_parents(tree):
    for n in ast.walk(tree):
        for c in ast.iter_child_nodes(n):
            c._parent = n


def read_header(raw):
    """The comment block's fields (files may be UTF-16/32)."""
    for bom, codec in ((b"\x00\x00\xfe\xff", "utf-32-be"), (b"\xff\xfe\x00\x00", "utf-32-le"),
                       (b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le")):
        if raw.startswith(bom):
            text = raw[len(bom):].decode(codec, "replace")
            break
    else:
        if raw[:4] == b"\x00\x00\x00<":
            text = raw.decode("utf-32-be", "replace")
        elif raw[:2] == b"\x00<":
            text = raw.decode("utf-16-be", "replace")
        elif raw[1:2] == b"\x00":
            text = raw.decode("utf-16-le", "replace")
        else:
            text = raw.decode("latin-1")
    fields = {"Header": []}
    for m in re.finditer(r"^\s*(Header|Expect|Description|SkipUnless):\s*(.*?)\s*$", text, re.M):
        if m.group(1) == "Header":
            fields["Header"].append(m.group(2))
        else:
            fields.setdefault(m.group(1), m.group(2))
    return fields


def well_formed(raw):
    """What a strict, namespace-aware parser (expat) says of the document:
    True, False, or None when it cannot tell (an encoding neither expat nor
    Python knows). Blanks before the XML declaration are tolerated, as the
    reader tolerates them."""
    if raw[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\x00<", b"<\x00\x00\x00"):
        try:   # expat has no UTF-32
            text = raw.decode("utf-32" if raw[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
                              else "utf-32-be" if raw[0] == 0 else "utf-32-le")
        except UnicodeDecodeError:
            return False
        raw = re.sub(r"^(<\?xml[^>]*encoding\s*=\s*[\"'])[^\"']+", r"\1utf-8", text).encode("utf-8")
    stripped = raw.lstrip(b" \t\r\n")
    if stripped.startswith(b"<?xml"):
        raw = stripped

    def parse(data):
        p = xml.parsers.expat.ParserCreate(namespace_separator=" ")
        p.Parse(data, True)

    try:
        parse(raw)
        return True
    except (LookupError, ValueError):   # expat lacks the declared encoding
        pass
    except xml.parsers.expat.ExpatError as e:
        if xml.parsers.expat.errors.messages[e.code] != xml.parsers.expat.errors.XML_ERROR_UNKNOWN_ENCODING:
            return False
    m = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([^\"']+)", raw)
    try:
        text = raw.decode(m.group(1).decode("ascii")) if m else None
    except LookupError:
        return None
    except UnicodeDecodeError:
        return False
    if text is None:
        return None
    text = re.sub(r"^(<\?xml[^>]*encoding\s*=\s*[\"'])[^\"']+", r"\1utf-8", text)
    try:
        parse(text.encode("utf-8"))
        return True
    except xml.parsers.expat.ExpatError:
        return False


def feedparser_args(fields):
    args = []
    for h in fields["Header"]:
        name, _, value = h.partition(":")
        if name.strip().lower() == "content-location":
            args += ["--base", value.strip()]
        elif name.strip().lower() == "content-type":
            m = re.search(r"charset\s*=\s*([^\s;]+)", value, re.I)
            if m:
                args += ["--charset", m.group(1).strip("'\"")]
    return args


def feedparser_files():
    out = []
    for root, _, files in os.walk(os.path.join(FEEDS, "feedparser")):
        out += [os.path.join(root, f) for f in files if f.endswith(".xml")]
    return sorted(out)


def feedparser_case(path):
    name = "feedparser %s" % rel(path)
    fields = read_header(open(path, "rb").read())
    expect = fields.get("Expect")
    if not expect:
        counts["skipped"] += 1
        print("# skip %s: no Expect line" % name)
        return
    res = decode(path, *feedparser_args(fields))
    if res.crashed:
        report(False, name, res.why())
        return
    tree = ast.parse(expect, mode="eval")
    set_parents(tree)
    body = tree.body
    clauses = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    if isinstance(body, ast.Constant):   # "Expect: 1": must not crash
        counts["checked"] += 1
        report(True, name, "(no crash: exit %d)" % res.rc)
        return
    keep, dropped = [], []
    for c in clauses:
        why = unmodelled(c)
        (dropped if why else keep).append((c, why))
    if not keep:
        counts["skipped"] += 1
        print("# skip %s: expression %s" % (name, "; ".join(sorted({w for _, w in dropped}))))
        return
    bozo = res.rc != 0 or res.warned
    env = {"bozo": bozo, "entries": [model_entry(o) for o in (res.entries or [])],
           "None": None, "True": True, "False": False, "__builtins__": {}}
    probs = []
    for c, _ in keep:
        src = ast.unparse(c)
        if src == "bozo":
            # No crash (checked above); and a document that a strict parser
            # rejects must be reported (warning or rejection). Bozo for HTTP
            # or encoding reasons alone needs no report.
            if not bozo and well_formed(open(path, "rb").read()) is False:
                probs.append("bozo expected: not well-formed, yet exit 0 and no warning")
            continue
        try:
            ok = eval(compile(ast.Expression(c), path, "eval"), env)
        except Exception as e:   # a missing field is a failure, not a skip
            ok = False
            probs.append("%s raised %s: %s" % (src, type(e).__name__, e))
            continue
        if not ok:
            probs.append("%s is false" % src)
    if probs:
        probs.append("entries: %s" % json.dumps(res.entries, ensure_ascii=False)[:500])
        probs.append(res.why())
    note = ""
    if dropped:
        counts["partial"] += 1
        note = "(partial: not evaluated: %s)" % "; ".join(
            "%s [%s]" % (ast.unparse(c), w) for c, w in dropped)
    else:
        counts["checked"] += 1
    report(not probs, name, "\n".join(probs) if probs else note)


# --- (d) dates -----------------------------------------------------------

def date_cases():
    cases = json.load(open(os.path.join(FEEDS, "feedparser-dates.json"), encoding="utf-8"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: run_decoder(["--date", c["input"]]), cases))
    for c, r in zip(cases, results):
        want = c["expected_utc"] or "null"
        got = r.stdout.strip()
        ok = not r.crashed and r.rc == 0 and got == want
        report(ok, "date %s %r -> %s" % (c["family"], c["input"], want),
               "" if ok else "got %r (%s)" % (got, r.why()))


# --- every file: no crash ------------------------------------------------

def all_files():
    out = []
    for root, _, files in os.walk(FEEDS):
        out += [os.path.join(root, f) for f in files if not f.endswith(".md")]
    return sorted(out)


def main():
    if not os.access(DECODER, os.X_OK):
        print("not ok - feed-decoder not built at %s" % DECODER)
        return 1
    files = all_files()
    keys = [(f,) for f in files]
    for f in feedparser_files():
        args = feedparser_args(read_header(open(f, "rb").read()))
        if args:
            keys.append((f,) + tuple(args))
    prefetch(keys)
    gofeed_cases()
    feedrs_cases()
    for f in feedparser_files():
        feedparser_case(f)
    date_cases()
    crashed = [rel(k[0]) for k in keys if _cache[k].crashed]
    report(not crashed, "no crash or sanitizer report on any of %d corpus files" % len(files),
           "\n".join("%s: %s" % (c, _cache[(os.path.join(FEEDS, c),)].why()) for c in crashed))
    print("# feedparser Expect: %d checked, %d partially checked, %d skipped"
          % (counts["checked"], counts["partial"], counts["skipped"]))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
