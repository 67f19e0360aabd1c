package io.cachelab.coupon;

import io.cachelab.engine.TestEngine;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The Redis-queue context shared by the coupon tests: one engine port, so one cached Spring context. */
abstract class ClaimTestBase extends AbstractClaimTest {
    private static final int ENGINE_PORT = TestEngine.freePort();

    @DynamicPropertySource
    static void engine(DynamicPropertyRegistry registry) {
        registry.add("cachelab.engine.port", () -> ENGINE_PORT);
    }
}
