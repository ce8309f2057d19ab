#!/usr/bin/env bash
# Times `svc items diff` between the JSON and the SQLite store of one service, each holding the
# same N records but one, whose count differs, and writes bench/results/diff.md.
#
#   bench/diff.sh [--size N] [--runs R] [--binary PATH]
#
# Goal: 100k records per side in under 2 s, with memory bounded by the ids (peak RSS given).
# Defaults: 100000 records, 5 runs after one warm-up, the release binary of bench/run.sh
# (.build-bench/release/project; build it with
# `swift build -c release --scratch-path .build-bench --product project`). Times are wall clock
# (bash's EPOCHREALTIME); the report gives the median and the fastest run. Data: bench/gen.py.
set -euo pipefail

N=100000
RUNS=5
NAME=diff.sh
HELP_LINES=11
# shellcheck source=standalone.sh
. "$(dirname "${BASH_SOURCE[0]}")/standalone.sh" "$@"
WORK=$SCRATCH/diff-work

# The bench manifest with its stores in a folder of this script's own.
rm -rf "$WORK" && mkdir -p "$WORK"
sed "s#^data_dir:.*#data_dir: $WORK/data#" bench/bench.yaml >"$WORK/project.yaml"
export PROJECT_MANIFEST=$WORK/project.yaml
"$BIN" svc items import --from "$DS/items.ndjson" --format ndjson --target sqlite >/dev/null
# The JSON store gets the same records but the first, whose count is one more.
python3 - "$DS/items.ndjson" "$WORK/changed.ndjson" <<'PY'
import json, sys
with open(sys.argv[1]) as source, open(sys.argv[2], "w") as out:
    for n, line in enumerate(source):
        if n == 0:
            record = json.loads(line)
            record["count"] = record.get("count", 0) + 1
            line = json.dumps(record) + "\n"
        out.write(line)
PY
"$BIN" svc items import --from "$WORK/changed.ndjson" --format ndjson --target json >/dev/null

times=()
rss=0
status=0
"$BIN" svc items diff --backends json,sqlite >/dev/null || true
for _ in $(seq "$RUNS"); do
  start=$EPOCHREALTIME
  /usr/bin/time -f %M -o "$WORK/rss" "$BIN" svc items diff --backends json,sqlite >"$WORK/out" || status=$?
  end=$EPOCHREALTIME
  times+=("$(echo "$end - $start" | bc)")
  r=$(tail -1 "$WORK/rss"); [ "$r" -gt "$rss" ] && rss=$r
done
[ "$status" -eq 1 ] || { echo "diff.sh: diff should exit 1 (one record differs), exited $status" >&2; exit 1; }
grep -q "differ" "$WORK/out" || { echo "diff.sh: diff did not report the changed record" >&2; cat "$WORK/out" >&2; exit 1; }
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (RUNS + 1) / 2 ))p")
fastest=$(echo "$sorted" | head -1)
{
  echo "# diff, JSON store against SQLite store, $N records per side"
  echo
  echo "| case | median | fastest | peak RSS | goal |"
  echo "|---|---|---|---|---|"
  printf '| `svc items diff --backends json,sqlite` (one record differs) | %.2f s | %.2f s | %d MB | under 2 s: %s |\n' \
    "$median" "$fastest" $((rss / 1024)) "$(echo "$median < 2" | bc | sed 's/1/met/;s/0/not met/')"
  echo
  echo "Machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%dT%H:%MZ)."
} >bench/results/diff.md
cat bench/results/diff.md
