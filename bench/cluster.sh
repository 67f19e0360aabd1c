#!/usr/bin/env bash
# redis-benchmark --cluster against a cluster of engine processes and a cluster of redis-server 7.0
# processes, three masters each, no replicas, no persistence, in one invocation: the ratio
# engine/redis is the result (both measured on the same machine in the same minutes).
#
#   bench/cluster.sh                        # N=200000 CLIENTS=50 TESTS=set,get, best of ROUNDS=2
#   N=50000 TESTS=set,get,incr bench/cluster.sh
#
# Env: N (requests per test), CLIENTS, PIPELINE (-P depth, default 1), TESTS (redis-benchmark -t list), ROUNDS (engine and Redis
#      measured alternately; each side's best is kept), WARMUP (untimed requests per test on the
#      engine first, so its JIT has compiled the paths).
# The engine cluster is made by `java -jar target/cachelab.jar cluster start`, the Redis one by
# redis-cli --cluster create; both are stopped by this script (cluster stop, and by PID).
# Needs: java 17, redis-server, redis-cli and redis-benchmark (Debian: redis-server redis-tools), python3.
set -euo pipefail

N="${N:-200000}"
CLIENTS="${CLIENTS:-50}"
PIPELINE="${PIPELINE:-1}"
TESTS="${TESTS:-set,get}"
ROUNDS="${ROUNDS:-2}"
WARMUP="${WARMUP:-500000}"

cd "$(dirname "$0")/.."
NAME=cluster
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java redis-server redis-cli redis-benchmark python3
ensure_jar

# a port p with p, p+1, p+2 and their bus ports (+10000) free
free_base() {
  python3 - <<'PY'
import socket
def free(p):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p)); return True
    except OSError:
        return False
    finally:
        s.close()
for _ in range(200):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
    if p + 3 + 10000 < 65535 and all(free(p + i) and free(p + i + 10000) for i in range(3)):
        print(p); break
PY
}

WORK="$(mktemp -d -t cluster.XXXXXX)"
ENGINE_BASE="$(free_base)"
REDIS_BASE="$(free_base)"
while (( REDIS_BASE < ENGINE_BASE + 3 && REDIS_BASE + 3 > ENGINE_BASE )); do REDIS_BASE="$(free_base)"; done
REDIS_PIDS=()
cleanup() {
  java -jar "$JAR" cluster stop --nodes 3 --port "$ENGINE_BASE" --dir "$WORK/engine" >/dev/null 2>&1 || true
  for pid in "${REDIS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

java -jar "$JAR" cluster start --nodes 3 --replicas 0 --port "$ENGINE_BASE" --dir "$WORK/engine" --appendonly no >"$WORK/engine-start.log"
for i in 0 1 2; do
  mkdir -p "$WORK/redis/$i"
  redis-server --port $((REDIS_BASE + i)) --bind 127.0.0.1 --dir "$WORK/redis/$i" --save '' --appendonly no \
    --cluster-enabled yes --cluster-config-file nodes.conf --daemonize no >"$WORK/redis/$i/log" 2>&1 &
  REDIS_PIDS+=($!)
done
for i in 0 1 2; do wait_for_ping $((REDIS_BASE + i)) "${REDIS_PIDS[$i]}" redis; done
redis-cli --cluster create 127.0.0.1:$REDIS_BASE 127.0.0.1:$((REDIS_BASE + 1)) 127.0.0.1:$((REDIS_BASE + 2)) \
  --cluster-yes >"$WORK/redis-create.log"
for _ in $(seq 300); do
  ok=0
  for i in 0 1 2; do redis-cli -p $((REDIS_BASE + i)) cluster info | grep -q 'cluster_state:ok' && ok=$((ok + 1)); done
  (( ok == 3 )) && break
  sleep 0.1
done

bench() { # port test requests
  local out
  out="$(redis-benchmark --cluster -h 127.0.0.1 -p "$1" -q -t "$2" -n "$3" -c "$CLIENTS" -P "$PIPELINE" --csv 2>&1)" || true
  grep -m1 "^\"${2^^}\"" <<<"$out" | awk -F'","' '{ printf "%.0f\n", $2 }' | grep . || { echo "$NAME: $2 on $1 failed: $(tail -2 <<<"$out")" >&2; echo 0; }
}

IFS=, read -r -a TEST_LIST <<<"$TESTS"
for t in "${TEST_LIST[@]}"; do bench "$ENGINE_BASE" "$t" "$WARMUP" >/dev/null; done
echo "cluster: redis-benchmark --cluster, 3 masters each, N=$N CLIENTS=$CLIENTS P=$PIPELINE, best of $ROUNDS, $(redis-server --version | awk '{print $3}')"
printf '%-8s %14s %14s %8s\n' command "engine req/s" "redis req/s" ratio
for t in "${TEST_LIST[@]}"; do
  e=0; r=0
  for _ in $(seq "$ROUNDS"); do
    x="$(bench "$ENGINE_BASE" "$t" "$N")"; (( x > e )) && e=$x
    x="$(bench "$REDIS_BASE" "$t" "$N")"; (( x > r )) && r=$x
  done
  printf '%-8s %14s %14s %8s\n' "${t^^}" "$e" "$r" "$(ratio "$e" "$r")"
done
