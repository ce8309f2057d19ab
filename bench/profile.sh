#!/usr/bin/env bash
# Profile `project` with callgrind on the bench data set, one case at a time.
#
#   bench/profile.sh [--size 10000] [--cases cold,import,list-sqlite,list-json,add-json,export] [--peers] [--bin PATH]
#
# Needs bench/run.sh to have built the release binary and generated the data
# set of that size (run `bench/run.sh --quick` first). Installs valgrind if
# missing. For each case writes .build-bench/profile/<case>-<N>.callgrind and
# prints the top 15 functions by inclusive and by self cost (instructions, Ir),
# Swift names demangled. With --peers, also counts the peers' instructions on
# the same data (callgrind totals do not depend on the machine's load).
# The report goes to bench/results/profile-<N>.md as well.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

N=10000
CASES=cold,import,list-sqlite,list-json,add-json,export
PEERS=0
TOP=15
while [ $# -gt 0 ]; do
  case "$1" in
    --size) N=$2; shift 2 ;;
    --cases) CASES=$2; shift 2 ;;
    --peers) PEERS=1; shift ;;
    --bin) BIN=$2; SOURCE=$2; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

command -v valgrind >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq valgrind >&2 || { apt-get update -qq >&2; apt-get install -y -qq valgrind >&2; }; }
SCRATCH=.build-bench
# The binary bench/run.sh measured last (see .build-bench/last-binary), else the work tree's build.
if [ -z "${BIN:-}" ]; then
  if [ -f "$SCRATCH/last-binary" ]; then BIN=$(cut -f1 "$SCRATCH/last-binary"); SOURCE=$(cut -f2 "$SCRATCH/last-binary")
  else BIN=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/project; SOURCE="working tree"; fi
fi
SOURCE=${SOURCE:-$BIN}
DS=$SCRATCH/datasets/$N
[ -x "$BIN" ] && [ -f "$DS/items.ndjson" ] || { echo "profile.sh: run bench/run.sh --quick (or --sizes $N) first" >&2; exit 1; }
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
P="$BIN --manifest bench/bench.yaml"
OUT=$SCRATCH/profile
WORK=$SCRATCH/work
STORE_DATA=$SCRATCH/bench-data
STORE_DB=$STORE_DATA/db/bench.db
STORE_JSON=$STORE_DATA/json/items.json
mkdir -p "$OUT" "$WORK" bench/results
REPORT=bench/results/profile-$N.md

demangle() { swift demangle --simplified --compact 2>/dev/null || cat; }
total_ir() { awk '/^(summary|totals):/ {print $2; exit}' "$1"; }

cg() {          # cg NAME command... : run under callgrind, keep the output file
  local name=$1; shift
  local file=$OUT/$name-$N.callgrind
  valgrind --tool=callgrind --callgrind-out-file="$file" "$@" >/dev/null 2>"$OUT/$name-$N.stderr" || {
    echo "profile.sh: FAILED under callgrind: $*" >&2; tail -5 "$OUT/$name-$N.stderr" >&2; }
  echo "$file"
}
functions() {   # the function table of callgrind_annotate: top $TOP, demangled, object paths shortened
  awk 'f == 2 && NF; /file:function/ {f = 1; next} f == 1 && /^-+$/ {f = 2}' |
    sed -E "s| \[$ROOT/[^]]*\]||; s|$ROOT/||g" | demangle | awk -v n="$TOP" 'NR <= n' | cut -c1-240
}
annotate() {    # annotate FILE : top inclusive and self
  local file=$1
  echo
  echo "Total: $(total_ir "$file") Ir"
  echo
  echo "Top $TOP by inclusive cost:"
  echo '```'
  callgrind_annotate --inclusive=yes --auto=no "$file" 2>/dev/null |
    grep -vE '\(below main\)|__libc_start_main|\?\?\?:0x[0-9a-f]+ \[|:project_main|static Main.main\(\)|\$s7project4MainO4main' | functions
  echo '```'
  echo
  echo "Self cost by kind (every function's self cost, bucketed by bench/cgsummary.py):"
  echo
  callgrind_annotate --threshold=100 --auto=no "$file" 2>/dev/null | demangle | "$PY" bench/cgsummary.py
  echo
  echo "Top $TOP by self cost:"
  echo '```'
  callgrind_annotate --auto=no "$file" 2>/dev/null | functions
  echo '```'
}

reset_db_from_import() {
  rm -rf "$STORE_DATA"; mkdir -p "$STORE_DATA/db" "$STORE_DATA/json"
  $P svc items import --from "$DS/items.ndjson" --format ndjson --target sqlite >/dev/null 2>&1
}

