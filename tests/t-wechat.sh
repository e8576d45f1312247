#!/usr/bin/env bash
# Render every Markdown input under tests/wechat/ (plus the GFM spec sample and
# generated 1 MiB / deeply nested documents) to a WeChat fragment, then check
# each fragment with wechat-check --strict, xmllint --html and a UTF-8 check.
# Env (from tests/run-tests): DIGEST_BUILD, DIGEST_TESTS.
set -u
tests=${DIGEST_TESTS:-$(cd "$(dirname "$0")" && pwd)}
build=${DIGEST_BUILD:-build/asan}
md2wechat=$build/tests/md2wechat
check=$build/tests/wechat-check
data=$tests/wechat
failed=0

ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; failed=1; }

for tool in "$md2wechat" "$check"; do
	if [ ! -x "$tool" ]; then
		notok "missing tool $tool (build with make test-programs)"
		exit 1
	fi
done

tmp=$(mktemp -d /tmp/t-wechat.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/in" "$tmp/out" "$tmp/gfm-in" "$tmp/gfm-out"

# Named inputs, flattened to unique names (release-notes/README.md -> release-notes__README.md).
(cd "$data" && find . -name '*.md' | sort) | while read -r rel; do
	rel=${rel#./}
	ln -s "$data/$rel" "$tmp/in/${rel//\//__}"
done

# A release note of more than 1 MiB, and a document nested 5000 levels deep.
while [ "$(stat -c %s "$tmp/in/big-1mb.md" 2>/dev/null || echo 0)" -lt 1048576 ]; do
	cat "$data"/release-notes/*.md >>"$tmp/in/big-1mb.md"
done
{
	printf '%5000s' '' | tr ' ' '>'
	printf ' deep quote\n\nafter the quote\n\n'
	for i in $(seq 1 200); do printf '%*s- level %d\n' $((i * 2 - 2)) '' "$i"; done
	echo
	printf 'after the list\n'
} >"$tmp/in/deep-5000.md"

# GFM spec sample: one Markdown file per example ("→" is a tab).
awk -v dir="$tmp/gfm-in" '
BEGIN { bt = "````````````````````````````````" }
!inex && /^## / { sec = substr($0, 4); gsub(/[^A-Za-z0-9]+/, "-", sec) }
!inex && index($0, bt " example") == 1 { inex = 1; n++; f = sprintf("%s/%03d-%s.md", dir, n, sec); printf "" > f; next }
inex == 1 && $0 == "." { inex = 2; close(f); next }
inex && $0 == bt { inex = 0; next }
inex == 1 { line = $0; gsub(/→/, "\t", line); print line > f }
' "$data/gfm-sample.txt"
ngfm=$(find "$tmp/gfm-in" -name '*.md' | wc -l)
if [ "$ngfm" -ge 400 ]; then ok "gfm sample split into $ngfm examples"; else notok "gfm sample: only $ngfm examples"; fi

if "$md2wechat" --batch "$tmp/out" "$tmp"/in/*.md 2>"$tmp/err"; then
	ok "md2wechat rendered $(ls "$tmp"/in/*.md | wc -l) named inputs"
else
	notok "md2wechat failed: $(head -c 300 "$tmp/err")"
fi
if "$md2wechat" --batch "$tmp/gfm-out" "$tmp"/gfm-in/*.md 2>"$tmp/err"; then
	ok "md2wechat rendered $ngfm gfm examples"
else
	notok "md2wechat (gfm) failed: $(head -c 300 "$tmp/err")"
fi

# Checklist on the named inputs: pass the checker's lines through, except that
# the files listed in oversize.txt must fail C17 (and nothing else).
oversize=" $(grep -v '^#' "$data/oversize.txt" | tr '\n' ' ') "
"$check" --strict "$tmp"/out/*.wechat.html >"$tmp/check.log" 2>&1
while IFS= read -r line; do
	file=${line##* (}
	file=${file%.wechat.html)}
	file=${file##*__}
	case "$line" in
	"not ok - C17:"*)
		if [[ "$oversize" == *" $file "* ]]; then
			ok "C17 over the limit as expected ($file.wechat.html)"
		else
			notok "${line#not ok - }"
		fi ;;
	"ok - C17 "*)
		if [[ "$oversize" == *" $file "* ]]; then
			notok "C17 expected to exceed the limit but passed ($file.wechat.html)"
		else
			echo "$line"
		fi ;;
	"not ok - "*) notok "${line#not ok - }" ;;
	"ok - "*) echo "$line" ;;
	*) notok "wechat-check: $line" ;;
	esac
done <"$tmp/check.log"

# Checklist on the gfm examples: one summary line, failures in full.
"$check" --strict "$tmp"/gfm-out/*.wechat.html >"$tmp/gfm-check.log" 2>&1
gfm_bad=$(grep -c '^not ok' "$tmp/gfm-check.log")
gfm_good=$(grep -c '^ok' "$tmp/gfm-check.log")
if [ "$gfm_bad" -eq 0 ] && [ "$gfm_good" -eq $((ngfm * 20)) ]; then
	ok "gfm examples: all 20 checklist items pass for $ngfm fragments"
else
	notok "gfm examples: $gfm_bad failing checklist lines ($gfm_good ok)"
	grep '^not ok' "$tmp/gfm-check.log" | head -20 | sed 's/^/#   /'
fi

# xmllint --html: no errors, except that libxml2 2.9's HTML 4 tables do not
# know the HTML5 <section> element ("Tag section invalid"), which the
# WeChat fragment needs; every other message is a failure.
xml_errors() {
	# $1 may be a glob, expanded here on purpose.
	# shellcheck disable=SC2086
	xmllint --html --noout $1 2>&1 | awk '
		/^[^ ]*:[0-9]+: / { skip = ($0 ~ /HTML parser error : Tag section invalid$/); if (!skip) print; next }
		!skip && NF { print }'
}
for f in "$tmp"/out/*.wechat.html; do
	name=$(basename "$f")
	errs=$(xml_errors "$f")
	if [ -z "$errs" ]; then ok "xmllint --html: $name"; else notok "xmllint --html: $name: $(echo "$errs" | head -3)"; fi
	if iconv -f UTF-8 -t UTF-8 "$f" >/dev/null 2>&1; then ok "valid UTF-8: $name"; else notok "invalid UTF-8: $name"; fi
	# Belt and braces for the must-nevers, looking inside tags only.
	bad=$(grep -o '<[^>]*>' "$f" | grep -Ei '^<(script|iframe|style|object|embed|form|input|svg|link|meta)|[[:space:]]on[a-z]+=|javascript:|vbscript:|[[:space:]](id|class)=' | head -3)
	if [ -z "$bad" ]; then ok "no script/handler/javascript: in tags: $name"; else notok "$name contains: $bad"; fi
done
# One xmllint and one iconv run for all gfm fragments (hundreds of files).
gfm_errs=$(cd "$tmp/gfm-out" && xml_errors "*.wechat.html")
gfm_xml=$(printf '%s' "$gfm_errs" | grep -c .)
[ -n "$gfm_errs" ] && echo "$gfm_errs" | head -5 | sed 's/^/#   /'
cat "$tmp"/gfm-out/*.wechat.html | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 || gfm_xml=$((gfm_xml + 1))
if [ $gfm_xml -eq 0 ]; then ok "xmllint --html and UTF-8: $ngfm gfm fragments"; else notok "xmllint/UTF-8: $gfm_xml gfm fragments fail"; fi

# The checker itself: known-bad fragments (tests/wechat/bad/cNN-*.html) must
# fail exactly their item (M items: "not ok" and exit 1; S items: "# warn" and
# exit 0), and good.html must pass every item with --strict.
must=" 1 2 3 4 5 8 9 10 12 13 14 17 "
for f in "$data"/bad/c*.html; do
	name=$(basename "$f" .html)
	num=${name%%-*}
	num=$((10#${num#c}))
	out=$("$check" "$f" 2>&1)
	rc=$?
	if [[ "$must" == *" $num "* ]]; then
		if [ $rc -eq 1 ] && grep -q "^not ok - C$num: " <<<"$out"; then
			ok "wechat-check catches $name (C$num)"
		else
			notok "wechat-check misses $name (rc $rc): $(grep -v '^ok' <<<"$out" | head -2)"
		fi
	elif [ $rc -eq 0 ] && grep -q "^# warn - C$num: " <<<"$out"; then
		ok "wechat-check warns on $name (C$num)"
	else
		notok "wechat-check misses $name (rc $rc): $(grep -v '^ok' <<<"$out" | head -2)"
	fi
done
out=$("$check" --strict "$data/bad/good.html" 2>&1)
if [ $? -eq 0 ] && [ "$(grep -c '^ok - C' <<<"$out")" -eq 20 ]; then
	ok "wechat-check passes the hand-written good fragment"
else
	notok "wechat-check rejects good.html: $(grep -v '^ok' <<<"$out" | head -2)"
fi

# Content survives the extremes.
if grep -q 'after the quote' "$tmp/out/deep-5000.wechat.html" && grep -q 'after the list' "$tmp/out/deep-5000.wechat.html"; then
	ok "5000-level nesting: content after the nest kept"
else
	notok "5000-level nesting lost content"
fi
if grep -q '^<section style=' "$tmp/out/hostile__empty.wechat.html" && [ "$(grep -c '<p ' "$tmp/out/hostile__empty.wechat.html")" -eq 2 ]; then
	ok "empty input: root section and two sentinels only"
else
	notok "empty input fragment unexpected"
fi

# The shipped default theme file renders exactly like the built-in theme.
one="$data/release-notes/gh-release_kubernetes_kompose_v1.33.0.md"
if "$md2wechat" --theme "$tests/../templates/themes/default.toml" "$one" "$tmp/theme.wechat.html" "$tmp/theme.html" &&
	cmp -s "$tmp/theme.wechat.html" "$tmp/out/release-notes__gh-release_kubernetes_kompose_v1.33.0.wechat.html"; then
	ok "templates/themes/default.toml renders like the built-in theme"
else
	notok "templates/themes/default.toml output differs from the built-in theme"
fi

exit $failed
