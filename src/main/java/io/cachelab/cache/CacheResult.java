package io.cachelab.cache;

/**
 * A value together with how it was obtained. The outcome travels with the value (instead of living
 * in a thread-local or a metric only) so the caller can answer {@code X-Cache} and a test can assert
 * per request. {@code value} is null for NULL and REJECTED, and for a MISS whose loader found nothing.
 */
public record CacheResult<T>(T value, CacheOutcome outcome) {
    public boolean present() {
        return value != null;
    }
}
