#!/usr/bin/env bash
# bench/startcost.sh [COUNT] [PARALLEL] — CPU and page faults of one worker start (out/ftpfork-worker).
# Prints the machine's busy CPU per start (/proc/stat: everything, the exit's teardown included;
# run it on an otherwise idle machine), and with perf and PARALLEL=1 the task-clock and page faults.
# PARALLEL copies start workers at once (2 on a 2-CPU box: starts as they happen under load).
# STARTCOST_CERT=cert.pem STARTCOST_KEY=key.pem: starts as with ssl_enable=YES (libssl, certificate, key).
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
OUT=${FTPFORK_OUT:-$(dirname "$BENCH")/out}
N=${1:-300}
P=${2:-1}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
gcc -O2 -Wall -o "$TMP/startcost" "$BENCH/startcost.c"
gcc -O2 -Wall -o "$TMP/calib" "$BENCH/calib.c"
"$TMP/calib"
TLSMSG=()
if [ -n "${STARTCOST_CERT:-}" ]; then
  printf 'TLSCERT\ncert=%s\nkey=%s\nca=' "$(base64 -w0 "$STARTCOST_CERT")" "$(base64 -w0 "${STARTCOST_KEY:-$STARTCOST_CERT}")" > "$TMP/tlscert"
  TLSMSG=("$TMP/tlscert")
fi
busy() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
b0=$(busy)
if [ "$P" = 1 ] && command -v perf >/dev/null 2>&1; then
  perf stat -x, -e task-clock,page-faults "$TMP/startcost" "$OUT/ftpfork-worker" "$N" "${TLSMSG[@]}" 2> "$TMP/stat"
  awk -F, -v n="$N" '$3=="task-clock"{printf "task-clock per start: %.2f ms\n", $1/n} $3=="page-faults"{printf "page faults per start: %d\n", $1/n}' "$TMP/stat"
else
  for _ in $(seq "$P"); do "$TMP/startcost" "$OUT/ftpfork-worker" "$N" "${TLSMSG[@]}" & done
  wait
fi
b1=$(busy)
awk -v d=$((b1 - b0)) -v hz="$(getconf CLK_TCK)" -v n=$((N * P)) -v p="$P" \
  'BEGIN{printf "machine busy CPU per start: %.1f ms (%d starts, %d at a time)\n", d*1000/hz/n, n, p}'
