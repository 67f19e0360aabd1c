#!/usr/bin/env bash
# Engine vs real Redis under redis-benchmark, in one invocation so both numbers come from the same
# machine in the same minute: the ratio is the result, the absolute req/s mean little on a shared box.
#
#   bench/engine-vs-redis.sh                 # N=200000 CLIENTS=50
#   N=50000 CLIENTS=20 bench/engine-vs-redis.sh
#
# Env: N (requests per test), CLIENTS (parallel connections), TESTS (redis-benchmark -t list),
#      PIPELINES (depths to run, space separated), JAVA_OPTS (engine JVM flags),
#      ENGINE_CMD (replaces the engine command line; {port} is substituted; used to check this
#      script itself with a second redis-server: ENGINE_CMD='redis-server --port {port} --save ""').
# Needs: java 17, redis-server and redis-benchmark (Debian: redis-server redis-tools).
set -euo pipefail

N="${N:-200000}"
CLIENTS="${CLIENTS:-50}"
TESTS="${TESTS:-set,get,incr,lpush,hset,zadd}"
PIPELINES="${PIPELINES:-1 16}"
JAVA_OPTS="${JAVA_OPTS:-}"

cd "$(dirname "$0")/.."
JAR=target/cachelab.jar

for tool in java redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "engine-vs-redis: '$tool' not found on PATH" >&2; exit 1; }
done

ENGINE_CMD="${ENGINE_CMD:-}"
if [[ -z "$ENGINE_CMD" && ! -f "$JAR" ]]; then
  echo "engine-vs-redis: $JAR missing, building it (./mvnw -q -DskipTests package)" >&2
  if [[ -x ./mvnw ]]; then ./mvnw -q -DskipTests package; else mvn -q -DskipTests package; fi
fi

WORK="$(mktemp -d -t engine-vs-redis.XXXXXX)"
ENGINE_PID=""
REDIS_PID=""

cleanup() {
  # stop exactly the two servers this script started, by PID
  for pid in "$ENGINE_PID" "$REDIS_PID"; do
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

free_port() {
  # ask the kernel for an unused port on 127.0.0.1
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null \
    || echo $(( 20000 + RANDOM % 20000 ))
}

wait_for_ping() { # port pid name
  for _ in $(seq 300); do
    if [[ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" == "PONG" ]]; then return 0; fi
    kill -0 "$2" 2>/dev/null || { echo "engine-vs-redis: $3 exited during startup, log:" >&2; cat "$WORK/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "engine-vs-redis: $3 did not answer PING on port $1 within 30 s" >&2
  exit 1
}

ENGINE_PORT="$(free_port)"
if [[ -n "$ENGINE_CMD" ]]; then
  # exec keeps the PID we record the server's own, so cleanup stops the right process
  bash -c "exec ${ENGINE_CMD//\{port\}/$ENGINE_PORT}" >"$WORK/engine.log" 2>&1 &
else
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" engine --port "$ENGINE_PORT" --save '' >"$WORK/engine.log" 2>&1 &
fi
ENGINE_PID=$!

REDIS_PORT="$(free_port)"
while [[ "$REDIS_PORT" == "$ENGINE_PORT" ]]; do REDIS_PORT="$(free_port)"; done
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$WORK" --save '' --appendonly no \
  --daemonize no >"$WORK/redis.log" 2>&1 &
REDIS_PID=$!

wait_for_ping "$ENGINE_PORT" "$ENGINE_PID" engine
wait_for_ping "$REDIS_PORT" "$REDIS_PID" redis

# prints the req/s of one test, or "error" when the server answered an error (redis-benchmark stops
# at the first error reply, e.g. a command the engine does not implement yet)
bench() { # port test pipeline requests
  local out
  if out="$(redis-benchmark -h 127.0.0.1 -p "$1" -q -t "$2" -n "$4" -c "$CLIENTS" -P "$3" --csv 2>&1)"; then
    awk -F'","' 'NR > 1 { printf "%.0f\n", $2; exit }' <<<"$out"
  else
    echo "engine-vs-redis: $2 at P=$3 on port $1 failed: $(grep -m1 -i 'error' <<<"$out" || tail -1 <<<"$out")" >&2
    echo error
  fi
}

declare -A ENGINE_RPS REDIS_RPS
ORDER=()
IFS=, read -r -a TEST_LIST <<<"$TESTS"
for p in $PIPELINES; do
  for t in "${TEST_LIST[@]}"; do
    key="$t/$p"
    ORDER+=("$key")
    # a short warm-up first so the engine's JIT is not what gets measured
    bench "$ENGINE_PORT" "$t" "$p" "$(( N / 4 > 1000 ? N / 4 : 1000 ))" >/dev/null 2>&1
    ENGINE_RPS[$key]="$(bench "$ENGINE_PORT" "$t" "$p" "$N")"
    REDIS_RPS[$key]="$(bench "$REDIS_PORT" "$t" "$p" "$N")"
  done
  redis-cli -h 127.0.0.1 -p "$ENGINE_PORT" FLUSHALL >/dev/null || true
  redis-cli -h 127.0.0.1 -p "$REDIS_PORT" FLUSHALL >/dev/null
done

echo "engine-vs-redis: N=$N CLIENTS=$CLIENTS tests=$TESTS pipelines=[$PIPELINES] $(redis-server --version | awk '{print $3}')"
printf '%-8s %4s %14s %14s %8s\n' command P "engine req/s" "redis req/s" ratio
for key in "${ORDER[@]}"; do
  t="${key%/*}"; p="${key#*/}"
  e="${ENGINE_RPS[$key]}"; r="${REDIS_RPS[$key]}"
  ratio="$(awk -v e="$e" -v r="$r" 'BEGIN { if (e + 0 > 0 && r + 0 > 0) printf "%.2f", e / r; else print "n/a" }')"
  printf '%-8s %4s %14s %14s %8s\n' "${t^^}" "$p" "$e" "$r" "$ratio"
done
