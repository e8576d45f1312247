#!/usr/bin/env python3
"""The Makefile on a fresh machine: every top-level target installs what it
needs before it compiles, and no test installs packages itself.

A fresh machine is a copy of the tracked tree without build/ (no stamp says
the packages were checked). Only `make -n` runs there: it prints, in order,
what each target would run and runs nothing (the recursive make too gets
-n), so this test installs nothing and never takes the dpkg lock: stand-ins
for apt-get, dpkg and sudo come first on PATH and must never be called."""
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


# Stand-ins for every package tool, first on PATH: `make -n` must call none
# of them (a call is logged, and fails): this test installs nothing and never
# takes the dpkg lock, whatever runs beside it.
STUBS = os.path.join(tmp, "stubs")
CALLS = os.path.join(tmp, "package-tool-calls.log")
os.makedirs(STUBS)
for tool in ("apt-get", "apt", "dpkg", "dpkg-query", "sudo"):
    path = os.path.join(STUBS, tool)
    with open(path, "w") as f:
        f.write('#!/bin/sh\necho "%s $*" >> "%s"\nexit 1\n' % (tool, CALLS))
    os.chmod(path, 0o755)
env = dict(os.environ, MAKEFLAGS="", PATH=STUBS + os.pathsep + os.environ.get("PATH", ""))
env.pop("MAKELEVEL", None)
INSTALL = re.compile(r"apt-get install")


def make_n(tree, *args):
    """`make -n ARGS`: what would run, nothing run."""
    return subprocess.run(["make", "-n"] + list(args), cwd=tree, capture_output=True, text=True, env=env,
                          timeout=300)


# `make deps` installs a C compiler and every build library, and nothing for the tests.
tree = fresh_copy("deps")
p = make_n(tree, "deps")
recipe = p.stdout
check(p.returncode == 0 and INSTALL.search(recipe), "make deps on a fresh machine would run the install step",
      p.stdout[-2000:] + p.stderr)
for pkg in ("gcc", "libc6-dev", "make", "pkg-config", "libcurl4-openssl-dev", "libjansson-dev", "libcmark-gfm-dev",
            "libxml2-dev", "libsqlite3-dev", "librsvg2-dev", "libpng-dev", "fonts-noto-cjk"):
    check(re.search(r"\b%s\b" % re.escape(pkg), recipe), "make deps installs %s" % pkg, recipe[-2000:])
check(not re.search(r"\bchromium\b", recipe), "the build's install step leaves the test tools out", recipe[-2000:])
check(recipe.find("build/.deps-ok") > INSTALL.search(recipe).start() if INSTALL.search(recipe) else False,
      "the stamp is written only after the install step")
check(not os.path.exists(os.path.join(tree, "build")), "make -n ran nothing (no build/ made)")

# Each top-level target installs before its first compile (make -n prints the
# install recipe and, through the recursive make, the compiles in order).
COMPILE = re.compile(r"(^|\s)(cc|gcc|clang)\s.*\s-c\s")
for target, extra in (("all", ()), ("demo", ()), ("bench", ()), ("install", ("PREFIX=" + os.path.join(tmp, "p"),)),
                      ("check", ())):
    tree = fresh_copy("n-" + target)
    p = make_n(tree, target, *extra)
    lines = p.stdout.splitlines()
    first_install = next((i for i, l in enumerate(lines) if INSTALL.search(l)), None)
    first_cc = next((i for i, l in enumerate(lines) if COMPILE.search(l)), None)
    check(first_install is not None and first_cc is not None and first_install < first_cc,
          "make %s installs what is missing before compiling" % target,
          "install at line %s, first compile at line %s\n%s" % (first_install, first_cc, p.stdout[-3000:] + p.stderr))
    if target == "check":
        before = "\n".join(lines[:first_cc or 0])
        check("chromium" in before and "chromium-driver" in before and "libxml2-utils" in before,
              "make check installs the test tools (chromium, chromedriver, xmllint) before the suite", before[-2000:])

calls = open(CALLS).read() if os.path.exists(CALLS) else ""
check(not calls, "make -n called no package tool (apt-get, dpkg, sudo): nothing installed, no dpkg lock taken",
      calls[:500])

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
