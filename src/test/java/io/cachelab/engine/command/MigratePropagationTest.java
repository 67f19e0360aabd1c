package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * migrateCommand translates itself into a DEL of the keys the target acknowledged: the AOF must
 * never replay a MIGRATE (at load it would try to reach the target again, and the keys would stay
 * on this node), and MIGRATE COPY, which deletes nothing, propagates nothing.
 */
class MigratePropagationTest {

    @Test
    void migrateIsWrittenToTheAofAsDelOfTheMovedKeys() throws Exception {
        try (TestEngine src = TestEngine.start("appendonly", "yes", "appendfsync", "always");
             TestEngine dst = TestEngine.start(); Jedis s = src.jedis(); Jedis d = dst.jedis()) {
            s.set("a", "1");
            s.set("b", "2");
            s.set("c", "3");
            assertThat(s.migrate("127.0.0.1", dst.port(), 0, 5000, MigrateParams.migrateParams(), "a", "b")).isEqualTo("OK");
            assertThat(s.migrate("127.0.0.1", dst.port(), 0, 5000, MigrateParams.migrateParams().copy(), "c")).isEqualTo("OK");
            assertThat(d.mget("a", "b", "c")).containsExactly("1", "2", "3");
            assertThat(s.exists("a", "b", "c")).isEqualTo(1);

            String aof = incrAof(src);
            assertThat(aof).doesNotContainIgnoringCase("migrate")
                    .endsWith("*3\r\n$3\r\nDEL\r\n$1\r\na\r\n$1\r\nb\r\n");
        }
    }

    private static String incrAof(TestEngine e) throws Exception {
        Path dir = Path.of(e.engine().server().config().getString("dir"), "appendonlydir");
        try (Stream<Path> files = Files.list(dir)) {
            Path incr = files.filter(p -> p.getFileName().toString().endsWith(".incr.aof")).findFirst().orElseThrow();
            return Files.readString(incr, StandardCharsets.ISO_8859_1);
        }
    }
}
