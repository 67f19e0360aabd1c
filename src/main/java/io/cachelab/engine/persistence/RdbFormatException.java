package io.cachelab.engine.persistence;

/** Malformed or unsupported RDB input (Redis's rdbReportCorruptRDB / "Bad data format"). */
public final class RdbFormatException extends IllegalArgumentException {
    public RdbFormatException(String message) {
        super(message);
    }
}
