#!/usr/bin/env bash
# The second sitting of docs/walkthroughs/cluster.md: a six-node engine cluster from the jar, ASK by
# hand, PUBLISH across nodes, redis-cli --cluster reshard while redis-benchmark --cluster runs.
# Needs target/cachelab.jar, redis-cli and redis-benchmark; uses ports 7000-7005 (+10000) and /tmp/clw.
set -u
cd "$(dirname "$0")/.."
J=target/cachelab.jar
D=/tmp/clw; rm -rf $D; mkdir -p $D
run() { echo "\$ $*"; eval "$@" 2>&1; echo; }
run "java -jar $J cluster start --nodes 6 --replicas 1 --port 7000 --dir $D"
ID0=$(redis-cli -p 7000 cluster myid); ID1=$(redis-cli -p 7001 cluster myid); ID2=$(redis-cli -p 7002 cluster myid)
run "redis-cli -p 7000 cluster nodes | sort -k2 | cut -d' ' -f2,3,9"
run "redis-cli -p 7000 cluster keyslot foo"
run "redis-cli -p 7001 cluster setslot 12182 importing $ID2"
run "redis-cli -p 7002 cluster setslot 12182 migrating $ID1"
run "redis-cli -p 7002 set foo bar"
run "redis-cli -c -p 7002 set foo bar"
run "redis-cli -p 7001 get foo"
run "redis-cli -p 7001 cluster setslot 12182 node $ID1"
run "redis-cli -p 7002 cluster setslot 12182 node $ID1"
run "redis-cli -c -p 7000 get foo"
(timeout 3 redis-cli -p 7005 subscribe news > $D/sub.txt 2>&1 &)
sleep 1
run "redis-cli -p 7000 publish news hello"
sleep 3
run "cat $D/sub.txt"
(redis-benchmark --cluster -p 7000 -t set,get -n 400000 -c 20 -q > $D/bench.txt 2>&1; echo "exit $?" >> $D/bench.txt) &
BP=$!
sleep 2
run "redis-cli --cluster reshard 127.0.0.1:7000 --cluster-from $ID0 --cluster-to $ID2 --cluster-slots 1000 --cluster-yes | tail -2"
wait $BP
run "tr '\r' '\n' < $D/bench.txt | grep -v '^ *\$' | grep -v 'rps=' | tail -8"
run "redis-cli --cluster check 127.0.0.1:7000 | tail -4"
run "java -jar $J cluster stop --nodes 6 --port 7000 --dir $D"
