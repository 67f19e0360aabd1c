package io.cachelab.engine.cluster;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * nodes.conf (cluster.c clusterLoadConfig, clusterSaveConfig, clusterGenNodeDescription): one
 * CLUSTER NODES line per node (handshake nodes left out) and a final "vars currentEpoch N
 * lastVoteEpoch N". The file is locked for the life of the process so two nodes cannot share it,
 * rewritten in place (padded, then truncated) and fsynced when an epoch or a vote changed.
 */
final class NodesConf {
    private final Cluster cluster;
    private FileChannel locked;
    private FileLock lock;

    NodesConf(Cluster cluster) {
        this.cluster = cluster;
    }

    Path path() {
        String file = cluster.host().config().getString("cluster-config-file");
        Path p = Path.of(file);
        return p.isAbsolute() ? p : Path.of(cluster.host().config().getString("dir")).resolve(p);
    }

    /** clusterLockConfig then clusterLoadConfig: false when there is no configuration yet. */
    boolean load() throws IOException {
        Path p = path();
        lock(p);
        if (!Files.exists(p) || Files.size(p) == 0) return false;
        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        try {
            for (String line : lines) {
                if (line.isBlank()) continue;
                parseLine(line.trim().split(" +"));
            }
        } catch (RuntimeException e) {
            throw new IOException("Unrecoverable error: corrupted cluster config file \"" + p + "\": " + e.getMessage(), e);
        }
        if (cluster.myself == null) throw new IOException("Unrecoverable error: corrupted cluster config file (no myself line).");
        cluster.log().info("Node configuration loaded, I'm " + cluster.myself.name);
        cluster.currentEpoch = Math.max(cluster.currentEpoch, cluster.maxEpoch());
        return true;
    }

    private void lock(Path p) throws IOException {
        if (lock != null) return;
        if (p.getParent() != null) Files.createDirectories(p.getParent());
        locked = new RandomAccessFile(p.toFile(), "rw").getChannel();
        try {
            lock = locked.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException("Sorry, the cluster configuration file " + p + " is already used by a different Redis "
                    + "Cluster node. Please make sure that different nodes use different cluster configuration files.");
        }
    }

    private void parseLine(String[] a) {
        if (a[0].equalsIgnoreCase("vars")) {
            for (int i = 1; i + 1 < a.length; i += 2) {
                if (a[i].equalsIgnoreCase("currentEpoch")) cluster.currentEpoch = Long.parseUnsignedLong(a[i + 1]);
                else if (a[i].equalsIgnoreCase("lastVoteEpoch")) cluster.lastVoteEpoch = Long.parseUnsignedLong(a[i + 1]);
                else cluster.log().warning("Skipping unknown cluster config variable '" + a[i] + "'");
            }
            return;
        }
        if (a.length < 8) throw new IllegalArgumentException("a node line needs at least 8 fields");
        if (!Cluster.validName(a[0])) throw new IllegalArgumentException("bad node id " + a[0]);
        ClusterNode n = cluster.nodes.get(a[0]);
        if (n == null) n = cluster.createNode(a[0], 0);
        address(n, a[1]);
        flags(n, a[2]);
        if (!a[3].startsWith("-")) {
            ClusterNode master = cluster.nodes.get(a[3]);
            if (master == null) master = cluster.createNode(a[3], 0);
            n.slaveof = master;
            master.addReplica(n);
        }
        long now = System.currentTimeMillis();
        if (Long.parseLong(a[4]) != 0) n.pingSent = now;
        if (Long.parseLong(a[5]) != 0) n.pongReceived = now;
        n.configEpoch = n.isReplica() && n.slaveof != null ? 0 : Long.parseUnsignedLong(a[6]);
        for (int i = 8; i < a.length; i++) slotToken(n, a[i]);
    }

    private static void address(ClusterNode n, String addr) {
        int comma = addr.indexOf(',');
        n.hostname = comma >= 0 ? addr.substring(comma + 1) : "";
        String hostPort = comma >= 0 ? addr.substring(0, comma) : addr;
        int at = hostPort.indexOf('@');
        String ipPort = at >= 0 ? hostPort.substring(0, at) : hostPort;
        int colon = ipPort.lastIndexOf(':');
        n.ip = ipPort.substring(0, colon);
        n.port = Integer.parseInt(ipPort.substring(colon + 1));
        n.cport = at >= 0 ? Integer.parseInt(hostPort.substring(at + 1)) : n.port + 10000;
    }

