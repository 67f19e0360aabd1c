package io.cachelab.bench;

import io.cachelab.bench.BenchScripts.Run;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * bench/big-keys.sh for real: a real redis-server and the engine (EngineMain on this test's class
 * path, standing in for the jar the script starts by default) each get a set of 5,000 members,
 * removed by DEL, by UNLINK and by expiry. The timings are the script's to print, not this test's to
 * judge (docs/walkthroughs/big-keys.md has a full run); what is checked is that every row is there,
 * numbers where numbers belong, and the behaviour both servers share: UNLINK of a set that large
 * counts one lazily freed object, and only the engine has a collector log.
 */
@Tag("it") // runs bash, python3 and redis-server, which .ci/run installs
class BigKeysScriptTest {
    private static final Pattern ROW = Pattern.compile("^(.+?)\\s{2,}(\\S+)\\s+(\\S+)$");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    @TempDir
    Path tmp;

    @Test
    void removingABigSetIsMeasuredOnBothServers() throws Exception {
        String engine = BenchScripts.java() + " -Xlog:gc:file={gclog}:utctime -cp '" + System.getProperty("java.class.path")
                + "' io.cachelab.engine.EngineMain --port {port} --bind 127.0.0.1 --save ''";
        Run r = BenchScripts.run(tmp, List.of("bash", "bench/big-keys.sh"), Map.of("MEMBERS", "5000", "ENGINE_CMD", engine));
        assertThat(r.exit()).as(r.toString()).isZero();

        Map<String, String[]> rows = rows(r.out());
        assertThat(rows.get("one set of 5000 members")).as(r.toString()).containsExactly("engine", "redis");
        for (String timed : List.of("DEL: command time (us)", "DEL: longest PING of another client (ms)",
                "UNLINK: command time (us)", "UNLINK: longest PING (ms)", "expiry: longest PING (ms)")) {
            assertThat(rows.get(timed)).as(timed + "\n" + r).allMatch(v -> NUMBER.matcher(v).matches());
        }
        // both servers hand a 5,000-member hashtable to the lazy-free path (more than 64 allocations)
        assertThat(rows.get("UNLINK: lazyfreed_objects gained")).as(r.toString()).containsExactly("1", "1");
        // "-": no expire cycle reached latency-monitor-threshold 1 ms
        assertThat(rows.get("expiry: worst expire-cycle (ms)")).as(r.toString())
                .allMatch(v -> v.equals("-") || NUMBER.matcher(v).matches());
        for (String gc : List.of("JVM: longest GC pause in those windows (ms)", "JVM: longest GC pause writing the set (ms)")) {
            String[] v = rows.get(gc);
            assertThat(v).as(gc + "\n" + r).isNotNull();
            assertThat(v[0]).as(r.toString()).matches(NUMBER);
            assertThat(v[1]).isEqualTo("n/a");
        }
    }

    /** The table's rows: label (up to two spaces), engine column, redis column. */
    private static Map<String, String[]> rows(String out) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            Matcher m = ROW.matcher(line);
            if (m.matches()) rows.put(m.group(1).trim(), new String[] {m.group(2), m.group(3)});
        }
        return rows;
    }
}
