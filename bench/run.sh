#!/usr/bin/env bash
# bench/run.sh — FtpFork vs vsftpd side by side on loopback (issue 5): figures 1–5, a table and JSON lines.
# Run by `./build.sh bench` after the build (binaries in $ROOT/out); see bench/README.md. Needs root.
set -euo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$BENCH")
OUT=${FTPFORK_OUT:-$ROOT/out}
ROUNDS=${BENCH_ROUNDS:-3}          # A B A B ... rounds; the table shows medians
SECS=${BENCH_SECS:-10}             # seconds per session-rate run (figure 2); 10 keeps the whole run ~6 min
CLIENTS=${BENCH_CLIENTS:-"8 32"}   # concurrent clients of figure 2
LOGINS=${BENCH_LOGINS:-"local anon"}
CONNS=${BENCH_CONNS:-500}          # sequential connections of figure 1
IDLE=${BENCH_IDLE:-200}            # idle sessions of figure 4
HOLD=${BENCH_HOLD:-1000}           # one extra hold of this many sessions per server (0 = skip)
XFER_REPS=${BENCH_XFER_REPS:-8}    # transfers of each kind per round (one lasts 0.05-0.5 s: noisy)
PACED=${BENCH_PACED:-200}          # extra connect→220 run with 20 ms between connections (0 = skip)
MAX_SECS=${BENCH_MAX_SECS:-900}    # overall time budget: later measurements are skipped past it
POOL=${BENCH_POOL:-}               # worker_pool_size for FtpFork (empty: FtpFork's default)
AA=${BENCH_AA:-0}                  # 1: calibration, a second vsftpd stands in for FtpFork (shows the noise floor)
# Ports above the ephemeral range (32768-60999), so neither a client port nor a test server takes them.
PORT_V=${BENCH_PORT_VSFTPD:-61021} PORT_F=${BENCH_PORT_FTPFORK:-61121}
BUSER=ftpbench
SERVERS="vsftpd ftpfork"

