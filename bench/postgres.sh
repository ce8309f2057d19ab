#!/usr/bin/env bash
# Times the PostgreSQL store against the server's own floor, on a throwaway cluster it starts
# itself (scripts/postgres-test-server.sh), and writes bench/results/postgres.md.
#
#   bench/postgres.sh [--size N] [--runs R] [--binary PATH]
#
#   import  `svc items import --from items.ndjson --format ndjson --target postgres` into the
#           empty table, against `psql -c "\copy ... (FORMAT csv)"` of the same rows into the same
#           table with the same indexes (made by `project`, emptied before each run); both over
#           the Unix socket. Goal: within 2x of the floor.
#   list    `svc items list --where status=pending --limit 10 -o json` over the Unix socket
#           (PGHOST=<socket folder>) with the role's password (SCRAM), then without one (as peer
#           authentication gives it), the same over TCP with TLS (sslmode=verify-full, for
#           information), and psql running the same SQL over the socket. Goal: under 10 ms.
#
# Defaults: 100000 records, 5 import runs (list: 10x as many), the release binary of
# bench/run.sh (.build-bench/release/project; build it with
# `swift build -c release --scratch-path .build-bench --product project`). Times are wall
# clock (bash's EPOCHREALTIME around the command), after 2 warm-up runs; the report gives the
# median and the fastest run. Data: bench/gen.py (fixed seed), shared with bench/run.sh.
# The test cluster runs with fsync=off: the commit's flush is not in any figure.
set -euo pipefail

N=100000
RUNS=5
NAME=postgres.sh
HELP_LINES=20
# shellcheck source=standalone.sh
. "$(dirname "${BASH_SOURCE[0]}")/standalone.sh" "$@"
command -v psql >/dev/null || { echo "postgres.sh: psql is not installed (Debian: postgresql)" >&2; exit 1; }

RAW=$SCRATCH/results-postgres
mkdir -p "$RAW"
rm -f "$RAW"/*
log() { printf '\n== %s\n' "$*" >&2; }

# The cluster, in a folder the postgres user can enter when run as root.
SERVER=$(mktemp -d /tmp/project-bench-pg.XXXXXX)
chmod 755 "$SERVER"
trap 'scripts/postgres-test-server.sh stop "$SERVER"' EXIT
log "cluster: scripts/postgres-test-server.sh start $SERVER"
scripts/postgres-test-server.sh start "$SERVER"
set -a
# shellcheck disable=SC1091
. "$SERVER/env"
set +a
export PGSSLMODE=verify-full
SOCKET=(env PGHOST="$SERVER" PGSSLMODE=disable)   # the Unix socket: no TLS there

# The bench manifest with the PostgreSQL section, and postgres as the default backend: the url
# names only the database, the PG* variables above lead to the server.
WORK=$SCRATCH/postgres-work
rm -rf "$WORK"; mkdir -p "$WORK/data"
sed -e 's|^data_dir: .*|data_dir: data|' -e 's|^  backend: sqlite|  backend: postgres|' bench/bench.yaml >"$WORK/project.yaml"
cat >>"$WORK/project.yaml" <<'YAML'
      postgres: { table: items }
postgres:
  url: "postgresql:///project_test"
YAML
P="$BIN --manifest $WORK/project.yaml svc items"
# Debian's `psql` is a Perl wrapper (pg_wrapper) that picks the cluster's version first and adds
# about 30 ms to every run; the peers are timed with the psql binary it would run.
PSQL_BIN=psql
for candidate in /usr/lib/postgresql/*/bin/psql; do [ -x "$candidate" ] && PSQL_BIN=$candidate; done
PSQL=("$PSQL_BIN" -X -q -v ON_ERROR_STOP=1)

# The table and its indexes, made by `project` itself (an import of nothing).
: >"$WORK/empty.ndjson"
"${SOCKET[@]}" $P import --from "$WORK/empty.ndjson" --format ndjson --target postgres >/dev/null
"${SOCKET[@]}" "${PSQL[@]}" -c '\d items' >"$RAW/table.txt"
INDEXES=$(grep -c 'btree' "$RAW/table.txt" || true)
[ "$INDEXES" -ge 3 ] || { echo "postgres.sh: expected project's indexes on items:" >&2; cat "$RAW/table.txt" >&2; exit 1; }

CHECKS=()
check() {   # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then CHECKS+=("ok   $1: $3"); else
    CHECKS+=("FAIL $1: expected $2, got $3"); echo "postgres.sh: CHECK FAILED: $1: expected $2, got $3" >&2; fi
}
empty_table() { "${SOCKET[@]}" "${PSQL[@]}" -c 'TRUNCATE items' >/dev/null; }

