#!/usr/bin/env bash
# FtpFork's one entry point: build (Native AOT into out/), run the demo server, test, bench.
#   ./build.sh            build both programs into out/
#   ./build.sh run [ARGS] build, then run the master (ARGS go to it): with no --config, ftpd.conf
#                         (127.0.0.1:2121) serving out/demo-root; with --config FILE, FILE alone
#   ./build.sh test       build, then run every test and list the skipped ones (CI=true: only
#                         "needs root" and "needs IPv6" skips are allowed, see tests/report.py)
#   ./build.sh bench      build, then run the benchmark against vsftpd (see bench/README.md)
# FTPFORK_JIT=1 builds framework-dependent (JIT) binaries instead: faster to build, slower to start.
# FTPFORK_NO_BUILD=1 makes run use the binaries already built (in $FTPFORK_BIN if set, else out/).
set -euo pipefail
CALLER=$PWD # relative paths in run's arguments are the caller's
cd "$(dirname "$0")"
ROOT=$PWD
OUT=$ROOT/out
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

build() {
  local aot=true
  [ "${FTPFORK_JIT:-0}" = 1 ] && aot=false
  mkdir -p "$OUT"
  for p in FtpFork.Worker FtpFork.Master; do
    dotnet publish "$p/$p.csproj" -c Release -r linux-x64 --self-contained "$aot" \
      -p:PublishAot="$aot" -o "$OUT" -nologo -v quiet -clp:ErrorsOnly
  done
  echo "build.sh: built out/ftpfork and out/ftpfork-worker ($([ "$aot" = true ] && echo 'Native AOT' || echo JIT))"
}

demo_root() {
  local d=$OUT/demo-root
  mkdir -p "$d/pub"
  [ -f "$d/README.txt" ] || printf 'Welcome to the FtpFork demo root (anonymous, read-only).\n' > "$d/README.txt"
  [ -f "$d/pub/hello.txt" ] || printf 'hello from FtpFork\n' > "$d/pub/hello.txt"
  chmod -R a+rX "$d"
  echo "$d"
}

cmd=${1:-build}
[ $# -gt 0 ] && shift
case "$cmd" in
  build)
    build ;;
  run)
    # With the user's --config, their file (and its anon_root) as it is; the demo root is for a bare run.
    configs=()
    args=("$@")
    for ((i = 0; i < ${#args[@]}; i++)); do
      case "${args[i]}" in
        -c|--config) i=$((i + 1)); f=${args[i]:-} ;;
        --config=*) f=${args[i]#--config=}; args[i]=--config; args=("${args[@]:0:i+1}" "$f" "${args[@]:i+1}"); i=$((i + 1)) ;;
        *) continue ;;
      esac
      case "$f" in /*|'') ;; *) f=$CALLER/$f; [ $i -lt ${#args[@]} ] && args[i]=$f ;; esac
      configs+=("$f")
    done
    set -- ${args[@]+"${args[@]}"}
    if [ ${#configs[@]} -gt 1 ]; then
      echo "build.sh: --config given ${#configs[@]} times (${configs[*]}): give one" >&2
      exit 2
    fi
    [ "${FTPFORK_NO_BUILD:-0}" = 1 ] || build
    master=${FTPFORK_BIN:-$OUT}/ftpfork
    if [ ${#configs[@]} = 0 ]; then
      root=$(demo_root)
      set -- --config "$ROOT/ftpd.conf" -o "anon_root=$root" "$@"
      echo "build.sh: serving the demo root $root anonymously (read-only)"
    fi
    where=$("$master" "$@" --check 2>/dev/null | sed -n 's/^listen_address=//p; s/^listen_port=//p' | paste -sd: || true)
    echo "build.sh: starting the master on ${where:-the configured address} (Ctrl-C stops it)"
    exec "$master" "$@" ;;
  test)
    build
    results=$(mktemp -d)
    set +e
    # One suite at a time per machine: two at once share the CPUs and slow each other's servers.
    # (-o: the lock stays with flock itself, so no server the tests start inherits it.)
    FTPFORK_BIN=$OUT flock -o /tmp/ftpfork-test.lock dotnet test "$ROOT/tests/FtpFork.Tests/FtpFork.Tests.csproj" -c Release --nologo \
      --logger "console;verbosity=normal" --logger "trx;LogFileName=$results/tests.trx" "$@"
    rc=$?
    # Counts, then each skipped test by name and reason; with CI=true an undocumented skip fails the run.
    if [ -f "$results/tests.trx" ]; then
      python3 "$ROOT/tests/report.py" "$results/tests.trx"
      report=$?
    else
      echo "build.sh: no test results (the run did not start or was cut short)"
      report=1
    fi
    set -e
    rm -rf "$results"
    [ "$rc" != 0 ] || rc=$report
    exit "$rc" ;;
  bench)
    build
    exec "$ROOT/bench/run.sh" "$@" ;;
  *)
    echo "usage: ./build.sh [build|run [master args]|test|bench]" >&2
    exit 2 ;;
esac
