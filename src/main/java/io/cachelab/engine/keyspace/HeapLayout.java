package io.cachelab.engine.keyspace;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

/**
 * How this JVM lays out objects: reference size, object header, array header and alignment, read
 * from HotSpot's flags once. Redis asks its allocator for the size of each allocation
 * (zmalloc_size); a JVM does not tell, so {@link HeapModel} computes sizes from the shapes of the
 * classes and needs the layout. By default a 64-bit HotSpot with a heap below 32 GB compresses its
 * references to 4 bytes. From -Xmx32g up, or with -XX:-UseCompressedOops, references take 8 bytes,
 * so a Dict entry grows from 24 to 40 bytes and a table slot from 4 to 8. Priced with the compressed
 * layout, used_memory would then undercount the heap by about a third, and maxmemory would no longer
 * bound it.
 *
 * <p>An instance is priced as its header plus its fields (those of superclasses too), rounded up to
 * the alignment. That is HotSpot's layout whenever its field packing leaves no gap but the last one,
 * which holds for the engine's classes (checked by HeapLayoutTest and by bench/memory.sh, which
 * compares used_memory with the heap after a full GC).
 */
public record HeapLayout(int ref, int header, int arrayHeader, int align) {
    /** The default for heaps below 32 GB: 4-byte references, 12-byte headers, 8-byte alignment. */
    public static final HeapLayout COMPRESSED = new HeapLayout(4, 12, 16, 8);

    /**
     * This JVM's layout, or {@link #COMPRESSED} when its flags cannot be read. Without that bean
     * the JVM is not HotSpot, and the estimate is only as good as the default.
     */
    public static HeapLayout ofThisJvm() {
        try {
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean oops = Boolean.parseBoolean(vm.getVMOption("UseCompressedOops").getValue());
            boolean klass = Boolean.parseBoolean(vm.getVMOption("UseCompressedClassPointers").getValue());
            int align = Integer.parseInt(vm.getVMOption("ObjectAlignmentInBytes").getValue());
            return of(oops, klass, align);
        } catch (RuntimeException | LinkageError e) {
            return COMPRESSED;
        }
    }

    /** The layout for the given HotSpot flags (mark word 8 bytes, class pointer 4 or 8). */
    public static HeapLayout of(boolean compressedOops, boolean compressedClassPointers, int align) {
        int header = 8 + (compressedClassPointers ? 4 : 8);
        // the array length follows the header; elements start at the next 8-byte boundary
        return new HeapLayout(compressedOops ? 4 : 8, header, (header + 4 + 7) & ~7, align);
    }

    public long align(long n) {
        return (n + align - 1) / align * align;
    }

    /** One instance of {@code c}: header and every instance field, its superclasses' included. */
    public long instance(Class<?> c) {
        long fields = 0;
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (!Modifier.isStatic(f.getModifiers())) fields += fieldBytes(f.getType());
            }
        }
        return align(header + fields);
    }

    private int fieldBytes(Class<?> type) {
        if (!type.isPrimitive()) return ref;
        if (type == long.class || type == double.class) return 8;
        if (type == int.class || type == float.class) return 4;
        if (type == short.class || type == char.class) return 2;
        return 1;
    }

    public long byteArray(long n) {
        return align(arrayHeader + n);
    }

    public long refArray(long n) {
        return align(arrayHeader + (long) ref * n);
    }

    public long intArray(long n) {
        return align(arrayHeader + 4 * n);
    }

    public long longArray(long n) {
        return align(arrayHeader + 8 * n);
    }
}
