#!/usr/bin/env bash
# Runs Redis 7.0.15's own Tcl test suite against the CacheLab engine, in the suite's
# external-server mode (tests that need to spawn their own redis-server are skipped).
#
# Usage: tools/redis-suite.sh [core|all] [REDIS_TEST_TREE] [runtest options...]
#        tools/redis-suite.sh repl [REDIS_TEST_TREE] [runtest options...]
#
#   repl  the replication units in their normal mode: the suite starts its own servers as
#         src/redis-server, which is tools/redis-server (the jar) in a scratch copy of the tree;
#         integration/replication*, psync2*, block-repl, failover (--single picks others).
#         Runs with --clients 2 (2 cores); set REDIS_SERVER=/usr/bin/redis-server for a baseline.
#
#   sentinel  tests/sentinel in its normal mode (./runtest-sentinel: 5 sentinels and 5 servers it
#         starts itself), with tools/redis-server as src/redis-server and tools/redis-sentinel (the
#         engine's Sentinel) as src/redis-sentinel. REDIS_SENTINEL=/usr/bin/redis-sentinel (Debian's
#         redis-sentinel 7.0.15) puts real sentinels over engine servers instead; REDIS_SERVER too
#         for an all-Redis baseline. Needs runtest-sentinel in the tree (git archive 7.0.15
#         runtest-sentinel too). ~4 minutes.
#
#   cluster  tests/cluster in its normal mode (./runtest-cluster: 20 servers it starts itself, each
#         with cluster-enabled yes), with tools/redis-server as src/redis-server; REDIS_SERVER for a
#         real-Redis baseline. Needs runtest-cluster in the tree. Options go to runtest-cluster, e.g.
#         --single 00-base (the units are tests/cluster/tests/*.tcl). Real Redis: 574 tests, ~14 min.
#
#   core  --tags "-slow -needs:debug"  (Redis's external no-debug CI job; the default)
#   all   --tags "-needs:debug"        (also the tests tagged slow)
#   The unit/* files run (not integration/*, nearly all external:skip); a real Redis 7.0.15
#   passes all of them: 1772 tests for core, 1829 for all (the engine, 2026-12-04: see README).
#   REDIS_TEST_TREE  a Redis 7.0.15 source tree holding runtest and tests/ (default
#                    /tmp/redis-7.0.15), e.g. made with
#                    git -C <redis clone> archive 7.0.15 runtest tests | tar -x -C /tmp/redis-7.0.15
#   (integration/* also wants src/redis-cli etc.: symlink /usr/bin/redis-* there)
#   further options go to runtest as they are, e.g. --single unit/multi --only '/MULTI.*'
#
# Needs tclsh 8.5+ and a built jar (./mvnw -B -ntp -q package -DskipTests). The engine
# starts on a free 127.0.0.1 port with the directives Redis's external CI gives
# redis-server, and is stopped by its PID at the end. Set REDIS_SERVER=/usr/bin/redis-server
# to run the same suite against a real Redis instead, as a baseline. The runtest output goes
# to stdout and to $WORK/runtest.log (WORK is printed at the start and kept).
# Prints "N passed, M failed"; exits 1 when a test failed or the suite did not finish.
set -euo pipefail

case "${1:-}" in
  repl) mode=repl; shift ;;
  sentinel) mode=sentinel; shift ;;
  cluster) mode=cluster; shift ;;
