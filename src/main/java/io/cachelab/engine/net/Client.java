package io.cachelab.engine.net;

import io.cachelab.engine.util.Bytes;
import io.cachelab.engine.keyspace.Database;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One connection's state, as Redis's client struct: the query buffer being parsed, the reply being
 * built, the selected database, protocol version, transaction queue, watched keys, subscriptions and
 * blocking state. Also used without a socket for scripts (the "Lua client"), whose replies are read
 * back from {@link #reply()}.
 */
public final class Client {
    public enum ReplyMode { ON, OFF, SKIP }

    private final NetHost server;
    final SocketChannel channel;
    SelectionKey selectionKey;
    final RequestParser parser = new RequestParser();
    final Reply reply = new Reply();

    public final long id;
    private Database db;
    private String name = "";
    private String libName = "";
    private String libVersion = "";
    private String addr;
    private String laddr;
    public final long createdAtMs;
    /** rbs/rbp of CLIENT LIST (see ReplyBufferSizing). */
    public final ReplyBufferSizing replyBuffer = new ReplyBufferSizing();
    private long lastInteractionMs;
    private String lastCommand = "NULL";
    private boolean authenticated;
    /** The ACL user this connection runs as (the default user until AUTH/HELLO names another). */
    private ClientUser user;
    private ReplyMode replyMode = ReplyMode.ON;
    private boolean skipNextReply;
    private boolean noEvict;
    private boolean noTouch;

    // transactions
    private final MultiState multi = new MultiState();
    public final List<WatchedKey> watched = new ArrayList<>();

    /** Arguments of the running command to log as "(redacted)" (redactClientCommandArgument). */
    private BitSet redacted;

    /** redactClientCommandArgument: SLOWLOG and MONITOR show argument {@code i} as "(redacted)". */
    public void redactArgument(int i) {
        if (redacted == null) redacted = new BitSet();
        redacted.set(i);
    }

    /** Forgets the previous command's redactions; the dispatcher calls it as a command starts. */
    public void resetRedactions() {
        if (redacted != null) redacted.clear();
    }

    /** argv as SLOWLOG and MONITOR may show it: redacted arguments replaced by "(redacted)". */
    public byte[][] loggedArgv(byte[][] argv) {
        if (redacted == null || redacted.isEmpty()) return argv;
        byte[][] copy = argv.clone();
        for (int i = redacted.nextSetBit(0); i >= 0 && i < copy.length; i = redacted.nextSetBit(i + 1)) copy[i] = REDACTED;
        return copy;
    }

    private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

    /** CLIENT TRACKING's state for this client. */
    public ClientTracking tracking() {
        return tracking;
    }

    /** The client's transaction (MULTI queue and flags). */
    public MultiState multi() {
        return multi;
    }

    /** One WATCHed key; {@code expired} is multi.c's flag: the key was already logically expired when watched. */
    public static final class WatchedKey {
        public final Client client;
        public final Database db;
        public final Bytes key;
        boolean expired;

        public WatchedKey(Client client, Database db, Bytes key, boolean expired) {
            this.client = client;
            this.db = db;
            this.key = key;
            this.expired = expired;
        }
    }

    // pub/sub
    public final Set<Bytes> channels = new LinkedHashSet<>();
    public final Set<Bytes> patterns = new LinkedHashSet<>();
    public final Set<Bytes> shardChannels = new LinkedHashSet<>();

    // blocking (see Blocking)
    /** What the client is blocked on (blocked.c's bpop), or null; Blocking owns it. */
    Blocking.State blockedState;
    /** The command being executed (kept so a blocked command can be re-run when served). */
    private byte[][] currentArgv;
    private boolean monitor;
    /** Attached with SYNC/PSYNC (CLIENT_SLAVE): it receives the replication stream. */
    private boolean replica;
    /** master_repl_offset right after this client's last command that propagated (c->woff), for WAIT. */
    private long writeOffset;
    /** REPLCONF listening-port / ip-address, sent before SYNC/PSYNC. */
    private int replicaListeningPort;
    private String replicaAnnouncedIp;
    /** REPLCONF capa eof: the replica takes the diskless $EOF:<mark> payload. */
    private boolean replicaCapaEof;
    private final ClientTracking tracking = new ClientTracking();

    // scripting: a client that runs commands for a script
    private boolean scriptClient;
    /** mustObeyClient: the AOF loader (later a master link): what it sends was already accepted once. */
    private boolean mustObey;
    private boolean scriptReadOnly;

    boolean closeAfterReply;
    boolean pendingWrite;
    boolean closed;
    private boolean paused;
    /** A parsed command held back by CLIENT PAUSE. */
    private byte[][] pendingArgv;

    public Client(NetHost server, SocketChannel channel, long id, String addr, String laddr) {
        this.server = server;
        this.channel = channel;
        this.id = id;
        this.addr = addr;
        this.laddr = laddr;
        this.createdAtMs = System.currentTimeMillis();
        this.lastInteractionMs = createdAtMs;
        this.db = server.db(0);
        server.initClient(this);
    }

    /** A socketless client for scripts and internal calls. */
    public static Client internal(NetHost server) {
        Client c = new Client(server, null, 0, "", "");
        c.authenticated = true;
        return c;
    }

    public NetHost host() {
        return server;
    }

    public Database db() {
        return db;
    }

    public void select(Database db) {
        this.db = db;
    }

    public int resp() {
        return reply.resp;
    }

    public void setResp(int resp) {
        reply.resp = resp;
    }

    public Reply reply() {
        return reply;
    }

    public RequestParser parser() {
        return parser;
    }

    public boolean isBlocked() {
        return blockedState != null;
    }

    /** True when a blocking command may really block (not in MULTI/EXEC or a script). */
    public boolean canBlock() {
        return !multi.executing() && !scriptClient;
    }

    public boolean isSubscribed() {
        return !channels.isEmpty() || !patterns.isEmpty() || !shardChannels.isEmpty();
    }

    public int subscriptionCount() {
        return channels.size() + patterns.size();
    }

    public void closeAfterReply() {
        closeAfterReply = true;
    }

    public boolean isClosing() {
        return closeAfterReply || closed;
    }

    public boolean isClosed() {
        return closed;
    }

    /** ip:port of the peer (CLIENT LIST addr). */
    public String addr() {
        return addr;
    }

    /** ip:port of our side (CLIENT LIST laddr). */
    public String laddr() {
        return laddr;
    }

    void setAddresses(java.net.InetSocketAddress remote, java.net.InetSocketAddress local) {
        this.addr = EventLoop.format(remote);
        this.laddr = EventLoop.format(local);
    }

    /** connDisableTcpNoDelay / connEnableTcpNoDelay (TCP sockets only; a Unix socket has no Nagle). */
    public void setTcpNoDelay(boolean on) {
        if (channel == null) return;
        try {
            if (channel.getLocalAddress() instanceof java.net.InetSocketAddress) {
                channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, on);
            }
        } catch (java.io.IOException ignored) {
            // the connection is going away; nothing to tune
        }
    }

    /** CLIENT SETNAME's name ("" when none). */
    public String name() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The ACL user this client is authenticated as. */
    public ClientUser user() {
        return user;
    }

    public void setUser(ClientUser user) {
        this.user = user;
    }

    public String libName() {
        return libName;
    }

    public void setLibName(String value) {
        libName = value;
    }

    public String libVersion() {
        return libVersion;
    }

    public void setLibVersion(String value) {
        libVersion = value;
    }

    public long lastInteractionMs() {
        return lastInteractionMs;
    }

    public void setLastInteractionMs(long value) {
        lastInteractionMs = value;
    }

    public String lastCommand() {
        return lastCommand;
    }

    public void setLastCommand(String value) {
        lastCommand = value;
    }

    public boolean authenticated() {
        return authenticated;
    }

    public void setAuthenticated(boolean value) {
        authenticated = value;
    }

    public ReplyMode replyMode() {
        return replyMode;
    }

    public void setReplyMode(ReplyMode value) {
        replyMode = value;
    }

    public boolean skipNextReply() {
        return skipNextReply;
    }

    public void setSkipNextReply(boolean value) {
        skipNextReply = value;
    }

    public boolean noEvict() {
        return noEvict;
    }

    public void setNoEvict(boolean value) {
        noEvict = value;
    }

    public boolean noTouch() {
        return noTouch;
    }

    public void setNoTouch(boolean value) {
        noTouch = value;
    }

    public byte[][] currentArgv() {
        return currentArgv;
    }

    public void setCurrentArgv(byte[][] value) {
        currentArgv = value;
    }

    public boolean monitor() {
        return monitor;
    }

    public void setMonitor(boolean value) {
        monitor = value;
    }

    public boolean scriptClient() {
        return scriptClient;
    }

    public void setScriptClient(boolean value) {
        scriptClient = value;
    }

    public boolean mustObey() {
        return mustObey;
    }

    public void setMustObey(boolean value) {
        mustObey = value;
    }

    public boolean scriptReadOnly() {
        return scriptReadOnly;
    }

    public void setScriptReadOnly(boolean value) {
        scriptReadOnly = value;
    }

    public boolean paused() {
        return paused;
    }

    public void setPaused(boolean value) {
        paused = value;
    }

    public byte[][] pendingArgv() {
        return pendingArgv;
    }

    public void setPendingArgv(byte[][] value) {
        pendingArgv = value;
    }

    /** CLIENT_SLAVE: attached with SYNC/PSYNC, this link carries the replication stream. */
    public boolean isReplica() {
        return replica;
    }

    public void markReplica() {
        replica = true;
    }

    public long writeOffset() {
        return writeOffset;
    }

    public void setWriteOffset(long offset) {
        writeOffset = offset;
    }

    public int replicaListeningPort() {
        return replicaListeningPort;
    }

    public void setReplicaListeningPort(int port) {
        replicaListeningPort = port;
    }

    /** REPLCONF ip-address, or null. */
    public String replicaAnnouncedIp() {
        return replicaAnnouncedIp;
    }

    public void setReplicaAnnouncedIp(String ip) {
        replicaAnnouncedIp = ip;
    }

    public boolean replicaCapaEof() {
        return replicaCapaEof;
    }

    public void setReplicaCapaEof(boolean eof) {
        replicaCapaEof = eof;
    }

    public boolean hasSocket() {
        return channel != null;
    }

    /**
     * islocalClient: a Unix socket peer, a loopback TCP peer (127.0.0.0/8, ::1), or no socket at all
     * (the engine's own clients). What enable-debug-command, enable-module-command and
     * enable-protected-configs set to "local" allow.
     */
    public boolean isLocal() {
        if (channel == null) return true;
        try {
            return !(channel.getRemoteAddress() instanceof java.net.InetSocketAddress inet)
                    || inet.getAddress().isLoopbackAddress();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** CLIENT_ASKING: the next command may touch a slot this node is importing (cleared after it). */
    private boolean asking;
    /** CLIENT_READONLY: a cluster replica serves this client's reads of its master's slots. */
    private boolean readOnlyCluster;

    public boolean asking() {
        return asking;
    }

    public void setAsking(boolean asking) {
        this.asking = asking;
    }

    public boolean readOnlyCluster() {
        return readOnlyCluster;
    }

    public void setReadOnlyCluster(boolean on) {
        this.readOnlyCluster = on;
    }

    /** Where raw input goes instead of the parser (a link in its handshake), or null. */
    private Link link;
    /** CLIENT_MASTER: this connection is the master link; what it sends is applied, never answered. */
    private boolean master;

    public Link link() {
        return link;
    }

    public void setLink(Link link) {
        this.link = link;
    }

    public boolean isMaster() {
        return master;
    }

    /** Turns the link into the master client (replicationCreateMasterClient). */
    public void becomeMaster() {
        this.master = true;
        this.mustObey = true;
        this.authenticated = true;
    }

    /** Bytes the last parsed request took in the stream (the replica's offset advances by them). */
    public int lastRequestLength() {
        return parser.lastRequestLength();
    }

    public int queryBufferLength() {
        return parser.pending();
    }

    public int queryBufferCapacity() {
        return parser.capacity();
    }

    public int pendingReplyBytes() {
        return reply.pending();
    }

    // ---- replies ----

    public void addOk() {
        reply.ok();
    }

    public void addSimple(String s) {
        reply.simple(s);
    }

    /**
     * A HELP reply (networking.c addReplyHelp): Redis's header line for {@code command}, the
     * subcommand lines, and its "HELP" footer, as simple strings.
     */
    public void addHelp(String command, String... lines) {
        reply.arrayLen(lines.length + 3L);
        reply.simple(command + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String l : lines) reply.simple(l);
        reply.simple("HELP");
        reply.simple("    Prints this help.");
    }

    public void addError(String s) {
        server.stats().errorReply(s);
        if (master || replica) server.errorOnReplicationLink(this, s);
        reply.error(s);
    }

    public void addInteger(long v) {
        reply.integer(v);
    }

    /** An integer reply whose decimal digits are already at hand: {@code digits[0..n)}. */
    public void addIntegerDigits(byte[] digits, int n) {
        reply.integerDigits(digits, n);
    }

    public void addBulk(byte[] b) {
        reply.bulk(b);
    }

    public void addBulk(String s) {
        reply.bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    public void addBulk(Bytes b) {
        reply.bulk(b.array());
    }

    public void addNull() {
        reply.nullBulk();
    }

    public void addNullArray() {
        reply.nullArray();
    }

    public void addArrayLen(long n) {
        reply.arrayLen(n);
    }

    public void addMapLen(long n) {
        reply.mapLen(n);
    }

    public void addSetLen(long n) {
        reply.setLen(n);
    }

    public void addPushLen(long n) {
        reply.pushLen(n);
    }

    public void addAttributeLen(long n) {
        reply.attributeLen(n);
    }

    public void addDouble(double d) {
        reply.doubleValue(d);
    }

    public void addBool(boolean b) {
        reply.bool(b);
    }

    public void addBigNumber(String digits) {
        reply.bigNumber(digits);
    }

    public void addVerbatim(String text) {
        reply.verbatim(text, "txt");
    }

    public int addDeferredLen() {
        return reply.deferredLen();
    }

    public void setDeferredArrayLen(int mark, long n) {
        reply.setDeferredArrayLen(mark, n);
    }

    public void setDeferredMapLen(int mark, long n) {
        reply.setDeferredMapLen(mark, n);
    }

    public void setDeferredSetLen(int mark, long n) {
        reply.setDeferredSetLen(mark, n);
    }

    public void addBulkArray(List<byte[]> items) {
        reply.arrayLen(items.size());
        for (byte[] b : items) reply.bulk(b);
    }

    /** Sends bytes to this client now (pub/sub messages, MONITOR lines, unblocked replies). */
    public void flushSoon() {
        server.eventLoop().markPendingWrite(this);
    }

    @Override
    public String toString() {
        return "client id=" + id + " addr=" + addr;
    }
}
