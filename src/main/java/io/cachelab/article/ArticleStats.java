package io.cachelab.article;

import io.cachelab.cache.ReplicasNotAcknowledgedException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.ZSetOperations;
import org.springframework.stereotype.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Numbers that change on every request live in Redis only, where INCR, ZINCRBY and SADD are atomic and
 * cost no row lock: a view counter per article, one sorted set ranking articles by views (the hot
 * list is one ZREVRANGE), and a set of user ids per article for likes (SADD makes a second like by the
 * same user a no-op, and SCARD is the count). Writing them back to the article row is a batch job's
 * business, not the request's.
 */
@Service
class ArticleStats {
    static final String VIEWS = "cachelab:article:views:";
    static final String HOT = "cachelab:article:hot";
    static final String LIKES = "cachelab:article:likes:";

    private final StringRedisTemplate redis;
    private final ArticleCache cache;
    private final int waitReplicas;
    private final long waitTimeoutMs;

    /**
     * {@code cachelab.articles.views-wait-replicas} > 0: a view is acknowledged only after WAIT saw that
     * many replicas take the INCR (within {@code views-wait-timeout-ms}); otherwise the request answers
     * 503. It narrows what a failover can lose (docs/walkthroughs/sentinel.md measures it); the
     * default 0 answers as soon as the master has the write, as Redis replication does.
     */
    ArticleStats(StringRedisTemplate redis, ArticleCache cache,
                 @Value("${cachelab.articles.views-wait-replicas:0}") int waitReplicas,
                 @Value("${cachelab.articles.views-wait-timeout-ms:200}") long waitTimeoutMs) {
        this.redis = redis;
        this.cache = cache;
        this.waitReplicas = waitReplicas;
        this.waitTimeoutMs = waitTimeoutMs;
    }

    record Views(long id, long views) {
    }

    record Hot(long id, String title, long views) {
    }

    record Like(long id, boolean added, long likes) {
    }

    record LikeCount(long id, long likes) {
    }

    Views view(long id) {
        requireArticle(id);
        Long views = redis.opsForValue().increment(VIEWS + id);
        redis.opsForZSet().incrementScore(HOT, Long.toString(id), 1);
        if (waitReplicas > 0) awaitReplicas();
        return new Views(id, views == null ? 0 : views);
    }

    /** WAIT on the shared connection, which also carried this request's writes. */
    private void awaitReplicas() {
        Long acked = redis.execute((RedisCallback<Long>) c -> {
            @SuppressWarnings("unchecked")
            var commands = (io.lettuce.core.api.async.BaseRedisAsyncCommands<byte[], byte[]>) c.getNativeConnection();
            try {
                return commands.waitForReplication(waitReplicas, waitTimeoutMs).get(waitTimeoutMs + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return 0L;
            } catch (ExecutionException | TimeoutException e) {
                throw new QueryTimeoutException("WAIT failed: " + e.getMessage(), e);
            }
        });
        if (acked == null || acked < waitReplicas) {
            throw new ReplicasNotAcknowledgedException(waitReplicas, acked == null ? 0 : acked, waitTimeoutMs);
        }
    }

    List<Hot> hot(int limit) {
        Set<ZSetOperations.TypedTuple<String>> top = redis.opsForZSet().reverseRangeWithScores(HOT, 0, limit - 1);
        List<Hot> result = new ArrayList<>();
        if (top == null) return result;
        for (ZSetOperations.TypedTuple<String> t : top) {
            long id = Long.parseLong(t.getValue());
            Article a = cache.read(id, null).value();
            // a deleted article leaves the ranking instead of showing without a title
            if (a == null) redis.opsForZSet().remove(HOT, t.getValue());
            else result.add(new Hot(id, a.getTitle(), t.getScore() == null ? 0 : t.getScore().longValue()));
        }
        return result;
    }

    Like like(long id, long userId) {
        requireArticle(id);
        Long added = redis.opsForSet().add(LIKES + id, Long.toString(userId));
        Long count = redis.opsForSet().size(LIKES + id);
        return new Like(id, added != null && added == 1, count == null ? 0 : count);
    }

    LikeCount likeCount(long id) {
        Long count = redis.opsForSet().size(LIKES + id);
        return new LikeCount(id, count == null ? 0 : count);
    }

    private void requireArticle(long id) {
        if (cache.read(id, null).value() == null) throw ArticleController.notFound(id);
    }
}
