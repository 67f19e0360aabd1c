#!/usr/bin/env bash
# Read scaling with replicas: GET throughput with the same clients spread over 1, 2 and 3 nodes
# (a master and two replicas that synced from it), for the engine and for real Redis in the same
# run, so the ratios (2 nodes / 1 node, 3 nodes / 1 node) are the result.
#
#   bench/replica-reads.sh                      # N=200000 GETs per run, CLIENTS=48 in all, KEYS=10000
#   N=100000 CLIENTS=24 bench/replica-reads.sh
#
# Each node count runs redis-benchmark on every node at once (CLIENTS/nodes connections each) and
# adds their req/s. On a machine with few cores the servers and the benchmark share them: the
# ratio shows what another node buys there, not on separate machines.
# Env: N, CLIENTS, KEYS, JAVA_OPTS (engine JVM flags). Needs java 17, redis-server, redis-benchmark.
set -euo pipefail

N="${N:-200000}"
CLIENTS="${CLIENTS:-48}"
KEYS="${KEYS:-10000}"

cd "$(dirname "$0")/.."
NAME=replica-reads
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java redis-server redis-benchmark redis-cli
ensure_jar
WORK="$(mktemp -d -t "$NAME.XXXXXX")"
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# sets NODE_PORT (not run in $(...): the PID must reach PIDS in this shell, for cleanup)
start_node() { # kind name
  local port; port="$(free_port)"
  mkdir -p "$WORK/$2"
  if [[ $1 == engine ]]; then
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -jar "$JAR" engine --port "$port" --save '' --dir "$WORK/$2" >"$WORK/$2.log" 2>&1 &
  else
    redis-server --port "$port" --bind 127.0.0.1 --dir "$WORK/$2" --save '' --daemonize no >"$WORK/$2.log" 2>&1 &
  fi
  PIDS+=($!)
  wait_for_ping "$port" "$!" "$2"
  NODE_PORT=$port
}

# a master with KEYS keys and two replicas in sync with it; sets SET_PORTS to the three ports
start_set() { # kind
  local m r1 r2
  start_node "$1" "$1-master"; m=$NODE_PORT
  # the keys redis-benchmark's GETs ask for: key:000000000000 .. (-r KEYS), 100-byte values
  redis-benchmark -h 127.0.0.1 -p "$m" -q -t set -r "$KEYS" -n $((KEYS * 5)) -d 100 -c 10 >/dev/null
  start_node "$1" "$1-replica1"; r1=$NODE_PORT
  start_node "$1" "$1-replica2"; r2=$NODE_PORT
  redis-cli -p "$m" CONFIG SET repl-diskless-sync-delay 0 >/dev/null
  for r in "$r1" "$r2"; do redis-cli -p "$r" REPLICAOF 127.0.0.1 "$m" >/dev/null; done
  for r in "$r1" "$r2"; do
    for _ in $(seq 300); do
      redis-cli -p "$r" INFO replication | grep -q '^master_link_status:up' && break
      sleep 0.1
    done
    [[ "$(redis-cli -p "$r" DBSIZE)" == "$(redis-cli -p "$m" DBSIZE)" ]] || { echo "$NAME: $1 replica on $r did not sync" >&2; exit 1; }
  done
  SET_PORTS="$m $r1 $r2"
}

# GETs on the first $2 of the ports in $1 at once; prints the summed req/s
reads() { # "ports" nodes
  local ports=($1) n=$2 i out=() total=0
  for ((i = 0; i < n; i++)); do
    redis-benchmark -h 127.0.0.1 -p "${ports[$i]}" -q -t get -r "$KEYS" -n $((N / n)) -c $((CLIENTS / n)) --csv \
      >"$WORK/bench.$i" 2>&1 &
    out+=($!)
  done
  for ((i = 0; i < n; i++)); do
    wait "${out[$i]}"
    total=$(awk -F'","' -v t="$total" 'NR > 1 { printf "%.0f", t + $2; exit }' "$WORK/bench.$i")
  done
  echo "$total"
}

declare -A RPS
for kind in engine redis; do
  start_set "$kind"; ports=$SET_PORTS
  reads "$ports" 3 >/dev/null # warm-up (the engine's JIT)
  for n in 1 2 3; do RPS[$kind.$n]="$(reads "$ports" "$n")"; done
done

printf '%-8s %12s %12s %12s %10s %10s\n' server "1 node" "2 nodes" "3 nodes" "2/1" "3/1"
for kind in engine redis; do
  printf '%-8s %12s %12s %12s %10s %10s\n' "$kind" "${RPS[$kind.1]}" "${RPS[$kind.2]}" "${RPS[$kind.3]}" \
    "$(ratio "${RPS[$kind.2]}" "${RPS[$kind.1]}")" "$(ratio "${RPS[$kind.3]}" "${RPS[$kind.1]}")"
done
printf 'engine/redis at 1, 2, 3 nodes: %s %s %s\n' "$(ratio "${RPS[engine.1]}" "${RPS[redis.1]}")" \
  "$(ratio "${RPS[engine.2]}" "${RPS[redis.2]}")" "$(ratio "${RPS[engine.3]}" "${RPS[redis.3]}")"
