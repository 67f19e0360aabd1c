package io.cachelab.engine.net;

/**
 * An outbound connection the event loop drives for a subsystem (a replica's link to its master,
 * later the cluster bus and Sentinel's links): connect completion and raw input go to the link's
 * owner instead of the command parser, as Redis installs its own read handler on such a
 * connection (connSetReadHandler(conn, syncWithMaster)). A client whose link is cleared goes back
 * to parsing commands, which is how the master link becomes the master client.
 */
public interface Link {
    /** The non-blocking connect finished; the socket is readable from now on. */
    void connected(Client c);

    /** The connect failed (refused, unreachable); the client is already closed. */
    void failed(Client c, String error);

    /** Bytes that arrived; {@code buf} is reused after the call. */
    void input(Client c, byte[] buf, int off, int len);

    /** The connection closed (by either side) while this link owned it. */
    default void closed(Client c) {
    }
}
