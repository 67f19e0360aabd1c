package io.cachelab.engine.info;

/** Where a section writes its "name:value" lines (genRedisInfoString's format, CRLF ended). */
public final class InfoWriter {
    private final StringBuilder sb;

    InfoWriter(StringBuilder sb) {
        this.sb = sb;
    }

    public void field(String name, String value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }

    public void field(String name, long value) {
        sb.append(name).append(':').append(value).append("\r\n");
    }
}
