package io.cachelab.sync;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;

/**
 * {@code cachelab.consistency.*}: the mode, and the delay of the second delete in
 * delayed-double-delete (long enough to outlast a read that loaded the old row before the commit).
 */
@ConfigurationProperties("cachelab.consistency")
public record ConsistencyProperties(@DefaultValue("delete-after-commit") ConsistencyMode mode,
                                    @DefaultValue("500ms") Duration doubleDeleteDelay) {
    public ConsistencyProperties {
        if (doubleDeleteDelay.isNegative()) throw new IllegalArgumentException("double-delete-delay must be >= 0");
    }
}
