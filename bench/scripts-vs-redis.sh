#!/usr/bin/env bash
# Lua scripting, engine vs real Redis, in one invocation (same machine, same minute): the ratio is the
# result. Workloads: EVALSHA of a one-command script (bridge overhead), EVALSHA of a lock/unlock pair
# as Redisson sends them (several redis.call per script), and a CPU-bound loop (interpreter speed).
#
#   bench/scripts-vs-redis.sh                # N=100000 CLIENTS=20
#   N=20000 bench/scripts-vs-redis.sh
#
# Env: N, CLIENTS, JAVA_OPTS, ENGINE_CMD ({port} substituted), as bench/engine-vs-redis.sh.
set -euo pipefail

N="${N:-100000}"
CLIENTS="${CLIENTS:-20}"
JAVA_OPTS="${JAVA_OPTS:-}"
cd "$(dirname "$0")/.."
JAR=target/cachelab.jar
for tool in java redis-server redis-benchmark redis-cli python3; do
  command -v "$tool" >/dev/null || { echo "scripts-vs-redis: '$tool' not found on PATH" >&2; exit 1; }
done
ENGINE_CMD="${ENGINE_CMD:-}"
if [[ -z "$ENGINE_CMD" && ! -f "$JAR" ]]; then
  echo "scripts-vs-redis: $JAR missing, building it" >&2
  if [[ -x ./mvnw ]]; then ./mvnw -q -DskipTests package; else mvn -q -DskipTests package; fi
fi

WORK="$(mktemp -d -t scripts-vs-redis.XXXXXX)"
ENGINE_PID=""
REDIS_PID=""
cleanup() {
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
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_for_ping() { # port pid name
  for _ in $(seq 300); do
    [[ "$(redis-cli -h 127.0.0.1 -p "$1" PING 2>/dev/null)" == "PONG" ]] && return 0
    kill -0 "$2" 2>/dev/null || { echo "scripts-vs-redis: $3 exited, log:" >&2; cat "$WORK/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "scripts-vs-redis: $3 did not answer PING on port $1" >&2
  exit 1
}

ENGINE_PORT="$(free_port)"
if [[ -n "$ENGINE_CMD" ]]; then
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

GET_SCRIPT="return redis.call('get', KEYS[1])"
LOCK_SCRIPT="if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', 30000) then local v = redis.call('get', KEYS[1]) if v == ARGV[1] then return redis.call('del', KEYS[1]) end end return 0"
LOOP_SCRIPT="local s = 0 for i = 1, 10000 do s = s + i end return s"

run() { # port name script requests
  local sha out
  sha="$(redis-cli -h 127.0.0.1 -p "$1" SCRIPT LOAD "$3")"
  if out="$(redis-benchmark -h 127.0.0.1 -p "$1" -q -n "$4" -c "$CLIENTS" --csv evalsha "$sha" 1 "key:{$2}" token 2>&1)"; then
    awk -F'","' 'NR > 1 { printf "%.0f\n", $2; exit }' <<<"$out"
  else
    echo "scripts-vs-redis: $2 on port $1 failed: $(tail -1 <<<"$out")" >&2
    echo error
  fi
}

printf '%-8s %14s %14s %8s\n' script "engine req/s" "redis req/s" ratio
for name in get lock loop; do
  case "$name" in
    get) script="$GET_SCRIPT" ;;
    lock) script="$LOCK_SCRIPT" ;;
    loop) script="$LOOP_SCRIPT" ;;
  esac
  run "$ENGINE_PORT" "$name" "$script" "$(( N / 4 > 1000 ? N / 4 : 1000 ))" >/dev/null # JIT warm-up
  e="$(run "$ENGINE_PORT" "$name" "$script" "$N")"
  r="$(run "$REDIS_PORT" "$name" "$script" "$N")"
  ratio="$(awk -v e="$e" -v r="$r" 'BEGIN { if (e + 0 > 0 && r + 0 > 0) printf "%.2f", e / r; else print "n/a" }')"
  printf '%-8s %14s %14s %8s\n' "$name" "$e" "$r" "$ratio"
done
