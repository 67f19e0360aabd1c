package io.cachelab.engine.replication;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.cachelab.engine.replication.EngineReplicaTest.info;
import static io.cachelab.engine.replication.EngineReplicaTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master that misbehaves: a truncated RDB, a corrupt one, garbage in the command stream, a
 * master that goes silent. No real Redis can be made to send these, so the master here is a
 * scripted socket (a stand-in, and the only one in the replication tests): it answers the
 * handshake as Redis 7.0 does and then sends what each scenario needs. The engine replica must log
 * the failure, drop the link, reconnect, and never expose a half-loaded dataset.
 */
class ReplicaBadMasterTest {
    private static final String REPLID = "a".repeat(40);

    /** One scripted master: the handshake, then {@code payload} bytes after +FULLRESYNC / +CONTINUE. */
    static final class ScriptedMaster implements AutoCloseable {
        final ServerSocket server;
        final List<String> psyncs = new CopyOnWriteArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private volatile byte[] payload;
        private volatile boolean closeAfterPayload;
        private final Thread acceptor;

        ScriptedMaster() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            acceptor = new Thread(this::acceptLoop, "scripted-master");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        void script(byte[] afterFullResync, boolean close) {
            this.payload = afterFullResync;
            this.closeAfterPayload = close;
        }

