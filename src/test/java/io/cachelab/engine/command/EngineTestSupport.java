package io.cachelab.engine.command;

import io.cachelab.engine.Engine;
import io.cachelab.engine.config.EngineConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One engine on a random port per test class, plus the transcript replay shared by the family tests. */
abstract class EngineTestSupport {
    static Engine engine;

    @BeforeAll
    static void startEngine() throws Exception {
        engine = Engine.start(EngineConfig.defaults().set("port", "0").set("dir", io.cachelab.engine.TestEngine.tempDir())
                .set("save", ""));
    }

    @AfterAll
    static void stopEngine() throws Exception {
        engine.close();
    }

    /** OBJECT ENCODING without depending on the OBJECT command (another family). */
    static String encodingOf(String key) {
        io.cachelab.engine.type.RValue v = engine.server().db(0).dict().get(io.cachelab.engine.util.Bytes.of(key));
        return v == null ? null : v.encoding();
    }

    /** Replays a transcript recorded against redis-server 7.0.15 and compares every reply. */
    static void replay(String resource) throws IOException {
        String text;
        try (InputStream in = EngineTestSupport.class.getResourceAsStream(resource)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Transcript t = new Transcript(engine.port());
        List<String> diffs = new ArrayList<>();
        try {
            for (Transcript.Step step : Transcript.parse(text)) {
                String got = t.run(step.command());
                if (step.optional() && got.startsWith("-ERR unknown command")) continue;
                if (step.expected() != null && !step.expected().equals(got)) {
                    diffs.add("line " + step.line() + ": " + step.command() + "\n   redis: " + step.expected() + "\n   ours:  " + got);
                }
            }
        } finally {
            t.close();
        }
        assertThat(diffs).as(resource).isEmpty();
    }
}