{
echo "# callgrind profile of \`project\` at N=$N"
echo
echo "Release build ($BIN, dynamically linked; $SOURCE). Costs are instructions (Ir); inclusive = the function and all it calls (process entry wrappers such as main and __libc_start_main left out)."
IFS=, read -r -a CASE_LIST <<<"$CASES"
declare -A PIR
for c in "${CASE_LIST[@]}"; do
  reset_db_from_import
  echo
  case "$c" in
    cold)
      rm -rf "$STORE_DATA"; mkdir -p "$STORE_DATA/db"; $P svc items list >/dev/null
      echo "## cold start: \`project svc items list\` (empty store)"
      f=$(cg "$c" $P svc items list) ;;
    import)
      rm -f "$STORE_DB" "$STORE_DB-wal" "$STORE_DB-shm"
      echo "## import: \`project svc items import --from items.ndjson --format ndjson --target sqlite\` (empty db)"
      f=$(cg "$c" $P svc items import --from "$DS/items.ndjson" --format ndjson --target sqlite) ;;
    list-sqlite)
      echo "## list SQLite: \`project svc items list --where status=pending -o json\` (no limit)"
      f=$(cg "$c" $P svc items list --where status=pending -o json)
      annotate "$f"; PIR[$c]=$(total_ir "$f")
      echo
      echo "## list SQLite: \`project svc items list --where status=pending --limit 10 -o json\`"
      f=$(cg "$c-limit10" $P svc items list --where status=pending --limit 10 -o json)
      PIR[$c-limit10]=$(total_ir "$f") ;;
    list-json)
      cp "$DS/items.json" "$STORE_JSON"
      echo "## list JSON: \`project svc items list --backend json --where status=pending -o ndjson\`"
      f=$(cg "$c" $P svc items list --backend json --where status=pending -o ndjson) ;;
    add-json)
      cp "$DS/items.json" "$STORE_JSON"
      echo "## add JSON: \`project svc items add --name x --backend json\` (store of $N)"
      f=$(cg "$c" $P svc items add --name x --backend json) ;;
    export)
      rm -f "$STORE_JSON" "$STORE_JSON.bak"
      echo "## export: \`project svc items export --replace\` (no store file before)"
      f=$(cg "$c" $P svc items export --replace) ;;
    *) echo "unknown case $c" >&2; continue ;;
  esac
  annotate "$f"
  PIR[$c]=${PIR[$c]:-$(total_ir "$f")}
done

if [ $PEERS = 1 ]; then
  echo
  echo "## Instructions: project vs peers at N=$N (callgrind totals; whole process, including start-up)"
  echo
  echo "| case | project Ir | peer | peer Ir | peer/project |"
  echo "|---|---|---|---|---|"
  row() { "$PY" -c 'import sys; c, p, n, q = sys.argv[1:]; p, q = int(p or 0), int(q or 0); print(f"| {c} | {p:,} | {n} | {q:,} | {q / p if p else 0:.2f}x |")' "$@"; }
  for c in "${CASE_LIST[@]}"; do
    reset_db_from_import
    case "$c" in
      cold)
        rm -f "$WORK/empty-template.db"; "$PY" bench/template.py list-empty "$WORK/empty-template.db"
        row cold "${PIR[cold]}" "python template" "$(total_ir "$(cg peer-cold-py "$PY" bench/template.py list-empty "$WORK/empty-template.db")")"
        row cold "${PIR[cold]}" "/bin/true" "$(total_ir "$(cg peer-cold-true /bin/true)")" ;;
      import)
        rm -f "$WORK"/floor.db*; sqlite3 "$WORK/floor.db" <"$WORK/floor-schema.sql" >/dev/null
        row import "${PIR[import]}" "sqlite3 .import" "$(total_ir "$(cg peer-import-sqlite3 sqlite3 "$WORK/floor.db" -cmd '.mode csv' ".import --skip 1 $DS/items.csv items")")"
        rm -f "$WORK"/su.db*
        row import "${PIR[import]}" "sqlite-utils" "$(total_ir "$(cg peer-import-su "$SCRATCH/venv/bin/python" "$SCRATCH/venv/bin/sqlite-utils" insert "$WORK/su.db" items "$DS/items.ndjson" --nl --pk id)")" ;;
      list-sqlite)
        SQL="SELECT id, data, created_at, updated_at FROM items WHERE json_extract(data, '\$.status') = 'pending' ORDER BY created_at, id"
        row "list SQLite, no limit" "${PIR[list-sqlite]}" "sqlite3 -json" "$(total_ir "$(cg peer-list-sqlite3 sqlite3 -json "$STORE_DB" "$SQL")")"
        row "list SQLite, --limit 10" "${PIR[list-sqlite-limit10]}" "sqlite3 -json" "$(total_ir "$(cg peer-list10-sqlite3 sqlite3 -json "$STORE_DB" "$SQL LIMIT 10")")" ;;
      list-json)
        row "list JSON" "${PIR[list-json]}" "jq" "$(total_ir "$(cg peer-list-jq jq '[.[] | select(.status=="pending")]' "$DS/items.json")")" ;;
      add-json)
        cp "$DS/items.json" "$WORK/add.json"
        row "add JSON" "${PIR[add-json]}" "python template" "$(total_ir "$(cg peer-add-py "$PY" bench/template.py add-json "$WORK/add.json")")" ;;
      export)
        rm -f "$WORK/export.json"
        row export "${PIR[export]}" "python template" "$(total_ir "$(cg peer-export-py "$PY" bench/template.py export "$STORE_DB" "$WORK/export.json")")" ;;
    esac
  done
fi
} | tee "$REPORT"
