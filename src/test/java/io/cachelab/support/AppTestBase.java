package io.cachelab.support;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The whole service on its embedded defaults (engine on a free port, H2), shared by every HTTP test
 * that extends this class: one static port means one configuration, so Spring's test context cache
 * starts the app once for all of them. Tests that need other settings declare their own context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class AppTestBase {
    private static final int ENGINE_PORT = TestEngine.freePort();

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }

    @LocalServerPort
    protected int httpPort;
    protected ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(httpPort);
    }

    protected static int enginePort() {
        return ENGINE_PORT;
    }
}
