package io.cachelab.cache;

/**
 * The master applied a write but WAIT saw fewer replicas take it than required within the timeout:
 * the write may be lost by a failover, so it is not acknowledged (the API answers 503, retryable).
 */
public class ReplicasNotAcknowledgedException extends RuntimeException {
    public ReplicasNotAcknowledgedException(int wanted, long acked, long timeoutMs) {
        super("the write reached " + acked + " of " + wanted + " required replicas within " + timeoutMs + " ms (WAIT)");
    }
}
