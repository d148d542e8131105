#!/usr/bin/env bash
# FtpFork's one entry point: build (Native AOT into out/), run the demo server, test, bench.
#   ./build.sh            build both programs into out/
#   ./build.sh run [ARGS] build, then run the master on 127.0.0.1:2121 (ARGS go to the master)
#   ./build.sh test       build, then run every test and list the skipped ones (CI=true: only
#                         "needs root" and "needs IPv6" skips are allowed, see tests/report.py)
#   ./build.sh bench      build, then run the benchmark against vsftpd (see bench/README.md)
# FTPFORK_JIT=1 builds framework-dependent (JIT) binaries instead: faster to build, slower to start.
set -euo pipefail
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
    build
    root=$(demo_root)
    port=2121
    for a in "$@"; do case "$a" in listen_port=*) port=${a#listen_port=} ;; esac; done
    echo "build.sh: starting the master on 127.0.0.1:$port, anonymous read-only root $root"
    echo "build.sh: connect with:  curl ftp://127.0.0.1:$port/   or   lftp -p $port 127.0.0.1   (Ctrl-C stops it)"
    exec "$OUT/ftpfork" --config "$ROOT/ftpd.conf" -o "anon_root=$root" "$@" ;;
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
