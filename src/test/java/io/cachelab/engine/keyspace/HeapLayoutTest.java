package io.cachelab.engine.keyspace;

import io.cachelab.engine.type.HashValue;
import io.cachelab.engine.type.ListValue;
import io.cachelab.engine.type.SetValue;
import io.cachelab.engine.type.StringValue;
import io.cachelab.engine.type.ZSetValue;
import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.util.Dict;
import io.cachelab.engine.util.Listpack;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HeapLayout prices objects as HotSpot lays them out. Each price is checked against the bytes
 * this JVM really allocates: com.sun.management.ThreadMXBean's per-thread allocation counter, over
 * 10,000 instances made by Unsafe.allocateInstance, so that no constructor allocates anything else.
 * The check runs here, with the compressed references of any heap below 32 GB, and in a child JVM
 * started with -XX:-UseCompressedOops, the layout of a heap of 32 GB or more. In that child,
 * HeapModel prices a key at the bytes its objects take there.
 */
class HeapLayoutTest {
    private static final int N = 10_000;

    @Test
    void layoutFollowsHotSpotsFlags() {
        assertThat(HeapLayout.of(true, true, 8)).isEqualTo(HeapLayout.COMPRESSED).isEqualTo(new HeapLayout(4, 12, 16, 8));
        assertThat(HeapLayout.of(false, true, 8)).isEqualTo(new HeapLayout(8, 12, 16, 8));
        assertThat(HeapLayout.of(false, false, 8)).isEqualTo(new HeapLayout(8, 16, 24, 8));
        assertThat(HeapLayout.of(true, true, 16).align(20)).isEqualTo(32);
    }

    @Test
    void everyPricedClassAndArrayCostsWhatThisJvmAllocates() throws Exception {
        assertThat(mismatches(HeapLayout.ofThisJvm())).isEmpty();
    }

    @Test
    void withoutCompressedReferencesTheChildJvmIsPricedAsItAllocates() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-XX:-UseCompressedOops", "-cp", System.getProperty("java.class.path"),
                Check.class.getName()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).as(out).contains("layout HeapLayout[ref=8, header=12, arrayHeader=16, align=8]", "mismatches []");
        // EvictionTest's key ("key:00001" -> 100 bytes) is 208 bytes with compressed references:
        // entry 24 -> 40, StringValue 32 -> 40, the two byte arrays (32, 120) unchanged
        assertThat(out).as(out).contains("string key 232");
    }

    /** Run in the child JVM: its layout, the classes and arrays priced wrong there, and one key's price. */
    static final class Check {
        public static void main(String[] args) throws Exception {
            System.out.println("layout " + HeapLayout.ofThisJvm());
            System.out.println("mismatches " + mismatches(HeapLayout.ofThisJvm()));
            StringValue value = new StringValue(new byte[100]);
            System.out.println("string key " + HeapModel.entryBytes(new Bytes("key:00001".getBytes(StandardCharsets.UTF_8)), value));
        }
    }

    static List<String> mismatches(HeapLayout layout) throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Class<?> c : List.of(Long.class, Double.class, Dict.Entry.class, Dict.class, Bytes.class, Listpack.class,
                StringValue.class, HashValue.class, SetValue.class, ZSetValue.class, ZSetValue.Node.class, ListValue.class,
                LinkedHashMap.class, LinkedHashSet.class, Class.forName("java.util.LinkedHashMap$Entry"))) {
            long allocated = allocated(i -> allocateInstance(c));
            if (allocated != layout.instance(c)) wrong.add(c.getName() + " allocates " + allocated + ", priced " + layout.instance(c));
        }
        for (int n : new int[] {0, 1, 5, 16, 33}) {
            check(wrong, "byte[" + n + "]", allocated(i -> new byte[n]), layout.byteArray(n));
            check(wrong, "Object[" + n + "]", allocated(i -> new Object[n]), layout.refArray(n));
            check(wrong, "int[" + n + "]", allocated(i -> new int[n]), layout.intArray(n));
            check(wrong, "long[" + n + "]", allocated(i -> new long[n]), layout.longArray(n));
        }
        return wrong;
    }

    private static void check(List<String> wrong, String what, long allocated, long priced) {
        if (allocated != priced) wrong.add(what + " allocates " + allocated + ", priced " + priced);
    }

    /** Bytes this thread allocates per object, over N objects kept alive, measured on a third round (warm). */
    private static long allocated(IntFunction<Object> make) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        Object[] keep = new Object[N];
        long bytes = 0;
        for (int round = 0; round < 3; round++) {
            long before = threads.getThreadAllocatedBytes(id);
            for (int i = 0; i < N; i++) keep[i] = make.apply(i);
            bytes = threads.getThreadAllocatedBytes(id) - before;
        }
        return Math.round((double) bytes / N);
    }

    private static Object allocateInstance(Class<?> c) {
        try {
            return UNSAFE.allocateInstance(c);
        } catch (InstantiationException e) {
            throw new AssertionError(e);
        }
    }

    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
