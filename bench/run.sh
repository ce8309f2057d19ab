#!/usr/bin/env bash
# Benchmark `project` against its peers on the same data, in one run.
#
#   bench/run.sh [--sizes 10000,100000,1000000] [--quick] [--tiny] [--no-static] [--rev REV] [--no-build]
#
# Builds the release binary, installs what it needs (hyperfine, jq, sqlite3,
# GNU time from Debian; sqlite-utils from PyPI into .build-bench/venv),
# generates deterministic data sets (bench/gen.py), times every case with
# hyperfine, and prints a Markdown table that is also written to
# bench/results/latest.md (and bench/results/quick.md or full.md).
# Raw hyperfine JSON, peak RSS and load averages go to .build-bench/results/.
#
#   --quick     10k and 100k only, fewer runs (a few minutes)
#   --tiny      2000 records, few runs: checks that every case works; the report
#               goes to .build-bench/results/tiny.md, not bench/results/
#   --no-static skip the fully static binary (the shipped link mode); without
#               it, cold start is judged on the dynamically linked build
#   --rev REV   build a clean copy of commit REV (git archive), not the work tree
#   --no-build  reuse the binaries of the last build
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

SIZES=""
QUICK=0
TINY=0
BUILD=1
STATIC=1
REV=""
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=${2:?--sizes needs a value, e.g. 10000,100000}; shift 2 ;;
    --sizes=*) SIZES=${1#--sizes=}; shift ;;
    --quick) QUICK=1; shift ;;
    --tiny) TINY=1; shift ;;
    --no-build) BUILD=0; shift ;;
    --static) STATIC=1; shift ;;
    --no-static) STATIC=0; shift ;;
    --rev) REV=${2:?--rev needs a commit}; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
if [ $TINY = 1 ]; then QUICK=1; SIZES=${SIZES:-2000}; fi
if [ -z "$SIZES" ]; then
  if [ $QUICK = 1 ]; then SIZES=10000,100000; else SIZES=10000,100000,1000000; fi
fi
IFS=, read -r -a SIZE_LIST <<<"$SIZES"
for n in "${SIZE_LIST[@]}"; do
  [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || { echo "run.sh: bad size '$n'" >&2; exit 2; }
done
MODE=$([ $TINY = 1 ] && echo tiny || { [ $QUICK = 1 ] && echo quick || echo full; })

SCRATCH=.build-bench
DATASETS=$SCRATCH/datasets
WORK=$SCRATCH/work
RAW=$SCRATCH/results
STORE_DATA=$SCRATCH/bench-data            # data_dir of bench/bench.yaml
STORE_DB=$STORE_DATA/db/bench.db
STORE_JSON=$STORE_DATA/json/items.json
MANIFEST=bench/bench.yaml
# Large manifests are kept checked in a cache (Documentation/Architecture.md): the bench's own, not
# the user's, so that every run starts without one.
export PROJECT_CACHE_DIR="$PWD/$WORK/manifest-cache"

log() { printf '\n== %s\n' "$*" >&2; }

# ---------------------------------------------------------------- tools
log "tools"
missing=()
command -v hyperfine >/dev/null || missing+=(hyperfine)
command -v jq >/dev/null || missing+=(jq)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing from Debian: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq "${missing[@]}" >&2; then
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2
  fi
fi
# The real interpreter, not a pyenv shim (a shim adds a bash start to every run).
PY=$(python3 -c 'import os, sys; print(os.path.realpath(sys.executable))')
VENV=$SCRATCH/venv
SU=$VENV/bin/sqlite-utils
if [ ! -x "$SU" ]; then
  echo "installing sqlite-utils into $VENV" >&2
  "$PY" -m venv "$VENV" || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2; apt-get install -y -qq python3-venv >&2; "$PY" -m venv "$VENV"; }
  "$VENV/bin/pip" install -q --disable-pip-version-check sqlite-utils >&2
fi
echo "hyperfine $(hyperfine --version | awk '{print $2}'), jq $(jq --version), sqlite3 $(sqlite3 --version | awk '{print $1}'), $("$SU" --version), $("$PY" --version)" >&2

