package io.cachelab.config;

import io.cachelab.cache.CacheLockTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every error of the API as an RFC 9457 problem detail. Spring's base class maps its own exceptions
 * (unknown routes, wrong methods or media types) to problem details; bad input (failed validation of
 * a body or a parameter, a parameter of the wrong type, a missing parameter, a body that is not the
 * JSON expected) is answered here with an {@code errors} array of {@link InvalidInput}s, each naming
 * the field or parameter, the rule and why, and a {@code detail} that lists them. This also adds the
 * few exceptions the application throws itself. Features raise {@code ResponseStatusException} or
 * {@code ErrorResponseException} with their own problem type, which Spring renders the same way.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    /** While Redis is unavailable every request is refused: one warning line per 5 s says so. */
    private final WarningThrottle unavailableWarnings = new WarningThrottle(Duration.ofSeconds(5));

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        String in = InvalidInput.location(ex.getParameter());
        return invalid(ex, InvalidInput.of(ex.getBindingResult().getAllErrors(), in), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException ex,
                                                                            HttpHeaders headers, HttpStatusCode status,
                                                                            WebRequest request) {
        List<InvalidInput> errors = new ArrayList<>();
        ex.getParameterValidationResults().forEach(r -> errors.addAll(InvalidInput.of(r)));
        ex.getCrossParameterValidationResults().forEach(e ->
                errors.add(new InvalidInput(null, "query", InvalidInput.ruleOf(null, e), e.getDefaultMessage())));
        return invalid(ex, errors, headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
                                                        HttpStatusCode status, WebRequest request) {
        Class<?> type = ex.getRequiredType() == null ? Object.class : ex.getRequiredType();
        InvalidInput error = ex instanceof MethodArgumentTypeMismatchException m
                ? InvalidInput.typeMismatch(m.getName(), InvalidInput.location(m.getParameter()), type)
                : InvalidInput.typeMismatch(ex.getPropertyName(), "query", type);
        return invalid(ex, List.of(error), headers, status, request);
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestParameter(MissingServletRequestParameterException ex,
                                                                          HttpHeaders headers, HttpStatusCode status,
                                                                          WebRequest request) {
        return invalid(ex, List.of(InvalidInput.missing(ex.getParameterName(), "query")), headers, status, request);
    }

    /**
     * A body that is missing, cut off at the size limit, not JSON, or JSON with a value of the wrong
     * type: say which, and where.
     */
    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex, HttpHeaders headers,
                                                                  HttpStatusCode status, WebRequest request) {
        for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException io && io.getMessage() != null
                    && io.getMessage().startsWith(RequestSizeLimitFilter.TOO_LARGE)) {
                return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, io.getMessage()),
                        headers, status, request);
            }
        }
        for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
            if (t instanceof JacksonException j && !(t instanceof tools.jackson.core.exc.JacksonIOException)) {
                return invalid(ex, List.of(InvalidInput.unreadable(j)), headers, status, request);
            }
        }
        String detail = ex.getCause() == null && ex.getMessage() != null && ex.getMessage().startsWith("Required request body is missing")
                ? "the request body is missing (a JSON body is expected)" : "the request body could not be read";
        return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(status, detail), headers, status, request);
    }

    private ResponseEntity<Object> invalid(Exception ex, List<InvalidInput> errors, HttpHeaders headers,
                                           HttpStatusCode status, WebRequest request) {
        List<InvalidInput> sorted = errors.stream().sorted(InvalidInput.ORDER).toList();
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, "invalid input: "
                + sorted.stream().map(InvalidInput::summary).collect(Collectors.joining("; ")));
        body.setProperty("errors", sorted.stream().map(InvalidInput::toMap).toList());
        return handleExceptionInternal(ex, body, headers, status, request);
    }

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
        long skipped = unavailableWarnings.admit();
        if (skipped == 0) log.warn("Redis unavailable: {}", e.getMessage());
        else if (skipped > 0) log.warn("Redis unavailable: {} ({} more such answers not logged since the last line)",
                e.getMessage(), skipped);
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        p.setTitle("Redis unavailable");
        p.setProperty("retryable", true);
        return p;
    }

    /**
     * Lettuce reports a connection dropped mid-command (the master died under it), or a command
     * timed out, as a RedisSystemException, or as its own RedisException where the pattern library
     * calls Lettuce directly: that is Redis being unavailable too (503, retryable), as are the server's "not now"
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

    /**
     * Lettuce's own words for a node it is not connected to: a command rejected while the node is
     * disconnected (the cluster clients reject rather than queue, see CacheConfiguration.clusterOptions),
     * or one cut off when its connection went. Plain RedisExceptions, told apart only by their text;
     * during a failover there are thousands, and each must be one warning line, not an error's trace.
     */
    private static final java.util.regex.Pattern NOT_CONNECTED =
            java.util.regex.Pattern.compile("Currently not connected\\b.*|Connection (disconnected|closed)\\b.*");

    private static boolean unavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException || t instanceof io.lettuce.core.RedisConnectionException
                    || t instanceof io.lettuce.core.RedisCommandTimeoutException) return true;
            if (t.getClass() == io.lettuce.core.RedisException.class && t.getMessage() != null
                    && NOT_CONNECTED.matcher(t.getMessage()).matches()) return true;
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