say() { printf '[bench %3ds] %s\n' "$SECONDS" "$*" >&2; }
die() { say "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (vsftpd, PAM logins and the bench user need it)"
[ "$AA" = 1 ] || [ -x "$OUT/ftpfork" ] || die "$OUT/ftpfork not found: run ./build.sh first (or ./build.sh bench)"
for n in $ROUNDS $SECS $CONNS $IDLE $HOLD $XFER_REPS $MAX_SECS $PACED; do
  [[ $n =~ ^[0-9]+$ ]] || die "bad number $n"
done
[ "$ROUNDS" -ge 1 ] && [ "$ROUNDS" -le 20 ] && [ "$SECS" -ge 1 ] && [ "$SECS" -le 120 ] || die "BENCH_ROUNDS 1..20, BENCH_SECS 1..120"

# ---------------------------------------------------------------- cleanup of everything started here
TMP=$(mktemp -d /dev/shm/ftpfork-bench.XXXXXX)
PIDS=()
alive() { [ -e "/proc/$1" ] && ! grep -q ') Z ' "/proc/$1/stat" 2>/dev/null; }  # zombies count as gone
cleanup() {  # the servers we started and every process below them (by pid), then the temp dir
  local p all=() killed=()
  if [ -n "$LGPID" ]; then kill -TERM "$LGPID" 2>/dev/null || true; fi
  for p in "${PIDS[@]}"; do
    mapfile -t -O "${#all[@]}" all < <(python3 "$BENCH/proctree.py" pids "$p" 2>/dev/null)
  done
  for p in "${all[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  local end=$((SECONDS + 3))  # one 3 s grace for all, then SIGKILL for what is left
  for p in "${all[@]}"; do
    while alive "$p" && [ "$SECONDS" -lt "$end" ]; do sleep 0.1; done
    if alive "$p"; then kill -KILL "$p" 2>/dev/null || true; killed+=("$p"); fi
  done
  if [ ${#killed[@]} -gt 0 ]; then say "note: ${#killed[@]} process(es) ignored SIGTERM for 3 s and were killed: ${killed[*]}"; fi
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ -n "${BUSER_READY:-}" ]; then usermod -L "$BUSER" 2>/dev/null || true; fi  # no usable password outside a run
  rm -rf "$TMP"
}
trap cleanup EXIT
LGPID=
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- prerequisites
if ! command -v vsftpd >/dev/null 2>&1; then
  say "installing vsftpd"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq vsftpd >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1; apt-get install -y -qq vsftpd >/dev/null; }
fi
VSFTPD=$(command -v vsftpd || echo /usr/sbin/vsftpd)
# The Debian package starts a vsftpd on port 21 where systemd exists; it does not disturb us (own ports).
command -v gcc >/dev/null 2>&1 || die "gcc is needed for the load generator (apt-get install gcc)"
gcc -O2 -Wall -pthread -o "$TMP/loadgen" "$BENCH/loadgen.c" -lm || die "loadgen.c does not compile"
LG=$TMP/loadgen
# What kind of machine this is, before anything else runs: every table quotes this line.
gcc -O2 -Wall -o "$TMP/calib" "$BENCH/calib.c" || die "calib.c does not compile"
CALIB=$("$TMP/calib" -j)
say "calibration: $CALIB (bench/calib.c: fork+exit+wait of a small C process, one anonymous page fault, a fixed CPU loop; CPU time)"
for p in $PORT_V $PORT_F; do
  (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && die "port $p is in use: set BENCH_PORT_VSFTPD / BENCH_PORT_FTPFORK"
done

# The data: tmpfs; 1 KiB and 256 MiB random, 1 GiB = the 256 MiB file 4 times; an upload dir for STOR.
DATA=$TMP/data
mkdir -p "$DATA/upload" "$TMP/empty"
head -c 1024 /dev/urandom > "$DATA/1k.bin"
head -c 268435456 /dev/urandom > "$DATA/r256m.bin"
cat "$DATA/r256m.bin" "$DATA/r256m.bin" "$DATA/r256m.bin" "$DATA/r256m.bin" > "$DATA/1g.bin"
chmod 755 "$TMP" "$DATA" "$TMP/empty"; chmod 644 "$DATA"/*.bin; chmod 1777 "$DATA/upload"

# The local user: SHA-512 password (yescrypt would measure hashing), a fresh random one each run.
id "$BUSER" >/dev/null 2>&1 || useradd -m -s /bin/bash -c "FtpFork benchmark" "$BUSER"
BPASS=$(head -c 18 /dev/urandom | base64 | tr -dc A-Za-z0-9)
echo "$BUSER:$BPASS" | chpasswd -c SHA512
BUSER_READY=1
[ -f /etc/pam.d/vsftpd ] || die "/etc/pam.d/vsftpd missing (it comes with Debian's vsftpd package)"

# ---------------------------------------------------------------- equivalent configurations
common_conf() {  # $1 port, $2 pasv_min, $3 pasv_max: keys both servers share, vsftpd's names and meaning
  cat <<EOF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$1
anonymous_enable=YES
anon_root=$DATA
local_enable=YES
local_root=$DATA
pam_service_name=vsftpd
write_enable=YES
anon_upload_enable=YES
max_clients=5000
max_per_ip=5000
pasv_enable=YES
pasv_min_port=$2
pasv_max_port=$3
idle_session_timeout=600
data_connection_timeout=120
xferlog_enable=NO
connect_from_port_20=NO
EOF
}
vsftpd_only() { printf 'background=NO\nsecure_chroot_dir=%s\ndirmessage_enable=NO\nssl_enable=NO\n' "$TMP/empty"; }
{ common_conf "$PORT_V" 62000 63499; vsftpd_only; } > "$TMP/vsftpd.conf"
if [ "$AA" = 1 ]; then
  { common_conf "$PORT_F" 63500 64999; vsftpd_only; } > "$TMP/ftpfork.conf"
  FTPFORK_CMD=("$VSFTPD" "$TMP/ftpfork.conf")
else
  { common_conf "$PORT_F" 63500 64999; if [ -n "$POOL" ]; then echo "worker_pool_size=$POOL"; fi; } > "$TMP/ftpfork.conf"
  FTPFORK_CMD=("$OUT/ftpfork" --config "$TMP/ftpfork.conf")
fi

declare -A PID PORT OK_LOGIN WHY
PORT[vsftpd]=$PORT_V PORT[ftpfork]=$PORT_F
start_server() {  # $1 name. Under `loadgen reaper` (a child subreaper): orphans' CPU stays countable.
  if [ "$1" = vsftpd ]; then "$LG" reaper "$VSFTPD" "$TMP/vsftpd.conf" > "$TMP/vsftpd.log" 2>&1 &
  else "$LG" reaper "${FTPFORK_CMD[@]}" > "$TMP/ftpfork.log" 2>&1 &
  fi
  PID[$1]=$!; PIDS+=("$!")
  for _ in $(seq 1 50); do
    "$LG" connect -p "${PORT[$1]}" -n 1 2>/dev/null | grep -q '"ok":1' && return 0
    kill -0 "${PID[$1]}" 2>/dev/null || break
    sleep 0.1
  done
  tail -5 "$TMP/$1.log" >&2
  die "$1 did not greet on 127.0.0.1:${PORT[$1]}"
}
start_server vsftpd
start_server ftpfork
creds() { [ "$1" = local ] && echo "-u $BUSER -w $BPASS" || echo "-u anonymous -w bench@"; }
for s in $SERVERS; do
  for l in $LOGINS; do
    # shellcheck disable=SC2046
    if out=$(timeout 20 "$LG" probe -p "${PORT[$s]}" $(creds "$l")); then OK_LOGIN[$s.$l]=1
    else OK_LOGIN[$s.$l]=0; WHY[$s.$l]=$(sed -n 's/.*"first_error":"\(.*\)"}/\1/p' <<<"$out")
      say "note: $s refuses the $l login (${WHY[$s.$l]:-no answer}); its $l figures are skipped"
    fi
  done
done

# ---------------------------------------------------------------- measuring
mkdir -p "$BENCH/results"
RUN=$(date -u +%Y%m%dT%H%M%SZ)
RES=$BENCH/results/$RUN.jsonl
ptree() { python3 "$BENCH/proctree.py" "$1" "${PID[$2]}" 2>/dev/null || echo '{}'; }
jget() { local v; v=$(sed -n "s/.*\"$2\": *\([0-9.]*\).*/\1/p" <<<"$1" | head -1); echo "${v:-null}"; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "null" || b == "null") print "null"; else printf "%.3f", a - b }'; }
emit() {  # $1 round $2 server $3 login $4 figure $5 extra "k":v fields (may be empty) $6 loadgen JSON
  local head="{\"run\":\"$RUN\",\"round\":$1,\"server\":\"$2\",\"login\":\"$3\",\"figure\":\"$4\"${5:+,$5}"
  local body=$6
  [[ $body == \{* ]] || body="{\"errors\":1,\"first_error\":\"load generator failed or timed out\"}"
  [ "$body" = "{}" ] || head+=","
  echo "$head${body#\{}" >> "$RES"
}
skip() {  # round server login figure reason [clients]
  emit "$1" "$2" "$3" "$4" "${6:+\"clients\":$6,}\"skipped\":\"$5\"" "{}"; }
budget() { [ "$SECONDS" -lt "$MAX_SECS" ]; }
# The load generator runs in the background and we `wait` for it: a signal to this script then acts at once.
lg() {  # seconds-limit loadgen-args...; its JSON line goes to $TMP/lg.out
  local t=$1; shift
  timeout -k 5 "$t" "$LG" "$@" > "$TMP/lg.out" 2>>"$TMP/loadgen.err" &
  LGPID=$!; wait "$LGPID" || true; LGPID=
}
lgout() { cat "$TMP/lg.out"; }

fig_connect() {  # round server
  lg 120 connect -p "${PORT[$2]}" -n "$CONNS"; emit "$1" "$2" none connect "" "$(lgout)"
  # The same with NOOP before QUIT: FtpFork cannot give such a worker back (worker_reuse), so
  # each connection uses one up and this is bound by how fast processes start.
  lg 120 connect -p "${PORT[$2]}" -n "$CONNS" -C NOOP; emit "$1" "$2" none connect_noop "" "$(lgout)"
  if [ "$PACED" -gt 0 ]; then  # the same, 20 ms apart: latency when the server is not saturated
    lg 120 connect -p "${PORT[$2]}" -n "$PACED" -g 20; emit "$1" "$2" none connect_paced "" "$(lgout)"
  fi; }
fig_sessions() {  # round server login clients
  local c0 c1 m0 m1 out w0
  w0=$EPOCHREALTIME; m0=$(python3 "$BENCH/proctree.py" machine); c0=$(ptree cpu "$2")
  lg $((SECS + 60)) sessions -p "${PORT[$2]}" -c "$4" -t "$SECS" $(creds "$3") -f 1k.bin -z 1024; out=$(lgout)
  sleep 0.5; c1=$(ptree cpu "$2"); m1=$(python3 "$BENCH/proctree.py" machine)  # 0.5 s: reaped CPU lands in cutime
  local window; window=$(minus "$EPOCHREALTIME" "$w0")
  emit "$1" "$2" "$3" sessions "\"clients\":$4,\"server_cpu_s\":$(minus "$(jget "$c1" cpu_s)" "$(jget "$c0" cpu_s)"),\"machine_busy_s\":$(minus "$(jget "$m1" busy_s)" "$(jget "$m0" busy_s)"),\"steal_s\":$(minus "$(jget "$m1" steal_s)" "$(jget "$m0" steal_s)"),\"window_s\":$window,\"load1_before\":$(jget "$m0" load1)" "$out"
}
fig_xfer() {  # round server login rep
  local u="${PORT[$2]}" cr; cr=$(creds "$3")
  lg 120 retr -p "$u" $cr -f 1g.bin -z 1073741824; emit "$1" "$2" "$3" retr_1g "\"rep\":$4" "$(lgout)"
  lg 60 retr -p "$u" $cr -f r256m.bin -z 268435456; emit "$1" "$2" "$3" retr_256m_random "\"rep\":$4" "$(lgout)"
  lg 60 stor -p "$u" $cr -f "upload/stor-$2-$1-$4.bin" -s "$DATA/r256m.bin" -z 268435456
  emit "$1" "$2" "$3" stor_256m "\"rep\":$4" "$(lgout)"
  rm -f "$DATA"/upload/*
}
fig_idle() {  # round server login count figure
  local base; sleep 0.5; base=$(ptree pss "$2")
  lg 300 idle -p "${PORT[$2]}" $(creds "$3") -n "$4" -S 1 -x "python3 $BENCH/proctree.py pss ${PID[$2]}"
  emit "$1" "$2" "$3" "$5" "\"pss_base_kb\":$(jget "$base" pss_kb)" "$(lgout)"
}

# Warm-up (not recorded): page cache, tmpfs pages, the servers' first sessions.
for s in $SERVERS; do
  lg 30 connect -p "${PORT[$s]}" -n 50
  lg 30 sessions -p "${PORT[$s]}" -c 8 -t 2 $(creds anon) -f 1k.bin -z 1024
  lg 60 stor -p "${PORT[$s]}" $(creds anon) -f "upload/warm-$s.bin" -s "$DATA/r256m.bin" -z 268435456
  rm -f "$DATA"/upload/*
done
XLOGIN=anon; [[ " $LOGINS " == *" anon "* ]] || XLOGIN=${LOGINS%% *}

emit 0 machine none calibration "" "$CALIB"
say "results: $RES  (rounds $ROUNDS, ${SECS}s per session run, logins: $LOGINS)"
for r in $(seq 1 "$ROUNDS"); do
  say "round $r/$ROUNDS"
  for s in $SERVERS; do if budget; then fig_connect "$r" "$s"; else skip "$r" "$s" none connect "time budget"; fi; done
  for l in $LOGINS; do
    for c in $CLIENTS; do
      for s in $SERVERS; do
        if [ "${OK_LOGIN[$s.$l]}" != 1 ]; then skip "$r" "$s" "$l" sessions "login refused: ${WHY[$s.$l]}" "$c"
        elif budget; then fig_sessions "$r" "$s" "$l" "$c"; else skip "$r" "$s" "$l" sessions "time budget" "$c"; fi
      done
    done
    for s in $SERVERS; do
      if [ "${OK_LOGIN[$s.$l]}" != 1 ]; then skip "$r" "$s" "$l" idle "login refused: ${WHY[$s.$l]}"
      elif budget; then fig_idle "$r" "$s" "$l" "$IDLE" idle; else skip "$r" "$s" "$l" idle "time budget"; fi
    done
  done
  for k in $(seq 1 "$XFER_REPS"); do
    for s in $SERVERS; do
      if [ "${OK_LOGIN[$s.$XLOGIN]}" = 1 ] && budget; then fig_xfer "$r" "$s" "$XLOGIN" "$k"; fi
    done
  done
done
if [ "$HOLD" -gt 0 ]; then
  say "holding $HOLD sessions once per server"
  for s in $SERVERS; do
    if [ "${OK_LOGIN[$s.$XLOGIN]}" = 1 ] && budget; then fig_idle 0 "$s" "$XLOGIN" "$HOLD" hold; fi
  done
fi

# ---------------------------------------------------------------- the table
MACHINE="$(nproc) CPUs ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), $(free -g | awk '/^Mem:/{print $2}') GiB RAM, Linux $(uname -r)"
VSV=$(dpkg-query -W -f '${Version}' vsftpd 2>/dev/null || echo '?')
REV=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')
[ "$AA" = 1 ] && REV="(A/A calibration: vsftpd again, not FtpFork)"
python3 "$BENCH/report.py" "$RES" --machine "$MACHINE" --vsftpd "$VSV" --ftpfork "$REV" --secs "$SECS"
say "done in ${SECONDS}s; JSON lines: $RES"
