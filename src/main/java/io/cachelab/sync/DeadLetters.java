package io.cachelab.sync;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an event that kept failing goes instead of blocking the feed forever: an ERROR log line with
 * the whole event, the counter {@code cachelab.sync.dead.letters{source}}, and a bounded Redis list
 * {@value #KEY} (newest last) holding {event, error, position, source, at} as JSON, so an operator
 * can see and replay what was skipped. Losing the Redis copy (Redis down) is logged, never thrown:
 * the log line already holds everything.
 */
public class DeadLetters {
    public static final String KEY = "cachelab:sync:dead-letters";
    static final int MAX_KEPT = 1000;
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final StringRedisTemplate redis;
    private final MeterRegistry meters;
    private final JsonMapper json = JsonMapper.builder().build();

    public DeadLetters(StringRedisTemplate redis, MeterRegistry meters) {
        this.redis = redis;
        this.meters = meters;
    }

    /** {@code event} is the ChangeEvent, or the raw payload when it could not be read as one. */
    public void record(String source, Object event, String position, Throwable error) {
        Map<String, Object> letter = new LinkedHashMap<>();
        letter.put("source", source);
        letter.put("position", position);
        letter.put("at", Instant.now().toString());
        letter.put("error", String.valueOf(error));
        letter.put("event", event);
        String text = json.writeValueAsString(letter);
        meters.counter("cachelab.sync.dead.letters", "source", source).increment();
        log.error("dead letter (skipped, not retried further): {}", text, error);
        try {
            redis.opsForList().rightPush(KEY, text);
            redis.opsForList().trim(KEY, -MAX_KEPT, -1);
        } catch (RuntimeException e) {
            log.error("could not keep the dead letter in Redis {}; it is in the log line above", KEY, e);
        }
    }

    public List<String> list() {
        List<String> all = redis.opsForList().range(KEY, 0, -1);
        return all == null ? List.of() : all;
    }
}
