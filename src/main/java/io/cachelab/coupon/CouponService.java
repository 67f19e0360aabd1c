package io.cachelab.coupon;

import io.cachelab.cache.CacheClient;
import io.cachelab.cache.CachePolicies;
import io.cachelab.cache.CacheResult;
import org.redisson.api.RLock;
import org.redisson.api.RReadWriteLock;
import org.redisson.api.RedissonClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.server.ResponseStatusException;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A coupon's data and its stock, kept strongly consistent between the database and Redis with a
 * Redisson read-write lock per coupon: readers of the stock hold the read lock, an admin change holds
 * the write lock across "database, then Redis", so no reader can see the old Redis value after a
 * change completed, nor a half-done change. The coupon's static fields (title, window) are cached
 * through the pattern library like any entity; the stock is not, since it is what the lock protects.
 *
 * <p>Redis is "warmed" from the database (stock, claimed users, window) when a coupon is created and
 * whenever its keys are missing (a flushed or restarted Redis); the window is written last, so the
 * claim script treats a half-warmed coupon as not loaded.
 */
@Service
class CouponService {
    private static final Logger log = LoggerFactory.getLogger(CouponService.class);
    /** Sets the Redis stock to the database's minus the unsettled accepted claims; returns what it set. */
    private static final RedisScript<Long> WARM_STOCK = new DefaultRedisScript<>("""
            local inFlight = redis.call('HLEN', KEYS[2]) - tonumber(ARGV[2])
            if inFlight < 0 then inFlight = 0 end
            local stock = tonumber(ARGV[1]) - inFlight
            if stock < 0 then stock = 0 end
            redis.call('SET', KEYS[1], stock)
            return stock""", Long.class);
    /** Sets the Redis stock and returns how many users Redis has accepted, in one atomic step. */
    private static final RedisScript<Long> SET_STOCK = new DefaultRedisScript<>(
            "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('HLEN', KEYS[2])", Long.class);

    record CouponView(long id, String title, Instant beginAt, Instant endAt, int perUserLimit) {
    }

    record AdminView(long id, String title, Instant beginAt, Instant endAt, int perUserLimit, int stock,
                     Long cachedStock, long claims, long accepted, long queuePending, long queueLength) {
    }

    record NewCoupon(String title, int stock, Instant beginAt, Instant endAt) {
    }

    /** Published after a coupon is created so the claim worker starts consuming its stream. */
    record CouponCreated(long id) {
    }

    private final CouponMapper coupons;
    private final ClaimMapper claims;
    private final DeadLetterMapper deadLetters;
    private final StringRedisTemplate redis;
    private final RedissonClient redisson;
    private final CacheClient cache;
    private final CachePolicies policies;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final ClaimsProperties props;

    CouponService(CouponMapper coupons, ClaimMapper claims, DeadLetterMapper deadLetters, StringRedisTemplate redis, RedissonClient redisson,
                  CacheClient cache, CachePolicies policies, TransactionTemplate tx,
                  ApplicationEventPublisher events, ClaimsProperties props) {
        this.coupons = coupons;
        this.claims = claims;
        this.deadLetters = deadLetters;
        this.redis = redis;
        this.redisson = redisson;
        this.cache = cache;
        this.policies = policies;
        this.tx = tx;
        this.events = events;
        this.props = props;
    }

    AdminView create(NewCoupon c) {
        if (c.title() == null || c.title().isBlank()) throw new IllegalArgumentException("title is required");
        if (c.stock() < 0) throw new IllegalArgumentException("stock must be >= 0");
        if (c.beginAt() == null || c.endAt() == null || !c.beginAt().isBefore(c.endAt()))
            throw new IllegalArgumentException("beginAt must be before endAt");
        Coupon row = new Coupon();
        row.setTitle(c.title());
        row.setStock(c.stock());
        row.setBeginAt(utc(c.beginAt()));
        row.setEndAt(utc(c.endAt()));
        row.setPerUserLimit(1);
        row.setVersion(0);
        coupons.insert(row);
        warm(row.getId());
        events.publishEvent(new CouponCreated(row.getId()));
        log.info("coupon {} created with stock {}, window {} .. {}", row.getId(), c.stock(), c.beginAt(), c.endAt());
        return adminView(row.getId());
    }

    /** The coupon's static fields through the pattern library (the "coupon" cache policy). */
    CacheResult<CouponView> view(long id) {
        CacheResult<CouponView> r = cache.get(Long.toString(id), CouponView.class,
                () -> {
                    Coupon c = coupons.selectById(id);
                    return c == null ? null : new CouponView(c.getId(), c.getTitle(), instant(c.getBeginAt()),
                            instant(c.getEndAt()), c.getPerUserLimit());
                }, policies.policy("coupon"));
        if (r.value() == null) throw notFound(id);
        return r;
    }

    /**
     * The stock as claims see it (Redis), read under the read lock. On a miss the value is loaded
     * under the write lock, so a loader cannot overwrite a concurrent admin change with an older row.
     */
    long stock(long id) {
        RReadWriteLock rw = redisson.getReadWriteLock(CouponKeys.stockLock(id));
        RLock read = rw.readLock();
        read.lock();
        try {
            String v = redis.opsForValue().get(CouponKeys.stock(id));
            if (v != null) return Long.parseLong(v);
        } finally {
            read.unlock();
        }
        // a miss: load under the write lock, and read the value while still holding it (an eviction
        // racing with us may delete it again, so load until it is there)
        RLock write = rw.writeLock();
        write.lock();
        try {
            for (int attempt = 0; ; attempt++) {
                warm(id);
                String v = redis.opsForValue().get(CouponKeys.stock(id));
                if (v != null) return Long.parseLong(v);
                if (attempt == 10) throw new IllegalStateException("coupon " + id + " stock keeps vanishing from Redis");
            }
        } finally {
            write.unlock();
        }
    }

