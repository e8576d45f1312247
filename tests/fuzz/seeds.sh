#!/usr/bin/env bash
# Build the seed corpus of one fuzz target from the project's own test data.
# Usage: tests/fuzz/seeds.sh TARGET OUTDIR    (TARGET: toml, feed, mustache,
# wechat, events, notes, canon, picks, edits). OUTDIR is emptied and filled with
# symlinks to data files and with inputs derived from structured test data
# (Mustache spec cases, event issue bodies of the sample world, dates and links
# from the feed expectations). tests/fuzz/corpus/TARGET/ (hand-written inputs
# and fixed crashers) is not copied: pass it to the fuzzer or replay as well.
# Used by tests/t-fuzz-replay.sh and `make fuzz`.
set -eu
target=${1:?usage: seeds.sh TARGET OUTDIR}
out=${2:?usage: seeds.sh TARGET OUTDIR}
tests=$(cd "$(dirname "$0")/.." && pwd)
top=$(cd "$tests/.." && pwd)
rm -rf "$out"
mkdir -p "$out"

# Symlink each file read from stdin (paths under $top) as OUTDIR/a__b__c.
link_all() {
	while IFS= read -r f; do
		rel=${f#"$top"/}
		ln -s "$f" "$out/${rel//\//__}"
	done
}

# Run python on the script given on stdin with OUTDIR and the tests dir.
py() { python3 - "$out" "$tests" "$top"; }

case "$target" in
toml)
	{ find "$tests/toml-test" -name '*.toml'; printf "%s\n" "$top"/templates/themes/*.toml "$top"/config.example.toml "$top"/feeds/*.toml; } |
		sort | link_all ;;
feed)
	find "$tests/feeds" "$tests/cnweekly/feeds" -type f | sort | link_all
	# One file per date string of the feedparser date suite (fuzz_feed also
	# reads the first line of every input as a date).
	py <<'PY'
import json, os, sys
out, tests = sys.argv[1], sys.argv[2]
for i, d in enumerate(json.load(open(os.path.join(tests, "feeds", "feedparser-dates.json")))):
    if d.get("input"):
        open(os.path.join(out, "date-%03d.txt" % i), "w", encoding="utf-8").write(d["input"])
PY
	;;
mustache)
	# Spec cases as TEMPLATE NUL DATA NUL PARTIALS; the shipped templates with
	# their partials and the target's fixed context (empty DATA).
	py <<'PY'
import glob, json, os, re, sys
out, tests, top = sys.argv[1:4]
def put(name, tmpl, data, partials):
    with open(os.path.join(out, name), "wb") as f:
        f.write(tmpl.encode() + b"\0" + data.encode() + b"\0" + json.dumps(partials).encode())
for path in sorted(glob.glob(os.path.join(tests, "mustache-spec", "*.json"))):
    mod = re.sub(r"[^A-Za-z0-9]+", "-", os.path.basename(path)[:-5]).strip("-")
    for i, t in enumerate(json.load(open(path, encoding="utf-8"))["tests"]):
        put("spec-%s-%02d" % (mod, i), t["template"], json.dumps(t["data"]), t.get("partials", {}))
for lang in sorted(glob.glob(os.path.join(top, "templates", "*", ""))):
    files = sorted(glob.glob(os.path.join(lang, "*.mustache")))
    parts = {os.path.basename(f).split(".")[0]: open(f, encoding="utf-8").read() for f in files}
    for f in files:
        put("tmpl-%s-%s" % (os.path.basename(lang.rstrip("/")), os.path.basename(f)),
            open(f, encoding="utf-8").read(), "", parts)
PY
	printf "%s\n" "$top"/templates/*.mustache | link_all ;;
wechat)
	{ find "$tests/wechat" "$tests/release-notes" -name '*.md'; printf "%s\n" "$tests"/wechat/bad/*.html "$tests"/golden/*.md "$tests"/golden/*.wechat.html; } |
		sort | link_all
	# The GFM spec sample, one file per example ("→" is a tab), as t-wechat.sh does.
	awk -v dir="$out" '
	BEGIN { bt = "````````````````````````````````" }
	!inex && index($0, bt " example") == 1 { inex = 1; n++; f = sprintf("%s/gfm-%03d.md", dir, n); printf "" > f; next }
	inex == 1 && $0 == "." { inex = 2; close(f); next }
	inex && $0 == bt { inex = 0; next }
	inex == 1 { line = $0; gsub(/→/, "\t", line); print line > f }
	' "$tests/wechat/gfm-sample.txt" ;;
events)
	# The body of every event issue of the sample world.
	py <<'PY'
import json, os, sys
out, tests = sys.argv[1], sys.argv[2]
world = json.load(open(os.path.join(tests, "worlds", "kubesphere.json"), encoding="utf-8"))
for repo in world["repos"]:
    for issue in repo.get("issues", []):
        name = "issue-%s-%d.md" % (repo["name"], issue["number"])
        open(os.path.join(out, name), "w", encoding="utf-8").write(issue.get("body") or "")
PY
	;;
notes)
	find "$tests/release-notes" -name '*.md' | sort | link_all
	# The body of every release of the sample world.
	py <<'PY'
import json, os, sys
out, tests = sys.argv[1], sys.argv[2]
world = json.load(open(os.path.join(tests, "worlds", "kubesphere.json"), encoding="utf-8"))
for repo in world["repos"]:
    for r in repo.get("releases", []):
        name = "release-%s-%s.md" % (repo["name"], r["tag_name"] if "tag_name" in r else r.get("tag", "x"))
        open(os.path.join(out, name.replace("/", "_")), "w", encoding="utf-8").write(r.get("body") or "")
PY
	;;
canon)
	# Every link and id the feed suites expect, one URL per file.
	py <<'PY'
import glob, json, os, sys
out, tests = sys.argv[1], sys.argv[2]
urls = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            if isinstance(x, str) and k in ("link", "id", "url", "href") and "://" in x:
                urls.add(x)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
for path in glob.glob(os.path.join(tests, "feeds", "**", "*.json"), recursive=True):
    try:
        walk(json.load(open(path, encoding="utf-8")))
    except ValueError:
        pass
for i, u in enumerate(sorted(urls)):
    open(os.path.join(out, "url-%04d.txt" % i), "w", encoding="utf-8").write(u)
PY
	;;
picks)
	printf "%s\n" "$top"/config.example.toml | link_all ;;
edits)
	printf "%s\n" "$top"/config.example.toml | link_all ;;
*)
	echo "seeds.sh: unknown target '$target'" >&2
	exit 2 ;;
esac
