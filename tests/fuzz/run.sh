#!/usr/bin/env bash
# Run libFuzzer targets built by `make fuzz` (clang -fsanitize=fuzzer,...).
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS TARGET...
# For each TARGET: seeds from tests/fuzz/seeds.sh and tests/fuzz/corpus/TARGET,
# new inputs kept in BUILD_DIR/corpus/TARGET (reused by the next run),
# crashes written to BUILD_DIR/crashes/TARGET-*, the log to BUILD_DIR/logs/.
# Prints one summary line per target; exits 1 when any target crashed.
# FUZZ_FLAGS adds libFuzzer options (e.g. FUZZ_FLAGS=-jobs=2).
set -u
build=${1:?usage: run.sh BUILD_DIR SECONDS TARGET...}
secs=${2:?usage: run.sh BUILD_DIR SECONDS TARGET...}
shift 2
here=$(cd "$(dirname "$0")" && pwd)
crashed=0
mkdir -p "$build/crashes" "$build/logs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

for t in "$@"; do
	bin=$build/fuzz_$t
	seeds=$build/seeds/$t
	corpus=$build/corpus/$t
	log=$build/logs/fuzz_$t.log
	"$here/seeds.sh" "$t" "$seeds" || { echo "fuzz_$t: cannot build the seed corpus"; crashed=1; continue; }
	mkdir -p "$corpus"
	dirs=("$corpus" "$seeds")
	[ -d "$here/corpus/$t" ] && dirs+=("$here/corpus/$t")
	dict=()
	[ -f "$here/dict/$t.dict" ] && dict=(-dict="$here/dict/$t.dict")
	before=$(find "$build/crashes" -name "$t-*" | wc -l)
	# shellcheck disable=SC2086
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-print_final_stats=1 -artifact_prefix="$build/crashes/$t-" "${dict[@]}" ${FUZZ_FLAGS:-} \
		"${dirs[@]}" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	after=$(find "$build/crashes" -name "$t-*" | wc -l)
	line=$(printf 'fuzz_%-9s %8s execs in %ss, corpus %s files' "$t" "${execs:-?}" "$secs" \
		"$(find "$corpus" -type f | wc -l)")
	if [ "$rc" -ne 0 ] || [ "$after" -gt "$before" ]; then
		crashed=1
		echo "$line: FAILED (exit $rc), see $log"
		grep -m1 -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|fuzz invariant violated)' "$log" | sed 's/^/    /'
		find "$build/crashes" -name "$t-*" -newer "$seeds" | sed 's/^/    new: /'
	else
		echo "$line: ok"
	fi
done
if [ "$crashed" -ne 0 ]; then
	echo "Crashes are in $build/crashes/. Reproduce one with: $build/fuzz_TARGET FILE;"
	echo "keep it in tests/fuzz/pending/TARGET/ until it is fixed, then move it to"
	echo "tests/fuzz/corpus/TARGET/ so make check replays it."
fi
exit $crashed
