package io.cachelab.engine.sentinel;

import static io.cachelab.engine.command.Families.server;
import io.cachelab.engine.net.Client;
import io.cachelab.engine.net.EventLoop;
import io.cachelab.engine.net.Link;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * instanceLink (sentinel.c): the command connection to an instance and, for masters and replicas,
 * the pub/sub connection that receives hellos, with the ping and availability times the failure
 * detector reads. Connections are non-blocking outbound clients of the event loop; replies come
 * back through callbacks in order, as with hiredis's async context.
 */
final class InstanceLink {
    private final Instance owner;
    boolean disconnected = true;
    int pendingCommands;
    long ccConnTime, pcConnTime, pcLastActivity;
    long lastAvailTime, actPingTime, lastPingTime, lastPongTime, lastReconnTime;
    private Conn cc, pc;

    InstanceLink(Instance owner, long now) {
        this.owner = owner;
        this.actPingTime = now;
        this.lastAvailTime = now;
        this.lastPongTime = now;
    }

    /** One connection: the client, commands written before the connect finished, reply callbacks. */
    private final class Conn implements Link {
        private final boolean pubsub;
        private Client client;
        private boolean open;
        private final List<byte[]> early = new ArrayList<>();
        private final Deque<Consumer<Object>> callbacks = new ArrayDeque<>();
        private final RespReader reader = new RespReader();
        private Consumer<Object> messages;

        Conn(boolean pubsub) {
            this.pubsub = pubsub;
        }

        /** A command whose reply goes to {@code callback} (null: discarded). */
        void send(Consumer<Object> callback, String... args) {
            callbacks.addLast(callback != null ? callback : r -> { });
            write(encode(args));
        }

        /** Written now, or once the connect finishes. */
        void write(byte[] frame) {
            if (!open) {
                early.add(frame);
                return;
            }
            client.reply().raw(frame, 0, frame.length);
            client.flushSoon();
        }

        @Override
        public void connected(Client c) {
            if (c != client) return;
            open = true;
            for (byte[] f : early) c.reply().raw(f, 0, f.length);
            early.clear();
            c.flushSoon();
        }

        @Override
        public void failed(Client c, String error) {
            if (c != client) return;
            Sentinel.log().fine((pubsub ? "-pubsub-link-reconnection " : "-cmd-link-reconnection ") + owner.name + " #" + error);
            dropped(this);
        }

        @Override
        public void input(Client c, byte[] buf, int off, int len) {
            if (c != client) return;
            try {
                reader.feed(buf, off, len);
                Object r;
                while (client == c && (r = reader.next()) != RespReader.none()) reply(r);
            } catch (RuntimeException e) {
                Sentinel.log().warning("Error reading a reply from " + owner.type() + " " + owner.name + ": " + e.getMessage());
                close(this);
            }
        }

        private void reply(Object r) {
            Consumer<Object> cb = callbacks.pollFirst();
            if (cb != null) {
                if (!pubsub) pendingCommands = Math.max(0, pendingCommands - 1);
                cb.accept(r);
                return;
            }
            // hiredis closes a subscribed connection on an error reply (async.c)
            if (r instanceof RespReader.Err) {
                close(this);
                return;
            }
            if (messages != null) messages.accept(r);
        }
    }

    static byte[] encode(String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        byte[] head = ("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        b.write(head, 0, head.length);
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            byte[] len = ("$" + v.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            b.write(len, 0, len.length);
            b.write(v, 0, v.length);
            b.write('\r');
            b.write('\n');
        }
        return b.toByteArray();
    }

    boolean hasCc() {
        return cc != null;
    }

    boolean hasPc() {
        return pc != null;
    }

    /** The local address of the command connection ("ip:port"), for hello's announce IP. */
    String ccLocalAddress() {
        return cc != null && cc.client != null ? cc.client.laddr() : null;
    }

    /** Opens the command connection; false when the connect could not even start. */
    boolean connectCc(EventLoop loop, Addr addr) {
        cc = open(loop, addr, false);
        return cc != null;
    }

    boolean connectPc(EventLoop loop, Addr addr, Consumer<Object> messages) {
        pc = open(loop, addr, true);
        if (pc != null) pc.messages = messages;
        return pc != null;
    }

    private Conn open(EventLoop loop, Addr addr, boolean pubsub) {
        Conn conn = new Conn(pubsub);
        try {
            conn.client = loop.connect(addr.ip().isEmpty() ? addr.hostname() : addr.ip(), addr.port(), conn);
        } catch (IOException | RuntimeException e) {
            Sentinel.log().fine((pubsub ? "-pubsub-link-reconnection " : "-cmd-link-reconnection ") + owner.name + " #" + e.getMessage());
            return null;
        }
        return conn;
    }

    /** A command on the command connection; the reply goes to {@code callback} (null discards it). */
    boolean command(Consumer<Object> callback, String... args) {
        if (cc == null) return false;
        pendingCommands++;
        cc.send(callback, args);
        return true;
    }

    /** A command on the pub/sub connection whose reply is discarded (AUTH, CLIENT SETNAME, SUBSCRIBE's own reply is a message). */
    void pubsubPreamble(String... args) {
        if (pc != null) pc.send(null, args);
    }

    /** Sends on the pub/sub connection without expecting a callback reply (SUBSCRIBE). */
    void pubsubSubscribe(String... args) {
        if (pc != null) pc.write(encode(args));
    }

    /** Notices connections the event loop closed (the peer hung up): Redis's disconnect callbacks. */
    void checkClosed() {
        if (cc != null && cc.client.isClosed()) dropped(cc);
        if (pc != null && pc.client.isClosed()) dropped(pc);
    }

    private void dropped(Conn c) {
        if (c == cc) {
            cc = null;
            pendingCommands = 0;
        } else if (c == pc) {
            pc = null;
        } else {
            return;
        }
        disconnected = true;
    }

    private void close(Conn c) {
        if (c == null) return;
        Client client = c.client;
        dropped(c);
        if (client != null && !client.isClosed()) server(client).eventLoop().closeClient(client);
    }

    void closeCc() {
        close(cc);
    }

    void closePc() {
        close(pc);
    }

    void closeAll() {
        close(cc);
        close(pc);
    }
}
