package io.cachelab.social;

import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Service;

import java.util.List;
import java.util.Set;

/**
 * The follow graph as two sets per user: whom they follow and who follows them. Following writes
 * both sides in one script, so nobody ever sees one side without the other; SADD/SREM make a repeat
 * a no-op. Common follows are one SINTER of two following sets.
 */
@Service
class Follows {
    /** KEYS: my following set, the target's followers set; ARGV: my id, the target's id. Answers {changed, my following count}. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final RedisScript<List<Long>> FOLLOW = new DefaultRedisScript<>(
            "local changed = redis.call('SADD', KEYS[1], ARGV[2]) redis.call('SADD', KEYS[2], ARGV[1]) "
                    + "return {changed, redis.call('SCARD', KEYS[1])}", (Class) List.class);
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static final RedisScript<List<Long>> UNFOLLOW = new DefaultRedisScript<>(
            "local changed = redis.call('SREM', KEYS[1], ARGV[2]) redis.call('SREM', KEYS[2], ARGV[1]) "
                    + "return {changed, redis.call('SCARD', KEYS[1])}", (Class) List.class);

    private final StringRedisTemplate redis;

    Follows(StringRedisTemplate redis) {
        this.redis = redis;
    }

    record Change(long userId, long targetId, boolean changed, long followingCount) {
    }

    record Ids(long userId, long count, List<Long> ids) {
    }

    record Common(long userId, long with, long count, List<Long> ids) {
    }

    Change follow(long user, long target) {
        return run(FOLLOW, user, target);
    }

    Change unfollow(long user, long target) {
        return run(UNFOLLOW, user, target);
    }

    private Change run(RedisScript<List<Long>> script, long user, long target) {
        List<Long> r = redis.execute(script, List.of(SocialKeys.following(user), SocialKeys.followers(target)),
                Long.toString(user), Long.toString(target));
        return new Change(user, target, r.get(0) == 1, r.get(1));
    }

    Ids following(long user) {
        return ids(user, redis.opsForSet().members(SocialKeys.following(user)));
    }

    Ids followers(long user) {
        return ids(user, redis.opsForSet().members(SocialKeys.followers(user)));
    }

    /** SINTER of both following sets: whom both users follow. */
    Common common(long user, long other) {
        List<Long> ids = sorted(redis.opsForSet().intersect(SocialKeys.following(user), SocialKeys.following(other)));
        return new Common(user, other, ids.size(), ids);
    }

    Set<String> followerIds(long user) {
        return redis.opsForSet().members(SocialKeys.followers(user));
    }

    private static Ids ids(long user, Set<String> members) {
        List<Long> ids = sorted(members);
        return new Ids(user, ids.size(), ids);
    }

    private static List<Long> sorted(Set<String> members) {
        return members == null ? List.of() : members.stream().map(Long::parseLong).sorted().toList();
    }
}