# timed NAME RUNS PREPARE COMMAND: 2 warm-ups, then RUNS timed runs; one line per run (seconds)
# in $RAW/NAME.txt. PREPARE runs before each run, outside the time.
timed() {
  local name=$1 runs=$2 prepare=$3 command=$4 i start end
  printf '%s\t%s\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$RAW/load.tsv"
  for ((i = 0; i < runs + 2; i++)); do
    eval "$prepare"
    start=$EPOCHREALTIME
    eval "$command" >/dev/null 2>>"$RAW/stderr.txt"
    end=$EPOCHREALTIME
    [ $i -lt 2 ] || awk -v a="$start" -v b="$end" 'BEGIN { printf "%.6f\n", b - a }' >>"$RAW/$name.txt"
  done
}
stats() {   # stats NAME: "median min" in seconds
  sort -g "$RAW/$1.txt" | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.6f %.6f\n", m, v[1] }'
}

# ---------------------------------------------------------------- import
log "import $N records ($RUNS runs each, alternating)"
IMPORT="${SOCKET[*]} $P import --from $DS/items.ndjson --format ndjson --target postgres"
FLOOR="${SOCKET[*]} ${PSQL[*]} -c \"\\\\copy items (id, data, created_at, updated_at) FROM '$DS/items.csv' WITH (FORMAT csv, HEADER true)\""
for ((round = 0; round < RUNS; round++)); do
  timed import-project 1 empty_table "$IMPORT"
  timed import-psql 1 empty_table "$FLOOR"
done
check "psql \\copy rows" "$N" "$("${SOCKET[@]}" psql -X -At -c 'SELECT count(*) FROM items')"
empty_table
"${SOCKET[@]}" $P import --from "$DS/items.ndjson" --format ndjson --target postgres >/dev/null
check "project import rows" "$N" "$("${SOCKET[@]}" $P count)"
# The server's side alone: the same rows as the binary COPY stream `project` sends, from a file.
"${SOCKET[@]}" "${PSQL[@]}" -c "\\copy items (id, data, created_at, updated_at) TO '$WORK/items.bin' WITH (FORMAT binary)"
BINARY="${SOCKET[*]} ${PSQL[*]} -c \"\\\\copy items (id, data, created_at, updated_at) FROM '$WORK/items.bin' WITH (FORMAT binary)\""
timed import-psql-binary "$RUNS" empty_table "$BINARY"
check "psql \\copy binary rows" "$N" "$("${SOCKET[@]}" psql -X -At -c 'SELECT count(*) FROM items')"
empty_table
/usr/bin/time -f '%e s wall, %U s user, %S s system, %M KB peak' -o "$RAW/import-time.txt" \
  "${SOCKET[@]}" $P import --from "$DS/items.ndjson" --format ndjson --target postgres >/dev/null

# ---------------------------------------------------------------- list
"${SOCKET[@]}" "${PSQL[@]}" -c 'ANALYZE items'
PENDING=$("${SOCKET[@]}" psql -X -At -c "SELECT count(*) FROM items WHERE data ->> 'status' = 'pending'")
LRUNS=$((RUNS * 10))
log "list --where status=pending --limit 10 ($LRUNS runs each)"
EXPLAIN=$("${SOCKET[@]}" $P list --where status=pending --limit 10 --explain)
printf '%s\n' "$EXPLAIN" >"$RAW/explain.txt"
printf '%s\n' "$EXPLAIN" | sed -n 's/^SQL: //p' | sed -e "s/\\\$1/'pending'/" -e 's/\$2/10/' >"$WORK/list.sql"
timed list-socket "$LRUNS" : "${SOCKET[*]} $P list --where status=pending --limit 10 -o json"
timed list-tls "$LRUNS" : "$P list --where status=pending --limit 10 -o json"
timed list-psql "$LRUNS" : "${SOCKET[*]} ${PSQL[*]} -f $WORK/list.sql"
timed connect-psql "$LRUNS" : "${SOCKET[*]} ${PSQL[*]} -c 'SELECT 1'"
# The Unix socket without a password, as `peer` authentication gives it in production (here
# `trust`: the bench runs as root, and the role is not an OS user): no SCRAM exchange.
sed -i 's/^local all all scram-sha-256$/local all all trust/' "$SERVER/data/pg_hba.conf"
"${SOCKET[@]}" psql -X -q -U postgres -d postgres -c 'SELECT pg_reload_conf()' >/dev/null
timed list-peer "$LRUNS" : "env -u PGPASSWORD ${SOCKET[*]} $P list --where status=pending --limit 10 -o json"
timed list-psql-peer "$LRUNS" : "env -u PGPASSWORD ${SOCKET[*]} ${PSQL[*]} -f $WORK/list.sql"
timed connect-psql-peer "$LRUNS" : "env -u PGPASSWORD ${SOCKET[*]} ${PSQL[*]} -c 'SELECT 1'"
check "list without a password rows" 10 "$(env -u PGPASSWORD "${SOCKET[@]}" $P list --where status=pending --limit 10 -o ndjson | wc -l)"
check "list --limit 10 rows" 10 "$("${SOCKET[@]}" $P list --where status=pending --limit 10 -o ndjson | wc -l)"
check "list over TLS rows" 10 "$($P list --where status=pending --limit 10 -o ndjson | wc -l)"
check "list without limit = pending rows" "$PENDING" "$("${SOCKET[@]}" $P list --where status=pending -o ndjson | wc -l)"
"${SOCKET[@]}" psql -X -c "EXPLAIN (ANALYZE, BUFFERS) $(cat "$WORK/list.sql")" >"$RAW/explain-analyze.txt"

