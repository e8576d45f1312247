"""The layout keeps its promises (README, How it works): lib/ is one folder per
stage and a stage never includes a higher one; no C file over 1000 lines;
cmd/main.c under 350; no language wording in C outside the model's lang.c."""
import glob
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import ROOT, check, done  # noqa: E402

# In the order data flows (README: How it works).
STAGES = ["base", "config", "store", "net", "github", "feeds", "select", "model", "render", "wechat", "images",
          "publish", "issue"]
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
readers = {"lib/model/notes.c", "lib/github/events.c", "lib/publish/wechat.c"}
found = []
for path in glob.glob(os.path.join(ROOT, "lib", "*", "*.c")) + glob.glob(os.path.join(ROOT, "cmd", "*.c")):
    rel = os.path.relpath(path, ROOT)
    if rel in readers:
        continue
    code = re.sub(r"/\*.*?\*/", "", open(path, encoding="utf-8").read(), flags=re.S)
    if cjk.search(code):
        found.append(rel)
check(not found, "no Chinese wording in C code", found)
done()
