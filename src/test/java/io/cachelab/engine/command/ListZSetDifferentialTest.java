package io.cachelab.engine.command;

import io.cachelab.engine.it.RealRedis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random list and sorted-set command sequences sent to the engine and to a real redis-server
 * 7.0.x; every reply must render identically. Keys and members come from tiny pools so commands
 * collide (wrong types, empty keys, overlapping ranges). On divergence the seed and the command
 * history are printed, so the failure replays as a transcript.
 */
@Tag("it")
class ListZSetDifferentialTest extends EngineTestSupport {
    static RealRedis redis;
    static int redisPort;

    @BeforeAll
    static void startRedis() {
        redis = RealRedis.start();
        redisPort = redis.port();
    }

    @AfterAll
    static void stopRedis() throws IOException {
        Transcript t = new Transcript(engine.port());
        t.run("config set zset-max-listpack-entries 128");
        t.close();
        if (redis != null) redis.close();
    }


    private static final String[] KEYS = {"l1", "l2", "z1", "z2", "s"};
    private static final String[] MEMBERS = {"a", "b", "c", "d", "e", "f", "1", "10"};
    private static final String[] SCORES = {"0", "1", "1.5", "2", "-3", "inf", "-inf", "0.1", "1e3", "x", "-0"};
    private static final String[] BOUNDS = {"0", "1", "(1", "1.5", "(2", "-inf", "+inf", "(inf", "3", "x"};
    private static final String[] LEX = {"-", "+", "[a", "(a", "[c", "(d", "[f", "g", "[", "("};
    private static final String[] INTS = {"0", "1", "2", "-1", "-2", "5", "-100", "x"};

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static String command(Random r) {
        String k = pick(r, KEYS);
        String k2 = pick(r, KEYS);
        String m = pick(r, MEMBERS);
        String i1 = pick(r, INTS);
        String i2 = pick(r, INTS);
        return switch (r.nextInt(44)) {
            case 0 -> "lpush " + k + " " + m + " " + pick(r, MEMBERS);
            case 1 -> "rpush " + k + " " + m;
            case 2 -> "lpushx " + k + " " + m;
            case 3 -> "lpop " + k + (r.nextBoolean() ? " " + i1 : "");
            case 4 -> "rpop " + k + (r.nextBoolean() ? " " + i1 : "");
            case 5 -> "lrange " + k + " " + i1 + " " + i2;
            case 6 -> "lindex " + k + " " + i1;
            case 7 -> "lset " + k + " " + i1 + " " + m;
            case 8 -> "ltrim " + k + " " + i1 + " " + i2;
            case 9 -> "lrem " + k + " " + i1 + " " + m;
            case 10 -> "linsert " + k + (r.nextBoolean() ? " before " : " after ") + m + " " + pick(r, MEMBERS);
            case 11 -> "lpos " + k + " " + m + (r.nextBoolean() ? " rank " + i1 : "") + (r.nextBoolean() ? " count " + i2 : "")
                    + (r.nextBoolean() ? " maxlen " + pick(r, INTS) : "");
            case 12 -> "lmove " + k + " " + k2 + (r.nextBoolean() ? " left" : " right") + (r.nextBoolean() ? " left" : " right");
            case 13 -> "lmpop " + (r.nextInt(3) + 1) + " " + k + " " + k2 + " " + pick(r, KEYS) + " " + (r.nextBoolean() ? "left" : "right")
                    + (r.nextBoolean() ? " count " + i1 : "");
            case 14 -> "blpop " + k + " " + k2 + " 0.01";
            case 15 -> "llen " + k;
            case 16 -> "zadd " + k + (r.nextInt(4) == 0 ? " " + pick(r, new String[]{"nx", "xx", "gt", "lt", "ch", "incr"}) : "")
                    + (r.nextInt(4) == 0 ? " " + pick(r, new String[]{"nx", "xx", "gt", "lt", "ch"}) : "")
                    + " " + pick(r, SCORES) + " " + m + (r.nextBoolean() ? " " + pick(r, SCORES) + " " + pick(r, MEMBERS) : "");
            case 17 -> "zincrby " + k + " " + pick(r, SCORES) + " " + m;
            case 18 -> "zrem " + k + " " + m + " " + pick(r, MEMBERS);
            case 19 -> "zcard " + k;
            case 20 -> "zcount " + k + " " + pick(r, BOUNDS) + " " + pick(r, BOUNDS);
            case 21 -> "zlexcount " + k + " " + pick(r, LEX) + " " + pick(r, LEX);
            case 22 -> "zscore " + k + " " + m;
            case 23 -> "zmscore " + k + " " + m + " " + pick(r, MEMBERS);
            case 24 -> (r.nextBoolean() ? "zrank " : "zrevrank ") + k + " " + m;
            case 25 -> "zrange " + k + " " + i1 + " " + i2 + (r.nextBoolean() ? " rev" : "") + (r.nextBoolean() ? " withscores" : "");
            case 26 -> "zrange " + k + " " + pick(r, BOUNDS) + " " + pick(r, BOUNDS) + " byscore" + (r.nextBoolean() ? " rev" : "")
                    + (r.nextBoolean() ? " limit " + i1 + " " + i2 : "") + (r.nextBoolean() ? " withscores" : "");
            case 27 -> "zrange " + k + " " + pick(r, LEX) + " " + pick(r, LEX) + " bylex" + (r.nextBoolean() ? " rev" : "")
                    + (r.nextBoolean() ? " limit " + i1 + " " + i2 : "");
            case 28 -> (r.nextBoolean() ? "zrangebyscore " : "zrevrangebyscore ") + k + " " + pick(r, BOUNDS) + " " + pick(r, BOUNDS)
                    + (r.nextBoolean() ? " withscores" : "");
            case 29 -> (r.nextBoolean() ? "zrangebylex " : "zrevrangebylex ") + k + " " + pick(r, LEX) + " " + pick(r, LEX);
            case 30 -> "zrangestore " + k2 + " " + k + " " + i1 + " " + i2;
            case 31 -> "zremrangebyrank " + k + " " + i1 + " " + i2;
            case 32 -> "zremrangebyscore " + k + " " + pick(r, BOUNDS) + " " + pick(r, BOUNDS);
            case 33 -> "zremrangebylex " + k + " " + pick(r, LEX) + " " + pick(r, LEX);
            case 34 -> (r.nextBoolean() ? "zpopmin " : "zpopmax ") + k + (r.nextBoolean() ? " " + i1 : "");
            case 35 -> "zmpop 2 " + k + " " + k2 + (r.nextBoolean() ? " min" : " max") + (r.nextBoolean() ? " count " + i1 : "");
            case 36 -> pick(r, new String[]{"zunion", "zinter", "zdiff"}) + " 2 " + k + " " + k2
                    + (r.nextInt(3) == 0 ? " weights " + pick(r, SCORES) + " " + pick(r, SCORES) : "")
                    + (r.nextInt(3) == 0 ? " aggregate " + pick(r, new String[]{"sum", "min", "max", "avg"}) : "")
                    + (r.nextBoolean() ? " withscores" : "");
            case 37 -> pick(r, new String[]{"zunionstore", "zinterstore", "zdiffstore"}) + " " + pick(r, KEYS) + " 2 " + k + " " + k2;
            case 38 -> "zintercard 2 " + k + " " + k2 + (r.nextBoolean() ? " limit " + i1 : "");
            case 39 -> "bzpopmin " + k + " 0.01";
            case 40 -> r.nextBoolean() ? "type " + k : "object encoding " + k;
            case 41 -> "set " + k + " str";
            case 42 -> "del " + k;
            default -> "rpoplpush " + k + " " + k2;
        };
    }

