#!/usr/bin/env bash
# Times `pattern:` matching through the binary: `add` of a record whose one field holds a 1 MB
# value, for each pattern, against the same add on a field whose pattern is answered at once
# (`^b`), so the difference is the match. Patterns are ones that make backtracking engines blow up (they take
# time exponential in the value on them) and one whose DFA outgrows RE2's memory budget.
#
#   bench/patterns.sh [BINARY]     (default: .build-static/release/project; best of 5 runs)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
binary="$(realpath "${1:-$root/.build-static/release/project}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

patterns=('^b' '^(a|aa)+$' '^(a|a)*$' '^(a?){30}a{30}$' '^(.*a){20}$' '^[ab]*a[ab]{20}$' '(x+x+)+y')
{
  printf 'version: 1\ndata_dir: data\nservices:\n  bench:\n    fields:\n'
  for i in "${!patterns[@]}"; do printf "      p%d: { type: string, pattern: '%s' }\n" "$i" "${patterns[$i]}"; done
} >project.yaml
"$binary" check >/dev/null

# 1,000,000 characters that match none of the patterns (so nothing is written): `a`s then `!`,
# and a random a/b text that starts with `a` and has `b` last and 21st from last.
python3 - <<'PY'
import json, random
random.seed(1)
ab = [random.choice("ab") for _ in range(1_000_000)]
ab[0], ab[-21], ab[-1] = "a", "b", "b"
values = {"a": "a" * 999_999 + "!", "ab": "".join(ab)}
for name, value in values.items():
    for i in range(7):
        json.dump({f"p{i}": value}, open(f"{name}-p{i}.json", "w"))
PY

best() {  # milliseconds, best of 5 after a warm-up run
  local best=999999 start end ms
  "$binary" svc bench add --json "@$1" --backend json >/dev/null 2>&1 || true
  for _ in 1 2 3 4 5; do
    start=$(date +%s%N)
    "$binary" svc bench add --json "@$1" --backend json >/dev/null 2>&1 || true
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    (( ms < best )) && best=$ms
  done
  echo "$best"
}

printf '%-20s %-6s %8s %16s\n' pattern value "add ms" "minus ^b's, ms"
for value in a ab; do
  for i in "${!patterns[@]}"; do
    ms=$(best "$value-p$i.json")
    (( i == 0 )) && base=$ms
    printf '%-20s %-6s %8d %16d\n' "${patterns[$i]}" "$value" "$ms" $(( ms - base ))
  done
done
[ -z "$(ls data 2>/dev/null)" ] || echo "patterns.sh: a value matched and was stored; the figures include a write" >&2
