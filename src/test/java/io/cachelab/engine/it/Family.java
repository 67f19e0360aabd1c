package io.cachelab.engine.it;

/**
 * A generator of commands for one command family. Families draw keys and values from tiny domains
 * (see {@link Gen}) so that commands collide: the interesting behaviour is in wrong types, missing
 * keys, empty results and boundary numbers, not in the happy path.
 */
public interface Family {
    String name();

    /** The key domain: small, so commands keep hitting the same keys. */
    default String[] keys() {
        return new String[] {"k1", "k2", "k3"};
    }

    /** The next command; may use {@link Gen#crossType} now and then to provoke WRONGTYPE. */
    Op next(Gen g);
}
