#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs each for a fixed time.
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET]        (default 60)
#   FUZZ_TARGETS="FuzzWhereParser" scripts/fuzz.sh 300
#
# Each target first replays its saved regressions (Fuzz/regressions/TARGET/*), then fuzzes from
# its seeds: JSONTestSuite's test_parsing files for FuzzJSONReader (kept in the repository, in
# Tests/Fixtures/JSONTestSuite) and Fuzz/corpus/records, project.yaml and Fuzz/corpus/manifest for FuzzManifestLoader,
# Fuzz/corpus/where for FuzzWhereParser. libFuzzer runs in fork mode and keeps going after a crash, so that one run
# finds every bug it can. Working corpora and crash artifacts stay under .build-fuzz/ (ignored).
# Exits non-zero when a regression still fails or a new crash, timeout or OOM was found, and
# prints the input's path: minimise it with `BINARY -minimize_crash=1 -runs=20000 INPUT`.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
targets=(${FUZZ_TARGETS:-FuzzJSONReader FuzzManifestLoader FuzzWhereParser})
scratch=.build-fuzz
# The fuzz products only: the `project` executable has its own main and must not get libFuzzer's.
flags=(-c release --scratch-path "$scratch"
  -Xswiftc -DFUZZING -Xswiftc -sanitize=fuzzer,address
  -Xswiftc -enable-experimental-feature -Xswiftc Extern)

mkdir -p "$scratch"
for target in "${targets[@]}"; do
  echo "== building $target"
  if ! swift build "${flags[@]}" --product "$target" >"$scratch/build-$target.log" 2>&1; then
    grep -E 'error' "$scratch/build-$target.log" | head -20 >&2
    echo "fuzz.sh: building $target failed; see $scratch/build-$target.log" >&2
    exit 1
  fi
done
bin="$(swift build "${flags[@]}" --show-bin-path)"

seeds() {
  case "$1" in
    FuzzJSONReader) echo Tests/Fixtures/JSONTestSuite/test_parsing Fuzz/corpus/records ;;
    FuzzManifestLoader)
      mkdir -p "$scratch/seeds-manifest"
      cp project.yaml "$scratch/seeds-manifest/project.yaml"
      echo "$scratch/seeds-manifest Fuzz/corpus/manifest" ;;
    FuzzWhereParser) echo Fuzz/corpus/where ;;
  esac
}

dictionary() {
  case "$1" in
    FuzzJSONReader) echo Fuzz/dict/json.dict ;;
    FuzzManifestLoader) echo Fuzz/dict/manifest.dict ;;
    FuzzWhereParser) echo Fuzz/dict/where.dict ;;
  esac
}

# LeakSanitizer misreads Swift enum payloads, whose spare pointer bits hold the case tag, as
# leaked memory (the where target's global schema shows up as a "direct leak"); and Swift's own
# crash backtracer trips AddressSanitizer and hides libFuzzer's report. Both off.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}"
export SWIFT_BACKTRACE=enable=no

status=0
summary=()
for target in "${targets[@]}"; do
  binary="$bin/$target"
  corpus="$scratch/corpus-$target"
  artifacts="$scratch/artifacts/$target"
  log="$scratch/fuzz-$target.log"
  mkdir -p "$corpus" "$artifacts"

  if compgen -G "Fuzz/regressions/$target/*" >/dev/null; then
    echo "== $target: replaying Fuzz/regressions/$target"
    for input in Fuzz/regressions/"$target"/*; do
      if ! "$binary" -timeout=5 -rss_limit_mb=2048 "$input" >"$scratch/replay.log" 2>&1; then
        echo "REGRESSION FAILS: $input (output in $scratch/replay-$target-$(basename "$input").log)"
        cp "$scratch/replay.log" "$scratch/replay-$target-$(basename "$input").log"
        status=1
      fi
    done
  fi

  echo "== $target: fuzzing for $seconds s (log: $log)"
  before="$(mktemp)"
  ls "$artifacts" >"$before"
  # shellcheck disable=SC2046
  "$binary" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -max_total_time="$seconds" -max_len=4096 -timeout=5 -rss_limit_mb=2048 \
    -dict="$(dictionary "$target")" -artifact_prefix="$artifacts/" -print_final_stats=1 \
    "$corpus" $(seeds "$target") >"$log" 2>&1 || true
  last="$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)"
  echo "   ${last:-no progress line; see $log}"
  summary+=("$target: ${last:-?}")
  found="$(ls "$artifacts" | grep -vxFf "$before" || true)"
  rm -f "$before"
  if [ -n "$found" ]; then
    status=1
    while read -r name; do echo "CRASH: $artifacts/$name"; done <<<"$found"
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
exit "$status"