    @Test
    void randomSequencesAnswerLikeRedis() throws Exception {
        // A fixed default seed keeps CI deterministic: lex ranges over members with different scores
        // are undefined in Redis (its answer depends on listpack vs skiplist traversal), and random
        // seeds occasionally generate one. Explore other seeds with -Ddiff.seed=N.
        long seed = Long.getLong("diff.seed", 20261121L);
        Random r = new Random(seed);
        for (int round = 0; round < 40; round++) {
            Transcript ours = new Transcript(engine.port());
            Transcript theirs = new Transcript(redisPort);
            List<String> history = new ArrayList<>();
            try {
                String proto = round % 3 == 2 ? "@3" : "@2";
                // half the rounds use tiny listpack limits so sets convert to skiplists mid-sequence
                String limit = "config set zset-max-listpack-entries " + (round % 2 == 0 ? "128" : "3");
                for (String setup : new String[]{proto, "flushall", limit}) {
                    ours.run(setup);
                    theirs.run(setup);
                }
                for (int step = 0; step < 150; step++) {
                    String cmd = command(r);
                    history.add(cmd);
                    String want = theirs.run(cmd);
                    String got = ours.run(cmd);
                    // OBJECT belongs to another family; compare encodings once it exists
                    if (got.startsWith("-ERR unknown command 'object'")) continue;
                    if (!want.equals(got)) {
                        String repro = String.join("\n", history);
                        assertThat(got).as("seed %d, protocol %s, after:%n%s%n", seed, proto, repro).isEqualTo(want);
                    }
                }
            } finally {
                ours.close();
                theirs.close();
            }
        }
    }
}
