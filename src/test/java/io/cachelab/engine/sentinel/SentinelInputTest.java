package io.cachelab.engine.sentinel;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.config.EngineConfig;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.cachelab.engine.sentinel.SentinelFailoverTest.master;
import static io.cachelab.engine.sentinel.SentinelFailoverTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a Sentinel does with bad input: malformed hellos, a peer asking for a second vote in one
 * epoch, a "master" that answers garbage, a config file it cannot load or save. It logs, ignores,
 * keeps serving, and never gives two votes in an epoch.
 */
class SentinelInputTest {

    private static Object sentinel(Jedis j, String... args) {
        return j.sendCommand(() -> "SENTINEL".getBytes(), args);
    }

    @Test
    void oneVotePerEpochWhoeverAsks() throws Exception {
        try (TestEngine m = TestEngine.start(); TestSentinel s = TestSentinel.monitoring(m.port(), 1); Jedis j = s.jedis()) {
            String a = "a".repeat(40), b = "b".repeat(40);
            List<Object> first = (List<Object>) sentinel(j, "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", Integer.toString(m.port()), "5", a);
            List<Object> second = (List<Object>) sentinel(j, "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", Integer.toString(m.port()), "5", b);
            assertThat(first).containsExactly(0L, a.getBytes(), 5L);
            assertThat(new String((byte[]) second.get(1))).isEqualTo(a);
            assertThat(second.get(2)).isEqualTo(5L);
            List<Object> next = (List<Object>) sentinel(j, "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", Integer.toString(m.port()), "6", b);
            assertThat(new String((byte[]) next.get(1))).isEqualTo(b);
            waitFor(() -> s.events("+vote-for-leader").size() >= 2, 5000, "the events");
            assertThat(s.events("+vote-for-leader")).containsExactly("+vote-for-leader " + a + " 5", "+vote-for-leader " + b + " 6");
            assertThat(s.configText()).contains("sentinel leader-epoch mym 6", "sentinel current-epoch 6");
            assertThatThrownBy(() -> sentinel(j, "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "6", b))
                    .hasMessage("ERR value is not an integer or out of range");
        }
    }

    @Test
    void malformedHellosAreIgnored() throws Exception {
        try (TestEngine m = TestEngine.start(); TestSentinel s = TestSentinel.monitoring(m.port(), 1); Jedis j = s.jedis()) {
            String id = "c".repeat(40);
            for (String hello : List.of("", "1,2,3", "127.0.0.1,1,2,3,4,5,6,7,8", "127.0.0.1,26999," + id + ",1,nosuchmaster,127.0.0.1,1,1",
                    "127.0.0.1,x," + id + ",y,mym,127.0.0.1,z,w")) {
                assertThat(j.publish("__sentinel__:hello", hello)).isEqualTo(1);
            }
            assertThatThrownBy(() -> j.publish("other", "x")).isInstanceOf(JedisDataException.class)
                    .hasMessage("ERR Only HELLO messages are accepted by Sentinel instances.");
            // the last one has 8 fields for a known master but numbers that do not parse: atoi makes them 0,
            // as in Redis, so it names a Sentinel on port 0 (never connected) and changes no epoch
            Map<String, String> state = master(j);
            assertThat(state.get("num-other-sentinels")).isEqualTo("1");
            List<Object> others = (List<Object>) sentinel(j, "SENTINELS", "mym");
            assertThat(new String((byte[]) ((List<Object>) others.get(0)).get(5))).isEqualTo("0");
            assertThat(state.get("config-epoch")).isEqualTo("0");
            assertThat(state.get("port")).isEqualTo(Integer.toString(m.port()));
            assertThat(j.ping()).isEqualTo("PONG");
        }
    }

    @Test
    void aMasterAnsweringGarbageIsDroppedAndGoesDownWhileTheSentinelServes() throws Exception {
        try (ServerSocket fake = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread server = new Thread(() -> {
                while (!fake.isClosed()) {
                    try (Socket c = fake.accept(); InputStream in = c.getInputStream(); OutputStream out = c.getOutputStream()) {
                        in.read(new byte[1024]);
                        out.write("%%% not resp %%%\r\n".getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                        in.read(new byte[1024]);
                    } catch (Exception closed) {
                        // next connection
                    }
                }
            });
            server.setDaemon(true);
            server.start();
            try (TestSentinel s = TestSentinel.monitoring(fake.getLocalPort(), 1); Jedis j = s.jedis()) {
                waitFor(() -> !s.events("+sdown").isEmpty(), 10_000, "+sdown of the garbage master");
                assertThat(s.events("+sdown")).containsExactly("+sdown master mym 127.0.0.1 " + fake.getLocalPort());
                assertThat(master(j).get("flags")).contains("s_down", "master");
                assertThat(j.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void theConfigKeepsItsLinesAndRefusesBadDirectives() throws Exception {
        try (TestEngine m = TestEngine.start()) {
            Path f = TestSentinel.config("# a comment that stays", "sentinel down-after-milliseconds mym 20000",
                    "# reconfigure one replica at a time", "sentinel parallel-syncs mym 2",
                    "sentinel monitor mym 127.0.0.1 " + m.port() + " 2", "", "# after the blank line");
            List<String> before = Files.readAllLines(f);
            try (TestSentinel s = TestSentinel.start(f); Jedis j = s.jedis()) {
                assertThat(sentinel(j, "FLUSHCONFIG")).isEqualTo("OK".getBytes());
                List<String> after = Files.readAllLines(f);
                assertThat(after.subList(0, 9)).isEqualTo(before.subList(0, 9));
                assertThat(after).contains("# Generated by CONFIG REWRITE").anyMatch(l -> l.startsWith("sentinel myid "));
                Files.delete(f);
                Files.createDirectory(f);
                assertThatThrownBy(() -> sentinel(j, "FLUSHCONFIG")).hasMessage("ERR Failed to save config file. Check server logs.");
            }
            Path bad = TestSentinel.config("sentinel monitor mym 127.0.0.1 " + m.port() + " 0");
            assertThatThrownBy(() -> SentinelMain.read(EngineConfig.defaults(), bad, new String[] {bad.toString()})
                    .load(null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("Reading the configuration file, at line 3\n>>> 'sentinel monitor mym 127.0.0.1 " + m.port()
                            + " 0'\nQuorum must be 1 or greater.");
        }
    }

    @Test
    void aclRulesNameTheSentinelsOwnCommands() throws Exception {
        try (TestEngine m = TestEngine.start()) {
            Path f = TestSentinel.config("sentinel monitor mym 127.0.0.1 " + m.port() + " 1",
                    "user app on >secret +ping +sentinel|get-master-addr-by-name");
            try (TestSentinel s = TestSentinel.start(f); Jedis j = s.jedis()) {
                j.auth("app", "secret");
                assertThat(j.ping()).isEqualTo("PONG");
                assertThat(j.sentinelGetMasterAddrByName("mym")).containsExactly("127.0.0.1", Integer.toString(m.port()));
                assertThatThrownBy(() -> sentinel(j, "MASTERS"))
                        .hasMessage("NOPERM this user has no permissions to run the 'sentinel|masters' command");
                try (Jedis admin = s.jedis()) {
                    assertThat(admin.aclSetUser("app", "+sentinel|masters")).isEqualTo("OK");
                    assertThat(admin.aclCat("admin")).doesNotContain("get", "set").contains("sentinel");
                }
                assertThat((List<Object>) sentinel(j, "MASTERS")).hasSize(1);
            }
        }
    }
}
