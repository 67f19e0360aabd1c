package io.cachelab.engine.command;

import org.junit.jupiter.api.Test;

/** SORT and SORT_RO against replies recorded from redis-server 7.0.15 (sort.transcript). */
class SortCommandTest extends EngineTestSupport {

    @Test
    void repliesMatchRedis7Transcript() throws Exception {
        replay("sort.transcript");
    }
}
