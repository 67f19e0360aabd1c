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
NAME=scripts-vs-redis
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java redis-server redis-benchmark redis-cli python3
ensure_jar
start_pair

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
  ratio="$(ratio "$e" "$r")"
  printf '%-8s %14s %14s %8s\n' "$name" "$e" "$r" "$ratio"
done
