package io.cachelab.engine.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table as the engine reads it: the generated data parses into Redis's commands with their
 * derived legacy key ranges and movablekeys, sentinel-only commands only in a sentinel's table, and
 * GetKeys follows key specs and getkeys procedures as Redis's db.c does. The generator itself is run
 * on a small fixture in Redis's JSON format.
 */
class CommandTableTest {
    private static final CommandTable T = CommandTable.redis();

    @Test
    void loadsRedisCommandsWithSubcommandsAndIds() {
        assertThat(T.lookup("GET").arity()).isEqualTo(2);
        assertThat(T.lookup("get").has(CommandFlag.READONLY)).isTrue();
        assertThat(T.lookup("config|get").parent()).isSameAs(T.lookup("config"));
        assertThat(T.lookup("config").subcommands()).containsKeys("get", "set", "resetstat", "rewrite", "help");
        assertThat(T.lookup("client|setinfo").doc().since()).isEqualTo("7.2.0");
        // one id per command and subcommand, dense, as ACL's bitmaps need
        List<Integer> ids = new ArrayList<>();
        for (CommandDef top : T.topLevel()) {
            ids.add(top.id());
            for (CommandDef sub : top.subcommands().values()) ids.add(sub.id());
        }
        assertThat(ids).hasSize(T.size()).doesNotHaveDuplicates().allMatch(id -> id >= 0 && id < T.size());
    }

    @Test
    void sentinelOnlyCommandsBelongToTheSentinelTable() {
        assertThat(T.lookup("sentinel")).isNull();
        assertThat(CommandTable.sentinel().lookup("sentinel|masters")).isNotNull();
        assertThat(CommandTable.sentinel().lookup("get")).isNull();
        assertThat(CommandTable.sentinel().lookup("ping")).isNotNull();
    }

    @Test
    void implicitCategoriesAreAdded() {
        assertThat(AclCategory.names(T.lookup("get").categories())).containsExactly("@read", "@string", "@fast");
        assertThat(AclCategory.names(T.lookup("flushall").categories()))
                .containsExactly("@keyspace", "@write", "@slow", "@dangerous");
        assertThat(AclCategory.names(T.lookup("eval").categories())).containsExactly("@slow", "@scripting");
    }

    @Test
    void legacyRangeAndMovableKeysAreDerivedFromKeySpecs() {
        assertRange("get", 1, 1, 1, false);
        assertRange("mset", 1, -1, 2, false);
        assertRange("smove", 1, 2, 1, false);
        assertRange("zunionstore", 1, 1, 1, true);
        assertRange("eval", 0, 0, 0, true);
        assertRange("xread", 0, 0, 0, true);
        assertRange("sort", 1, 1, 1, true);
        assertRange("ping", 0, 0, 0, false);
    }

    private static void assertRange(String name, int first, int last, int step, boolean movable) {
        CommandDef d = T.lookup(name);
        assertThat(List.of(d.firstKey(), d.lastKey(), d.step(), d.has(CommandFlag.MOVABLE_KEYS)))
                .as(name).isEqualTo(List.of(first, last, step, movable));
    }

    @Test
    void getKeysFollowsSpecsAndProcedures() {
        assertThat(keys("mset a 1 b 2")).containsExactly("a", "b");
        assertThat(keys("eval s 2 k1 k2 arg")).containsExactly("k1", "k2");
        assertThat(keys("zunionstore dst 2 s1 s2 weights 1 2")).containsExactly("dst", "s1", "s2");
        assertThat(keys("xreadgroup group g c count 1 streams s1 s2 > >")).containsExactly("s1", "s2");
        assertThat(keys("sort l by w_* get o_* store dst")).containsExactly("l", "dst");
        assertThat(keys("migrate h 1 \"\" 0 5 keys a b")).containsExactly("a", "b"); // KEYS needs the key argument empty
        assertThat(keys("migrate h 1 k 0 5")).containsExactly("k");
        assertThat(keys("georadius g 0 0 1 km store d")).containsExactly("g", "d");
        assertThat(keys("eval s notanumber k")).isEmpty();
        GetKeys.Found f = new GetKeys.Found();
        GetKeys.keys(T.lookup("set"), argv("set k v get"), f);
        assertThat(KeySpec.flagNames(f.flags(0))).containsExactly("RW", "access", "update");
        GetKeys.keys(T.lookup("set"), argv("set k v"), f);
        assertThat(KeySpec.flagNames(f.flags(0))).containsExactly("OW", "update");
    }

