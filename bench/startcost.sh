#!/usr/bin/env bash
# bench/startcost.sh [COUNT] — CPU and page faults of one worker start (out/ftpfork-worker), with perf stat.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
OUT=${FTPFORK_OUT:-$(dirname "$BENCH")/out}
N=${1:-300}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
gcc -O2 -Wall -o "$TMP/startcost" "$BENCH/startcost.c"
if command -v perf >/dev/null 2>&1; then
  perf stat -x, -e task-clock,page-faults "$TMP/startcost" "$OUT/ftpfork-worker" "$N" 2> "$TMP/stat"
  awk -F, -v n="$N" '$3=="task-clock"{printf "CPU per start: %.2f ms\n", $1/n} $3=="page-faults"{printf "page faults per start: %d\n", $1/n}' "$TMP/stat"
else
  /usr/bin/time -f "CPU (user+sys) per start: %U+%S s over $N starts" "$TMP/startcost" "$OUT/ftpfork-worker" "$N"
fi
