#!/usr/bin/env bash
# Memory per key, engine vs real Redis, side by side in one invocation: each data set is written to
# both servers the same way, then the engine's JVM heap after a full GC (jcmd GC.run, then
# GC.heap_info's "used") is set against Redis's used_memory, both minus what the empty server held.
# The engine's own INFO used_memory is printed too: maxmemory is enforced on that number, so it
# must stay within 10% of the heap it stands for; the last column says "ok" or "OFF" and the script
# exits 1 when a data set is off.
#
#   bench/memory.sh                       # every data set below
#   SETS="strings" bench/memory.sh        # one of: strings bighash smallhashes smallsets smallzsets
#
# Data sets (written by DEBUG POPULATE and by server-side Lua loops, so no client loop is measured):
#   strings      1,000,000 keys key:N -> a 10-byte value (DEBUG POPULATE 1000000 key 10)
#   bighash      one hash of 1,000,000 fields f:N -> v:N
#   smallhashes  100,000 hashes of 10 fields (listpack-sized in Redis)
#   smallsets    100,000 sets of 10 integers (intset-sized in Redis)
#   smallzsets   100,000 sorted sets of 10 members (listpack-sized in Redis)
# Env: SETS, JAVA_OPTS (engine JVM flags; default -Xmx2g).
# Needs: java 17 (jcmd), redis-server, redis-cli.
set -euo pipefail

SETS="${SETS:-strings bighash smallhashes smallsets smallzsets}"
JAVA_OPTS="${JAVA_OPTS:--Xmx2g}"
# Redis 7 refuses DEBUG unless enabled
REDIS_ARGS="--enable-debug-command yes"

cd "$(dirname "$0")/.."
NAME=memory
# shellcheck source=bench/lib.sh
. bench/lib.sh
require_tools java jcmd redis-server redis-cli

# server-side loaders: KEYS none, ARGV[1] = count; each returns the number of writes it made
LOOP_BIGHASH='for i = 1, tonumber(ARGV[1]) do redis.call("HSET", "bighash", "f:" .. i, "v:" .. i) end return 1'
LOOP_SMALLHASHES='for i = 1, tonumber(ARGV[1]) do for j = 1, 10 do redis.call("HSET", "h:" .. i, "f" .. j, "v" .. j) end end return 1'
LOOP_SMALLSETS='for i = 1, tonumber(ARGV[1]) do for j = 1, 10 do redis.call("SADD", "s:" .. i, j * 7) end end return 1'
LOOP_SMALLZSETS='for i = 1, tonumber(ARGV[1]) do for j = 1, 10 do redis.call("ZADD", "z:" .. i, j, "m" .. j) end end return 1'

load() { # port set
  case "$2" in
    strings) redis-cli -p "$1" DEBUG POPULATE 1000000 key 10 >/dev/null ;;
    # the script effects are not needed anywhere: no replica, no AOF; lua-time-limit does not stop a script that runs alone
    bighash) redis-cli -p "$1" EVAL "$LOOP_BIGHASH" 0 1000000 >/dev/null ;;
    smallhashes) redis-cli -p "$1" EVAL "$LOOP_SMALLHASHES" 0 100000 >/dev/null ;;
    smallsets) redis-cli -p "$1" EVAL "$LOOP_SMALLSETS" 0 100000 >/dev/null ;;
    smallzsets) redis-cli -p "$1" EVAL "$LOOP_SMALLZSETS" 0 100000 >/dev/null ;;
    *) echo "memory: unknown data set $2" >&2; exit 1 ;;
  esac
}

info_field() { # port field
  redis-cli -p "$1" INFO memory | tr -d '\r' | awk -F: -v f="$2" '$1 == f { print $2 }'
}

heap_after_gc() { # pid -> bytes used after a full GC
  local used
  jcmd "$1" GC.run >/dev/null
  used="$(jcmd "$1" GC.heap_info | awk '/garbage-first heap/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?$/, "", v); print v * 1024; exit } }')"
  # other collectors (JAVA_OPTS=-XX:+UseZGC: "ZHeap used 12M") report whole megabytes: count the
  # live objects instead, the class histogram's total after its own full collection
  [[ -n "$used" ]] || used="$(jcmd "$1" GC.class_histogram | awk '$1 == "Total" { print $3 }')"
  echo "$used"
}

mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

ensure_jar
printf '%-12s %10s %12s %12s %12s %8s %10s %6s\n' "data set" "keys" "redis MB" "engine heap" "engine info" "ratio" "info/heap" "check"
off=0
for set in $SETS; do
  start_pair
  redis-cli -p "$ENGINE_PORT" CONFIG SET lua-time-limit 0 >/dev/null 2>&1 || true
  # the scripting engine's first use builds its state once (~2 MB of heap in the engine): warm it on
  # both servers before the empty-server numbers are taken, so it is not counted per key
  redis-cli -p "$ENGINE_PORT" EVAL "return 1" 0 >/dev/null
  redis-cli -p "$REDIS_PORT" EVAL "return 1" 0 >/dev/null
  redis0="$(info_field "$REDIS_PORT" used_memory)"
  heap0="$(heap_after_gc "$ENGINE_PID")"
  info0="$(info_field "$ENGINE_PORT" used_memory)"
  load "$REDIS_PORT" "$set"
  load "$ENGINE_PORT" "$set"
  keys="$(redis-cli -p "$REDIS_PORT" DBSIZE)"
  [[ "$(redis-cli -p "$ENGINE_PORT" DBSIZE)" == "$keys" ]] || { echo "memory: $set: engine holds $(redis-cli -p "$ENGINE_PORT" DBSIZE) keys, Redis $keys" >&2; exit 1; }
  redis=$(( $(info_field "$REDIS_PORT" used_memory) - redis0 ))
  heap=$(( $(heap_after_gc "$ENGINE_PID") - heap0 ))
  info=$(( $(info_field "$ENGINE_PORT" used_memory) - info0 ))
  # used_memory within 10% of the heap
  check=ok
  awk -v i="$info" -v h="$heap" 'BEGIN { exit !(i >= 0.9 * h && i <= 1.1 * h) }' || { check=OFF; off=1; }
  printf '%-12s %10s %12s %12s %12s %8s %10s %6s\n' "$set" "$keys" "$(mb "$redis")" "$(mb "$heap")" "$(mb "$info")" \
    "$(ratio "$heap" "$redis")" "$(ratio "$info" "$heap")" "$check"
  cleanup_pair
  trap - EXIT INT TERM
done
echo "memory: MB are MiB above the empty server; ratio = engine heap / Redis used_memory; info/heap = the engine's INFO used_memory / its heap (maxmemory counts the former); check: info/heap within 0.9-1.1"
exit "$off"
