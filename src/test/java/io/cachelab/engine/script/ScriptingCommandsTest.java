package io.cachelab.engine.script;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachelab.engine.TestEngine;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Differential test of the scripting commands: redis-7.0.15-command-answers.txt holds a session of
 * EVAL/EVALSHA/SCRIPT/FCALL/FUNCTION commands sent to a flushed redis-server 7.0.15 on one
 * connection with its raw replies; the same session is replayed against the engine and every reply
 * must be byte-identical, except the few listed with the reason they cannot match.
 */
class ScriptingCommandsTest {
    static final TestEngine ENGINE = TestEngine.start();

    /** Commands whose replies legitimately differ. */
    static final Set<String> KNOWN_DIFFERENCES = Set.of(
            // Redis lists a library's functions in its dict's hash order; we keep registration order.
            "FUNCTION\tLIST\tWITHCODE\tWITHCODE",
            // Redis LZF-compresses the code inside the dump; we store it plain (both restore either).
            "FUNCTION\tDUMP",
            // the client id differs
            "HELLO\t3",
            "HELLO\t2",
            // a RESP3 map travels through a Lua table: its order is the table's iteration order
            "EVAL\tredis.setresp(3) return redis.call('hgetall', 'h2')\t0",
            // set member order is the set implementation's, not scripting's
            "EVAL\treturn redis.call('smembers', 's')\t0",
            "EVAL\tredis.setresp(3) return redis.call('smembers', 's')\t0");

    /**
     * Steps that need a command family other branches provide (hashes, INCRBYFLOAT): skipped while
     * this engine does not have that command, enforced once it does.
     */
    static final java.util.Map<String, String> REQUIRES = java.util.Map.of(
            "EVAL\treturn redis.call('incrbyfloat', 'f', 0.1)\t0", "incrbyfloat",
            "EVAL\treturn tonumber(redis.call('incrbyfloat', 'f', '0.2'))\t0", "incrbyfloat",
            "EVAL\treturn redis.call('hset', 'h', 'a', '1', 'b', '2')\t0", "hset",
            "EVAL\treturn redis.call('hgetall', 'h')\t0", "hset",
            "EVAL\tlocal r = redis.call('hgetall', 'h') return #r\t0", "hset",
            "EVAL\treturn redis.call('get', 'h')\t0", "hset",
            "EVAL\treturn redis.pcall('get', 'h')\t0", "hset",
            "EVAL\tlocal ok, err = pcall(redis.call, 'get', 'h') return err\t0", "hset",
            "EVAL\treturn redis.call('sort', 'l', 'desc', 'alpha')\t0", "sort");

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    void sessionMatchesRealRedis() throws IOException {
        List<String[]> session = new ArrayList<>();
        try (InputStream in = getClass().getResourceAsStream("redis-7.0.15-command-answers.txt")) {
            String cmd = null;
            for (String line : new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith("C ")) {
                    cmd = line.substring(2);
                } else if (line.startsWith("R ")) {
                    session.add(new String[] {cmd, line.substring(2)});
                }
            }
        }
        assertThat(session).hasSizeGreaterThan(100);
        List<String> mismatches = new ArrayList<>();
        try (Socket s = new Socket("127.0.0.1", ENGINE.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = new BufferedInputStream(s.getInputStream());
            for (String[] step : session) {
                String[] args = step[0].split("\t", -1);
                ByteArrayOutputStream req = new ByteArrayOutputStream();
                req.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                for (String a : args) {
                    byte[] b = RedisAnswersTest.unescape(a);
                    req.writeBytes(("$" + b.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    req.writeBytes(b);
                    req.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write(req.toByteArray());
                out.flush();
                String got = RedisAnswersTest.escape(readReply(in));
                String needed = REQUIRES.get(step[0]);
                if (needed != null && ENGINE.engine().server().commands().lookup(needed) == null) {
                    continue;
                }
                if (!got.equals(step[1]) && !KNOWN_DIFFERENCES.contains(step[0])) {
                    mismatches.add(step[0] + "\n    redis: " + step[1] + "\n    ours:  " + got);
                }
            }
        }
        assertThat(mismatches).as(String.join("\n", mismatches)).isEmpty();
    }

    static byte[] readReply(InputStream in) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        readInto(in, raw);
        return raw.toByteArray();
    }

    private static String readLine(InputStream in, ByteArrayOutputStream raw) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("connection closed");
            }
            line.write(b);
        }
        raw.writeBytes(line.toByteArray());
        raw.write('\n');
        String l = line.toString(StandardCharsets.ISO_8859_1);
        return l.substring(0, l.length() - 1);
    }

    private static void readInto(InputStream in, ByteArrayOutputStream raw) throws IOException {
        String line = readLine(in, raw);
        char t = line.charAt(0);
        switch (t) {
            case '$', '=', '!' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n >= 0) {
                    raw.writeBytes(in.readNBytes(n + 2));
                }
            }
            case '*', '~', '>' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < n; i++) {
                    readInto(in, raw);
                }
            }
            case '%', '|' -> {
                int n = Integer.parseInt(line.substring(1));
                for (int i = 0; i < 2 * n; i++) {
                    readInto(in, raw);
                }
            }
            default -> {
            }
        }
    }
}
