package io.cachelab.engine.script;

/**
 * The 48-bit linear congruential generator behind Redis's math.random (rand.c), so scripts see
 * the same sequence for the same seed as on real Redis, on every platform.
 */
final class Lrand48 {
    static final long MAX = Integer.MAX_VALUE;
    private static final long A = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;
    private long x = 0x1234ABCD330EL;

    void seed(int seed) {
        x = (((long) seed & 0xffffffffL) << 16 | 0x330E) & MASK;
    }

    long next() {
        x = (A * x + 0xB) & MASK;
        return x >>> 17;
    }
}
