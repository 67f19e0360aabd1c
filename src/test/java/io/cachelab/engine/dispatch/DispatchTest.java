package io.cachelab.engine.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.it.Reply;
import io.cachelab.engine.it.RespClient;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * processCommand's order and call()'s bookkeeping as Redis 7.0 has them: what SLOWLOG and MONITOR
 * show of commands that carry passwords (the commands redact their own arguments, as
 * redactClientCommandArgument), and CLIENT PAUSE checked after arity and the other checks, so a bad
 * command is answered during a pause while a write waits for its end.
 */
class DispatchTest {
    private static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    private RespClient r;

    @BeforeEach
    void connect() {
        r = new RespClient("127.0.0.1", ENGINE.port());
    }

    @Test
    void slowlogRedactsAclRulesAndSensitiveConfigs() {
        r.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        r.call("SLOWLOG", "RESET");
        assertThat(r.call("ACL", "SETUSER", "slowlog test user", "+get", "+set").isError()).isTrue();
        r.call("CONFIG", "SET", "masterauth", "");
        r.call("ACL", "SETUSER", "slowlog-test-user", "+get", "+set");
        r.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        r.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        List<String> logged = loggedCommands(r.call("SLOWLOG", "GET"));
        assertThat(logged).containsExactly(
                "config set slowlog-log-slower-than 0",
                "acl setuser (redacted) (redacted) (redacted)",
                "config set masterauth (redacted)",
                "acl setuser (redacted) (redacted) (redacted)",
                "slowlog reset");
    }

    @Test
    void slowlogRedactsMigratePasswordsAndAuth() {
        r.call("CONFIG", "SET", "slowlog-log-slower-than", "0");
        r.call("SLOWLOG", "RESET");
        String port = Integer.toString(ENGINE.port());
        r.call("MIGRATE", "127.0.0.1", port, "key", "9", "5000");
        r.call("MIGRATE", "127.0.0.1", port, "key", "9", "5000", "AUTH", "user");
        r.call("MIGRATE", "127.0.0.1", port, "key", "9", "5000", "AUTH2", "user", "password");
        r.call("AUTH", "not-real");
        r.call("AUTH", "not-real", "not-a-password");
        r.call("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        assertThat(loggedCommands(r.call("SLOWLOG", "GET"))).containsExactly(
                "auth (redacted) (redacted)",
                "auth (redacted)",
                "migrate 127.0.0.1 " + port + " key 9 5000 auth2 (redacted) (redacted)",
                "migrate 127.0.0.1 " + port + " key 9 5000 auth (redacted)",
                "migrate 127.0.0.1 " + port + " key 9 5000",
                "slowlog reset");
    }

    @Test
    void monitorShowsRedactedArguments() {
        try (RespClient monitor = new RespClient("127.0.0.1", ENGINE.port())) {
            assertThat(monitor.call("MONITOR").text()).isEqualTo("OK");
            r.call("AUTH", "not-real");
            r.call("HELLO", "2", "AUTH", "not-real", "not-a-password");
            r.call("SET", "visible", "value");
            assertThat(monitor.read().text()).endsWith("\"AUTH\" \"(redacted)\"");
            assertThat(monitor.read().text()).endsWith("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\"");
            assertThat(monitor.read().text()).endsWith("\"SET\" \"visible\" \"value\"");
        }
    }

    @Test
    void aPauseHoldsWritesButAnswersBadCommandsAtOnce() {
        try (RespClient writer = new RespClient("127.0.0.1", ENGINE.port(), 300)) {
            assertThat(r.call("CLIENT", "PAUSE", "100000", "WRITE").text()).isEqualTo("OK");
            try {
                // arity, unknown command and reads are answered during the pause
                assertThat(writer.call("SET", "paused-key").text())
                        .isEqualTo("ERR wrong number of arguments for 'set' command");
                assertThat(writer.call("NOSUCHCOMMAND").isError()).isTrue();
                assertThat(writer.call("GET", "paused-key")).isEqualTo(Reply.nil());
                writer.send("SET".getBytes(), "paused-key".getBytes(), "v".getBytes());
                writer.flush();
                assertThatThrownBy(writer::read).isInstanceOf(UncheckedIOException.class); // held: no reply yet
                assertThat(r.call("INFO", "clients").text()).contains("blocked_clients:1");
            } finally {
                r.call("CLIENT", "UNPAUSE");
            }
            assertThat(writer.read().text()).isEqualTo("OK");
            assertThat(r.call("GET", "paused-key").text()).isEqualTo("v");
        }
    }

    @Test
    void noKeyExpiresDuringAPauseButReadsSeeItGone() throws InterruptedException {
        long expired = expiredKeys();
        r.call("MULTI");
        r.call("SET", "pause-foo", "bar", "PX", "10");
        r.call("CLIENT", "PAUSE", "50000", "WRITE");
        assertThat(r.call("EXEC").size()).isEqualTo(2);
        try {
            Thread.sleep(150); // past the TTL, and several expiry cycles
            assertThat(r.call("GET", "pause-foo")).isEqualTo(Reply.nil());
            assertThat(expiredKeys()).isEqualTo(expired);
        } finally {
            r.call("CLIENT", "UNPAUSE");
        }
        assertThat(r.call("GET", "pause-foo")).isEqualTo(Reply.nil());
        assertThat(expiredKeys()).isEqualTo(expired + 1);
    }

    private long expiredKeys() {
        String stats = r.call("INFO", "stats").text();
        int at = stats.indexOf("expired_keys:") + "expired_keys:".length();
        return Long.parseLong(stats.substring(at, stats.indexOf('\r', at)));
    }

    /** Each entry's arguments joined by spaces, newest first. */
    private static List<String> loggedCommands(Reply entries) {
        List<String> out = new ArrayList<>();
        for (Reply e : entries.elements()) {
            List<String> args = new ArrayList<>();
            for (Reply a : e.get(3).elements()) args.add(a.text());
            out.add(String.join(" ", args).toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }
}