    /**
     * Sets the remaining stock under the write lock: database, then Redis, then release. Claims
     * accepted by Redis but not yet persisted ("in flight") will still decrement the database row, so
     * the row is set to {@code stock + inFlight}; counting both while the coupon row is locked
     * {@code FOR UPDATE} (which holds off every persisting worker) makes that count exact. Dead-lettered
     * claims are not in flight: they will never decrement the row.
     */
    long setStock(long id, int stock) {
        if (stock < 0) throw new IllegalArgumentException("stock must be >= 0");
        RLock write = redisson.getReadWriteLock(CouponKeys.stockLock(id)).writeLock();
        write.lock();
        try {
            warm(id); // reentrant: the write lock is ours already
            try {
            tx.executeWithoutResult(status -> {
                if (coupons.selectForUpdate(id) == null) throw notFound(id);
                Long accepted = redis.execute(SET_STOCK, List.of(CouponKeys.stock(id), CouponKeys.users(id)),
                        Integer.toString(stock));
                // accepted by Redis = persisted + dead-lettered (never will be) + in flight
                long settled = claims.countByCoupon(id) + deadLetters.countByCoupon(id);
                long inFlight = Math.max(0, (accepted == null ? 0 : accepted) - settled);
                coupons.setStock(id, (int) (stock + inFlight));
                log.info("coupon {} stock set to {} (database {} with {} claims in flight)", id, stock,
                        stock + inFlight, inFlight);
            });
            } catch (RuntimeException e) {
                // Redis may hold the new value while the database rolled back: drop it (still under the
                // write lock) so the next reader reloads it from the database
                redis.delete(CouponKeys.stock(id));
                throw e;
            }
            return stock;
        } finally {
            write.unlock();
        }
    }

    /**
     * Loads the coupon's Redis keys from the database if they are missing. Throws 404 for no such coupon.
     * The stock written is the database's minus the claims Redis accepted that are not settled yet
     * (the same in-flight count as {@link #setStock}, under the same row lock), so reloading a lost
     * stock key while claims sit in the queue cannot hand them out a second time.
     */
    void warm(long id) {
        if (loaded(id)) return;
        RLock write = redisson.getReadWriteLock(CouponKeys.stockLock(id)).writeLock();
        write.lock();
        try {
            if (loaded(id)) return;
            tx.executeWithoutResult(status -> {
                Coupon c = coupons.selectForUpdate(id);
                if (c == null) throw notFound(id);
                List<Long> claimed = claims.userIds(id);
                // users who already have a persisted claim may not claim again after Redis lost its data
                if (!claimed.isEmpty() && !Boolean.TRUE.equals(redis.hasKey(CouponKeys.users(id)))) {
                    Map<String, String> users = new HashMap<>();
                    for (Long u : claimed) users.put(u.toString(), "persisted");
                    redis.opsForHash().putAll(CouponKeys.users(id), users);
                }
                long settled = claimed.size() + deadLetters.countByCoupon(id);
                Long stock = redis.execute(WARM_STOCK, List.of(CouponKeys.stock(id), CouponKeys.users(id)),
                        c.getStock().toString(), Long.toString(settled));
                // the window last: until it exists the claim script answers "not loaded"
                redis.opsForHash().putAll(CouponKeys.window(id), Map.of(
                        "begin", Long.toString(instant(c.getBeginAt()).toEpochMilli()),
                        "end", Long.toString(instant(c.getEndAt()).toEpochMilli())));
                log.info("coupon {} loaded into Redis: stock {} (database {}), {} claims persisted", id, stock,
                        c.getStock(), claimed.size());
            });
        } finally {
            write.unlock();
        }
    }

    private boolean loaded(long id) {
        Long n = redis.countExistingKeys(List.of(CouponKeys.window(id), CouponKeys.stock(id)));
        return n != null && n == 2;
    }

    AdminView adminView(long id) {
        Coupon c = coupons.selectById(id);
        if (c == null) throw notFound(id);
        String cached = redis.opsForValue().get(CouponKeys.stock(id));
        Long accepted = redis.opsForHash().size(CouponKeys.users(id));
        var stream = redisson.<String, String>getStream(CouponKeys.stream(id), org.redisson.client.codec.StringCodec.INSTANCE);
        long length = stream.isExists() ? stream.size() : 0;
        long pending = 0;
        if (length > 0) {
            try {
                pending = stream.getPendingInfo(props.getGroup()).getTotal();
            } catch (RuntimeException noGroupYet) {
                pending = 0;
            }
        }
        return new AdminView(c.getId(), c.getTitle(), instant(c.getBeginAt()), instant(c.getEndAt()),
                c.getPerUserLimit(), c.getStock(), cached == null ? null : Long.parseLong(cached),
                claims.countByCoupon(id), accepted == null ? 0 : accepted, pending, length);
    }

    List<Long> activeCouponIds(Instant now, java.time.Duration grace) {
        LocalDateTime since = utc(now.minus(grace));
        return coupons.selectList(new com.baomidou.mybatisplus.core.conditions.query.QueryWrapper<Coupon>()
                .select("id").gt("end_at", since)).stream().map(Coupon::getId).toList();
    }

    static ResponseStatusException notFound(long id) {
        return new ResponseStatusException(HttpStatus.NOT_FOUND, "no coupon " + id);
    }

    static LocalDateTime utc(Instant i) {
        return LocalDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    static Instant instant(LocalDateTime t) {
        return t.toInstant(ZoneOffset.UTC);
    }
}
