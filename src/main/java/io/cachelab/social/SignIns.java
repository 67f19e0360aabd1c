package io.cachelab.social;

import org.springframework.data.redis.connection.BitFieldSubCommands;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Service;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/**
 * Daily sign-in as one bitmap per user and month (at most 4 bytes): SETBIT day-1 marks a day (and
 * answers whether it was already marked), BITCOUNT counts the month's days, and one BITFIELD GET u{n}
 * reads the first n days as a number whose lowest bit is day n, so a streak ending on day n is that
 * number's trailing ones. Streaks are counted within the month, as the bitmap is.
 */
@Service
class SignIns {
    private final StringRedisTemplate redis;

    SignIns(StringRedisTemplate redis) {
        this.redis = redis;
    }

    record SignIn(LocalDate date, boolean alreadySignedIn, long daysThisMonth, int streak) {
    }

    record Month(YearMonth month, List<Integer> days, long count, int streak) {
    }

    SignIn signIn(long user, LocalDate date) {
        String key = SocialKeys.signIns(user, YearMonth.from(date));
        Boolean before = redis.opsForValue().setBit(key, date.getDayOfMonth() - 1, true);
        return new SignIn(date, Boolean.TRUE.equals(before), bitCount(key), trailingOnes(firstDays(key, date.getDayOfMonth())));
    }

    /**
     * The days signed in a month, their count, and the streak ending today (this month) or on the
     * month's last day (a past month); 0 for a month that has not begun.
     */
    Month month(long user, YearMonth month, LocalDate today) {
        String key = SocialKeys.signIns(user, month);
        int length = month.lengthOfMonth();
        long bits = firstDays(key, length);
        List<Integer> days = new ArrayList<>();
        for (int day = 1; day <= length; day++) {
            if ((bits >>> (length - day) & 1) == 1) days.add(day);
        }
        YearMonth current = YearMonth.from(today);
        int last = month.equals(current) ? today.getDayOfMonth() : month.isBefore(current) ? length : 0;
        int streak = last == 0 ? 0 : trailingOnes(bits >>> (length - last));
        return new Month(month, days, bitCount(key), streak);
    }

    /** BITFIELD key GET u{days} 0: bit 0 of the key (day 1) is the highest of the answer. */
    private long firstDays(String key, int days) {
        List<Long> r = redis.opsForValue().bitField(key,
                BitFieldSubCommands.create().get(BitFieldSubCommands.BitFieldType.unsigned(days)).valueAt(0));
        return r == null || r.isEmpty() || r.get(0) == null ? 0 : r.get(0);
    }

    private long bitCount(String key) {
        Long n = redis.execute((RedisCallback<Long>) c -> c.stringCommands().bitCount(key.getBytes(StandardCharsets.UTF_8)));
        return n == null ? 0 : n;
    }

    private static int trailingOnes(long bits) {
        return Long.numberOfTrailingZeros(~bits);
    }
}
