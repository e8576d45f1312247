"""The layout keeps its promises (README, How it works): lib/ is one folder per
stage and a stage never includes a higher one; no C file over 1000 lines;
cmd/main.c under 350; no language wording in C outside the model's lang.c;
nothing in lib/ prints (the library never prints: cmd/ owns the terminal)."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import ROOT, check, done  # noqa: E402

# In the order data flows (README: How it works).
STAGES = ["base", "config", "store", "net", "github", "feeds", "history", "select", "writer", "model", "render", "wechat", "images",
          "publish", "deliver", "issue"]
rank = {s: i for i, s in enumerate(STAGES)}
folders = sorted(d for d in os.listdir(os.path.join(ROOT, "lib")) if os.path.isdir(os.path.join(ROOT, "lib", d)))
check(folders == sorted(STAGES), "lib/ holds exactly the stage folders", folders)
check(not glob.glob(os.path.join(ROOT, "lib", "*.[ch]")), "no source file directly in lib/")

upward, long_files = [], []
for path in sorted(glob.glob(os.path.join(ROOT, "lib", "*", "*.[ch]")) + glob.glob(os.path.join(ROOT, "cmd", "*.[ch]"))):
    rel = os.path.relpath(path, ROOT)
    text = open(path, encoding="utf-8").read()
    stage = rel.split("/")[1] if rel.startswith("lib/") else None
    for inc in re.findall(r'#include "([a-z]+)/[a-z0-9_]+\.h"', text):
        if stage and inc in rank and rank[inc] > rank[stage]:
            upward.append("%s -> %s" % (rel, inc))
    lines = text.count("\n")
    if rel.endswith(".c") and lines > 1000:
        long_files.append("%s: %d" % (rel, lines))
check(not upward, "no stage includes a higher one", upward)
check(not long_files, "no .c file over 1000 lines", long_files)
main_lines = open(os.path.join(ROOT, "cmd", "main.c")).read().count("\n")
check(main_lines < 350, "cmd/main.c under 350 lines (%d)" % main_lines)

# Wording lives in templates/<lang>/strings.toml: no Chinese in C outside
# comments, except the words the readers recognise in input (notes, events)
# and the WeChat console's own menu names that an error message points to.
cjk = re.compile(r"[\u4e00-\u9fff]")
readers = {"lib/model/notes.c", "lib/github/events.c", "lib/publish/draftbox.c"}
found = []
for path in glob.glob(os.path.join(ROOT, "lib", "*", "*.c")) + glob.glob(os.path.join(ROOT, "cmd", "*.c")):
    rel = os.path.relpath(path, ROOT)
    if rel in readers:
        continue
    code = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    if cjk.search(code):
        found.append(rel)
check(not found, "no Chinese wording in C code", found)

# The library never prints: messages go through dg_msg (base/err.h) to the
# handler cmd/ installs (cmd/term.c). No C file of lib/ writes to stdout or
# stderr itself.
ALLOWED_PRINTS = set()
direct = re.compile(r"(?<![\w.>])(printf|vprintf|puts|putchar|perror)\s*\(")
to_stream = re.compile(r"(?<![\w.>])(fprintf|vfprintf|fputs|fputc|putc|fwrite|fflush)\s*\(([^;]*)")
prints = []
for path in sorted(glob.glob(os.path.join(ROOT, "lib", "*", "*.c"))):
    rel = os.path.relpath(path, ROOT)
    raw = open(path, encoding="utf-8").read().split("\n")
    code = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), "\n".join(raw), flags=re.S)
    code = re.sub(r'"(\\.|[^"\\\n])*"', '""', code)
    for n, line in enumerate(code.split("\n")):
        line = re.sub(r"//.*", "", line)
        m = to_stream.search(line)
        if direct.search(line) or (m and re.search(r"\b(stdout|stderr)\b", m.group(2))):
            if not any(rel == f and pat in raw[n] for f, pat in ALLOWED_PRINTS):
                prints.append("%s:%d: %s" % (rel, n + 1, raw[n].strip()))
check(not prints, "no lib/ C file prints to stdout or stderr (dg_msg instead)", prints)

# Every file name of lib/ is unique: a name says which file it is.
names = {}
for path in sorted(glob.glob(os.path.join(ROOT, "lib", "*", "*.[ch]"))):
    names.setdefault(os.path.basename(path), []).append(os.path.relpath(path, ROOT))
shared = {n: v for n, v in names.items() if len(v) > 1}
check(not shared, "no two files of lib/ share a name", shared)

# No circle of calls: no file calls, directly or through other files, a
# file that calls it back. Edges: file A calls a dg_ function that file B
# defines (A != B). A definition is a line at column 0 naming the function
# that does not end with ";" (a declaration does).
call = re.compile(r"\b(dg_\w+)\s*\(")
defined, code_of = {}, {}
sources = sorted(glob.glob(os.path.join(ROOT, "lib", "*", "*.c")) + glob.glob(os.path.join(ROOT, "cmd", "*.c")))
for path in sources:
    rel = os.path.relpath(path, ROOT)
    code = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    code = re.sub(r'"(\\.|[^"\\\n])*"', '""', code)
    code_of[rel] = code
    lines = code.split("\n")
    for n, line in enumerate(lines):
        if not line or line[0] in " \t#}" or line.startswith("static"):
            continue
        m = call.search(line)
        if not m:
            continue
        rest = line[m.start():]
        k = n
        while rest.count("(") > rest.count(")") and k + 1 < len(lines):
            k += 1
            rest += lines[k]
        if not rest.rstrip().endswith(";"):
            defined.setdefault(m.group(1), rel)
edges = {}
for rel, code in code_of.items():
    for name in set(call.findall(code)):
        target = defined.get(name)
        if target and target != rel:
            edges.setdefault(rel, set()).add(target)
# Tarjan's strongly connected components.
index, low, stack, on, sccs, counter = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = counter[0]
    counter[0] += 1
    stack.append(v)
    on.add(v)
    for w in sorted(edges.get(v, ())):
        if w not in index:
            visit(w)
            low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop()
            on.discard(w)
            comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(sorted(comp))
sys.setrecursionlimit(10000)
for v in sorted(code_of):
    if v not in index:
        visit(v)
check(not sccs, "no files call each other in a loop (%d files, %d calls between files)"
      % (len(code_of), sum(len(e) for e in edges.values())),
      "\n".join(" <-> ".join(c) for c in sccs))
done()