    private void flags(ClusterNode n, String list) {
        for (String f : list.split(",")) {
            switch (f.toLowerCase()) {
                case "myself" -> {
                    if (cluster.myself != null && cluster.myself != n) throw new IllegalArgumentException("two myself lines");
                    cluster.myself = n;
                    n.flags |= ClusterNode.MYSELF;
                }
                case "master" -> n.flags |= ClusterNode.MASTER;
                case "slave" -> n.flags |= ClusterNode.SLAVE;
                case "fail?" -> n.flags |= ClusterNode.PFAIL;
                case "fail" -> {
                    n.flags |= ClusterNode.FAIL;
                    n.failTime = System.currentTimeMillis();
                }
                case "handshake" -> n.flags |= ClusterNode.HANDSHAKE;
                case "noaddr" -> n.flags |= ClusterNode.NOADDR;
                case "nofailover" -> n.flags |= ClusterNode.NOFAILOVER;
                case "noflags" -> { }
                default -> throw new IllegalArgumentException("Unknown flag in redis cluster config file");
            }
        }
    }

    private void slotToken(ClusterNode n, String t) {
        if (t.startsWith("[")) {
            int slot = Integer.parseInt(t.substring(1, t.indexOf('-')));
            boolean migrating = t.contains("->-");
            String id = t.substring(t.indexOf(migrating ? "->-" : "-<-") + 3, t.length() - 1);
            ClusterNode other = cluster.nodes.get(id);
            if (other == null) other = cluster.createNode(id, 0);
            if (migrating) cluster.migratingTo[slot] = other;
            else cluster.importingFrom[slot] = other;
            return;
        }
        int dash = t.indexOf('-');
        int start = Integer.parseInt(dash < 0 ? t : t.substring(0, dash));
        int end = dash < 0 ? start : Integer.parseInt(t.substring(dash + 1));
        if (start < 0 || end >= Slots.COUNT || start > end) throw new IllegalArgumentException("bad slot range " + t);
        for (int j = start; j <= end; j++) cluster.addSlot(n, j);
    }

    /** clusterSaveConfigOrDie: a node that cannot record its epochs must not go on voting. */
    void saveOrDie(boolean fsync) {
        try {
            save(fsync);
        } catch (IOException e) {
            cluster.log().severe("Fatal: can't update cluster config file.");
            throw new IllegalStateException("can't update cluster config file " + path() + ": " + e.getMessage(), e);
        }
    }

    void save(boolean fsync) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (ClusterNode n : cluster.nodeList()) {
            if (n.has(ClusterNode.HANDSHAKE)) continue;
            sb.append(describe(n)).append('\n');
        }
        sb.append("vars currentEpoch ").append(Long.toUnsignedString(cluster.currentEpoch))
                .append(" lastVoteEpoch ").append(Long.toUnsignedString(cluster.lastVoteEpoch)).append('\n');
        byte[] content = sb.toString().getBytes(StandardCharsets.UTF_8);
        Path p = path();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            ch.write(ByteBuffer.wrap(content), 0);
            ch.truncate(content.length);
            if (fsync) ch.force(true);
        }
    }

    /** clusterGenNodeDescription: id addr flags master ping pong epoch link slots [migrations]. */
    String describe(ClusterNode n) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(n.name).append(' ').append(n.ip).append(':').append(n.port).append('@').append(n.cport);
        if (!n.hostname.isEmpty()) sb.append(',').append(n.hostname);
        sb.append(' ').append(n.flagsText()).append(' ');
        sb.append(n.slaveof != null ? n.slaveof.name : "-");
        long epoch = n.isReplica() && n.slaveof != null ? n.slaveof.configEpoch : n.configEpoch;
        sb.append(' ').append(n.pingSent).append(' ').append(n.pongReceived).append(' ').append(Long.toUnsignedString(epoch));
        sb.append(' ').append(n.link != null || n.has(ClusterNode.MYSELF) ? "connected" : "disconnected");
        Slots.appendRanges(sb, n.slots);
        if (n.has(ClusterNode.MYSELF)) {
            for (int j = 0; j < Slots.COUNT; j++) {
                if (cluster.migratingTo[j] != null) sb.append(" [").append(j).append("->-").append(cluster.migratingTo[j].name).append(']');
                else if (cluster.importingFrom[j] != null) sb.append(" [").append(j).append("-<-").append(cluster.importingFrom[j].name).append(']');
            }
        }
        return sb.toString();
    }
}
