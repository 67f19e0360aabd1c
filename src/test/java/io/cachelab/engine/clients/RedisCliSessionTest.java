package io.cachelab.engine.clients;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real redis-cli (redis-tools 7.0) as a process. Its output is a contract of its own: with stdout
 * not a terminal it prints raw replies (errors followed by an empty line), with --no-raw it prints
 * what a user sees ("(integer) 1", "1) ...", "(nil)", "(empty array)"), and with -3 it opens with
 * HELLO 3 and renders maps, doubles and nested arrays. Every expected text below was produced by
 * redis-cli against redis-server 7.0.15. Tagged `it` because it needs redis-tools installed; without
 * the binary the tests fail, they do not skip.
 */
@Tag("it")
class RedisCliSessionTest {
    static final Target ENGINE = Target.start();

    static final String SESSION = """
            SET greeting hello
            GET greeting
            GET missing
            INCR counter
            INCRBY counter 41
            HSET user:1 name ada lang en
            HGETALL user:1
            LPUSH queue c b a
            LRANGE queue 0 -1
            EXPIRE greeting 100
            TTL greeting
            TTL counter
            MULTI
            SET tx 1
            INCR tx
            LPUSH tx x
            EXEC
            INCR greeting
            NOSUCHCOMMAND foo
            """;

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @BeforeEach
    void flush() {
        try (Jedis j = ENGINE.jedis()) {
            j.flushAll();
        }
    }

    @Test
    void scriptedSessionInRawOutput() {
        assertThat(cli(SESSION)).isEqualTo("""
                OK
                hello

                1
                42
                2
                name
                ada
                lang
                en
                3
                a
                b
                c
                1
                100
                -1
                OK
                QUEUED
                QUEUED
                QUEUED
                OK
                2
                WRONGTYPE Operation against a key holding the wrong kind of value

                ERR value is not an integer or out of range

                ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'foo'\s

                """);
    }

    @Test
    void scriptedSessionAsATerminalShowsIt() {
        assertThat(cli(SESSION, "--no-raw")).isEqualTo("""
                OK
                "hello"
                (nil)
                (integer) 1
                (integer) 42
                (integer) 2
                1) "name"
                2) "ada"
                3) "lang"
                4) "en"
                (integer) 3
                1) "a"
                2) "b"
                3) "c"
                (integer) 1
                (integer) 100
                (integer) -1
                OK
                QUEUED
                QUEUED
                QUEUED
                1) OK
                2) (integer) 2
                3) (error) WRONGTYPE Operation against a key holding the wrong kind of value
                (error) ERR value is not an integer or out of range
                (error) ERR unknown command 'NOSUCHCOMMAND', with args beginning with: 'foo'\s
                """);
    }

