package io.cachelab.engine.it;

import java.io.UncheckedIOException;

/**
 * A named server the harness talks to, with a connection it re-opens after an I/O failure, so an
 * engine that drops a connection on one bad command shows up as a divergence in that command
 * instead of aborting every later comparison. Not final: the harness self-test wraps one to lie.
 */
public class Endpoint implements AutoCloseable {
    private final String name;
    private final String host;
    private final int port;
    private RespClient client;

    public Endpoint(String name, String host, int port) {
        this.name = name;
        this.host = host;
        this.port = port;
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** Sends argv and returns the reply; an I/O failure becomes a synthetic HARNESS error reply. */
    public Reply call(byte[][] argv) {
        try {
            if (client == null) client = new RespClient(host, port);
            return client.call(argv);
        } catch (UncheckedIOException | NumberFormatException e) {
            close();
            return Reply.error("HARNESS: connection to " + name + " failed: " + e.getMessage());
        }
    }

    public Reply call(Object... parts) {
        return call(RedisCli.argv(parts));
    }

    @Override
    public void close() {
        if (client != null) client.close();
        client = null;
    }
}
