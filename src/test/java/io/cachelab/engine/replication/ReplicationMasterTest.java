package io.cachelab.engine.replication;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The master side seen as the Tcl suite's attach_to_replication_stream sees it: a raw SYNC, the RDB
 * bulk, then the propagated commands in RESP, with SELECT when the db changes. Also PSYNC's
 * FULLRESYNC/CONTINUE lines, REPLCONF, ROLE, INFO and WAIT against a socket acting as a replica.
 */
class ReplicationMasterTest {
    static final TestEngine ENGINE = TestEngine.start("repl-ping-replica-period", "3600");

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    /** A raw connection reading RESP by hand, as a replica (or the Tcl helper) does. */
    static final class RawLink implements AutoCloseable {
        final Socket socket;
        final DataInputStream in;
        final OutputStream out;

        RawLink(int port) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        }

        void send(String... argv) throws IOException {
            StringBuilder sb = new StringBuilder("*").append(argv.length).append("\r\n");
            for (String a : argv) sb.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
            out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int ch;
            while ((ch = in.read()) != '\n') {
                if (ch < 0) throw new IOException("closed");
                b.write(ch);
            }
            String s = b.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        /** The RDB bulk: $len then exactly len bytes, with no CRLF after. */
        /** The RDB payload in either form: $<len> (disk) or $EOF:<40 chars> ... <the same 40 chars> (diskless). */
        byte[] rdb() throws IOException {
            String head = line();
            assertThat(head).startsWith("$");
            if (head.startsWith("$EOF:")) {
                byte[] mark = head.substring(5).getBytes(StandardCharsets.US_ASCII);
                assertThat(mark).hasSize(40);
                java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
                while (true) {
                    b.write(in.readUnsignedByte());
                    byte[] sofar = b.toByteArray();
                    if (sofar.length >= 40 && java.util.Arrays.equals(sofar, sofar.length - 40, sofar.length, mark, 0, 40)) {
                        return java.util.Arrays.copyOf(sofar, sofar.length - 40);
                    }
                }
            }
            byte[] payload = new byte[Integer.parseInt(head.substring(1))];
            in.readFully(payload);
            return payload;
        }

        /** One command of the stream, as its arguments. */
        List<String> command() throws IOException {
            String head = line();
            assertThat(head).startsWith("*");
            int n = Integer.parseInt(head.substring(1));
            List<String> argv = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String len = line();
                byte[] arg = new byte[Integer.parseInt(len.substring(1))];
                in.readFully(arg);
                line();
                argv.add(new String(arg, StandardCharsets.UTF_8));
            }
            return argv;
        }

