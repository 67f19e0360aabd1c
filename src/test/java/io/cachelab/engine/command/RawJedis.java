package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.type.RType;
import io.cachelab.engine.type.RValue;
import io.cachelab.engine.util.Bytes;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends any command through Jedis with byte-exact (ISO-8859-1) arguments and hands back the reply
 * undecoded by Jedis's typed API: bulk strings as String, integers as Long, arrays as List, nil as
 * null, errors as their text prefixed with "!". Tests then assert exact replies, formatting included.
 */
final class RawJedis {
    private RawJedis() {
    }

    static Object call(Jedis j, String... args) {
        byte[] name = args[0].getBytes(StandardCharsets.ISO_8859_1);
        byte[][] rest = new byte[args.length - 1][];
        for (int i = 1; i < args.length; i++) rest[i - 1] = args[i].getBytes(StandardCharsets.ISO_8859_1);
        try {
            return decode(j.sendCommand(() -> name, rest));
        } catch (JedisDataException e) {
            return "!" + e.getMessage();
        }
    }

    /**
     * Stores a list-typed value under key straight into db 0, for WRONGTYPE checks that must not
     * depend on the list commands being registered. Done between commands, while the event loop
     * is idle; the socket round trip of the next command publishes it to the loop thread.
     */
    static void putList(TestEngine engine, String key) {
        engine.engine().server().db(0).dict().put(Bytes.of(key), new RValue() {
            @Override
            public RType type() {
                return RType.LIST;
            }

            @Override
            public String encoding() {
                return "quicklist";
            }

            @Override
            public RValue copy() {
                return this;
            }
        });
    }

    static Object decode(Object o) {
        if (o instanceof byte[] b) return new String(b, StandardCharsets.ISO_8859_1);
        if (o instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object x : l) out.add(decode(x));
            return out;
        }
        if (o instanceof JedisDataException e) return "!" + e.getMessage();
        return o;
    }
}
