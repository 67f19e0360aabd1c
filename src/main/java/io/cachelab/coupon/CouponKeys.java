package io.cachelab.coupon;

/**
 * Every Redis key of a coupon in one place. The coupon id is the hash tag ({@code {42}}), so a coupon's
 * stock, its claimed users, its window and its claim stream land in one cluster slot and the claim
 * script may touch them all in one atomic call; the script itself builds no key.
 */
final class CouponKeys {
    private CouponKeys() {
    }

    private static String base(long id) {
        return "cachelab:coupon:{" + id + "}:";
    }

    /** The remaining stock, a plain integer string (GET, DECR). */
    static String stock(long id) {
        return base(id) + "stock";
    }

    /** Hash user id → claim number: who claimed, and with which claim. */
    static String users(long id) {
        return base(id) + "users";
    }

    /** Hash {begin, end} in epoch milliseconds: the claim window the script checks. */
    static String window(long id) {
        return base(id) + "window";
    }

    /** The claim queue of this coupon: a stream the script XADDs to, read by a consumer group. */
    static String stream(long id) {
        return base(id) + "claims";
    }

    /** Redisson read-write lock guarding the stock value against stale reads during an admin change. */
    static String stockLock(long id) {
        return base(id) + "stock:rwlock";
    }

    /** Redisson lock per user taken while a claim of that user is persisted. */
    static String userLock(long userId) {
        return "cachelab:lock:claim:user:" + userId;
    }

    /**
     * A user's recent claim requests for this coupon (sorted set, request time → claim number): the
     * claim script's sliding-window rate limit. In the coupon's slot, so the one script can read it.
     */
    static String recentRequests(long id, long userId) {
        return base(id) + "rate:" + userId;
    }
}
