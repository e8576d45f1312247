#!/usr/bin/env bash
# Replay every fuzz target (tests/fuzz/fuzz_*.c, built with replay.c into
# DIGEST_BUILD/tests/) over its seed corpus from the project's test data
# (tests/fuzz/seeds.sh) and its regression inputs (tests/fuzz/corpus/TARGET/).
# A crash, a sanitizer report, a leak or a broken invariant fails the target.
# Inputs not yet fixed wait in tests/fuzz/pending/ and are not replayed.
# Env (from tests/run-tests): DIGEST_BUILD, DIGEST_TESTS.
set -u
tests=${DIGEST_TESTS:-$(cd "$(dirname "$0")" && pwd)}
build=${DIGEST_BUILD:-build/asan}
failed=0

tmp=$(mktemp -d /tmp/t-fuzz-replay.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT

for src in "$tests"/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	bin=$build/tests/fuzz_$t
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz_$t: missing $bin (build with make test-programs)"
		failed=1
		continue
	fi
	if ! "$tests/fuzz/seeds.sh" "$t" "$tmp/$t" 2>"$tmp/$t.err"; then
		echo "not ok - fuzz_$t: cannot build the seed corpus: $(head -c 300 "$tmp/$t.err")"
		failed=1
		continue
	fi
	paths=("$tmp/$t")
	[ -d "$tests/fuzz/corpus/$t" ] && paths+=("$tests/fuzz/corpus/$t")
	DG_FUZZ_TRACE=1 "$bin" "${paths[@]}" >"$tmp/$t.out" 2>&1
	rc=$?
	# The replay's own lines, then the sanitizer's report when it failed.
	grep -E '^(not )?ok - ' "$tmp/$t.out"
	if [ $rc -ne 0 ]; then
		last=$(grep '^# replay: ' "$tmp/$t.out" | tail -n 1)
		grep -q '^not ok - ' "$tmp/$t.out" ||
			echo "not ok - fuzz_$t exited with status $rc on ${last#\# replay: }"
		grep -v -E '^((not )?ok - |# replay: )' "$tmp/$t.out" | head -40 | sed 's/^/#   /'
		failed=1
	fi
done
exit $failed