    private static List<String> keys(String line) {
        byte[][] argv = argv(line);
        GetKeys.Found f = new GetKeys.Found();
        GetKeys.keys(T.lookup(new String(argv[0], StandardCharsets.UTF_8)), argv, f);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < f.count(); i++) out.add(new String(argv[f.pos(i)], StandardCharsets.UTF_8));
        return out;
    }

    private static byte[][] argv(String line) {
        String[] parts = line.split(" ");
        byte[][] out = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            out[i] = (parts[i].equals("\"\"") ? "" : parts[i]).getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    @Test
    void generatorWritesRedisJsonAsTableLines(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("object.json"), """
                {"OBJECT": {"summary": "A container for object introspection commands", "complexity": "Depends on subcommand.",
                  "group": "generic", "since": "2.2.3", "arity": -2}}""");
        Files.writeString(dir.resolve("object-freq.json"), """
                {"FREQ": {"summary": "Get the logarithmic access frequency counter of a Redis object", "complexity": "O(1)",
                  "group": "generic", "since": "4.0.0", "arity": 3, "container": "OBJECT", "function": "objectCommand",
                  "history": [["7.0.0", "a; b/c"]], "command_flags": ["READONLY"], "acl_categories": ["KEYSPACE"],
                  "command_tips": ["NONDETERMINISTIC_OUTPUT"],
                  "key_specs": [{"notes": "x/y", "flags": ["RO"], "begin_search": {"index": {"pos": 2}},
                                 "find_keys": {"range": {"lastkey": 0, "step": 1, "limit": 0}}}],
                  "arguments": [{"name": "Key", "type": "key", "key_spec_index": 0},
                                {"name": "how", "type": "oneof", "optional": true, "since": "7.0.0", "arguments": [
                                  {"name": "ip:port", "type": "string", "token": "addr", "deprecated_since": "2.8.12"},
                                  {"name": "empty", "type": "pure-token", "token": "\\\"\\\""},
                                  {"name": "pair", "type": "block", "multiple": true, "multiple_token": true,
                                   "token": "GET", "display": "a b", "arguments": [{"name": "x", "type": "integer"}]}]}]}}""");
        Path script = Paths.get("tools/gen-command-table.py").toAbsolutePath();
        Process p = new ProcessBuilder("python3", script.toString(), dir.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out.split("\n")).containsExactly(
                "# generated by tools/gen-command-table.py from Redis's src/commands/*.json; do not edit",
                "object\t-2\t\tslow\t\t-\tgeneric\t2.2.3\tDepends on subcommand.\t\t\t\t\t\t"
                        + "A container for object introspection commands\t",
                "object|freq\t3\treadonly\tkeyspace,read,slow\tRO/i:2/r:0:1:0/x%2Fy\t-\tgeneric\t4.0.0\tO(1)\t\t\t\t"
                        + "7.0.0=a%3B b%2Fc\tnondeterministic_output\tGet the logarithmic access frequency counter of a Redis object\t"
                        + "key:key@0,how:oneof~7.0.0?(ip%3Aport:string#ADDR!2.8.12,empty:pure-token#,"
                        + "pair:block#GET&a%20b*+(x:integer))");
    }

    @Test
    void argumentsColumnParsesIntoRedisArgumentTree() {
        List<CommandArg> args = CommandArg.parseList(
                "key:key@0,how:oneof~7.0.0?(ip%3Aport:string#ADDR!2.8.12,empty:pure-token#,pair:block#GET&a%20b*+(x:integer))");
        assertThat(args).hasSize(2);
        assertThat(args.get(0)).isEqualTo(new CommandArg("key", "key", 0, null, null, null, null, null, null,
                false, false, false, List.of()));
        CommandArg how = args.get(1);
        assertThat(List.of(how.type(), how.since(), how.flagNames(), how.arguments().size()))
                .isEqualTo(List.of("oneof", "7.0.0", List.of("optional"), 3));
        CommandArg addr = how.arguments().get(0);
        assertThat(List.of(addr.name(), addr.token(), addr.deprecatedSince())).isEqualTo(List.of("ip:port", "ADDR", "2.8.12"));
        assertThat(how.arguments().get(1).token()).isEmpty();
        CommandArg pair = how.arguments().get(2);
        assertThat(List.of(pair.displayText(), pair.flagNames(), pair.arguments().get(0).type()))
                .isEqualTo(List.of("a b", List.of("multiple", "multiple_token"), "integer"));
        // SET's arguments as the committed table has them
        List<CommandArg> set = T.lookup("set").doc().arguments();
        assertThat(set.stream().map(CommandArg::name)).containsExactly("key", "value", "condition", "get", "expiration");
        assertThat(set.get(4).arguments().stream().map(CommandArg::token)).containsExactly("EX", "PX", "EXAT", "PXAT", "KEEPTTL");
    }

    @Test
    void committedTableIsWhatTheGeneratorWroteForRedis7015() throws IOException {
        List<String> lines = Files.readAllLines(Paths.get("src/main/resources/io/cachelab/engine/table/commands.tsv"));
        assertThat(lines.get(0)).startsWith("# generated by tools/gen-command-table.py");
        // Redis 7.0.15 has 241 commands and 147 subcommands (sentinel's included)
        assertThat(lines.stream().skip(1).filter(l -> !l.split("\t")[0].contains("|"))).hasSize(241);
        assertThat(lines.stream().skip(1).filter(l -> l.split("\t")[0].contains("|"))).hasSize(147);
    }
}
