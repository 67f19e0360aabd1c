package io.cachelab.engine.net;


import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's only thread, as in Redis's ae.c: one selector multiplexes accept, read and write
 * for every connection, and the same thread executes every command, so commands never race and
 * need no locks. Replies produced while handling a batch of ready sockets are written once at the
 * end of the batch (one write per pipeline), and timers (the hz cron, blocked-client timeouts)
 * bound how long select may sleep.
 */
public final class EventLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(EventLoop.class.getName());
    private static final int READ_CHUNK = 64 * 1024;

    private final NetHost server;
    private final Selector selector;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<ServerSocketChannel> unixListeners = new ArrayList<>();
    /** Depth of processEventsWhileBlocked (a long script serving -BUSY), and a master client it held back. */
    private int whileBlocked;
    private Client deferredMaster;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_CHUNK);
    private final byte[] readArray = new byte[READ_CHUNK];
    private final List<Client> pendingWrites = new ArrayList<>();
    private final List<SelectionKey> readyKeys = new ArrayList<>();
    private final List<Client> clients = new ArrayList<>();
    private volatile boolean running = true;
    private Thread thread;
    private long nextCronMs;
    private long nextClientId = 1;
    /** Set while a script runs past its time limit: input is read but answered -BUSY. */
    private Client executing;

    public EventLoop(NetHost server) throws IOException {
        this.server = server;
        this.selector = Selector.open();
        this.queryBufferLimit = server.config().live("client-query-buffer-limit");
        this.protoMaxBulkLen = server.config().live("proto-max-bulk-len");
    }

    private final LongSupplier queryBufferLimit;
    private final LongSupplier protoMaxBulkLen;

    /** Binds every address in {@code binds} on {@code port} (0 picks a free port); returns the port. */
    public int bind(List<String> binds, int port) throws IOException {
        return bind(binds, port, listeners);
    }

    /**
     * A second set of listeners whose connections are links, not clients (the cluster bus port):
     * each accepted connection gets the link {@code acceptor} makes for it, is never listed among
     * the clients and never parses commands.
     */
    public int listenLinks(List<String> binds, int port, Function<Client, Link> acceptor) throws IOException {
        List<ServerSocketChannel> bound = new ArrayList<>();
        int p = bind(binds, port, bound);
        for (ServerSocketChannel ch : bound) linkAcceptors.put(ch, acceptor);
        return p;
    }

    private final Map<ServerSocketChannel, Function<Client, Link>> linkAcceptors = new HashMap<>();

    private int bind(List<String> binds, int port, List<ServerSocketChannel> into) throws IOException {
        int bound = port;
        for (String addr : binds) {
            boolean optional = addr.startsWith("-");
            String host = optional ? addr.substring(1) : addr;
            if (host.equals("*")) host = "0.0.0.0";
            if (host.equals("::*")) host = "::";
            ServerSocketChannel ch = ServerSocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(host, bound), server.config().getInt("tcp-backlog"));
            } catch (IOException e) {
                ch.close();
                if (optional) continue;
                throw new IOException("Could not listen on " + host + ":" + port + ": " + e.getMessage()
                        + (port != 0 ? " (is another Redis or CacheLab running? stop it or choose another port)" : ""), e);
            }
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_ACCEPT);
            into.add(ch);
            bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        }
        if (into.isEmpty()) throw new IOException("No address to listen on: bind " + binds);
        return bound;
    }

    /**
     * unixsocket: a Unix domain socket listener beside the TCP ones (anetUnixServer); a stale
     * socket file is replaced, and {@code perm} (octal digits, as unixsocketperm) applied when not 0.
     */
    public void bindUnix(String path, int perm) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(path);
        java.nio.file.Files.deleteIfExists(file);
        ServerSocketChannel ch = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
        try {
            ch.bind(java.net.UnixDomainSocketAddress.of(file), server.config().getInt("tcp-backlog"));
        } catch (IOException e) {
            ch.close();
            throw new IOException("Failed opening Unix socket: " + e.getMessage(), e);
        }
        if (perm != 0) {
            int p = Integer.parseInt(Integer.toString(perm), 8);
            java.util.Set<java.nio.file.attribute.PosixFilePermission> set = new java.util.HashSet<>();
            java.nio.file.attribute.PosixFilePermission[] all = java.nio.file.attribute.PosixFilePermission.values();
            for (int i = 0; i < 9; i++) if ((p & (1 << (8 - i))) != 0) set.add(all[i]);
            java.nio.file.Files.setPosixFilePermissions(file, set);
        }
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_ACCEPT);
        unixListeners.add(ch);
    }

    /** CONFIG SET port: the new listeners open first, so a port that cannot be bound leaves the old ones serving. */
    public int rebind(List<String> binds, int port) throws IOException {
        List<ServerSocketChannel> old = new ArrayList<>(listeners);
        listeners.clear();
        int bound;
        try {
            bound = bind(binds, port);
        } catch (IOException e) {
            for (ServerSocketChannel ch : listeners) closeQuietly(ch);
            listeners.clear();
            listeners.addAll(old);
            throw e;
        }
        for (ServerSocketChannel ch : old) closeQuietly(ch);
        return bound;
    }

    private static void closeQuietly(ServerSocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // the listener is being dropped anyway
        }
    }

    public void start(String name) {
        thread = new Thread(this, name);
        thread.start();
    }

    public boolean inLoopThread() {
        return Thread.currentThread() == thread;
    }

    public void stop() {
        running = false;
        selector.wakeup();
        if (thread != null && Thread.currentThread() != thread) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** False once a stop was requested (a long script checks this to end when SHUTDOWN arrives). */
    public boolean isRunning() {
        return running;
    }

    /** Makes a waiting select return now (another thread asked the loop for something). */
    public void wakeup() {
        selector.wakeup();
    }

    public void requestStop() {
        running = false;
        selector.wakeup();
    }

    public List<Client> clients() {
        return clients;
    }

    @Override
    public void run() {
        nextCronMs = System.currentTimeMillis();
        while (running) {
            try {
                long now = System.currentTimeMillis();
                if (now >= nextCronMs) {
                    // scheduled first: a cron that throws must not run again at once (a busy loop)
                    nextCronMs = now + Math.max(1, 1000 / server.hz());
                    server.cron();
                }
                server.beforeSleep();
                flushPendingWrites();
                long wait = Math.max(1, Math.min(nextCronMs - System.currentTimeMillis(), server.msUntilNextTimer()));
                // the consumer form visits keys in the order epoll reported them (arrival order),
                // as Redis does; selectedKeys() is a HashSet and would shuffle them
                selector.select(readyKeys::add, wait);
                if (!running) break;
                handleReady(readyKeys);
                if (deferredMaster != null) {
                    Client m = deferredMaster;
                    deferredMaster = null;
                    processInput(m);
                }
                server.afterEvents();
            } catch (Throwable t) {
                LOG.log(Level.SEVERE, "event loop error", t);
            }
        }
        shutdownSockets();
    }

    /** Serves I/O while a long script runs: commands get -BUSY (the dispatcher decides). */
    public void processEventsWhileBlocked(Client running) {
        Client prev = executing;
        executing = running;
        whileBlocked++;
        try {
            // a script is running inside handleReady: collect into a list of our own
            List<SelectionKey> nested = new ArrayList<>();
            selector.selectNow(nested::add);
            handleReady(nested);
            flushPendingWrites();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "I/O while busy", e);
        } finally {
            whileBlocked--;
            executing = prev;
        }
    }

    /**
     * Handles the keys one select reported, in its order. Commands run here, and a long script may
     * select again from inside one of them, so keys are collected first and never handled from
     * within the selector's own callback.
     */
    private void handleReady(List<SelectionKey> keys) {
        try {
            for (int i = 0; i < keys.size(); i++) handleKey(keys.get(i));
        } finally {
            keys.clear();
        }
    }

    private void handleKey(SelectionKey key) {
        if (!key.isValid()) return;
        if (key.isAcceptable()) {
            try {
                accept((ServerSocketChannel) key.channel());
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accept failed", e);
            }
            return;
        }
        Client c = (Client) key.attachment();
        if (c == executing) return;
        if (key.isConnectable()) {
            finishConnect(c, key);
            return;
        }
        if (key.isValid() && key.isWritable()) writeNow(c);
        if (key.isValid() && key.isReadable()) read(c);
    }

    /**
     * A non-blocking outbound connection whose events go to {@code link} (connectWithMaster). The
     * client is not listed among the server's clients until its owner says so ({@link #adopt}).
     */
    public Client connect(String host, int port, Link link) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            boolean done = ch.connect(new InetSocketAddress(host, port));
            Client c = new Client(server, ch, nextClientId++, host + ":" + port, "");
            if (done) c.setAddresses((InetSocketAddress) ch.getRemoteAddress(), (InetSocketAddress) ch.getLocalAddress());
            c.setLink(link);
            c.selectionKey = ch.register(selector, done ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            if (done) link.connected(c);
            return c;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private void finishConnect(Client c, SelectionKey key) {
        Link link = c.link();
        try {
            ((SocketChannel) key.channel()).finishConnect();
            key.interestOps(SelectionKey.OP_READ);
            c.setAddresses((InetSocketAddress) c.channel.getRemoteAddress(), (InetSocketAddress) c.channel.getLocalAddress());
        } catch (IOException e) {
            if (link != null) link.failed(c, e.getMessage() == null ? e.toString() : e.getMessage());
            closeClient(c);
            return;
        }
        if (link != null) link.connected(c);
    }

    /** Lists an outbound connection among the clients (CLIENT LIST shows the master link). */
    public void adopt(Client c) {
        if (!clients.contains(c)) clients.add(c);
    }

    private void accept(ServerSocketChannel listener) throws IOException {
        Function<Client, Link> acceptor = linkAcceptors.get(listener);
        if (acceptor != null) {
            acceptLinks(listener, acceptor);
            return;
        }
        SocketChannel ch;
        while ((ch = listener.accept()) != null) {
            ch.configureBlocking(false);
            InetSocketAddress remote = null;
            Client c;
            if (ch.getLocalAddress() instanceof java.net.UnixDomainSocketAddress u) {
                // Redis names a Unix socket peer by the socket's path and port 0
                String name = u.getPath() + ":0";
                c = new Client(server, ch, nextClientId++, name, name);
            } else {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
                remote = (InetSocketAddress) ch.getRemoteAddress();
                InetSocketAddress local = (InetSocketAddress) ch.getLocalAddress();
                c = new Client(server, ch, nextClientId++, format(remote), format(local));
            }
            SelectionKey key = ch.register(selector, SelectionKey.OP_READ, c);
            c.selectionKey = key;
            String refusal = server.acceptRefusal(c, remote);
            if (refusal != null) {
                // as Redis: write the error best-effort and close
                c.reply.error(refusal);
                writeNow(c);
                closeClient(c);
                continue;
            }
            clients.add(c);
            server.stats().connectionAccepted();
        }
    }

    private void acceptLinks(ServerSocketChannel listener, Function<Client, Link> acceptor) throws IOException {
        SocketChannel ch;
        while ((ch = listener.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            InetSocketAddress remote = (InetSocketAddress) ch.getRemoteAddress();
            Client c = new Client(server, ch, nextClientId++, format(remote), format((InetSocketAddress) ch.getLocalAddress()));
            c.setLink(acceptor.apply(c));
            c.selectionKey = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    static String format(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (host.contains(":")) host = host.replaceAll("%.*$", "");
        return host + ":" + a.getPort();
    }

    private void read(Client c) {
        int n;
        try {
            readBuffer.clear();
            n = c.channel.read(readBuffer);
        } catch (IOException e) {
            closeClient(c);
            return;
        }
        if (n < 0) {
            closeClient(c);
            return;
        }
        if (n == 0) return;
        readBuffer.flip();
        readBuffer.get(readArray, 0, n);
        server.stats().bytesIn(n);
        c.setLastInteractionMs(System.currentTimeMillis());
        if (c.link() != null) {
            c.link().input(c, readArray, 0, n);
            markPendingWrite(c);
            return;
        }
        c.parser.accountRead(n);
        c.parser.feed(readArray, 0, n);
        c.setLastInteractionMs(System.currentTimeMillis());
        if (c.parser.pending() > queryBufferLimit.getAsLong()) {
            LOG.warning(() -> "closing client that reached max query buffer length: " + c);
            closeClient(c);
            return;
        }
        processInput(c);
    }

    /** Parses and runs every complete request in the client's buffer (stops while it is blocked). */
    public void processInput(Client c) {
        long maxBulk = protoMaxBulkLen.getAsLong();
        while (!c.closed && !c.closeAfterReply && !c.isBlocked() && !c.paused()) {
            if (whileBlocked > 0 && c.isMaster()) {
                // isInsideYieldingLongCommand: the master's stream waits for the script to end,
                // then queueClientForReprocessing runs what arrived meanwhile
                deferredMaster = c;
                break;
            }
            byte[][] argv;
            try {
                argv = c.pendingArgv() != null ? c.pendingArgv() : c.parser.next(maxBulk, server.authRequired(c));
                c.setPendingArgv(null);
            } catch (RequestParser.ProtocolException e) {
                server.stats().protocolError();
                LOG.fine(() -> "protocol error from " + c + ": " + e.getMessage());
                c.reply.error("ERR " + e.getMessage());
                c.closeAfterReply = true;
                break;
            }
            if (argv == null) break;
            if (argv.length == 0) continue;
            server.processCommand(c, argv);
        }
        c.parser.shrinkIfIdle();
        markPendingWrite(c);
    }

    public void markPendingWrite(Client c) {
        // a connect in progress cannot be written yet (finishConnect comes first)
        if (c.channel != null && c.channel.isConnectionPending()) return;
        if (c.channel != null && !c.closed && (c.reply.pending() > 0 || c.closeAfterReply) && !c.pendingWrite) {
            c.pendingWrite = true;
            pendingWrites.add(c);
        }
    }

    private void flushPendingWrites() {
        for (int i = 0; i < pendingWrites.size(); i++) {
            Client c = pendingWrites.get(i);
            c.pendingWrite = false;
            if (!c.closed) writeNow(c);
        }
        pendingWrites.clear();
    }

    /** Bytes handed to the socket per write() call: the JDK copies a heap buffer to a direct one per call. */
    private static final int WRITE_CHUNK = 64 * 1024;
    /** NET_MAX_WRITES_PER_EVENT: a client with a huge reply cannot hold the loop (replicas excepted). */
    private static final int MAX_WRITE_PER_EVENT = 64 * 1024;

    private void writeNow(Client c) {
        Reply r = c.reply;
        try {
            int total = 0;
            while (r.pending() > 0 && (total < MAX_WRITE_PER_EVENT || c.isReplica())) {
                int chunk = Math.min(r.pending(), WRITE_CHUNK);
                int n = c.channel.write(ByteBuffer.wrap(r.buffer(), r.sentOffset(), chunk));
                if (n <= 0) break;
                server.stats().bytesOut(n);
                r.consume(n);
                total += n;
                if (n < chunk) break; // the socket buffer is full: wait for OP_WRITE
            }
        } catch (IOException e) {
            closeClient(c);
            return;
        }
        if (r.pending() > 0) {
            if (r.pending() > server.outputLimitFor(c)) {
                LOG.warning(() -> "closing client over its output buffer limit: " + c);
                closeClient(c);
                return;
            }
            c.selectionKey.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        } else {
            if (c.closeAfterReply) {
                closeClient(c);
                return;
            }
            if (c.selectionKey.isValid()) c.selectionKey.interestOps(SelectionKey.OP_READ);
        }
    }

    public void closeClient(Client c) {
        if (c.closed) return;
        c.closed = true;
        if (c.link() != null) c.link().closed(c);
        server.clientClosed(c);
        clients.remove(c);
        try {
            if (c.selectionKey != null) c.selectionKey.cancel();
            c.channel.close();
        } catch (IOException ignored) {
            // the peer is gone either way
        }
    }

    /** Closes after pending replies are written (CLIENT KILL, QUIT). */
    public void closeAsync(Client c) {
        c.closeAfterReply = true;
        markPendingWrite(c);
    }

    private void shutdownSockets() {
        for (Client c : new ArrayList<>(clients)) {
            if (c.reply.pending() > 0) writeNow(c);
            closeClient(c);
        }
        for (ServerSocketChannel l : linkAcceptors.keySet()) closeQuietly(l);
        for (ServerSocketChannel l : listeners) {
            try {
                l.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        for (ServerSocketChannel l : unixListeners) {
            try {
                java.net.SocketAddress a = l.getLocalAddress();
                l.close();
                // closeListeningSockets: the socket file goes too
                if (a instanceof java.net.UnixDomainSocketAddress u) java.nio.file.Files.deleteIfExists(u.getPath());
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    public long nextClientId() {
        return nextClientId++;
    }
}