    @Test
    void noRawFormatsOfSingleCommands() {
        try (Jedis j = ENGINE.jedis()) {
            j.zadd("z", 1.5, "a");
            j.zadd("z", 2, "b");
            j.set("bin".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xff, 0x01, 'a', 'b'});
        }
        assertThat(cli("", "--no-raw", "LRANGE", "nolist", "0", "-1")).isEqualTo("(empty array)\n");
        assertThat(cli("", "--no-raw", "GET", "nokey")).isEqualTo("(nil)\n");
        assertThat(cli("", "--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES"))
                .isEqualTo("1) \"a\"\n2) \"1.5\"\n3) \"b\"\n4) \"2\"\n");
        assertThat(cli("", "--no-raw", "GET", "bin")).isEqualTo("\"\\xff\\x01ab\"\n");
        assertThat(cli("", "--no-raw", "EXISTS", "z", "nokey")).isEqualTo("(integer) 1\n");
        assertThat(cli("SET q \"a b\\n\"\n")).isEqualTo("OK\n");
        assertThat(cli("", "--no-raw", "GET", "q")).isEqualTo("\"a b\\n\"\n");
        assertThat(cli("", "GET", "q")).as("raw output writes the bytes").isEqualTo("a b\n\n");
    }

    /** -3 makes redis-cli say HELLO 3; RESP3 maps, doubles and pairs render differently from RESP2. */
    @Test
    void resp3Formats() {
        try (Jedis j = ENGINE.jedis()) {
            j.hset("h", "name", "ada");
            j.zadd("z", 1.5, "a");
            j.zadd("z", 2, "b");
        }
        assertThat(cli("", "-3", "--no-raw", "HGETALL", "h")).isEqualTo("1# \"name\" => \"ada\"\n");
        assertThat(cli("", "-3", "--no-raw", "ZSCORE", "z", "a")).isEqualTo("(double) 1.5\n");
        assertThat(cli("", "-3", "--no-raw", "GET", "nokey")).isEqualTo("(nil)\n");
        assertThat(cli("", "-3", "--no-raw", "ZRANGE", "z", "0", "-1", "WITHSCORES")).isEqualTo("""
                1) 1) "a"
                   2) (double) 1.5
                2) 1) "b"
                   2) (double) 2
                """);
    }

    /** Mass insertion (--pipe), CSV output, -r repeat, -x (last argument from stdin), --eval, --bigkeys. */
    @Test
    void batchModes() throws IOException {
        String protocol = "SET a 1\r\nSET b 2\r\nINCR a\r\nRPUSH l x y z\r\nHSET h f v\r\nZADD z 1 m\r\nSADD s q\r\n";
        assertThat(cli(protocol, "--pipe")).isEqualTo("""
                All data transferred. Waiting for the last reply...
                Last reply received from server.
                errors: 0, replies: 7
                """);
        assertThat(cli("", "--csv", "LRANGE", "l", "0", "-1")).isEqualTo("\"x\",\"y\",\"z\"\n");
        assertThat(cli("", "-r", "3", "INCR", "a")).isEqualTo("3\n4\n5\n");
        assertThat(cli("from stdin", "-x", "SET", "x")).isEqualTo("OK\n");
        assertThat(cli("", "GET", "x")).isEqualTo("from stdin\n");
        Path script = Files.createTempFile("cachelab-cli", ".lua");
        try {
            Files.writeString(script, "return {KEYS[1], ARGV[1], redis.call('incr', KEYS[1])}\n");
            assertThat(cli("", "--eval", script.toString(), "a", ",", "arg1")).isEqualTo("a\narg1\n6\n");
        } finally {
            Files.delete(script);
        }
        String bigkeys = cli("", "--bigkeys");
        assertThat(bigkeys.substring(bigkeys.indexOf("-------- summary -------"))).isEqualTo("""
                -------- summary -------

                Sampled 7 keys in the keyspace!
                Total key length in bytes is 7 (avg len 1.00)

                Biggest   list found '"l"' has 3 items
                Biggest   hash found '"h"' has 1 fields
                Biggest string found '"x"' has 10 bytes
                Biggest    set found '"s"' has 1 members
                Biggest   zset found '"z"' has 1 members

                1 lists with 3 items (14.29% of keys, avg size 3.00)
                1 hashs with 1 fields (14.29% of keys, avg size 1.00)
                3 strings with 12 bytes (42.86% of keys, avg size 4.00)
                0 streams with 0 entries (00.00% of keys, avg size 0.00)
                1 sets with 1 members (14.29% of keys, avg size 1.00)
                1 zsets with 1 members (14.29% of keys, avg size 1.00)
                """);
    }

    /** --scan walks the keyspace with SCAN cursors until the cursor comes back to 0. */
    @Test
    void scanWalksEveryKey() {
        List<String> expected = new ArrayList<>();
        try (Jedis j = ENGINE.jedis()) {
            for (int i = 0; i < 250; i++) {
                j.set("scan:" + i, "v");
                expected.add("scan:" + i);
            }
            j.set("other", "v");
        }
        String[] lines = cli("", "--scan", "--pattern", "scan:*").split("\n");
        Arrays.sort(lines);
        expected.sort(null);
        assertThat(lines).containsExactlyElementsOf(expected);
    }

    /** Runs redis-cli against the target with `args`, writes `stdin`, returns stdout (exit status 0). */
    private static String cli(String stdin, String... args) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-h", "127.0.0.1", "-p", Integer.toString(ENGINE.port())));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).start();
            CompletableFuture<byte[]> stdout = drain(process.getInputStream());
            CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("redis-cli %s finished", command).isTrue();
            String err = new String(stderr.get(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as("redis-cli exit status; stderr: %s", err).isZero();
            return new String(stdout.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("redis-cli must be installed (apt-get install redis-tools)", e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                stream.transferTo(out);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
