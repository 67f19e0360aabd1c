#!/usr/bin/env bash
# Engine vs real Redis under redis-benchmark, in one invocation so both numbers come from the same
# machine in the same minute: the ratio is the result, the absolute req/s mean little on a shared box.
#
#   bench/engine-vs-redis.sh                 # N=200000 CLIENTS=50, best of ROUNDS=2 alternating runs
#   N=50000 CLIENTS=20 bench/engine-vs-redis.sh
#
# Env: N (requests per test), CLIENTS (parallel connections), TESTS (redis-benchmark -t list),
#      PIPELINES (depths to run, space separated), ROUNDS (engine and Redis measured alternately this many
#      times per test; each side's best is kept, so a burst of noise on the shared 2 cores counts once),
#      WARMUP (requests per test in one untimed pass over every test first: a JVM server is measured
#      after its JIT compiled the paths, as it runs in production), JAVA_OPTS (engine JVM flags),
#      ENGINE_CMD (replaces the engine command line; {port} is substituted; used to check this
#      script itself with a second redis-server: ENGINE_CMD='redis-server --port {port} --save ""').
# Needs: java 17, redis-server and redis-benchmark (Debian: redis-server redis-tools).
set -euo pipefail

N="${N:-200000}"
CLIENTS="${CLIENTS:-50}"
TESTS="${TESTS:-set,get,incr,lpush,hset,zadd}"
PIPELINES="${PIPELINES:-1 16}"
ROUNDS="${ROUNDS:-2}"
WARMUP="${WARMUP:-1000000}"
JAVA_OPTS="${JAVA_OPTS:-}"

cd "$(dirname "$0")/.."
NAME=engine-vs-redis
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java redis-server redis-benchmark redis-cli
ensure_jar
start_pair

# prints the req/s of one test, or "error" when the server answered an error (redis-benchmark stops
# at the first error reply, e.g. a command the engine does not implement yet) or the test printed no
# row (a name redis-benchmark does not know). The last row is the test's: the LRANGE tests print
# the LPUSH that fills their list first.
bench() { # port test pipeline requests
  local out rps
  if out="$(redis-benchmark -h 127.0.0.1 -p "$1" -q -t "$2" -n "$4" -c "$CLIENTS" -P "$3" --csv 2>&1)"; then
    rps="$(awk -F'","' 'NR > 1 { v = $2 } END { if (v != "") printf "%.0f\n", v }' <<<"$out")"
    if [[ -n "$rps" ]]; then echo "$rps"; return; fi
    echo "engine-vs-redis: redis-benchmark printed no result for test '$2' (not one of its test names?)" >&2
    echo error
  else
    echo "engine-vs-redis: $2 at P=$3 on port $1 failed: $(grep -m1 -i 'error' <<<"$out" || tail -1 <<<"$out")" >&2
    echo error
  fi
}

# the larger of two req/s figures; "error" wins, so a failure is never hidden by a good round
best() {
  if [[ $1 == error || $2 == error ]]; then echo error; elif (( $2 > $1 )); then echo "$2"; else echo "$1"; fi
}

declare -A ENGINE_RPS REDIS_RPS
ORDER=()
IFS=, read -r -a TEST_LIST <<<"$TESTS"
# one untimed pass over every test and depth, so what gets measured is not the JIT compiling
for p in $PIPELINES; do
  for t in "${TEST_LIST[@]}"; do bench "$ENGINE_PORT" "$t" "$p" "$WARMUP" >/dev/null 2>&1; done
done
redis-cli -h 127.0.0.1 -p "$ENGINE_PORT" FLUSHALL >/dev/null || true
for p in $PIPELINES; do
  for t in "${TEST_LIST[@]}"; do
    key="$t/$p"
    ORDER+=("$key")
    ENGINE_RPS[$key]=0
    REDIS_RPS[$key]=0
    for _ in $(seq "$ROUNDS"); do
      ENGINE_RPS[$key]="$(best "${ENGINE_RPS[$key]}" "$(bench "$ENGINE_PORT" "$t" "$p" "$N")")"
      REDIS_RPS[$key]="$(best "${REDIS_RPS[$key]}" "$(bench "$REDIS_PORT" "$t" "$p" "$N")")"
    done
  done
  redis-cli -h 127.0.0.1 -p "$ENGINE_PORT" FLUSHALL >/dev/null || true
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" FLUSHALL >/dev/null
done

echo "engine-vs-redis: N=$N CLIENTS=$CLIENTS tests=$TESTS pipelines=[$PIPELINES] warm-up $WARMUP, best of $ROUNDS $(redis-server --version | awk '{print $3}')"
printf '%-8s %4s %14s %14s %8s\n' command P "engine req/s" "redis req/s" ratio
for key in "${ORDER[@]}"; do
  t="${key%/*}"; p="${key#*/}"
  e="${ENGINE_RPS[$key]}"; r="${REDIS_RPS[$key]}"
  ratio="$(ratio "$e" "$r")"
  printf '%-8s %4s %14s %14s %8s\n' "${t^^}" "$p" "$e" "$r" "$ratio"
done
