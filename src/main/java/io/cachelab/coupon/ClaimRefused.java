package io.cachelab.coupon;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A claim the script refused (sold out, already claimed, outside the window, too fast): an expected
 * answer, most of a flash sale's answers in fact, not a failure. Rendered as a problem detail like
 * every other error, but without a stack trace: filling one in cost as much CPU as deciding the
 * claim in a profile under load (docs/benchmarks.md), and it would say nothing, since the cause is
 * the script's answer.
 */
final class ClaimRefused extends ErrorResponseException {
    ClaimRefused(HttpStatus status, ProblemDetail body) {
        super(status, body, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
