package io.cachelab.engine.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ACLCommandCategories from Redis's acl.c, in its order: the order ACL CAT lists them, COMMAND INFO
 * reports them and ACL GETUSER tries them. A command's categories are a bit set of these.
 */
public enum AclCategory {
    KEYSPACE, READ, WRITE, SET, SORTEDSET, LIST, HASH, STRING, BITMAP, HYPERLOGLOG, GEO, STREAM, PUBSUB, ADMIN,
    FAST, SLOW, BLOCKING, DANGEROUS, CONNECTION, TRANSACTION, SCRIPTING;

    private static final AclCategory[] ALL = values();

    /** "read", as ACL rules and ACL CAT name it. */
    public String aclName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public long bit() {
        return 1L << ordinal();
    }

    /** The bit of a category named in an ACL rule, or 0 if there is none by that name. */
    public static long bitOf(String name) {
        for (AclCategory c : ALL) if (c.aclName().equalsIgnoreCase(name)) return c.bit();
        return 0;
    }

    public static List<AclCategory> all() {
        return List.of(ALL);
    }

    /** "@read" style names of the categories in a bit set, for COMMAND INFO. */
    public static List<String> names(long bits) {
        List<String> out = new ArrayList<>();
        for (AclCategory c : ALL) if ((bits & c.bit()) != 0) out.add("@" + c.aclName());
        return out;
    }

    static long parse(String commaSeparated) {
        long bits = 0;
        if (commaSeparated.isEmpty()) return 0;
        for (String c : commaSeparated.split(",")) {
            long b = bitOf(c);
            if (b == 0) throw new IllegalArgumentException("unknown ACL category " + c);
            bits |= b;
        }
        return bits;
    }
}
