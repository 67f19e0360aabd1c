#!/usr/bin/env bash
# JMH micro-benchmarks of the engine's hot paths, each next to a reference measured in the same run:
#   ParserBenchmark   engine request parser vs Jedis's RESP reader (16 pipelined SETs)
#   DispatchBenchmark GET+SET through the dispatcher vs HashMap put+get
# Usage: bench/jmh.sh [JMH options], e.g. bench/jmh.sh -prof gc   or   bench/jmh.sh Parser
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -DskipTests test-compile dependency:build-classpath -Dmdep.outputFile=target/jmh.classpath -Dmdep.includeScope=test
CP="target/test-classes:target/classes:$(cat target/jmh.classpath)"
out=target/jmh-result.csv
java -cp "$CP" org.openjdk.jmh.Main -rf csv -rff "$out" "$@" 'io.cachelab.engine.jmh.*'
echo
echo "ratios (engine / reference, same run):"
python3 - "$out" <<'PY'
import csv, sys
rows = {r["Benchmark"].split(".")[-1]: float(r["Score"]) for r in csv.DictReader(open(sys.argv[1])) if r["Mode"] == "thrpt"}
pairs = [("engineParser", "jedisReader", "parser: 16-command pipeline"), ("engineSetGet", "hashMapPutGet", "dispatch: SET+GET")]
for eng, ref, what in pairs:
    if eng in rows and ref in rows:
        print(f"  {what:32s} engine {rows[eng]:10.3f} ops/us   reference {rows[ref]:10.3f} ops/us   ratio {rows[eng]/rows[ref]:.2f}x")
PY
