package io.cachelab.social;

import org.springframework.data.redis.connection.RedisZSetCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A feed by push (fan-out on write): a post is a hash, and its id goes into the feed ZSET of its
 * author and of every follower at the time of posting, scored by the id itself. Post ids come from
 * INCR, so they only grow and never tie: newest first is ZREVRANGEBYSCORE, and the next page starts
 * below the last id seen ({@code before}), which stays right while new posts arrive (an offset would
 * shift). Each feed keeps its newest {@value #MAX_FEED} entries.
 */
@Service
class Feed {
    static final int MAX_FEED = 1_000;

    private final StringRedisTemplate redis;
    private final Follows follows;
    private final Clock clock = Clock.systemUTC();

    Feed(StringRedisTemplate redis, Follows follows) {
        this.redis = redis;
        this.follows = follows;
    }

    record Post(long id, long authorId, String text, Instant createdAt) {
    }

    record Posted(Post post, int deliveredTo) {
    }

    record Page(List<Post> posts, Long next) {
    }

    Posted post(long author, String text) {
        long id = redis.opsForValue().increment(SocialKeys.postIds());
        Instant at = clock.instant();
        redis.opsForHash().putAll(SocialKeys.post(id), Map.of("authorId", Long.toString(author), "text", text,
                "createdAt", at.toString()));
        Set<String> followers = follows.followerIds(author);
        Set<Long> readers = new LinkedHashSet<>();
        readers.add(author);
        if (followers != null) followers.forEach(f -> readers.add(Long.parseLong(f)));
        byte[] member = bytes(Long.toString(id));
        redis.executePipelined((RedisCallback<Object>) c -> {
            for (long reader : readers) {
                byte[] key = bytes(SocialKeys.feed(reader));
                c.zSetCommands().zAdd(key, id, member, RedisZSetCommands.ZAddArgs.empty());
                c.zSetCommands().zRemRange(key, 0, -(MAX_FEED + 1));
            }
            return null;
        });
        return new Posted(new Post(id, author, text, at), readers.size() - 1);
    }

    /** The newest {@code limit} posts of the user's feed with ids below {@code before} (all when null). */
    Page page(long user, Long before, int limit) {
        double max = before == null ? Double.POSITIVE_INFINITY : before - 1;
        Set<String> ids = redis.opsForZSet().reverseRangeByScore(SocialKeys.feed(user), Double.NEGATIVE_INFINITY, max, 0, limit);
        List<String> order = ids == null ? List.of() : new ArrayList<>(ids);
        List<Object> rows = redis.executePipelined((RedisCallback<Object>) c -> {
            for (String id : order) c.hashCommands().hGetAll(bytes(SocialKeys.post(Long.parseLong(id))));
            return null;
        });
        List<Post> posts = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            @SuppressWarnings("unchecked")
            Map<String, String> row = (Map<String, String>) rows.get(i);
            if (row == null || row.isEmpty()) continue;
            posts.add(new Post(Long.parseLong(order.get(i)), Long.parseLong(row.get("authorId")), row.get("text"),
                    Instant.parse(row.get("createdAt"))));
        }
        Long next = order.size() == limit ? Long.valueOf(order.get(order.size() - 1)) : null;
        return new Page(posts, next);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
