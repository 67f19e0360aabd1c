package io.cachelab.engine.it;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * maxmemory means what it says (issue 12): an engine in its own JVM, filled far past
 * {@code maxmemory 64mb} under allkeys-lru with strings of mixed sizes and small hashes, sets and
 * sorted sets, holds a heap after a full GC (jcmd GC.run, then GC.heap_info) within 1.2x of 64 MB,
 * and at least 0.8x of it (used_memory does not overcount either, which would waste the budget).
 * The child is EngineProcess.startLean (the jar's footprint, not the test class path's) on its
 * serial collector with MarkSweepDeadRatio=0: by default a serial
 * full GC leaves up to 5% of the old generation as uncompacted dead space (int[] fillers), which
 * GC.heap_info counts as used.
 */
@Tag("it")
class MaxmemoryHeapIT {
    private static final long LIMIT = 64L << 20;
    private static final Pattern USED = Pattern.compile("(?:generation|heap)\\s+total \\d+K, used (\\d+)K");

    /**
     * With the default compressed references, and without them (-XX:-UseCompressedOops, the layout
     * of any heap of 32 GB or more), where every reference takes 8 bytes. Priced with the compressed
     * layout, as used_memory was until 2026-12-06, that heap held 80.2 MB after GC (1.25x); priced
     * with HeapLayout, 69.0 MB.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-XX:+UseCompressedOops", "-XX:-UseCompressedOops"})
    void heapAfterGcStaysWithinMaxmemory(String references) throws Exception {
        int port = TestEngine.freePort();
        try (EngineProcess engine = EngineProcess.startLean(List.of("-Xmx256m", "-XX:MarkSweepDeadRatio=0", references), port,
                "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--save", "");
             RespClient c = new RespClient("127.0.0.1", port, 30_000)) {
            fill(c);
            long evicted = infoField(c, "stats", "evicted_keys");
            long used = infoField(c, "memory", "used_memory");
            long heap = heapAfterGc(engine.pid());
            assertThat(evicted).as("evicted_keys").isGreaterThan(100_000);
            assertThat(used).as("used_memory").isLessThanOrEqualTo(LIMIT);
            System.out.printf("MaxmemoryHeapIT (%s): heap after GC %.1f MB, used_memory %.1f MB, evicted_keys %d (maxmemory 64 MB)%n",
                    references, heap / 1048576.0, used / 1048576.0, evicted);
            String histogram = jcmd(engine.pid(), "GC.class_histogram").lines().limit(25).reduce("", (x, y) -> x + "\n" + y);
            assertThat(heap).as("heap after GC, used_memory %d, %s", used, histogram).isLessThanOrEqualTo((long) (1.2 * LIMIT))
                    .isGreaterThanOrEqualTo((long) (0.8 * LIMIT));
        }
    }

    /** Writes in pipelined batches until well past the limit (100k keys evicted). */
    private static void fill(RespClient c) {
        Random rnd = new Random(12);
        long n = 0;
        while (true) {
            for (int i = 0; i < 5_000; i++, n++) send(c, rnd, n);
            c.flush();
            for (int i = 0; i < 5_000; i++) assertThat(c.read().isError()).isFalse();
            if (n % 50_000 == 0 && infoField(c, "stats", "evicted_keys") > 120_000) return;
        }
    }

    private static void send(RespClient c, Random rnd, long n) {
        switch ((int) (n % 20)) {
            case 0 -> c.send(b("HSET"), b("h:" + n), b("f1"), b("v" + n), b("f2"), b("value two"), b("f3"), b("3"));
            case 1 -> c.send(b("SADD"), b("s:" + n), b("1"), b("2"), b("3"), b(Long.toString(n)));
            case 2 -> c.send(b("ZADD"), b("z:" + n), b("1"), b("a"), b("2.5"), b("b"), b(Long.toString(n)), b("c"));
            default -> c.send(b("SET"), b("key:" + n), new byte[1 + rnd.nextInt(120)]);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long infoField(RespClient c, String section, String field) {
        for (String line : c.call("INFO", section).text().split("\r\n")) {
            if (line.startsWith(field + ":")) return Long.parseLong(line.substring(field.length() + 1));
        }
        throw new AssertionError("no " + field + " in INFO " + section);
    }

    private static long heapAfterGc(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        Matcher m = USED.matcher(jcmd(pid, "GC.heap_info"));
        long kb = 0;
        while (m.find()) kb += Long.parseLong(m.group(1));
        assertThat(kb).as("heap used parsed from GC.heap_info").isPositive();
        return kb * 1024;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("jcmd %s: %s", command, out).isZero();
        return out;
    }
}
