package io.cachelab.config;

import io.cachelab.cache.CacheLockTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error of the API as an RFC 9457 problem detail. Spring's base class already maps its own
 * exceptions (unreadable or oversized bodies, type mismatches such as a non-numeric id, failed
 * validation, unknown routes) to problem details; this adds the few the application throws itself.
 * Features raise {@code ResponseStatusException} or {@code ErrorResponseException} with their own
 * problem type, which Spring renders the same way.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /** Domain validation beyond annotations (an unknown strategy, a page out of range). */
    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badArgument(IllegalArgumentException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    /**
     * Redis unreachable or timing out (a failover in progress, a dead master): 503, retryable, and
     * the cause named, instead of a 500.
     */
    @ExceptionHandler({org.springframework.data.redis.RedisConnectionFailureException.class,
            org.springframework.dao.QueryTimeoutException.class,
            io.cachelab.cache.ReplicasNotAcknowledgedException.class})
    ProblemDetail redisUnavailable(RuntimeException e) {
        log.warn("Redis unavailable: {}", e.getMessage());
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("Redis unavailable");
        p.setProperty("retryable", true);
        return p;
    }

    /**
     * Lettuce reports a connection dropped mid-command (the master died under it) as a
     * RedisSystemException, or as its own RedisException where the pattern library calls Lettuce
     * directly: that is Redis being unavailable too (503, retryable), as are the server's "not now"
     * errors (NOREPLICAS, READONLY, MASTERDOWN, LOADING, TRYAGAIN, CLUSTERDOWN). Any other Redis
     * error stays a 500, with the error's text.
     */
    @ExceptionHandler({org.springframework.data.redis.RedisSystemException.class, io.lettuce.core.RedisException.class})
    ProblemDetail redisError(RuntimeException e) {
        if (unavailable(e)) return redisUnavailable(e);
        log.error("Redis error", e);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
        p.setTitle("Redis error");
        return p;
    }

    private static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof io.lettuce.core.RedisConnectionException) return true;
            if (t instanceof io.lettuce.core.RedisCommandExecutionException x && x.getMessage() != null
                    && x.getMessage().matches("(NOREPLICAS|READONLY|MASTERDOWN|LOADING|TRYAGAIN|CLUSTERDOWN)\\b.*")) {
                return true;
            }
        }
        return false;
    }

    /** A reader gave up waiting for another instance's rebuild: a temporary condition, say so. */
    @ExceptionHandler(CacheLockTimeoutException.class)
    ProblemDetail lockTimeout(CacheLockTimeoutException e) {
        log.warn("{}", e.getMessage());
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setProperty("retryable", true);
        return p;
    }
}
