package io.cachelab.engine;

import io.cachelab.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up as an operator meets it: a taken port is refused with advice, options are validated. */
class EngineStartupTest {

    @Test
    void aTakenPortFailsWithAMessageThatSaysWhatToDo() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            EngineConfig cfg = EngineConfig.defaults().set("port", Integer.toString(taken.getLocalPort()))
                    .set("bind", "127.0.0.1").set("save", "");
            assertThatThrownBy(() -> Engine.start(cfg))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Could not listen on 127.0.0.1:" + taken.getLocalPort())
                    .hasMessageContaining("is another Redis or CacheLab running? stop it or choose another port");
        }
    }

    @Test
    void commandLineDirectivesAreRedisConfNamesAndBadOnesAreRefused() throws IOException {
        EngineConfig cfg = EngineConfig.defaults();
        EngineMain.apply(cfg, new String[]{"--port", "6390", "--maxmemory", "100mb", "--save", "900", "1",
            "--notify-keyspace-events", "Ex"});
        assertThat(cfg.getString("port")).isEqualTo("6390");
        assertThat(cfg.getLong("maxmemory")).isEqualTo(100L * 1024 * 1024);
        assertThat(cfg.getString("save")).isEqualTo("900 1");
        assertThat(cfg.getString("notify-keyspace-events")).isEqualTo("xE");
        assertThatThrownBy(() -> EngineMain.apply(EngineConfig.defaults(), new String[]{"--no-such-option", "1"}))
                .hasMessageContaining("Bad directive or wrong number of arguments");
        assertThatThrownBy(() -> EngineMain.apply(EngineConfig.defaults(), new String[]{"--maxmemory", "lots"}))
                .hasMessageContaining("argument must be a memory value");
    }
}
