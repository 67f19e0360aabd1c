package io.cachelab.engine.info;

/** One INFO section's fields, written by the subsystem that owns them. */
@FunctionalInterface
public interface InfoSection {
    void write(InfoWriter out);
}
