package io.cachelab.engine.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The launcher's promises: a private server on 127.0.0.1, gone (process and port) after close. */
@Tag("it")
class RealRedisTest {

    @Test
    void startsAnswersAndStopsByPid() {
        RealRedis redis = RealRedis.start();
        ProcessHandle process = ProcessHandle.of(redis.pid()).orElseThrow();
        try (RespClient c = new RespClient("127.0.0.1", redis.port())) {
            assertThat(c.call("PING")).isEqualTo(Reply.simple("PONG"));
            assertThat(c.call("CONFIG", "GET", "save").get(1)).isEqualTo(Reply.bulk(new byte[0]));
            assertThat(c.call("CONFIG", "GET", "appendonly").get(1).text()).isEqualTo("no");
            assertThat(c.call("CONFIG", "GET", "bind").get(1).text()).isEqualTo("127.0.0.1");
        }
        redis.close();
        assertThat(process.isAlive()).isFalse();
        assertThatThrownBy(() -> new RespClient("127.0.0.1", redis.port(), 500).call("PING"))
                .isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void twoServersGetDifferentPorts() {
        try (RealRedis a = RealRedis.start(); RealRedis b = RealRedis.start()) {
            assertThat(a.port()).isNotEqualTo(b.port());
        }
    }

    @Test
    void aMissingBinaryFailsWithAClearMessage() {
        assertThatThrownBy(() -> RealRedis.start("redis-server-that-does-not-exist", new String[0]))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("redis-server-that-does-not-exist not found on PATH");
    }
}
