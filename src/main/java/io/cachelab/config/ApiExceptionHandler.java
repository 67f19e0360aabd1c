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

    /** A reader gave up waiting for another instance's rebuild: a temporary condition, say so. */
    @ExceptionHandler(CacheLockTimeoutException.class)
    ProblemDetail lockTimeout(CacheLockTimeoutException e) {
        log.warn("{}", e.getMessage());
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setProperty("retryable", true);
        return p;
    }
}
