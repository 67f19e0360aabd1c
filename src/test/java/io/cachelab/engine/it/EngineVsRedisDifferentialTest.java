package io.cachelab.engine.it;

import io.cachelab.engine.Engine;
import io.cachelab.engine.config.EngineConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Tag;

/**
 * The engine (in-process, port 0) against real Redis 7.0, family by family. A family the engine has
 * not implemented yet fails with "ERR unknown command": that is the intended signal, not noise.
 */
@Tag("it")
class EngineVsRedisDifferentialTest extends DifferentialSuite {
    private Engine engine;

    @Override
    Endpoint startSideA() {
        try {
            engine = Engine.start(EngineConfig.defaults().set("port", "0").set("save", ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Endpoint("engine", "127.0.0.1", engine.port());
    }

    @Override
    void stopSideA() {
        if (engine != null) engine.close();
    }
}
