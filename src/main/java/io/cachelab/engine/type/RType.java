package io.cachelab.engine.type;

/** The Redis data types, with the names TYPE and SCAN ... TYPE use. */
public enum RType {
    STRING("string"), LIST("list"), SET("set"), ZSET("zset"), HASH("hash"), STREAM("stream");

    private final String typeName;

    RType(String typeName) {
        this.typeName = typeName;
    }

    public String typeName() {
        return typeName;
    }
}
