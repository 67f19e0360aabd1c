package io.cachelab.coupon;

import java.util.Map;

/**
 * One accepted claim as it travels through the queue: the fields of the stream entry the Lua script
 * wrote, and the Kafka record's value. {@code claimNo} is what the client got in the 202 and the
 * Kafka key; it starts with the coupon id so a status lookup knows which coupon's keys to read.
 */
record Claim(String claimNo, long couponId, long userId) {

    static Claim of(Map<String, String> fields) {
        String no = fields.get("claim"), coupon = fields.get("coupon"), user = fields.get("user");
        if (no == null || coupon == null || user == null)
            throw new IllegalArgumentException("not a claim entry: " + fields);
        return new Claim(no, Long.parseLong(coupon), Long.parseLong(user));
    }

    /** The coupon id encoded in a claim number, or -1 when the text is not one of ours. */
    static long couponOf(String claimNo) {
        int dash = claimNo.indexOf('-');
        if (dash <= 0) return -1;
        try {
            return Long.parseLong(claimNo.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    String toJson() {
        return "{\"claim\":\"" + claimNo + "\",\"coupon\":\"" + couponId + "\",\"user\":\"" + userId + "\"}";
    }
}
