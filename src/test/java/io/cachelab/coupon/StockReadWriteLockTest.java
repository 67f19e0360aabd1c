package io.cachelab.coupon;

import org.junit.jupiter.api.Test;
import org.redisson.api.RLock;
import org.redisson.api.RedissonClient;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 8 writers (admin stock changes) and 8 readers for 5 s, plus an "evictor" deleting the Redis value
 * every 10 ms so readers also take the load-on-miss path. Writes set increasing values in the order
 * they take effect; each operation records its start and end. A read is stale when it returned a
 * value older than the newest write that ended before the read began. The same check run on an
 * unlocked reader (load from the database, then SET) finds stale reads, so it is a check that can fail.
 */
class StockReadWriteLockTest extends ClaimTestBase {
    private static final long RUN_MS = 5_000;

    @Autowired
    CouponService coupons;
    @Autowired
    RedissonClient redisson;

    record Op(long value, long start, long end) {
    }

    @Test
    void noReadReturnsAValueOlderThanTheLastCompletedWrite() throws Exception {
        long coupon = createOpenCoupon(1);
        Result r = run(coupon, () -> coupons.stock(coupon), RUN_MS);
        System.out.printf("read-write lock: %d writes, %d reads, %d stale%n", r.writes.size(), r.reads.size(), r.stale().size());
        assertThat(r.writes).hasSizeGreaterThan(50);
        assertThat(r.reads).hasSizeGreaterThan(100);
        assertThat(r.stale()).as("stale reads among %d reads and %d writes", r.reads.size(), r.writes.size()).isEmpty();
    }

    @Test
    void theSameCheckCatchesAnUnlockedLoader() throws Exception {
        long coupon = createOpenCoupon(1);
        LongSupplier unlocked = () -> {
            String v = redis.opsForValue().get(CouponKeys.stock(coupon));
            if (v != null) return Long.parseLong(v);
            long fromDb = couponMapper.selectById(coupon).getStock();
            sleep(2); // the gap every cache-aside loader has between its read and its write
            redis.opsForValue().set(CouponKeys.stock(coupon), Long.toString(fromDb));
            return fromDb;
        };
        Result r = run(coupon, unlocked, 2_000);
        System.out.printf("unlocked loader: %d writes, %d reads, %d stale%n", r.writes.size(), r.reads.size(), r.stale().size());
        assertThat(r.stale()).as("an unlocked loader writes back values older than completed writes").isNotEmpty();
    }

    record Result(List<Op> writes, List<Op> reads) {
        /**
         * Reads that returned less than the newest value written before they began. Writers take
         * values in write-lock order, so a larger value is a later write; a write's end is recorded
         * before it releases the lock, so "ended before the read began" can only under-state what the
         * read must see, never over-state it.
         */
        List<Op> stale() {
            List<Op> byEnd = new ArrayList<>(writes);
            byEnd.sort(Comparator.comparingLong(Op::end));
            long[] ends = byEnd.stream().mapToLong(Op::end).toArray();
            long[] newestUpTo = new long[ends.length];
            for (int i = 0; i < ends.length; i++)
                newestUpTo[i] = Math.max(i == 0 ? Long.MIN_VALUE : newestUpTo[i - 1], byEnd.get(i).value());
            List<Op> stale = new ArrayList<>();
            for (Op read : reads) {
                int i = upperBound(ends, read.start()) - 1; // writes that ended before the read began
                if (i >= 0 && read.value() < newestUpTo[i]) stale.add(read);
            }
            return stale;
        }

        private static int upperBound(long[] a, long key) {
            int lo = 0, hi = a.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (a[mid] < key) lo = mid + 1;
                else hi = mid;
            }
            return lo;
        }
    }

    Result run(long coupon, LongSupplier reader, long millis) throws Exception {
        ConcurrentLinkedQueue<Op> writes = new ConcurrentLinkedQueue<>(), reads = new ConcurrentLinkedQueue<>();
        AtomicInteger values = new AtomicInteger(1_000);
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        long until = System.nanoTime() + millis * 1_000_000;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            threads.add(new Thread(() -> loop(go, until, errors, () -> {
                // the same (reentrant) write lock setStock takes, held around it so the value can be
                // drawn in lock order: values then grow with the order the writes took effect
                RLock write = redisson.getReadWriteLock(CouponKeys.stockLock(coupon)).writeLock();
                long s = System.nanoTime();
                write.lock();
                try {
                    int v = values.incrementAndGet();
                    coupons.setStock(coupon, v);
                    writes.add(new Op(v, s, System.nanoTime()));
                } finally {
                    write.unlock();
                }
            }), "writer-" + i));
            threads.add(new Thread(() -> loop(go, until, errors, () -> {
                long s = System.nanoTime();
                long v = reader.getAsLong();
                reads.add(new Op(v, s, System.nanoTime()));
            }), "reader-" + i));
        }
        threads.add(new Thread(() -> loop(go, until, errors, () -> {
            redis.delete(CouponKeys.stock(coupon));
            sleep(10);
        }), "evictor"));
        threads.forEach(Thread::start);
        go.countDown();
        for (Thread t : threads) t.join(millis + 30_000);
        assertThat(errors).isEmpty();
        return new Result(List.copyOf(writes), List.copyOf(reads));
    }

    private static void loop(CountDownLatch go, long until, ConcurrentLinkedQueue<Throwable> errors, Runnable step) {
        try {
            go.await();
            while (System.nanoTime() < until) step.run();
        } catch (Throwable t) {
            errors.add(t);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