# ---------------------------------------------------------------- build
# Default: the working tree, as it is. --rev REV: a clean copy of that commit
# (git archive), so the numbers belong to one commit while others edit Sources/.
PKG=$ROOT
DSCRATCH=$SCRATCH
SSCRATCH=.build-bench-static
if [ -n "$REV" ]; then
  COMMIT=$(git rev-parse --verify "$REV^{commit}")
  PKG=$ROOT/$SCRATCH/src-$(git rev-parse --short "$COMMIT")
  DSCRATCH=$SCRATCH/rev-build
  SSCRATCH=$SCRATCH/rev-build-static
  if [ $BUILD = 1 ]; then
    rm -rf "$PKG"; mkdir -p "$PKG"
    git archive "$COMMIT" | tar -x -C "$PKG"
    [ -f Package.resolved ] && [ ! -f "$PKG/Package.resolved" ] && cp Package.resolved "$PKG/"
  fi
  SOURCE="commit $(git rev-parse --short "$COMMIT") (clean copy via git archive)"
  # A target path that Package.swift names but the commit lacks stops SwiftPM
  # from building anything: say so, and borrow it from the working tree.
  borrowed=()
  for path in $(grep -o 'path: *"[^"]*"' "$PKG/Package.swift" | sed 's/path: *"\(.*\)"/\1/'); do
    if ! git cat-file -e "$COMMIT:$path" 2>/dev/null; then
      if [ -e "$ROOT/$path" ]; then
        if [ $BUILD = 1 ]; then mkdir -p "$PKG/$(dirname "$path")"; cp -r "$ROOT/$path" "$PKG/$path"; fi
        borrowed+=("$path")
      else
        echo "run.sh: commit $REV names target path '$path' that neither it nor the working tree has" >&2
      fi
    fi
  done
  if [ ${#borrowed[@]} -gt 0 ]; then
    echo "run.sh: WARNING: commit $REV's Package.swift names paths the commit does not contain (a fresh clone cannot build): ${borrowed[*]}; copied from the working tree" >&2
    SOURCE="$SOURCE; NOTE: the commit lacks ${borrowed[*]} named in its Package.swift (a fresh clone does not build), copied from the working tree for this run"
  fi
else
  SOURCE="working tree at $(git rev-parse --short HEAD)$(git status --porcelain -- Sources Package.swift | grep -q . && echo ', with uncommitted changes in Sources/' || true)"
fi
if [ $BUILD = 1 ]; then
  log "build: swift build -c release --scratch-path $DSCRATCH --product project  ($SOURCE)"
  swift build -c release --package-path "$PKG" --scratch-path "$DSCRATCH" --product project >&2
  echo "$SOURCE" >"$DSCRATCH/bench-source"
else
  SOURCE="$(cat "$DSCRATCH/bench-source" 2>/dev/null || echo 'unknown: built before bench/run.sh recorded it') (--no-build: binary from an earlier build)"
fi
BIN=$(swift build -c release --package-path "$PKG" --scratch-path "$DSCRATCH" --show-bin-path)/project
[ -x "$BIN" ] || { echo "run.sh: no binary at $BIN (drop --no-build)" >&2; exit 1; }
P="$BIN --manifest $MANIFEST"
printf '%s\t%s\n' "$BIN" "$SOURCE" >"$SCRATCH/last-binary"   # bench/profile.sh profiles the same binary
STATIC_ARGS=()
if [ $STATIC = 1 ]; then
  if [ $BUILD = 1 ]; then
    log "build: swift build -c release --scratch-path $SSCRATCH -Xswiftc -static-executable --product project"
    swift build -c release --package-path "$PKG" --scratch-path "$SSCRATCH" -Xswiftc -static-executable --product project >&2
  fi
  SBIN=$(swift build -c release --package-path "$PKG" --scratch-path "$SSCRATCH" -Xswiftc -static-executable --show-bin-path)/project
  [ -x "$SBIN" ] || { echo "run.sh: no static binary at $SBIN (drop --no-build)" >&2; exit 1; }
  STATIC_ARGS=(-n "project (static)" "$SBIN --manifest $MANIFEST svc items list")
fi

mkdir -p "$DATASETS" "$WORK" "$RAW" bench/results
rm -f "$RAW"/*.json "$RAW"/*.tsv "$RAW"/*.txt

# ---------------------------------------------------------------- machine
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "mode: $MODE (sizes $SIZES)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "kernel: $(uname -sr)"
  echo "swift: $(swift --version 2>&1 | head -1)"
  echo "source: $SOURCE"
  echo "binary: $BIN, release build, dynamically linked ($(ldd "$BIN" | wc -l) shared objects; the shipped binary is static)"
  if [ $STATIC = 1 ]; then echo "static binary (cold start only): $SBIN ($(ldd "$SBIN" 2>&1 | head -1 | sed 's/^[[:space:]]*//'))"; fi
  echo "filesystem: $(df -T "$SCRATCH" | awk 'NR==2 {print $2" on "$1}')"
  echo "peers: hyperfine $(hyperfine --version | awk '{print $2}'); $(jq --version); sqlite3 $(sqlite3 --version | awk '{print $1}'); $("$SU" --version); $("$PY" --version)"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RAW/machine.txt"
cat "$RAW/machine.txt" >&2

# ---------------------------------------------------------------- helpers
WARMUP=2
runs_for() {   # runs for a size
  local n=$1
  if [ $TINY = 1 ]; then
    echo 3
  elif [ $QUICK = 1 ]; then
    if [ "$n" -le 10000 ]; then echo 5; else echo 3; fi
  else
    if [ "$n" -le 10000 ]; then echo 10; elif [ "$n" -le 100000 ]; then echo 5; else echo 3; fi
  fi
}
hf() {          # hf NAME RUNS hyperfine-args...
  local name=$1 runs=$2; shift 2
  printf '%s\t%s\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/load.tsv"
  hyperfine --style basic --warmup $WARMUP --runs "$runs" --export-json "$RAW/$name.json" "$@" >&2
}
rss() {         # rss CASE N command... : peak RSS (KB) of one run
  local case=$1 n=$2; shift 2
  local out=$WORK/time.txt
  if /usr/bin/time -v -o "$out" "$@" >/dev/null 2>"$WORK/rss-stderr.txt"; then :; else
    echo "run.sh: FAILED during RSS run: $*" >&2; cat "$WORK/rss-stderr.txt" >&2
    echo "FAIL rss $case $n: $* -> $(tail -3 "$WORK/rss-stderr.txt" | tr '\n' ' ')" >>"$RAW/checks.txt"
  fi
  printf '%s\t%s\t%s\t%s\n' "$case" "$n" "$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out")" \
    "$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$out")" >>"$RAW/rss.tsv"
}
check() {       # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then echo "ok   $1: $3" >>"$RAW/checks.txt"
  else echo "FAIL $1: expected $2, got $3" >>"$RAW/checks.txt"; echo "run.sh: CHECK FAILED: $1: expected $2, got $3" >&2; fi
}
reset_stores() { rm -rf "$STORE_DATA"; mkdir -p "$STORE_DATA/db" "$STORE_DATA/json"; }

# The floor's table: made by `project` itself (an import of nothing), so that it has exactly
# the shape and indexes `project` writes; WAL and the page size as `project` uses.
reset_stores
: >"$WORK/empty.ndjson"
$P svc items import --from "$WORK/empty.ndjson" --format ndjson --target sqlite >/dev/null
{ echo "PRAGMA page_size=$(sqlite3 "$STORE_DB" 'PRAGMA page_size');"; echo "PRAGMA journal_mode=WAL;"; sqlite3 "$STORE_DB" .schema; } >"$WORK/floor-schema.sql"
grep -v 'CREATE INDEX' "$WORK/floor-schema.sql" >"$WORK/bare-schema.sql"
grep -q 'CREATE INDEX' "$WORK/floor-schema.sql" || { echo "run.sh: no indexes in the floor schema:" >&2; cat "$WORK/floor-schema.sql" >&2; exit 1; }

# ---------------------------------------------------------------- data sets
log "data sets (bench/gen.py, fixed seed)"
GEN_STAMP=$(md5sum bench/gen.py | cut -c1-12)
gen() {         # gen SCHEMA N
  local dir=$DATASETS/$2
  if [ "$(cat "$dir/$1.stamp" 2>/dev/null)" != "$GEN_STAMP" ]; then
    "$PY" bench/gen.py --schema "$1" --size "$2" --out "$dir"
    echo "$GEN_STAMP" >"$dir/$1.stamp"
  fi
}
for n in "${SIZE_LIST[@]}"; do gen items "$n"; done
gen example 10000
# 1000 records with ids of their own (another seed): imported into a JSON store of N.
BATCH=1000
if [ "$(cat "$DATASETS/batch/items.stamp" 2>/dev/null)" != "$GEN_STAMP" ]; then
  "$PY" bench/gen.py --size $BATCH --seed 7 --out "$DATASETS/batch"
  echo "$GEN_STAMP" >"$DATASETS/batch/items.stamp"
fi

# The shipped schema: the `example` data set must import into the shipped
# service of project.yaml (a copy, so the repo's data/ is not touched).
log "shipped schema: import the example data set into a copy of project.yaml"
EX=$WORK/example
rm -rf "$EX"; mkdir -p "$EX"; cp project.yaml "$EX/project.yaml"
if out=$("$BIN" --manifest "$EX/project.yaml" svc example import --from "$DATASETS/10000/example.ndjson" --format ndjson --target sqlite 2>&1); then
  check "example: import 10000 ndjson records into the shipped schema" 10000 "$("$BIN" --manifest "$EX/project.yaml" svc example count)"
else
  echo "FAIL example import: $out" >>"$RAW/checks.txt"; echo "$out" >&2
fi

# ---------------------------------------------------------------- cold start
log "cold start (empty store)"
reset_stores
COLD_RUNS=$([ $TINY = 1 ] && echo 10 || { [ $QUICK = 1 ] && echo 30 || echo 100; })
rm -f "$WORK/empty-template.db"
printf '%s\t%s\n' cold "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/load.tsv"
hyperfine --style basic -N --warmup 5 --runs "$COLD_RUNS" --export-json "$RAW/cold.json" \
  -n project "$P svc items list" \
  -n "python template" "$PY bench/template.py list-empty $WORK/empty-template.db" \
  -n /bin/true "/bin/true" "${STATIC_ARGS[@]}" >&2
check "cold: empty store lists nothing" "" "$($P svc items list -o ndjson)"
rss cold 0 $P svc items list

# A manifest of 300 services shaped like `items` against one of 2, each with store paths of
# its own (bench/gen.py), on the binary cold start is judged on: the static one when built.
log "cold start, 300-service manifest"
COLD_BIN=$BIN
[ $STATIC = 1 ] && COLD_BIN=$SBIN
LIMIT_BIN=$COLD_BIN
for k in 2 300; do
  "$PY" bench/gen.py --services $k --manifest "$WORK/services-$k.yaml" --data-dir "$ROOT/$STORE_DATA/services"
done
printf '%s\t%s\n' cold-services "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/load.tsv"
# The warm-up runs leave the 300-service manifest in the cache. "No cache" reads and checks the
# whole file every time, as the first command after each edit does (which also writes the entry);
# it runs through /usr/bin/env, which adds its own start to the figure.
rm -rf "$PROJECT_CACHE_DIR"
hyperfine --style basic -N --warmup 5 --runs "$COLD_RUNS" --export-json "$RAW/cold-services.json" \
  -n "project, 300 services" "$COLD_BIN --manifest $WORK/services-300.yaml svc svc5 list" \
  -n "project, 2 services" "$COLD_BIN --manifest $WORK/services-2.yaml svc svc1 list" \
  -n "project, 300 services, no cache" \
  "/usr/bin/env PROJECT_CACHE_DIR=off $COLD_BIN --manifest $WORK/services-300.yaml svc svc5 list" >&2
check "cold: 300 services, empty store lists nothing" "" "$("$COLD_BIN" --manifest "$WORK/services-300.yaml" svc svc5 list -o ndjson)"
rss cold-services 0 "$COLD_BIN" --manifest "$WORK/services-300.yaml" svc svc5 list

# ---------------------------------------------------------------- per size
for n in "${SIZE_LIST[@]}"; do
  DS=$DATASETS/$n
  R=$(runs_for "$n")
  log "size $n ($R runs)"
  reset_stores

  # -- import NDJSON into SQLite; every run starts from an empty database
  hf "import-$n" "$R" \
    -n project --prepare "rm -f $STORE_DB $STORE_DB-wal $STORE_DB-shm" \
      "$P svc items import --from $DS/items.ndjson --format ndjson --target sqlite" \
    -n sqlite-utils --prepare "rm -f $WORK/su.db $WORK/su.db-wal $WORK/su.db-shm" \
      "$SU insert $WORK/su.db items $DS/items.ndjson --nl --pk id" \
    -n "sqlite3 .import" --prepare "rm -f $WORK/floor.db $WORK/floor.db-wal $WORK/floor.db-shm && sqlite3 $WORK/floor.db < $WORK/floor-schema.sql >/dev/null" \
      "sqlite3 $WORK/floor.db -cmd '.mode csv' '.import --skip 1 $DS/items.csv items'" \
    -n "sqlite3 .import, bare table" --prepare "rm -f $WORK/bare.db $WORK/bare.db-wal $WORK/bare.db-shm && sqlite3 $WORK/bare.db < $WORK/bare-schema.sql >/dev/null" \
      "sqlite3 $WORK/bare.db -cmd '.mode csv' '.import --skip 1 $DS/items.csv items'"
  rm -f $STORE_DB $STORE_DB-wal $STORE_DB-shm
  rss import "$n" $P svc items import --from "$DS/items.ndjson" --format ndjson --target sqlite
  check "import $n: project count" "$n" "$($P svc items count)"
  check "import $n: sqlite-utils rows" "$n" "$(sqlite3 "$WORK/su.db" 'select count(*) from items')"
  check "import $n: sqlite3 .import rows" "$n" "$(sqlite3 "$WORK/floor.db" 'select count(*) from items')"
  check "import $n: sqlite3 .import (bare table) rows" "$n" "$(sqlite3 "$WORK/bare.db" 'select count(*) from items')"
  PENDING=$(sqlite3 "$WORK/floor.db" "select count(*) from items where json_extract(data,'\$.status')='pending'")

  # -- list --where on SQLite (indexed field)
  SQL="SELECT id, data, created_at, updated_at FROM items WHERE json_extract(data, '\$.status') = 'pending' ORDER BY created_at, id"
  # A few milliseconds are judged on the binary as shipped (static), as cold start is: the
  # dynamically linked build spends longer loading its shared libraries than the query takes.
  hf "list-sqlite-$n" "$R" \
    -n "project --limit 10" "$LIMIT_BIN --manifest $MANIFEST svc items list --where status=pending --limit 10 -o json" \
    -n "project no limit" "$P svc items list --where status=pending -o json > /dev/null" \
    -n "sqlite3 --limit 10" "sqlite3 -json $STORE_DB \"$SQL LIMIT 10\"" \
    -n "sqlite3 no limit" "sqlite3 -json $STORE_DB \"$SQL\" > /dev/null"
  check "list sqlite $n: --limit 10 rows" 10 "$($P svc items list --where status=pending --limit 10 -o ndjson | wc -l)"
  check "list sqlite $n: rows = pending count" "$PENDING" "$($P svc items list --where status=pending -o ndjson | wc -l)"
  rss list-sqlite "$n" $P svc items list --where status=pending -o json

  # -- every record on SQLite: the output path (ndjson against sqlite3's JSON, the table and
  # CSV against ndjson); sqlite3 printing the data column alone is the floor
  hf "list-all-$n" "$R" \
    -n "project -o ndjson" "$P svc items list -o ndjson > /dev/null" \
    -n "project table" "$P svc items list > /dev/null" \
    -n "project -o csv" "$P svc items list -o csv > /dev/null" \
    -n "sqlite3 -json" "sqlite3 -json $STORE_DB 'select * from items' > /dev/null" \
    -n "sqlite3 select data" "sqlite3 $STORE_DB 'select data from items' > /dev/null"
  check "list all $n: ndjson lines" "$n" "$($P svc items list -o ndjson | wc -l)"
  check "list all $n: table lines (header and rows)" "$((n + 1))" "$($P svc items list | wc -l)"
  check "list all $n: csv lines (header and rows)" "$((n + 1))" "$($P svc items list -o csv | wc -l)"
  rss list-all-ndjson "$n" $P svc items list -o ndjson
  rss list-all-table "$n" $P svc items list
  rss list-all-csv "$n" $P svc items list -o csv

  # -- list --where on the JSON store: status=active (six records in ten), against jq's
  # NDJSON of the same records
  ACTIVE=$(sqlite3 "$WORK/floor.db" "select count(*) from items where json_extract(data,'\$.status')='active'")
  cp "$DS/items.json" "$STORE_JSON"
  hf "list-json-$n" "$R" \
    -n project "$P svc items list --backend json --where status=active -o ndjson > /dev/null" \
    -n jq "jq -c '.[] | select(.status==\"active\")' $STORE_JSON > /dev/null"
  check "list json $n: rows = active count" "$ACTIVE" "$($P svc items list --backend json --where status=active -o ndjson | wc -l)"
  check "list json $n: jq rows = active count" "$ACTIVE" "$(jq -c '.[] | select(.status=="active")' "$STORE_JSON" | wc -l)"
  rss list-json "$n" $P svc items list --backend json --where status=active -o ndjson

  # -- peak memory of every JSON-store command on a store of N (one run each, pristine store)
  ID=$(head -1 "$DS/items.ndjson" | jq -r .id)
  rss json-get "$n" $P svc items get "$ID" --backend json -o json
  rss json-count "$n" $P svc items count --backend json --where status=active
  rss json-update "$n" $P svc items update "$ID" --count 7 --backend json
  check "json $n: update wrote the record" 7 "$($P svc items get "$ID" --backend json -o ndjson | jq .count)"
  cp "$DS/items.json" "$STORE_JSON"
  rss json-delete "$n" $P svc items delete "$ID" --backend json
  check "json $n: records after delete" "$((n - 1))" "$($P svc items count --backend json)"
  cp "$DS/items.json" "$STORE_JSON"
  rss json-import "$n" $P svc items import --from "$DATASETS/batch/items.ndjson" --format ndjson --target json
  check "json $n: records after importing the batch" "$((n + BATCH))" "$($P svc items count --backend json)"
  cp "$DS/items.json" "$STORE_JSON"

  # -- add one record into a JSON store of N records (pristine copy each run)
  hf "add-json-$n" "$R" \
    -n project --prepare "cp $DS/items.json $STORE_JSON" \
      "$P svc items add --name x --backend json" \
    -n "python template" --prepare "cp $DS/items.json $WORK/add.json" \
      "$PY bench/template.py add-json $WORK/add.json"
  cp "$DS/items.json" "$STORE_JSON"
  rss add-json "$n" $P svc items add --name x --backend json
  check "add json $n: records after add" "$((n + 1))" "$($P svc items count --backend json)"

  # -- export SQLite -> JSON store file (fresh file each run)
  hf "export-$n" "$R" \
    -n project --prepare "rm -f $STORE_JSON $STORE_JSON.bak" \
      "$P svc items export --replace" \
    -n "python template" --prepare "rm -f $WORK/export.json" \
      "$PY bench/template.py export $STORE_DB $WORK/export.json"
  rm -f "$STORE_JSON" "$STORE_JSON.bak"
  rss export "$n" $P svc items export --replace
  check "export $n: same records as the python template" same \
    "$("$PY" -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print("same" if a==b and list(a)==list(b) else "differ")' "$STORE_JSON" "$WORK/export.json")"
  check "export $n: same records as the generated store file" same \
    "$("$PY" -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); print("same" if a==b and list(a)==list(b) else "differ")' "$STORE_JSON" "$DS/items.json")"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/machine.txt"

# ---------------------------------------------------------------- report
log "report"
if [ $TINY = 1 ]; then
  "$PY" bench/report.py "$RAW" --sizes "$SIZES" --mode "$MODE" >"$RAW/tiny.md"
  cat "$RAW/tiny.md"
else
  "$PY" bench/report.py "$RAW" --sizes "$SIZES" --mode "$MODE" >"bench/results/$MODE.md"
  cp "bench/results/$MODE.md" bench/results/latest.md
  cat bench/results/latest.md
fi
