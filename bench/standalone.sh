# Sourced by the standalone bench scripts (postgres.sh, diff.sh): their shared options, checks
# and data set. The caller sets N, RUNS and NAME, and its header comment (lines 2 to HELP_LINES)
# is its --help.
#
#   --size N       records (default: the caller's N)
#   --runs R       timed runs (default: the caller's RUNS)
#   --binary PATH  the binary to time (default: the release build of bench/run.sh)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
BIN=$ROOT/.build-bench/release/project
while [ $# -gt 0 ]; do
  case "$1" in
    --size) N=${2:?--size needs a number}; shift 2 ;;
    --runs) RUNS=${2:?--runs needs a number}; shift 2 ;;
    --binary) BIN=$(realpath "${2:?--binary needs a path}"); shift 2 ;;
    -h|--help) sed -n "2,${HELP_LINES}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "$NAME: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[[ $N =~ ^[0-9]+$ && $RUNS =~ ^[0-9]+$ ]] || { echo "$NAME: --size and --runs take numbers" >&2; exit 2; }
[ -x "$BIN" ] || { echo "$NAME: no binary at $BIN (build it: swift build -c release --scratch-path .build-bench --product project)" >&2; exit 1; }

SCRATCH=$ROOT/.build-bench
DS=$SCRATCH/datasets/$N
mkdir -p bench/results

# The data set, as bench/run.sh makes it (same stamp, so they share it).
GEN_STAMP=$(md5sum bench/gen.py | cut -c1-12)
if [ "$(cat "$DS/items.stamp" 2>/dev/null)" != "$GEN_STAMP" ]; then
  printf '\n== data set: bench/gen.py --size %s\n' "$N" >&2
  python3 bench/gen.py --schema items --size "$N" --out "$DS"
  echo "$GEN_STAMP" >"$DS/items.stamp"
fi
