package io.cachelab.engine.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.table.AclCategory;
import io.cachelab.engine.table.CommandDef;
import io.cachelab.engine.table.CommandFlag;
import io.cachelab.engine.table.CommandTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The generated command table (tools/gen-command-table.py over Redis 7.0.15's src/commands/*.json)
 * against a real redis-server 7.0.15: every command and subcommand it holds has Redis's arity,
 * flags, legacy key range, ACL categories and key specs, and the engine's COMMAND INFO and COMMAND
 * DOCS for the commands it answers are Redis's replies, DOCS' argument lists and field order included.
 */
@Tag("it")
class CommandTableRealRedisTest {
    private static RealRedis redis;
    private static TestEngine engine;
    private static RespClient real;
    private static RespClient ours;

    @BeforeAll
    static void start() {
        redis = RealRedis.start();
        engine = TestEngine.start();
        real = new RespClient("127.0.0.1", redis.port());
        ours = new RespClient("127.0.0.1", engine.port());
        assertThat(real.call("INFO", "server").text()).contains("redis_version:7.0.15");
    }

    @AfterAll
    static void stop() {
        real.close();
        ours.close();
        engine.close();
        redis.close();
    }

    @Test
    void everyEntryOfTheTableIsRedisOwn() {
        Map<String, Reply> infos = realInfos();
        List<String> ours = new ArrayList<>();
        SoftAssertions soft = new SoftAssertions();
        for (CommandDef top : CommandTable.redis().topLevel()) {
            List<CommandDef> defs = new ArrayList<>(List.of(top));
            defs.addAll(top.subcommands().values());
            for (CommandDef d : defs) {
                if (d.doc().since().startsWith("7.2")) continue; // commands-later.tsv: not in 7.0.15
                ours.add(d.fullName());
                Reply info = infos.get(d.fullName());
                soft.assertThat(info).as(d.fullName()).isNotNull();
                if (info == null) continue;
                soft.assertThat(info.get(1).integer()).as(d.fullName() + " arity").isEqualTo(d.arity());
                soft.assertThat(texts(info.get(2))).as(d.fullName() + " flags").isEqualTo(visibleFlags(d));
                soft.assertThat(List.of(info.get(3).integer(), info.get(4).integer(), info.get(5).integer()))
                        .as(d.fullName() + " first/last/step")
                        .isEqualTo(List.of((long) d.firstKey(), (long) d.lastKey(), (long) d.step()));
                soft.assertThat(texts(info.get(6))).as(d.fullName() + " categories")
                        .isEqualTo(AclCategory.names(d.categories()));
                soft.assertThat(info.get(8).size()).as(d.fullName() + " key specs").isEqualTo(d.keySpecs().size());
            }
        }
        soft.assertThat(ours).as("every command Redis 7.0.15 has").containsExactlyInAnyOrderElementsOf(infos.keySet());
        soft.assertAll();
    }

    @Test
    void commandInfoOfEveryBoundCommandIsRedisReply() {
        Map<String, Reply> infos = realInfos();
        Reply all = ours.call("COMMAND", "INFO");
        assertThat(all.size()).isGreaterThan(200);
        SoftAssertions soft = new SoftAssertions();
        int compared = 0;
        for (Reply mine : all.elements()) {
            for (Reply one : withSubcommands(mine)) {
                String name = one.get(0).text();
                Reply theirs = infos.get(name);
                if (theirs == null) continue; // a later command (CLIENT SETINFO)
                soft.assertThat(one.elements().subList(0, 9)).as(name).isEqualTo(theirs.elements().subList(0, 9));
                compared++;
            }
        }
        soft.assertAll();
        assertThat(compared).isGreaterThan(300);
    }

    @Test
    void commandDocsOfEveryBoundCommandIsRedisReply() {
        Reply mine = ours.call("COMMAND", "DOCS");
        Reply theirs = real.call("COMMAND", "DOCS");
        Map<String, Reply> theirsByName = pairs(theirs);
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<String, Reply> e : pairs(mine).entrySet()) {
            Reply t = theirsByName.get(e.getKey());
            if (t == null) continue;
            soft.assertThat(docWithoutSubcommands(e.getValue())).as(e.getKey()).isEqualTo(docWithoutSubcommands(t));
            Reply mySubs = pairs(e.getValue()).get("subcommands");
            if (mySubs == null) continue;
            Map<String, Reply> theirSubs = pairs(pairs(t).get("subcommands"));
            for (Map.Entry<String, Reply> sub : pairs(mySubs).entrySet()) {
                Reply ts = theirSubs.get(sub.getKey());
                if (ts == null && sub.getKey().startsWith("client|")) continue; // CLIENT SETINFO, NO-TOUCH: 7.2
                soft.assertThat(ts).as(sub.getKey()).isNotNull();
                if (ts != null) {
                    soft.assertThat(docWithoutSubcommands(sub.getValue())).as(sub.getKey()).isEqualTo(docWithoutSubcommands(ts));
                }
            }
        }
        soft.assertAll();
        assertThat(pairs(mine)).containsKeys("get", "set", "config", "client", "xreadgroup");
    }

    @Test
    void getKeysAgreesWithRedis() {
        String[][] cases = {
            {"SET", "k", "v"}, {"MSET", "a", "1", "b", "2"}, {"EVAL", "return 1", "2", "x", "y", "z"},
            {"ZUNIONSTORE", "dst", "2", "s1", "s2", "WEIGHTS", "1", "2"}, {"XREAD", "COUNT", "2", "STREAMS", "s1", "s2", "0", "0"},
            {"SORT", "l", "BY", "w_*", "STORE", "dst"}, {"MIGRATE", "h", "1", "", "0", "5", "KEYS", "a", "b"},
            {"GEORADIUS", "g", "0", "0", "1", "km", "STORE", "d"}, {"LMPOP", "2", "a", "b", "LEFT"},
            {"BITFIELD", "b", "GET", "u8", "0"}, {"SET", "k", "v", "GET"}, {"OBJECT", "ENCODING", "k"},
        };
        for (String[] c : cases) {
            Object[] args = new Object[c.length + 2];
            args[0] = "COMMAND";
            args[1] = "GETKEYSANDFLAGS";
            System.arraycopy(c, 0, args, 2, c.length);
            assertThat(ours.call(args)).as(String.join(" ", c)).isEqualTo(real.call(args));
        }
        for (String[] bad : new String[][] {{"PING"}, {"GET"}, {"NOSUCH", "x"}, {"EVAL", "return 1", "x"}}) {
            Object[] args = new Object[bad.length + 2];
            args[0] = "COMMAND";
            args[1] = "GETKEYS";
            System.arraycopy(bad, 0, args, 2, bad.length);
            assertThat(ours.call(args)).as(String.join(" ", bad)).isEqualTo(real.call(args));
        }
    }

    private static Map<String, Reply> realInfos() {
        Map<String, Reply> out = new HashMap<>();
        for (Reply r : real.call("COMMAND", "INFO").elements()) {
            for (Reply one : withSubcommands(r)) out.put(one.get(0).text(), one);
        }
        return out;
    }

    private static List<Reply> withSubcommands(Reply info) {
        List<Reply> out = new ArrayList<>(List.of(info));
        out.addAll(info.get(9).elements());
        return out;
    }

    private static List<String> visibleFlags(CommandDef d) {
        List<String> out = new ArrayList<>();
        for (CommandFlag f : d.flags()) if (f.replyName() != null) out.add(f.replyName());
        return out;
    }

    /**
     * Every container's HELP reads as Redis's, header and footer included (networking.c
     * addReplyHelp). CLIENT HELP also lists SETINFO, which the engine accepts from Redis 7.2.
     */
    @Test
    void helpRepliesAreRedisTexts() {
        SoftAssertions soft = new SoftAssertions();
        for (String cmd : List.of("ACL", "CLIENT", "COMMAND", "CONFIG", "FUNCTION", "LATENCY", "MEMORY", "MODULE",
                "OBJECT", "PUBSUB", "SCRIPT", "SLOWLOG", "XGROUP", "XINFO")) {
            List<String> mine = new ArrayList<>(texts(ours.call(cmd, "HELP")));
            if (cmd.equals("CLIENT")) {
                int at = mine.indexOf("SETINFO <option> <value>");
                soft.assertThat(at).as("CLIENT HELP lists SETINFO").isPositive();
                if (at > 0) mine.subList(at, at + 2).clear();
            }
            soft.assertThat(mine).as(cmd + " HELP").isEqualTo(texts(real.call(cmd, "HELP")));
        }
        soft.assertAll();
    }

    private static List<String> texts(Reply set) {
        List<String> out = new ArrayList<>();
        for (Reply r : set.elements()) out.add(r.text());
        return out;
    }

    /** A RESP2 map (flat array) by its keys. */
    private static Map<String, Reply> pairs(Reply flat) {
        Map<String, Reply> out = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) out.put(flat.get(i).text(), flat.get(i + 1));
        return out;
    }

    /** The doc's fields in Redis's reply order (arguments included), less the subcommands compared one by one. */
    private static List<Object> docWithoutSubcommands(Reply doc) {
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, Reply> e : pairs(doc).entrySet()) {
            if (e.getKey().equals("subcommands")) continue;
            out.add(e.getKey());
            out.add(e.getKey().equals("history") ? e.getValue().elements() : e.getValue()); // a set of pairs, order as declared
        }
        return out;
    }
}
