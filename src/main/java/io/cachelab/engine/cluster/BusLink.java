package io.cachelab.engine.cluster;

import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.Link;

import java.util.Arrays;

/**
 * One TCP connection of the cluster bus (cluster.h clusterLink): outbound ("to", created by this
 * node for {@code node}) or inbound ("from", accepted, its node learned from the first packet).
 * It frames the byte stream into messages by their totlen (clusterReadHandler): a first 8 bytes
 * without "RCmb" or with a length below the header closes this link only, as does a length over
 * the configured limit; a whole message goes to {@link Packets}.
 */
final class BusLink implements Link {
    private final Cluster cluster;
    private final boolean inbound;
    private final long ctime = System.currentTimeMillis();
    private Client client;
    ClusterNode node;
    private byte[] buf = new byte[1024];
    private int len;
    private boolean freed;
    private boolean connected;

    BusLink(Cluster cluster, ClusterNode node, boolean inbound) {
        this.cluster = cluster;
        this.node = node;
        this.inbound = inbound;
    }

    boolean inbound() {
        return inbound;
    }

    long ctime() {
        return ctime;
    }

    Client client() {
        return client;
    }

    void attach(Client c) {
        this.client = c;
    }

    boolean freed() {
        return freed;
    }

    /** Bytes queued and not yet written (CLUSTER LINKS send-buffer-used). */
    int pendingBytes() {
        return client == null ? 0 : client.reply().pending();
    }

    int allocatedBytes() {
        return client == null ? 0 : client.reply().buffer().length;
    }

    void send(byte[] msg) {
        if (freed || client == null || client.isClosed()) return;
        client.reply().raw(msg, 0, msg.length);
        // a link still connecting keeps the bytes; they leave once the connect completes
        if (isConnected()) cluster.host().eventLoop().markPendingWrite(client);
    }

    /** freeClusterLink: closes the socket and detaches the link from its node. */
    void free() {
        if (freed) return;
        freed = true;
        if (node != null) {
            if (node.link == this) node.link = null;
            if (node.inboundLink == this) node.inboundLink = null;
        }
        cluster.bus().forget(this);
        if (client != null && !client.isClosed()) cluster.host().eventLoop().closeClient(client);
    }

    @Override
    public void connected(Client c) {
        this.client = c;
        this.connected = true;
        cluster.bus().outboundConnected(this);
        cluster.host().eventLoop().markPendingWrite(c);
    }

    boolean isConnected() {
        return connected || inbound;
    }

    @Override
    public void failed(Client c, String error) {
        cluster.log().fine(() -> "Connection with Node " + (node == null ? "?" : node.name) + " at " + c + " failed: " + error);
        free();
    }

    @Override
    public void closed(Client c) {
        free();
    }

    @Override
    public void input(Client c, byte[] in, int off, int n) {
        this.client = c;
        int pos = off;
        int end = off + n;
        while (pos < end && !freed) {
            int want = len < 8 ? 8 - len : (int) Math.min(Integer.MAX_VALUE, Msg.u32(buf, Msg.OFF_TOTLEN)) - len;
            int take = Math.min(want, end - pos);
            ensure(len + take);
            System.arraycopy(in, pos, buf, len, take);
            len += take;
            pos += take;
            if (len == 8 && !headerOk()) return;
            if (len >= 8 && len == Msg.u32(buf, Msg.OFF_TOTLEN)) {
                byte[] msg = buf;
                int msgLen = len;
                len = 0;
                if (buf.length > 1024 * 1024) buf = new byte[1024];
                if (!cluster.packets().process(this, msg, msgLen)) return;
            }
        }
    }

    private boolean headerOk() {
        long totlen = Msg.u32(buf, Msg.OFF_TOTLEN);
        boolean sig = buf[0] == 'R' && buf[1] == 'C' && buf[2] == 'm' && buf[3] == 'b';
        if (!sig || totlen < Msg.HEADER) {
            cluster.log().warning("Bad message length or signature received from Cluster bus.");
            free();
            return false;
        }
        if (totlen > cluster.maxMessageBytes()) {
            cluster.log().warning("Cluster bus message of " + totlen + " bytes is over the limit ("
                    + cluster.maxMessageBytes() + "); closing the link");
            free();
            return false;
        }
        return true;
    }

    private void ensure(int need) {
        if (need <= buf.length) return;
        buf = Arrays.copyOf(buf, Math.max(need, Math.min(buf.length * 2, need + 1024 * 1024)));
    }
}
