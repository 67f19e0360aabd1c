package io.cachelab.social;

import java.time.YearMonth;

/**
 * The social feature's Redis keys. Following and follower sets share the hash tag {@code {follow}},
 * so on a Redis Cluster they live in one slot and {@code SINTER} of two users' sets (and the follow
 * script, which writes both sides) run on one node; the price is that the whole follow graph sits on
 * one node. Feeds, posts and sign-in bitmaps are per user or per post and spread over the cluster.
 */
final class SocialKeys {
    static final String PREFIX = "cachelab:social:";

    private SocialKeys() {
    }

    /** SET of the ids a user follows. */
    static String following(long user) {
        return PREFIX + "{follow}:following:" + user;
    }

    /** SET of the ids following a user. */
    static String followers(long user) {
        return PREFIX + "{follow}:followers:" + user;
    }

    /** The post id counter (INCR). */
    static String postIds() {
        return PREFIX + "post-id";
    }

    /** HASH of one post: author, text, createdAt. */
    static String post(long id) {
        return PREFIX + "post:" + id;
    }

    /** ZSET of post ids delivered to a user, scored by the post id (ids only grow, so newest is highest). */
    static String feed(long user) {
        return PREFIX + "feed:" + user;
    }

    /** Bitmap of one user's sign-ins in one month: bit (day - 1) is set when the user signed in that day. */
    static String signIns(long user, YearMonth month) {
        return PREFIX + "sign:" + user + ":" + month.getYear() + String.format("%02d", month.getMonthValue());
    }
}
