#!/usr/bin/env python3
"""The Makefile on a fresh machine: every top-level target installs what it
needs before it compiles, and no test installs packages itself.

A fresh machine is simulated in a copy of the tracked tree with `dpkg-query`
reporting nothing installed and `apt-get` recording what it was asked (both
stand-ins on PATH; nothing is installed). `make deps` then really runs the
install step; `make -n TARGET` shows, in order, what each target would run."""
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import ROOT, TESTS, check, done  # noqa: E402

tmp = tempfile.mkdtemp(prefix="dg-make-")


def fresh_copy(name):
    """The tracked files (the working tree's version) in a new folder: no build/."""
    dst = os.path.join(tmp, name)
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for rel in filter(None, files.decode().split("\0")):
        src = os.path.join(ROOT, rel)
        if not os.path.isfile(src):
            continue
        os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dst, rel))
    return dst


fake = os.path.join(tmp, "bin")
os.makedirs(fake)
log = os.path.join(tmp, "apt.log")
with open(os.path.join(fake, "dpkg-query"), "w") as f:
    f.write("#!/bin/sh\nexit 1\n")           # "no packages found matching ..."
with open(os.path.join(fake, "apt-get"), "w") as f:
    f.write('#!/bin/sh\necho "apt-get $*" >>"%s"\nexit 0\n' % log)
for t in ("dpkg-query", "apt-get"):
    os.chmod(os.path.join(fake, t), 0o755)
env = dict(os.environ, PATH=fake + os.pathsep + os.environ.get("PATH", ""), MAKEFLAGS="")
env.pop("MAKELEVEL", None)


def make(tree, *args):
    return subprocess.run(["make"] + list(args), cwd=tree, capture_output=True, text=True, env=env, timeout=300)


# `make deps` really runs the install step: a C compiler and every build library.
tree = fresh_copy("deps")
p = make(tree, "deps")
asked = open(log).read() if os.path.exists(log) else ""
check(p.returncode == 0 and "apt-get install" in asked, "make deps on a fresh machine runs apt-get install",
      p.stdout + p.stderr + asked)
for pkg in ("gcc", "libc6-dev", "make", "pkg-config", "libcurl4-openssl-dev", "libjansson-dev", "libcmark-gfm-dev",
            "libxml2-dev", "libsqlite3-dev", "librsvg2-dev", "fonts-noto-cjk"):
    check(re.search(r"\b%s\b" % re.escape(pkg), asked), "make deps installs %s" % pkg, asked)
check(not re.search(r"\bchromium\b", asked), "the build's install step leaves the test tools out", asked)
check(os.path.exists(os.path.join(tree, "build", ".deps-ok")), "make deps leaves its stamp")

# Each top-level target installs before its first compile (make -n prints the
# install recipe and, through the recursive make, the compiles in order).
COMPILE = re.compile(r"(^|\s)(cc|gcc|clang)\s.*\s-c\s")
for target, extra in (("all", ()), ("demo", ()), ("bench", ()), ("install", ("PREFIX=" + os.path.join(tmp, "p"),)),
                      ("check", ())):
    tree = fresh_copy("n-" + target)
    p = make(tree, "-n", target, *extra)
    lines = p.stdout.splitlines()
    first_install = next((i for i, l in enumerate(lines) if "apt-get install" in l), None)
    first_cc = next((i for i, l in enumerate(lines) if COMPILE.search(l)), None)
    check(first_install is not None and first_cc is not None and first_install < first_cc,
          "make %s installs what is missing before compiling" % target,
          "install at line %s, first compile at line %s\n%s" % (first_install, first_cc, p.stdout[-3000:] + p.stderr))
    if target == "check":
        before = "\n".join(lines[:first_cc or 0])
        check("chromium" in before and "chromium-driver" in before and "libxml2-utils" in before,
              "make check installs the test tools (chromium, chromedriver, xmllint) before the suite", before[-2000:])

# No test installs packages: the tests name `make test-deps` instead.
offenders = []
for name in sorted(os.listdir(TESTS)):
    if not re.match(r"t-.*\.(py|sh)$", name) or name == "t-make.py":
        continue
    text = open(os.path.join(TESTS, name), encoding="utf-8").read()
    if re.search(r"apt-get|\bapt\s+install|dpkg\s+-i|pip3?\s+install", text):
        offenders.append(name)
check(not offenders, "no test script installs packages", ", ".join(offenders))
preview = open(os.path.join(TESTS, "t-preview.py"), encoding="utf-8").read()
check("make test-deps" in preview, "a test missing chromium names the make target that installs it")

shutil.rmtree(tmp, ignore_errors=True)
done()
