package io.cachelab.config;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.ProblemDetail;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which Redis failures are "Redis unavailable" (503, retryable) and which stay a 500: a command
 * that timed out during a failover is the former (the cache's own Lettuce client reports it raw).
 */
@ExtendWith(OutputCaptureExtension.class)
class RedisErrorMappingTest {
    private final ApiExceptionHandler handler = new ApiExceptionHandler();

    @Test
    void timeoutsAndNotNowErrorsAre503AndOtherRedisErrorsAre500() {
        ProblemDetail timeout = handler.redisError(new RedisCommandTimeoutException("Command timed out after 2 second(s)"));
        assertThat(timeout.getStatus()).isEqualTo(503);
        assertThat(timeout.getProperties()).containsEntry("retryable", true);
        ProblemDetail wrapped = handler.redisError(new RedisSystemException("x",
                new RedisCommandTimeoutException("Command timed out")));
        assertThat(wrapped.getStatus()).isEqualTo(503);
        assertThat(handler.redisError(new RedisCommandExecutionException("READONLY You can't write against a read only replica."))
                .getStatus()).isEqualTo(503);
        assertThat(handler.redisError(new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value"))
                .getStatus()).isEqualTo(500);
    }

    /** What the cluster clients answer for a disconnected node (they reject rather than queue): 503, one warning line. */
    @Test
    void commandsRejectedForADisconnectedNodeAre503() {
        ProblemDetail rejected = handler.redisError(new io.lettuce.core.RedisException("Currently not connected. Commands are rejected."));
        assertThat(rejected.getStatus()).isEqualTo(503);
        assertThat(rejected.getProperties()).containsEntry("retryable", true);
        assertThat(handler.redisError(new RedisSystemException("Redis exception",
                new io.lettuce.core.RedisException("Connection disconnected"))).getStatus()).isEqualTo(503);
        assertThat(handler.redisError(new io.lettuce.core.RedisException("ERR unknown command")).getStatus()).isEqualTo(500);
    }

    /** An outage refuses every request; the log says so once per 5 s, not once per request. */
    @Test
    void aBurstOfUnavailableAnswersIsOneWarningLine(CapturedOutput output) {
        ApiExceptionHandler fresh = new ApiExceptionHandler();
        for (int i = 0; i < 1000; i++) {
            assertThat(fresh.redisError(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")).getStatus())
                    .isEqualTo(503);
        }
        assertThat(output.getOut().lines().filter(l -> l.contains("Redis unavailable: CLUSTERDOWN")).count()).isEqualTo(1);
    }
}
