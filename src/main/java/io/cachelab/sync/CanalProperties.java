package io.cachelab.sync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code cachelab.sync.canal.*}: where the Canal server is and how the client loop behaves. The
 * feed runs when {@code enabled} is true or when {@code cachelab.consistency.mode=canal}.
 * {@code filter} is Canal's subscription regex over {@code schema.table}. {@code maxRetries} counts
 * redeliveries after the first failure: an event is tried {@code maxRetries + 1} times before it
 * becomes a dead letter. {@code idlePause} is the sleep after an empty batch: the client polls
 * without a server-side timeout because Canal's timed get waits for a full batch.
 */
@ConfigurationProperties("cachelab.sync.canal")
record CanalProperties(@DefaultValue("false") boolean enabled,
                              @DefaultValue("127.0.0.1") String host,
                              @DefaultValue("11111") int port,
                              @DefaultValue("example") String destination,
                              @DefaultValue("") String username,
                              @DefaultValue("") String password,
                              @DefaultValue(".*\\..*") String filter,
                              @DefaultValue("100") int batchSize,
                              @DefaultValue("3") int maxRetries,
                              @DefaultValue("1s") Duration reconnectBackoff,
                              @DefaultValue("30s") Duration reconnectBackoffMax,
                              @DefaultValue("50ms") Duration idlePause) {
    public CanalProperties {
        if (batchSize <= 0) throw new IllegalArgumentException("cachelab.sync.canal.batch-size must be positive");
        if (maxRetries < 0) throw new IllegalArgumentException("cachelab.sync.canal.max-retries must be >= 0");
        if (reconnectBackoff.isNegative() || reconnectBackoff.isZero())
            throw new IllegalArgumentException("cachelab.sync.canal.reconnect-backoff must be positive");
        if (reconnectBackoffMax.compareTo(reconnectBackoff) < 0)
            throw new IllegalArgumentException("cachelab.sync.canal.reconnect-backoff-max must be >= reconnect-backoff");
    }
}