# ---------------------------------------------------------------- report
read -r IP IPMIN < <(stats import-project)
read -r IF IFMIN < <(stats import-psql)
read -r IB IBMIN < <(stats import-psql-binary)
read -r LS LSMIN < <(stats list-socket)
read -r LT LTMIN < <(stats list-tls)
read -r LN LNMIN < <(stats list-peer)
read -r LP LPMIN < <(stats list-psql)
read -r CP CPMIN < <(stats connect-psql)
read -r LPN LPNMIN < <(stats list-psql-peer)
read -r CPN CPNMIN < <(stats connect-psql-peer)
ratio=$(awk -v a="$IP" -v b="$IF" 'BEGIN { printf "%.2f", a / b }')
verdict() { awk -v v="$1" -v g="$2" 'BEGIN { print (v <= g) ? "met" : "not met" }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f ms", s * 1000 }'; }
sec() { awk -v s="$1" 'BEGIN { printf "%.2f s", s }'; }
{
  echo "# PostgreSQL store: bench/postgres.sh"
  echo
  echo "$N records of bench/bench.yaml's \`items\` (bench/gen.py), table \`items\` with the indexes"
  echo "\`project\` makes ($INDEXES btree indexes: primary key, \`(created_at, id)\`, \`status\`)."
  echo "Wall time: median of $RUNS runs (list: $LRUNS) after 2 warm-ups, fastest in brackets."
  echo
  echo "| case | time | goal | |"
  echo "|---|---|---|---|"
  echo "| \`import --target postgres\`, Unix socket | $(sec "$IP") ($(sec "$IPMIN")) | within 2x of the floor | $(verdict "$ratio" 2): ${ratio}x |"
  echo "| floor: \`psql -c \"\\copy items ... (FORMAT csv)\"\`, same table and indexes, Unix socket | $(sec "$IF") ($(sec "$IFMIN")) | | |"
  echo "| \`psql -c \"\\copy items ... (FORMAT binary)\"\` of the rows \`project\` sends, from a file (the server's side alone) | $(sec "$IB") ($(sec "$IBMIN")) | | |"
  echo "| \`list --where status=pending --limit 10 -o json\`, Unix socket | $(ms "$LS") ($(ms "$LSMIN")) | under 10 ms | $(verdict "$LS" 0.010) |"
  echo "| the same over the Unix socket without a password (peer authentication; no SCRAM) | $(ms "$LN") ($(ms "$LNMIN")) | under 10 ms | $(verdict "$LN" 0.010) |"
  echo "| the same over TCP with TLS (verify-full) | $(ms "$LT") ($(ms "$LTMIN")) | | |"
  echo "| \`psql -f\` with the same SQL, Unix socket | $(ms "$LP") ($(ms "$LPMIN")) | | |"
  echo "| \`psql -c 'SELECT 1'\`, Unix socket (a connection's cost; psql is the binary, not Debian's wrapper) | $(ms "$CP") ($(ms "$CPMIN")) | | |"
  echo "| \`psql -f\` with the same SQL, Unix socket without a password | $(ms "$LPN") ($(ms "$LPNMIN")) | | |"
  echo "| \`psql -c 'SELECT 1'\`, Unix socket without a password | $(ms "$CPN") ($(ms "$CPNMIN")) | | |"
  echo
  echo "One import measured with GNU time: $(cat "$RAW/import-time.txt")."
  echo
  echo "Checks:"
  echo
  for line in "${CHECKS[@]}"; do echo "- $line"; done
  echo
  echo "The plan of the list (\`--explain\`, then \`EXPLAIN ANALYZE\` of the same SQL):"
  echo
  echo '```'
  cat "$RAW/explain.txt"
  echo
  cat "$RAW/explain-analyze.txt"
  echo '```'
  echo
  echo "Machine:"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "- nproc: $(nproc); cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "- binary: $BIN ($(git rev-parse --short HEAD)$(git status --porcelain -- Sources | grep -q . && echo ', uncommitted changes in Sources/' || true)), $(ldd "$BIN" >/dev/null 2>&1 && echo 'dynamically linked' || echo 'static')"
  echo "- server: $("${SOCKET[@]}" psql -X -At -c 'SHOW server_version'), fsync=off (scripts/postgres-test-server.sh)"
  echo "- load average when each case started:"
  sed 's/^/  - /; s/\t/: /' "$RAW/load.tsv" | sort -u -t: -k1,1
  echo "- load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
} >bench/results/postgres.md
cat bench/results/postgres.md
