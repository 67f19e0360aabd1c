package io.cachelab.engine.sentinel;

/** An error text Sentinel gives back as Redis does (a config line's reason, a command's -ERR). */
final class SentinelError extends Exception {
    SentinelError(String message) {
        super(message, null, false, false);
    }
}