        String commandText() throws IOException {
            return String.join(" ", command());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static Map<String, String> infoReplication(Jedis j) {
        return j.info("replication").lines().filter(l -> l.contains(":"))
                .collect(Collectors.toMap(l -> l.substring(0, l.indexOf(':')), l -> l.substring(l.indexOf(':') + 1)));
    }

    @Test
    void syncSendsTheRdbThenEveryWriteWithSelectWhenTheDbChanges() throws Exception {
        try (Jedis j = ENGINE.jedis(); RawLink link = new RawLink(ENGINE.port())) {
            j.flushAll();
            j.set("before", "1");
            link.send("SYNC");
            byte[] rdb = link.rdb();
            assertThat(new String(rdb, 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
            assertThat(new String(rdb, StandardCharsets.ISO_8859_1)).contains("before");

            j.set("a", "1");
            j.lpush("list", "x", "y");
            j.select(9);
            j.incr("counter");
            j.select(0);
            long before = System.currentTimeMillis();
            j.expire("a", 100);
            j.setex("s", 50, "v");

            assertThat(link.commandText()).isEqualTo("SELECT 0");
            assertThat(link.commandText()).isEqualTo("SET a 1");
            assertThat(link.commandText()).isEqualTo("LPUSH list x y");
            assertThat(link.commandText()).isEqualTo("SELECT 9");
            assertThat(link.commandText()).isEqualTo("INCR counter");
            assertThat(link.commandText()).isEqualTo("SELECT 0");
            List<String> pexpireat = link.command();
            assertThat(pexpireat.subList(0, 2)).containsExactly("PEXPIREAT", "a");
            assertThat(Long.parseLong(pexpireat.get(2))).isBetween(before + 100_000, System.currentTimeMillis() + 100_000);
            List<String> set = link.command();
            assertThat(set.subList(0, 4)).containsExactly("SET", "s", "v", "PXAT");
        }
    }

    @Test
    void transactionsAndScriptsArriveWrappedInMultiExec() throws Exception {
        try (Jedis j = ENGINE.jedis(); RawLink link = new RawLink(ENGINE.port())) {
            j.flushAll();
            link.send("SYNC");
            link.rdb();
            var tx = j.multi();
            tx.set("k1", "v1");
            tx.incrBy("k2", 5);
            tx.exec();
            j.eval("redis.call('set', KEYS[1], 'x'); redis.call('del', KEYS[1]); return 1", 1, "k3");

            assertThat(link.commandText()).isEqualTo("SELECT 0");
            assertThat(link.commandText()).isEqualTo("MULTI");
            assertThat(link.commandText()).isEqualTo("SET k1 v1");
            assertThat(link.commandText()).isEqualTo("INCRBY k2 5");
            assertThat(link.commandText()).isEqualTo("EXEC");
            assertThat(link.commandText()).isEqualTo("MULTI");
            assertThat(link.commandText()).isEqualTo("set k3 x");
            assertThat(link.commandText()).isEqualTo("del k3");
            assertThat(link.commandText()).isEqualTo("EXEC");
        }
    }

    @Test
    void publishReachesReplicasInsideATransactionToo() throws Exception {
        try (Jedis j = ENGINE.jedis(); RawLink link = new RawLink(ENGINE.port())) {
            j.flushAll();
            link.send("SYNC");
            link.rdb();
            j.publish("ch", "outside");
            var tx = j.multi();
            tx.publish("bla", "bla");
            tx.exec();
            j.set("after", "1");

            // publishCommand's forceCommandPropagation(PROPAGATE_REPL); one op is not wrapped
            assertThat(link.commandText()).isEqualTo("SELECT 0");
            assertThat(link.commandText()).isEqualTo("PUBLISH ch outside");
            assertThat(link.commandText()).isEqualTo("PUBLISH bla bla");
            assertThat(link.commandText()).isEqualTo("SET after 1");
        }
    }

    @Test
    void psyncAnswersFullresyncThenContinueFromTheBacklog() throws Exception {
        String replid;
        long offsetAfter;
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
            try (RawLink link = new RawLink(ENGINE.port())) {
                link.send("REPLCONF", "listening-port", "7777");
                assertThat(link.line()).isEqualTo("+OK");
                link.send("REPLCONF", "capa", "eof", "capa", "psync2");
                assertThat(link.line()).isEqualTo("+OK");
                link.send("PSYNC", "?", "-1");
                String[] full = link.line().split(" ");
                assertThat(full[0]).isEqualTo("+FULLRESYNC");
                replid = full[1];
                assertThat(replid).matches("[0-9a-f]{40}");
                long start = Long.parseLong(full[2]);
                assertThat(new String(link.rdb(), 0, 9, StandardCharsets.US_ASCII)).isEqualTo("REDIS0010");
                // a diskless sync (capa eof): what is written now is held until the replica's first
                // ACK, then sent (as the master's stream, not as a reply to the ACK: the link stays)
                j.set("h", "0");
                link.send("REPLCONF", "ACK", Long.toString(start));
                j.set("p", "1");
                assertThat(link.commandText()).isEqualTo("SELECT 0");
                assertThat(link.commandText()).isEqualTo("SET h 0");
                assertThat(link.commandText()).isEqualTo("SET p 1");
                // *2 $6 SELECT $1 0 = 23 bytes, *3 $3 SET $1 h $1 0 and *3 $3 SET $1 p $1 1 = 27 bytes each
                offsetAfter = start + 23 + 27 + 27;
                link.send("REPLCONF", "ACK", Long.toString(offsetAfter));
                Thread.sleep(100);
                Map<String, String> info = infoReplication(j);
                assertThat(info.get("master_replid")).isEqualTo(replid);
                assertThat(info.get("master_repl_offset")).isEqualTo(Long.toString(offsetAfter));
                assertThat(info.get("connected_slaves")).isEqualTo("1");
                assertThat(info.get("slave0")).startsWith("ip=127.0.0.1,port=7777,state=online,offset=" + offsetAfter + ",lag=");
                assertThat(j.clientList()).contains("flags=S ");
                assertThat(new String((byte[]) j.sendCommand(() -> "CLIENT".getBytes(), "LIST", "TYPE", "replica"), StandardCharsets.UTF_8))
                        .contains("flags=S ").contains("cmd=replconf");
                assertThat(new String((byte[]) j.sendCommand(() -> "CLIENT".getBytes(), "LIST", "TYPE", "normal"), StandardCharsets.UTF_8))
                        .doesNotContain("flags=S ");
                List<Object> role = j.role();
                assertThat(role.get(0)).isEqualTo("master");
                assertThat(role.get(1)).isEqualTo(offsetAfter);
            }
            Thread.sleep(100);
            assertThat(infoReplication(j).get("connected_slaves")).isEqualTo("0");
            j.set("q", "2");
            try (RawLink link = new RawLink(ENGINE.port())) {
                link.send("PSYNC", replid, Long.toString(offsetAfter + 1));
                assertThat(link.line()).isEqualTo("+CONTINUE " + replid);
                assertThat(link.commandText()).isEqualTo("SET q 2");
            }
            try (RawLink link = new RawLink(ENGINE.port())) {
                link.send("PSYNC", "0123456789012345678901234567890123456789", "5");
                assertThat(link.line()).startsWith("+FULLRESYNC " + replid + " ");
            }
        }
    }

    @Test
    void waitCountsReplicasThatAcknowledgedTheClientsLastWrite() throws Exception {
        try (Jedis j = ENGINE.jedis(); RawLink link = new RawLink(ENGINE.port())) {
            j.flushAll();
            link.send("PSYNC", "?", "-1");
            link.line();
            link.rdb();
            j.set("w", "1");
            assertThat(link.commandText()).isEqualTo("SELECT 0");
            assertThat(link.commandText()).isEqualTo("SET w 1");
            long offset = Long.parseLong(infoReplication(j).get("master_repl_offset"));
            // nobody acknowledged yet: WAIT times out with 0, after asking with REPLCONF GETACK *
            long t0 = System.nanoTime();
            assertThat(j.waitReplicas(1, 200)).isEqualTo(0);
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(190);
            assertThat(link.commandText()).isEqualTo("REPLCONF GETACK *");
            // an ACK while WAIT blocks releases it
            Thread acker = new Thread(() -> {
                try {
                    Thread.sleep(150);
                    link.send("REPLCONF", "ACK", Long.toString(offset));
                } catch (Exception ignored) {
                    // the assertion below fails instead
                }
            });
            acker.start();
            t0 = System.nanoTime();
            assertThat(j.waitReplicas(1, 5000)).isEqualTo(1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(4000);
            acker.join();
            assertThat(j.waitReplicas(2, 100)).isEqualTo(1);
        }
    }

    @Test
    void replicasGetAPingEveryReplPingReplicaPeriod() throws Exception {
        try (Jedis j = ENGINE.jedis(); RawLink link = new RawLink(ENGINE.port())) {
            link.send("SYNC");
            link.rdb();
            j.configSet("repl-ping-replica-period", "1");
            try {
                assertThat(link.commandText()).isEqualTo("PING");
            } finally {
                j.configSet("repl-ping-replica-period", "3600");
            }
        }
    }

    @Test
    void aReplicaOverItsOutputBufferLimitIsDisconnected() throws Exception {
        try (Jedis j = ENGINE.jedis(); RawLink link = new RawLink(ENGINE.port())) {
            link.send("SYNC");
            link.rdb();
            Thread.sleep(50);
            assertThat(infoReplication(j).get("connected_slaves")).isEqualTo("1");
            String before = j.configGet("client-output-buffer-limit").get("client-output-buffer-limit");
            j.configSet("client-output-buffer-limit", "replica 1048576 0 0");
            try {
                j.set("big".getBytes(), new byte[2 * 1024 * 1024]);
                Thread.sleep(100);
                assertThat(infoReplication(j).get("connected_slaves")).isEqualTo("0");
            } finally {
                j.configSet("client-output-buffer-limit", before);
            }
        }
    }

    @Test
    void replconfChecksItsOptions() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.sendCommand(() -> "REPLCONF".getBytes(), "listening-port", "6380")).isEqualTo("OK".getBytes());
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.sendCommand(() -> "REPLCONF".getBytes(), "foo", "bar"))
                    .hasMessage("ERR Unrecognized REPLCONF option: foo");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.sendCommand(() -> "REPLCONF".getBytes(), "foo"))
                    .hasMessage("ERR syntax error");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> j.sendCommand(() -> "WAIT".getBytes(), "0", "abc"))
                    .hasMessage("ERR timeout is not an integer or out of range");
        }
    }
}
