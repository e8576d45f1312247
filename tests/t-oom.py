#!/usr/bin/env python3
"""One out-of-memory policy (lib/base/alloc.h), under fault injection.

Runs the WeChat pass (tests/tools/md2wechat: Markdown -> cmark-gfm -> libxml2
-> fragment and page), the TOML decoder (tests/tools/toml-decoder) and the
feed reader (tests/tools/feed-decoder) once to count their allocations, then again with DIGEST_FAIL_ALLOC_AT=N failing
the N-th allocation, for every N of small inputs and a stride through big
ones. Every run must either abort (SIGABRT) with exactly the one line
"digest: out of memory (K bytes)" on stderr, or succeed with the output of
the run without failure: never a segfault, a hang (timeout), a sanitizer
report, another exit status or an exit 0 with a different output.
Environment: DIGEST_BUILD (default build/release), DIGEST_TESTS.
"""
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import BUILD, ROOT, TESTS, check, done  # noqa: E402

MD2WECHAT = os.path.join(BUILD, "tests", "md2wechat")
TOML = os.path.join(BUILD, "tests", "toml-decoder")
FEED = os.path.join(BUILD, "tests", "feed-decoder")
OOM_LINE = re.compile(rb"\Adigest: out of memory \(\d+ bytes\)\n\Z")
TIMEOUT = 30
JOBS = max(2, os.cpu_count() or 2)


def run(argv, stdin_path, workdir, fail_at=None, count=False):
    """(returncode or "timeout", stdout, stderr, {output file: bytes})."""
    env = dict(os.environ)
    env.pop("DIGEST_FAIL_ALLOC_AT", None)
    env.pop("DIGEST_ALLOC_COUNT", None)
    if fail_at is not None:
        env["DIGEST_FAIL_ALLOC_AT"] = str(fail_at)
    if count:
        env["DIGEST_ALLOC_COUNT"] = "1"
    os.makedirs(workdir, exist_ok=True)
    stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
    try:
        p = subprocess.run(argv, stdin=stdin, capture_output=True, cwd=workdir, env=env, timeout=TIMEOUT)
        rc = p.returncode
        out, err = p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = "timeout", b"", b""
    finally:
        if stdin_path:
            stdin.close()
    files = {}
    for name in sorted(os.listdir(workdir)):
        with open(os.path.join(workdir, name), "rb") as f:
            files[name] = f.read()
    return rc, out, err, files


def verdict(res, want):
    """None when the run is one of the two allowed outcomes, else why not."""
    rc, out, err, files = res
    if rc == -signal.SIGABRT and OOM_LINE.match(err):
        return None
    if rc == want[0] and (out, files) == (want[1], want[3]):
        return None
    if rc == "timeout":
        return "hang (no exit in %d s)" % TIMEOUT
    if isinstance(rc, int) and rc < 0:
        why = "killed by signal %d" % -rc
    elif rc == want[0]:
        why = "exit %d with a different output" % rc
    else:
        why = "exit %d" % rc
    return "%s; stderr: %s" % (why, err[:300].decode("utf-8", "replace").strip())


def sweep(name, argv, stdin_path, every=1, at_most=None):
    """Fail each selected allocation of one run in turn; one check line."""
    tmp = tempfile.mkdtemp(prefix="dg-oom-")
    try:
        base = run(argv, stdin_path, os.path.join(tmp, "base"), count=True)
        m = re.search(rb"allocations: (\d+)\n\Z", base[2])
        if not m:
            check(False, "%s: runs without failure and counts its allocations" % name,
                  "exit %s, stderr: %s" % (base[0], base[2][-300:]))
            return
        total = int(m.group(1))
        want = (base[0], base[1], re.sub(rb"allocations: \d+\n\Z", b"", base[2]), base[3])
        if at_most:
            every = max(every, total // at_most)
        ns = list(range(1, total + 1, every)) + [total, total + 1]
        ns = sorted(set(ns))

        def one(n):
            return n, run(argv, stdin_path, os.path.join(tmp, str(n)), fail_at=n)

        aborts = same = 0
        bad = []
        with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
            for n, res in pool.map(one, ns):
                why = verdict(res, want)
                if why:
                    bad.append("N=%d: %s" % (n, why))
                elif res[0] == -signal.SIGABRT:
                    aborts += 1
                else:
                    same += 1
                shutil.rmtree(os.path.join(tmp, str(n)), ignore_errors=True)
        check(not bad, "%s: %d runs failing allocation N of %d (every %d): %d aborts with the one line, "
              "%d unchanged results" % (name, len(ns), total, every, aborts, same), "\n".join(bad[:20]))
        # Sanity: the switch reaches this program's allocations, and past the
        # last one the run is the ordinary one.
        check(aborts >= len(ns) - 2 and same >= 1, "%s: every allocation up to the last fails, the run after "
              "it succeeds unchanged" % name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    for tool in (MD2WECHAT, TOML, FEED):
        if not os.access(tool, os.X_OK):
            check(False, "missing %s (make test-programs)" % tool)
            done()
    wx = os.path.join(TESTS, "wechat")
    theme = os.path.join(ROOT, "templates", "themes", "default.toml")
    md = [
        ("md2wechat hostile/control-chars.md", "hostile/control-chars.md", [], 1, None),
        ("md2wechat hostile/raw-html.md", "hostile/raw-html.md", [], 3, None),
        ("md2wechat tests/wechat/README.md (tables, lists, code, links)", "README.md", [], 6, None),
        ("md2wechat --theme default.toml kompose release notes",
         "release-notes/gh-release_kubernetes_kompose_v1.33.0.md", ["--theme", theme], 1, 100),
        ("md2wechat dapr 1.16 release notes (49 KB)", "release-notes/release-notes_dapr_v1.16.0.md", [], 1, 80),
    ]
    for name, rel, opts, every, at_most in md:
        argv = [MD2WECHAT] + opts + [os.path.join(wx, rel), "out.wechat.html", "out.html"]
        sweep(name, argv, None, every, at_most)
    toml = [
        ("toml-decoder spec-example-1.toml", os.path.join(TESTS, "toml-test", "valid", "spec-example-1.toml"), 2,
         None),
        ("toml-decoder templates/zh/strings.toml", os.path.join(ROOT, "templates", "zh", "strings.toml"), 1, 100),
        ("toml-decoder config.example.toml", os.path.join(ROOT, "config.example.toml"), 1, 60),
    ]
    for name, path, every, at_most in toml:
        sweep(name, [TOML], path, every, at_most)
    feeds = os.path.join(TESTS, "feeds", "feed-rs")
    for name, rel, every in [("feed-decoder RSS 2.0 (feed-rs rss_2.0_example_2.xml)", "rss2/rss_2.0_example_2.xml", 2),
                             ("feed-decoder Atom (feed-rs atom_example_2.xml)", "atom/atom_example_2.xml", 3)]:
        sweep(name, [FEED, os.path.join(feeds, rel), "--all", "--base", "https://example.com/feed"], None, every)
    # A document the decoder rejects: the error path allocates too (messages).
    tmp = tempfile.mkdtemp(prefix="dg-oom-")
    try:
        bad = os.path.join(tmp, "bad.toml")
        with open(bad, "w") as f:
            f.write('title = "x"\n[a.b]\nk = [1, 2, {x = 1}]\n"q" = 1979-05-27T07:32:00Z\n[a.b]\nk = 2\n')
        sweep("toml-decoder on a duplicate table (exit 1)", [TOML], bad, 1, None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    done()


main()
