package io.cachelab.engine.script;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A tiny command executor for unit tests: a string keyspace and a few commands, RESP out. */
class FakeHost implements ScriptHost {
    final Map<String, byte[]> data = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    final List<String> logs = new ArrayList<>();
    int busyCalls;
    Runnable onBusy = () -> { };

    @Override
    public byte[] call(ScriptRun run, byte[][] argv) {
        String cmd = new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase();
        StringBuilder line = new StringBuilder(cmd);
        for (int i = 1; i < argv.length; i++) {
            line.append(' ').append(new String(argv[i], StandardCharsets.ISO_8859_1));
        }
        calls.add(line.toString());
        RespBuffer out = new RespBuffer();
        switch (cmd) {
            case "set" -> {
                if (argv.length != 3) {
                    out.error("ERR Wrong number of args calling Redis command from script");
                } else {
                    data.put(s(argv[1]), argv[2]);
                    out.simple("OK");
                }
            }
            case "ping" -> out.simple("PONG");
            case "get" -> {
                if (argv.length != 2) {
                    out.error("ERR Wrong number of args calling Redis command from script");
                    break;
                }
                byte[] v = data.get(s(argv[1]));
                if (v == null) {
                    out.nullBulk(run.resp());
                } else {
                    out.bulk(v);
                }
            }
            case "incr" -> {
                byte[] v = data.get(s(argv[1]));
                long n = v == null ? 0 : Long.parseLong(s(v));
                data.put(s(argv[1]), Long.toString(n + 1).getBytes(StandardCharsets.ISO_8859_1));
                out.integer(n + 1);
            }
            case "lpush" -> out.error("WRONGTYPE Operation against a key holding the wrong kind of value");
            case "mget" -> {
                out.arrayLen(argv.length - 1);
                for (int i = 1; i < argv.length; i++) {
                    byte[] v = data.get(s(argv[i]));
                    if (v == null) {
                        out.nullBulk(run.resp());
                    } else {
                        out.bulk(v);
                    }
                }
            }
            case "hgetall" -> {
                out.mapLen(1, run.resp());
                out.bulk("f").bulk("v");
            }
            case "smembers" -> {
                out.setLen(1, run.resp());
                out.bulk("m");
            }
            case "zscore" -> out.dbl(1.5, run.resp());
            case "nullarray" -> out.nullArray(run.resp());
            case "exists" -> out.bool(true, run.resp());
            case "echo" -> out.bulk(argv[1]);
            default -> out.error("ERR Unknown Redis command called from script");
        }
        return out.toByteArray();
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static final java.util.Set<String> KNOWN = java.util.Set.of("set", "get", "incr", "lpush", "mget", "hgetall",
            "smembers", "zscore", "nullarray", "exists", "echo", "ping");

    @Override
    public Boolean aclCheck(ScriptRun run, byte[][] argv) {
        return KNOWN.contains(new String(argv[0], StandardCharsets.ISO_8859_1).toLowerCase()) ? Boolean.TRUE : null;
    }

    @Override
    public void busy(ScriptRun run) {
        busyCalls++;
        onBusy.run();
    }

    @Override
    public void log(int level, byte[] message) {
        logs.add(level + ":" + new String(message, StandardCharsets.ISO_8859_1));
    }
}
