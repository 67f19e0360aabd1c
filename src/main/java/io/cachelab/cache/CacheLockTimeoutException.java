package io.cachelab.cache;

import java.time.Duration;

/**
 * The mutex strategy waited its whole bound without the value appearing. Thrown rather than falling
 * back to the loader, because falling back is exactly the stampede the mutex exists to prevent; the
 * web layer maps it to 503.
 */
public class CacheLockTimeoutException extends RuntimeException {
    public CacheLockTimeoutException(String key, Duration waited) {
        super("no value for " + key + " after waiting " + waited.toMillis() + " ms for its rebuild lock");
    }
}