esac
# tests/sentinel and tests/cluster: the instances harness (runtest-sentinel / runtest-cluster) in a
# scratch copy of the tree, starting its own servers as src/redis-server (and src/redis-sentinel)
if [[ ${mode:-} == cluster || ${mode:-} == sentinel ]]; then
  tree=/tmp/redis-7.0.15
  if [[ $# -gt 0 && $1 != -* ]]; then tree=$1; shift; fi
  tree=$(cd "$tree" && pwd)
  tools=$(cd "$(dirname "$0")" && pwd)
  [[ -x $tree/runtest-$mode ]] || { echo "no runtest-$mode in $tree" >&2; exit 2; }
  [[ -n ${REDIS_SERVER:-} || -f $tools/../target/cachelab.jar ]] || { echo "build target/cachelab.jar first" >&2; exit 2; }
  work=$(mktemp -d /tmp/redis-suite.XXXXXX)
  cp -r "$tree/runtest-$mode" "$tree/tests" "$work/"
  mkdir -p "$work/src" && rm -rf "$work/tests/$mode/tmp"/*
  ln -s "${REDIS_SERVER:-$tools/redis-server}" "$work/src/redis-server"
  if [[ $mode == sentinel ]]; then
    sentinel=${REDIS_SENTINEL:-$tools/redis-sentinel}
    [[ -x $sentinel ]] || { echo "no $sentinel" >&2; exit 2; }
    ln -s "$sentinel" "$work/src/redis-sentinel"
  fi
  [[ -x /usr/bin/redis-cli ]] && ln -s /usr/bin/redis-cli "$work/src/redis-cli"
  echo "work dir $work (output in $work/runtest.log)"
  rc=0
  (cd "$work" && "./runtest-$mode" "$@") 2>&1 | tee "$work/runtest.log" || rc=$?
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$work/runtest.log")
  passed=$(grep -cE '^[0-9:]+> .*OK$' <<<"$plain" || true)
  failed=$(grep -c '^[0-9:]*> .*: FAILED' <<<"$plain" || true)
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 && $rc -eq 0 ]]
  exit
fi
if [[ ${mode:-} == repl ]]; then
  tree=/tmp/redis-7.0.15
  if [[ $# -gt 0 && $1 != -* ]]; then tree=$1; shift; fi
  tree=$(cd "$tree" && pwd)
  tools=$(cd "$(dirname "$0")" && pwd)
  [[ -n ${REDIS_SERVER:-} || -f $tools/../target/cachelab.jar ]] || { echo "build target/cachelab.jar first" >&2; exit 2; }
  work=$(mktemp -d /tmp/redis-suite.XXXXXX)
  cp -r "$tree/runtest" "$tree/tests" "$work/"
  mkdir -p "$work/src" && rm -rf "$work/tests/tmp"/*
  ln -s "${REDIS_SERVER:-$tools/redis-server}" "$work/src/redis-server"
  for t in redis-cli redis-benchmark redis-check-aof redis-check-rdb redis-sentinel; do
    [[ -x /usr/bin/$t ]] && ln -s "/usr/bin/$t" "$work/src/$t"
  done
  units=()
  [[ " $* " == *" --single "* ]] || for u in integration/replication integration/replication-2 \
      integration/replication-3 integration/replication-4 integration/replication-psync \
      integration/replication-buffer integration/psync2 integration/psync2-reg \
      integration/psync2-pingoff integration/psync2-master-restart integration/block-repl \
      integration/failover; do units+=(--single "$u"); done
  echo "work dir $work (runtest output in $work/runtest.log)"
  rc=0
  (cd "$work" && ./runtest --clients 2 --durable --timeout 600 "${units[@]}" "$@") 2>&1 | tee "$work/runtest.log" || rc=$?
  plain=$(sed 's/\x1b\[[0-9;]*m//g' "$work/runtest.log")
  passed=$(grep -c '^\[ok\]:' <<<"$plain" || true)
  failed=$(grep -c '^\[err\]:\|^\[exception\]:\|^\[TIMEOUT\]:' <<<"$plain" || true)
  echo "$passed passed, $failed failed"
  grep -q 'The End' <<<"$plain" || { echo "the suite did not finish (runtest exit $rc)"; exit 1; }
  [[ $failed -eq 0 && $rc -eq 0 ]]
  exit
fi

case "${1:-}" in
  core) tags="-slow -needs:debug"; shift ;;
  all)  tags="-needs:debug"; shift ;;
  *)    tags="-slow -needs:debug" ;;
esac
tree=/tmp/redis-7.0.15
if [[ $# -gt 0 && $1 != -* ]]; then tree=$1; shift; fi
tree=$(cd "$tree" && pwd)
jar=$(cd "$(dirname "$0")/.." && pwd)/target/cachelab.jar
[[ -x $tree/runtest && -d $tree/tests ]] || { echo "no runtest/tests in $tree" >&2; exit 2; }
[[ -n ${REDIS_SERVER:-} || -f $jar ]] || { echo "build $jar first" >&2; exit 2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
port=$(( 16400 + RANDOM % 4000 ))
while ! port_free "$port"; do port=$(( port + 1 )); done

work=$(mktemp -d /tmp/redis-suite.XXXXXX)
echo "work dir $work, server port $port, tags \"$tags\""
directives=(--port "$port" --bind 127.0.0.1 --dir "$work" --save ""
            --enable-protected-configs yes --enable-debug-command yes --enable-module-command yes)
if [[ -n ${REDIS_SERVER:-} ]]; then
  "$REDIS_SERVER" "${directives[@]}" >"$work/server.log" 2>&1 &
else
  java -jar "$jar" engine "${directives[@]}" >"$work/server.log" 2>&1 &
fi
server_pid=$!
trap 'kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true' EXIT

server_up() ( exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'PING\r\n' >&3 &&
              read -r -t 2 reply <&3 && [[ $reply == +PONG* ]] ) 2>/dev/null
for _ in $(seq 100); do   # up to 20 s for the first PONG
  server_up && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 2; }
  sleep 0.2
done
server_up || { echo "no PONG on port $port" >&2; exit 2; }

# The unit/* files only (integration/* is almost all external:skip), unless --single is given.
units=()
[[ " $* " == *" --single "* ]] || for u in $(cd "$tree" && ./runtest --list-tests | grep '^unit/'); do
  units+=(--single "$u")
done

# --durable: an unexpected error counts as a failed test instead of ending the run;
# --timeout: a run with no progress for 5 minutes ends (a later --timeout wins).
rc=0
(cd "$tree" && ./runtest --host 127.0.0.1 --port "$port" --tags "$tags" --durable --timeout 300 "${units[@]}" "$@") \
  2>&1 | tee "$work/runtest.log" || rc=$?

plain=$(sed 's/\x1b\[[0-9;]*m//g' "$work/runtest.log")
passed=$(grep -c '^\[ok\]:' <<<"$plain" || true)
failed=$(grep -c '^\[err\]:\|^\[exception\]:\|^\[TIMEOUT\]:' <<<"$plain" || true)
echo "$passed passed, $failed failed"
grep -A1 '^\[TIMEOUT\]:' <<<"$plain" | tail -1 | sed 's/^/timed out in: /' || true
grep -q 'The End' <<<"$plain" || { echo "the suite did not finish (runtest exit $rc)"; exit 1; }
[[ $failed -eq 0 && $rc -eq 0 ]]