        int port() {
            return server.getLocalPort();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Thread t = new Thread(() -> serve(s), "scripted-master-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    List<String> cmd = readCommand(in);
                    if (cmd == null) return;
                    String name = cmd.get(0).toUpperCase();
                    switch (name) {
                        case "PING" -> out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
                        case "PSYNC" -> {
                            psyncs.add(String.join(" ", cmd));
                            out.write(("+FULLRESYNC " + REPLID + " 0\r\n").getBytes(StandardCharsets.US_ASCII));
                            out.write(payload);
                            out.flush();
                            if (closeAfterPayload) return;
                        }
                        case "REPLCONF" -> {
                            if (!cmd.get(1).equalsIgnoreCase("ACK")) out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        default -> out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                }
            } catch (IOException e) {
                // the replica dropped the link: that is what the scenarios wait for
            }
        }

        private static List<String> readCommand(InputStream in) throws IOException {
            String head = line(in);
            if (head == null) return null;
            if (!head.startsWith("*")) return List.of(head.trim().split(" "));
            int n = Integer.parseInt(head.substring(1));
            List<String> argv = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int len = Integer.parseInt(line(in).substring(1));
                byte[] b = in.readNBytes(len + 2);
                argv.add(new String(b, 0, len, StandardCharsets.UTF_8));
            }
            return argv;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') return b.toString(StandardCharsets.US_ASCII).replace("\r", "");
                b.write(c);
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) s.close();
        }
    }

    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        Logger.getLogger("io.cachelab.engine").addHandler(capture);
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger("io.cachelab.engine").removeHandler(capture);
    }

    private boolean logged(String fragment) {
        synchronized (log) {
            return log.stream().anyMatch(l -> l != null && l.contains(fragment));
        }
    }

    /** A real RDB of {@code keys} keys, saved by an engine. */
    private static byte[] rdbOf(int keys) throws Exception {
        String dir = TestEngine.tempDir();
        try (TestEngine src = TestEngine.start("dir", dir); Jedis j = src.jedis()) {
            j.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", Integer.toString(keys), "key", "100");
            j.save();
        }
        return Files.readAllBytes(Path.of(dir, "dump.rdb"));
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) b.writeBytes(p);
        return b.toByteArray();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void seedOldData(Jedis replica) {
        replica.sendCommand(() -> "DEBUG".getBytes(), "POPULATE", "50", "old", "10");
    }

    @Test
    void aTruncatedRdbIsDroppedAndTheSyncRetried() throws Exception {
        byte[] rdb = rdbOf(2_000);
        try (ScriptedMaster m = new ScriptedMaster(); TestEngine engine = TestEngine.start(); Jedis replica = engine.jedis()) {
            m.script(concat(ascii("$" + rdb.length + "\r\n"), Arrays.copyOf(rdb, rdb.length / 2)), true);
            replica.replicaof("127.0.0.1", m.port());
            waitFor(() -> m.psyncs.size() >= 2, "a second PSYNC after the truncated payload");
            assertThat(logged("I/O error trying to sync with MASTER: connection lost")).isTrue();
            assertThat(info(replica, "replication").get("master_link_status")).isEqualTo("down");
            assertThat(replica.dbSize()).isZero();
            assertThat(info(replica, "persistence").get("loading")).isEqualTo("0");
        }
    }

    @Test
    void aCorruptRdbLeavesNoHalfLoadedData_diskLoadEmpties_swapdbKeepsTheOldDataset() throws Exception {
        byte[] rdb = rdbOf(2_000);
        byte[] corrupt = rdb.clone();
        for (int i = rdb.length * 3 / 4; i < rdb.length * 3 / 4 + 64; i++) corrupt[i] = (byte) 0xfe;
        for (String mode : new String[] {"disabled", "swapdb"}) {
            log.clear();
            try (ScriptedMaster m = new ScriptedMaster();
                 TestEngine engine = TestEngine.start("repl-diskless-load", mode);
                 Jedis replica = engine.jedis()) {
                seedOldData(replica);
                m.script(concat(ascii("$" + corrupt.length + "\r\n"), corrupt), false);
                replica.replicaof("127.0.0.1", m.port());
                waitFor(() -> logged("Failed trying to load the MASTER synchronization DB from " + (mode.equals("swapdb") ? "socket" : "disk")),
                        "the load failure in the log (" + mode + ")");
                waitFor(() -> m.psyncs.size() >= 2, "a retried PSYNC (" + mode + ")");
                // never the 1,500 or so keys parsed before the damage: none (the old data was flushed
                // first), or with swapdb the 50 old keys, untouched
                assertThat(replica.dbSize()).isEqualTo(mode.equals("swapdb") ? 50 : 0);
                if (mode.equals("swapdb")) assertThat(replica.get("old:0")).isEqualTo("value:0\0\0\0"); // POPULATE pads to 10 bytes
                assertThat(info(replica, "persistence").get("loading")).isEqualTo("0");
            }
        }
    }

    @Test
    void garbageInTheStreamDropsTheLinkKeepsWhatWasAppliedAndResumesByPsync() throws Exception {
        byte[] rdb = rdbOf(10);
        byte[] stream = ascii("*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n" + "*nonsense\r\n");
        try (ScriptedMaster m = new ScriptedMaster(); TestEngine engine = TestEngine.start(); Jedis replica = engine.jedis()) {
            m.script(concat(ascii("$" + rdb.length + "\r\n"), rdb, stream), false);
            replica.replicaof("127.0.0.1", m.port());
            waitFor(() -> m.psyncs.size() >= 2, "a reconnect after the protocol error");
            assertThat(replica.get("x")).isEqualTo("1");
            assertThat(replica.dbSize()).isEqualTo(11);
            // the cached master: the same history, continued after the SET's 27 bytes
            assertThat(m.psyncs.get(1)).isEqualTo("PSYNC " + REPLID + " 28");
            assertThat(logged("Connection with master lost")).isTrue();
        }
    }

    @Test
    void aMasterThatGoesSilentIsDroppedAfterReplTimeout() throws Exception {
        try (ScriptedMaster m = new ScriptedMaster();
             TestEngine engine = TestEngine.start("repl-timeout", "1");
             Jedis replica = engine.jedis()) {
            m.script(ascii("$EOF:" + "b".repeat(40) + "\r\n"), false);
            replica.replicaof("127.0.0.1", m.port());
            waitFor(() -> m.psyncs.size() >= 2, "a reconnect after the silence");
            assertThat(logged("Timeout receiving bulk data from MASTER")).isTrue();
            assertThat(info(replica, "replication").get("master_link_status")).isEqualTo("down");
        }
    }

    @Test
    void aPreambleThatIsNotABulkIsRefused() throws Exception {
        try (ScriptedMaster m = new ScriptedMaster(); TestEngine engine = TestEngine.start(); Jedis replica = engine.jedis()) {
            m.script(ascii("+NOT-A-PAYLOAD\r\n"), false);
            replica.replicaof("127.0.0.1", m.port());
            waitFor(() -> m.psyncs.size() >= 2, "a retry after the bad preamble");
            assertThat(logged("Bad protocol from MASTER, the first byte is not '$' (we received '+NOT-A-PAYLOAD')")).isTrue();
            assertThat(replica.dbSize()).isZero();
        }
    }
}
