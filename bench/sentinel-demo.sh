#!/usr/bin/env bash
# Sentinel in one command, with the jar alone: a master and two replicas, three Sentinels watching
# them (quorum 2, down-after-milliseconds 2000), all CacheLab engine processes on this machine.
# Once the Sentinels have found each other and the replicas, the master is killed (kill -9); the
# Sentinels' events are printed as they happen (tail of their logs), then who the master is now and
# how long the switch took; then the old master is started again and rejoins as a replica.
#
#   bench/sentinel-demo.sh                 # ports from BASE_PORT=7400 (servers) and 27400 (Sentinels)
#   BASE_PORT=7500 SENTINEL_BASE=27500 bench/sentinel-demo.sh
#
# Needs java 17 and bash (it talks RESP over bash's /dev/tcp; no redis-cli). Builds the jar if it
# is missing. Every process listens on 127.0.0.1 and is stopped by its PID at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=sentinel-demo
BASE_PORT="${BASE_PORT:-7400}"
SENTINEL_BASE="${SENTINEL_BASE:-27400}"
JAVA_OPTS="${JAVA_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
JAR=target/cachelab.jar
[[ -f $JAR ]] || { echo "$NAME: building $JAR" >&2; ./mvnw -q -DskipTests package; }
WORK="$(mktemp -d -t "$NAME.XXXXXX")"
PIDS=()
TAIL_PID=""
cleanup() {
  [[ -n $TAIL_PID ]] && kill "$TAIL_PID" 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# resp PORT ARG... : sends one command, prints the reply's lines (bulk payloads, integers, status)
resp() {
  local port=$1 line n i len
  shift
  exec 3<>"/dev/tcp/127.0.0.1/$port" || return 1
  { printf '*%d\r\n' $#; for a in "$@"; do printf '$%d\r\n%s\r\n' "${#a}" "$a"; done; } >&3
  IFS= read -r line <&3; line=${line%$'\r'}
  case $line in
    '*'*) n=${line#\*}; for ((i = 0; i < n; i++)); do read_one; done ;;
    '$'*) len=${line#\$}; [[ $len -ge 0 ]] && head -c "$len" <&3 && echo ;;
    *) echo "${line#?}" ;;
  esac
  exec 3>&-
}
read_one() {
  local l
  IFS= read -r l <&3; l=${l%$'\r'}
  if [[ $l == '$'* ]]; then IFS= read -r l <&3; l=${l%$'\r'}; fi
  echo "${l#:}"
}

server() { # port [master-port]
  mkdir -p "$WORK/r$1"
  local extra=()
  [[ $# -gt 1 ]] && extra=(--replicaof "127.0.0.1 $2")
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" engine --port "$1" --dir "$WORK/r$1" --logfile log.txt --save '' "${extra[@]}" >/dev/null 2>&1 &
  PIDS+=($!)
  LAST_PID=$!
}
sentinel() { # port
  mkdir -p "$WORK/s$1"
  printf 'port %s\ndir %s\nlogfile log.txt\nsentinel monitor mymaster 127.0.0.1 %s 2\nsentinel down-after-milliseconds mymaster 2000\nsentinel failover-timeout mymaster 20000\n' \
    "$1" "$WORK/s$1" "$BASE_PORT" >"$WORK/s$1/sentinel.conf"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" sentinel "$WORK/s$1/sentinel.conf" >/dev/null 2>&1 &
  PIDS+=($!)
}
wait_until() { # seconds description command...
  local secs=$1 what=$2
  shift 2
  for _ in $(seq $((secs * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "$NAME: timed out waiting for $what" >&2
  exit 1
}
ms() { date +%s%3N; }

pong() { [[ $(resp "$1" PING) == PONG ]]; }
synced() { resp "$1" INFO replication | grep -q 'master_link_status:up'; }
sees_all() { resp "$1" INFO sentinel | grep -q 'slaves=2,sentinels=3'; }
switched() { [[ $(resp "$1" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster | tail -1) != "$M" ]]; }
all_logged() { [[ $(grep -l '+switch-master' "$WORK"/s*/log.txt | wc -l) -eq 3 ]]; }
follows() { resp "$1" INFO replication | tr -d '\r' | grep -q "master_port:$2" && resp "$1" INFO replication | grep -q 'master_link_status:up'; }

M=$BASE_PORT R1=$((BASE_PORT + 1)) R2=$((BASE_PORT + 2))
S=("$SENTINEL_BASE" $((SENTINEL_BASE + 1)) $((SENTINEL_BASE + 2)))
echo "== starting master :$M, replicas :$R1 :$R2, Sentinels :${S[0]} :${S[1]} :${S[2]} (work dir $WORK)"
server "$M"; MASTER_PID=$LAST_PID
server "$R1" "$M"
server "$R2" "$M"
for p in "$M" "$R1" "$R2"; do wait_until 30 "the server on $p" pong "$p"; done
for p in "$R1" "$R2"; do wait_until 30 "the replica on $p to sync" synced "$p"; done
for p in "${S[@]}"; do sentinel "$p"; done
for p in "${S[@]}"; do wait_until 40 "Sentinel $p to see 2 replicas and 2 other Sentinels" sees_all "$p"; done
echo "== all three Sentinels see the master, 2 replicas and each other:"
resp "${S[0]}" INFO sentinel | grep '^master0'
# $! is tail's own PID (the filter reads from a process substitution), so cleanup ends the whole pipe
tail -n 0 -F "$WORK"/s*/log.txt 2>/dev/null > >(grep --line-buffered -E ' [#*] [+-]' | grep --line-buffered -v 'configuration saved' \
  | sed -u -E 's/^[0-9]+:X [0-9]+ [A-Za-z]+ [0-9]+ //') &
TAIL_PID=$!
sleep 0.5
echo "== kill -9 the master (pid $MASTER_PID) at $(date +%T.%3N)"
kill -9 "$MASTER_PID"
KILLED=$(ms)
{ wait "$MASTER_PID"; } 2>/dev/null || true
for p in "${S[@]}"; do wait_until 60 "Sentinel $p to switch" switched "$p"; done
wait_until 30 "+switch-master in every Sentinel's log" all_logged
SWITCHED=$(ms)
sleep 1
NEW=$(resp "${S[0]}" SENTINEL GET-MASTER-ADDR-BY-NAME mymaster | tail -1)
echo "== the master is now :$NEW (role: $(resp "$NEW" ROLE | head -1)); every Sentinel had switched $((SWITCHED - KILLED)) ms after the kill"
echo "== starting the old master :$M again; the Sentinels turn it into a replica of :$NEW"
server "$M"
wait_until 60 "the old master to become a replica" follows "$M" "$NEW"
sleep 1
echo "== :$M is now: $(resp "$M" INFO replication | grep -E '^(role|master_port|master_link_status):' | tr -d '\r' | tr '\n' ' ')"
echo "== what Sentinel :${S[0]} saved in its config file (it reads it back at restart):"
grep -v '^$' "$WORK/s${S[0]}/sentinel.conf"
