package io.cachelab.engine.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachelab.engine.Engine;
import io.cachelab.engine.config.EngineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/**
 * The hostile-input contract against the engine, in-process on a free port, plus what only an
 * in-process server allows: the heap after a series of attacks, measured after GC, stays within a
 * generous bound of the heap before them (buffers of dropped clients must be released).
 */
class HostileInputTest extends HostileInputContract {
    private Engine engine;

    @Override
    int startServer() {
        try {
            engine = Engine.start(EngineConfig.defaults().set("port", "0").set("save", "")
                    .set("proto-max-bulk-len", Integer.toString(MAX_BULK)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return engine.port();
    }

    @Override
    void stopServer() {
        if (engine != null) engine.close();
    }

    @Override
    int port() {
        return engine.port();
    }

    @Test
    void heapStaysBoundedAcrossRepeatedAttacks() throws InterruptedException {
        attackSeries(); // warm-up: class loading, JIT, pooled buffers reach their steady size
        long before = usedHeapAfterGc();
        for (int round = 0; round < 5; round++) attackSeries();
        long after = usedHeapAfterGc();
        System.out.printf("heap after GC: before attacks %d KB, after 5 rounds %d KB%n", before >> 10, after >> 10);
        assertThat(after - before)
                .as("heap growth after 5 attack rounds (before %d MB, after %d MB)", before >> 20, after >> 20)
                .isLessThan(32L << 20);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100); // lets the event loop finish closing sockets from the last attack
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
