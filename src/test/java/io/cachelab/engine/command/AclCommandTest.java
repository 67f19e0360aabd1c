package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

import java.util.List;
import java.util.Map;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * ACL users, rules, checks and the ACL command: replies and error texts as Redis 7.0.15 gives them
 * (each expected value below was read from a real redis-server for the same commands).
 */
class AclCommandTest {
    static final TestEngine ENGINE = TestEngine.start();
    static final String NOPERM_KEYS = "!NOPERM this user has no permissions to access one of the keys used as arguments";
    static final String NOPERM_CHANNELS =
            "!NOPERM this user has no permissions to access one of the channels used as arguments";
    static final String WRONGPASS = "!WRONGPASS invalid username-password pair or user is disabled.";

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @AfterEach
    void cleanUp() {
        try (Jedis j = ENGINE.jedis()) {
            for (Object u : (List<?>) call(j, "ACL", "USERS")) {
                if (!u.equals("default")) call(j, "ACL", "DELUSER", (String) u);
            }
            call(j, "ACL", "SETUSER", "default", "on", "nopass", "~*", "&*", "+@all");
            call(j, "ACL", "LOG", "RESET");
            call(j, "FLUSHALL");
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> strings(Object reply) {
        return (List<String>) reply;
    }

    private static Map<String, Object> getuser(Jedis j, String name) {
        List<?> flat = (List<?>) call(j, "ACL", "GETUSER", name);
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < flat.size(); i += 2) m.put((String) flat.get(i), flat.get(i + 1));
        return m;
    }

    @Test
    void defaultUserAndList() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "ACL", "WHOAMI")).isEqualTo("default");
            assertThat(call(j, "ACL", "LIST")).isEqualTo(List.of("user default on nopass ~* &* +@all"));
            assertThat(getuser(j, "default")).containsExactly(
                    Map.entry("flags", List.of("on", "nopass")), Map.entry("passwords", List.of()),
                    Map.entry("commands", "+@all"), Map.entry("keys", "~*"), Map.entry("channels", "&*"),
                    Map.entry("selectors", List.of()));
            assertThat(call(j, "ACL", "GETUSER", "nobody")).isNull();
        }
    }

    @Test
    void setuserDescribesRulesBackAsRedis() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "ACL", "SETUSER", "alice", "on", ">p1", "~cached:*", "&news.*", "-@all", "+get", "+set",
                    "+client|id")).isEqualTo("OK");
            assertThat(call(j, "ACL", "LIST")).isEqualTo(List.of(
                    "user alice on #f64551fcd6f07823cb87971cfb91446425da18286b3ab1ef935e0cbd7a69f68a ~cached:* "
                            + "resetchannels &news.* -@all +client|id +get +set",
                    "user default on nopass ~* &* +@all"));
            call(j, "ACL", "SETUSER", "bob", "reset", "+@all", "-@dangerous", "~*", "resetchannels", "&a");
            assertThat(getuser(j, "bob").get("commands")).isEqualTo("+@all -@dangerous");
            assertThat(getuser(j, "bob").get("flags")).isEqualTo(List.of("off", "sanitize-payload"));
            call(j, "ACL", "SETUSER", "bob", "+@all", "-client|kill");
            assertThat(getuser(j, "bob").get("commands")).isEqualTo("+@all -client|kill");
            call(j, "ACL", "SETUSER", "carl", "+memory|doctor");
            assertThat(getuser(j, "carl").get("commands")).isEqualTo("-@all +memory|doctor");
            call(j, "ACL", "SETUSER", "carl", "+memory");
            assertThat(getuser(j, "carl").get("commands")).isEqualTo("-@all +memory");
            call(j, "ACL", "SETUSER", "carl", "+select|0");
            // single-command rules come in command-table order, which Redis does not fix (dict order)
            assertThat(((String) getuser(j, "carl").get("commands")).split(" "))
                    .containsExactlyInAnyOrder("-@all", "+memory", "+select|0");
        }
    }

    @Test
    void setuserErrorsChangeNothing() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(call(j, "ACL", "SETUSER", "alice", "on", "+nosuchcmd")).isEqualTo(
                    "!ERR Error in ACL SETUSER modifier '+nosuchcmd': Unknown command or category name in ACL");
            assertThat(call(j, "ACL", "GETUSER", "alice")).isNull();
            assertThat(call(j, "ACL", "SETUSER", "alice", "<nope")).isEqualTo("!ERR Error in ACL SETUSER modifier "
                    + "'<nope': The password you are trying to remove from the user does not exist");
            assertThat(call(j, "ACL", "SETUSER", "alice", "#abc")).isEqualTo("!ERR Error in ACL SETUSER modifier "
                    + "'#abc': The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
                    + "characters");
            assertThat(call(j, "ACL", "SETUSER", "alice", "~*", "~foo")).isEqualTo("!ERR Error in ACL SETUSER modifier "
                    + "'~foo': Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not "
                    + "have any effect. Try 'resetkeys' to start with an empty list of patterns");
            assertThat(call(j, "ACL", "SETUSER", "alice", "bogus"))
                    .isEqualTo("!ERR Error in ACL SETUSER modifier 'bogus': Syntax error");
            assertThat(call(j, "ACL", "SETUSER", "a b")).isEqualTo("!ERR Usernames can't contain spaces or null characters");
            assertThat(call(j, "ACL", "SETUSER", "carl", "(", "~a"))
                    .isEqualTo("!ERR Unmatched parenthesis in acl selector starting at '('.");
            assertThat(call(j, "ACL", "SETUSER", "dave", "+config|get|x")).isEqualTo("!ERR Error in ACL SETUSER "
                    + "modifier '+config|get|x': Allowing first-arg of a subcommand is not supported");
            assertThat(call(j, "ACL", "DELUSER", "default")).isEqualTo("!ERR The 'default' user cannot be removed");
        }
    }

    @Test
    void authAndNopermErrors() {
        try (Jedis admin = ENGINE.jedis(); Jedis j = ENGINE.jedis()) {
            call(admin, "ACL", "SETUSER", "u1", "on", ">pw", "~k:*", "&ch:*", "+@all", "-flushall");
            assertThat(call(j, "AUTH", "u1", "wrong")).isEqualTo(WRONGPASS);
            assertThat(call(j, "AUTH", "nobody", "pw")).isEqualTo(WRONGPASS);
            assertThat(call(j, "AUTH", "pw")).isEqualTo("!ERR AUTH <password> called without any password configured "
                    + "for the default user. Are you sure your configuration is correct?");
            assertThat(call(j, "AUTH", "u1", "pw")).isEqualTo("OK");
            assertThat(call(j, "ACL", "WHOAMI")).isEqualTo("u1");
            assertThat(call(j, "SET", "k:1", "v")).isEqualTo("OK");
            assertThat(call(j, "SET", "other", "v")).isEqualTo(NOPERM_KEYS);
            assertThat(call(j, "FLUSHALL")).isEqualTo("!NOPERM this user has no permissions to run the 'flushall' command");
            assertThat(call(j, "PUBLISH", "ch:1", "hi")).isEqualTo(0L);
            assertThat(call(j, "PUBLISH", "other", "hi")).isEqualTo(NOPERM_CHANNELS);
            assertThat(call(j, "PSUBSCRIBE", "ch:1*")).isEqualTo(NOPERM_CHANNELS);
            assertThat((String) call(j, "CLIENT", "INFO")).contains(" user=u1 ");
            assertThat(call(j, "RESET")).isEqualTo("RESET");
            assertThat(call(j, "ACL", "WHOAMI")).isEqualTo("default");
            List<?> hello = (List<?>) call(j, "HELLO", "2", "AUTH", "u1", "pw");
            assertThat(hello.subList(0, 4)).isEqualTo(List.of("server", "redis", "version", "7.0.15"));
            assertThat(call(j, "ACL", "WHOAMI")).isEqualTo("u1");
            assertThat(call(j, "HELLO", "2", "AUTH", "u1", "bad")).isEqualTo(WRONGPASS);
        }
    }

    @Test
    void requirepassIsTheDefaultUsersPassword() {
        try (Jedis admin = ENGINE.jedis()) {
            call(admin, "CONFIG", "SET", "requirepass", "secret");
            try (Jedis j = ENGINE.jedis()) {
                assertThat(call(j, "GET", "x")).isEqualTo("!NOAUTH Authentication required.");
                assertThat(call(j, "RESET")).isEqualTo("RESET"); // a no-auth command, as AUTH and HELLO
                assertThat(call(j, "AUTH", "nope")).isEqualTo(WRONGPASS);
                assertThat(call(j, "AUTH", "secret")).isEqualTo("OK");
                assertThat(getuser(j, "default").get("passwords"))
                        .isEqualTo(List.of("2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b"));
            } finally {
                call(admin, "CONFIG", "SET", "requirepass", "");
            }
            assertThat(getuser(admin, "default").get("flags")).isEqualTo(List.of("on", "nopass"));
        }
    }

    @Test
    void selectorsAndReadWriteKeyPatterns() {
        try (Jedis admin = ENGINE.jedis(); Jedis j = ENGINE.jedis()) {
            call(admin, "ACL", "SETUSER", "sel", "on", "nopass", "-@all", "(+@write ~write::*)", "(+@read ~read::*)");
            call(j, "AUTH", "sel", "x");
            assertThat(call(j, "SET", "write::foo", "bar")).isEqualTo("OK");
            assertThat(call(j, "GET", "read::foo")).isNull();
            assertThat(call(j, "GET", "write::foo")).isEqualTo(NOPERM_KEYS);
            call(admin, "ACL", "SETUSER", "rw", "on", "nopass", "%R~read*", "%W~write*", "+@all");
            call(j, "AUTH", "rw", "x");
            call(admin, "SET", "read", "bar");
            assertThat(call(j, "COPY", "read", "write")).isEqualTo(1L);
            assertThat(call(j, "COPY", "write", "read")).isEqualTo(NOPERM_KEYS);
            assertThat(call(j, "SET", "readstr", "x")).isEqualTo(NOPERM_KEYS);
            assertThat(call(j, "LPUSH", "writelist", "1")).isEqualTo(1L);
            assertThat(getuser(admin, "rw").get("keys")).isEqualTo("%R~read* %W~write*");
        }
    }

    @Test
    void dryrunAndLog() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "ACL", "SETUSER", "alice", "on", "nopass", "~cached:*", "-@all", "+get", "+client|id");
            assertThat(call(j, "ACL", "DRYRUN", "alice", "get", "cached:1")).isEqualTo("OK");
            assertThat(call(j, "ACL", "DRYRUN", "alice", "get", "other"))
                    .isEqualTo("This user has no permissions to access the 'other' key");
            assertThat(call(j, "ACL", "DRYRUN", "alice", "client", "kill", "x"))
                    .isEqualTo("This user has no permissions to run the 'client|kill' command");
            assertThat(call(j, "ACL", "DRYRUN", "alice", "get")).isEqualTo("!ERR wrong number of arguments for 'get' command");
            assertThat(call(j, "ACL", "DRYRUN", "nobody", "get", "x")).isEqualTo("!ERR User 'nobody' not found");
            assertThat(call(j, "ACL", "DRYRUN", "alice", "nosuch")).isEqualTo("!ERR Command 'nosuch' not found");

            call(j, "AUTH", "alice", "x");
            call(j, "GET", "other");
            call(j, "GET", "other");
            call(j, "AUTH", "default", "x");
            List<?> log = (List<?>) call(j, "ACL", "LOG");
            assertThat(log).hasSize(1);
            List<?> entry = (List<?>) log.get(0);
            assertThat(entry.subList(0, 10)).isEqualTo(List.of("count", 2L, "reason", "key", "context", "toplevel",
                    "object", "other", "username", "alice"));
            assertThat((String) entry.get(13)).contains(" cmd=get user=alice ");
            assertThat(call(j, "ACL", "LOG", "RESET")).isEqualTo("OK");
            assertThat(call(j, "ACL", "LOG")).isEqualTo(List.of());
        }
    }

    @Test
    void transactionsAndScripts() {
        try (Jedis admin = ENGINE.jedis(); Jedis j = ENGINE.jedis()) {
            call(admin, "ACL", "SETUSER", "u2", "on", "nopass", "~x*", "-@all", "+get", "+multi", "+exec", "+eval");
            call(j, "AUTH", "u2", "x");
            call(j, "MULTI");
            assertThat(call(j, "SET", "x1", "v"))
                    .isEqualTo("!NOPERM this user has no permissions to run the 'set' command");
            assertThat(call(j, "EXEC")).isEqualTo("!EXECABORT Transaction discarded because of previous errors.");
            call(j, "MULTI");
            call(j, "GET", "x1");
            call(admin, "ACL", "SETUSER", "u2", "-get");
            assertThat(call(j, "EXEC")).isEqualTo(List.of("!NOPERM ACLs rules changed between the moment the "
                    + "transaction was accumulated and the EXEC call. This command is no longer allowed for the "
                    + "following reason: no permission to execute the command or subcommand"));
            call(admin, "ACL", "SETUSER", "u2", "+get");
            assertThat((String) call(j, "EVAL", "return redis.call('set','x1','v')", "0"))
                    .startsWith("!ERR The user executing the script can't run this command or subcommand");
            assertThat(call(j, "EVAL", "return redis.pcall('get','y')", "0")).isEqualTo(
                    "!ERR The user executing the script can't access at least one of the keys mentioned in the command arguments");
            assertThat(call(j, "EVAL", "return redis.acl_check_cmd('get','x2')", "0")).isEqualTo(1L);
            assertThat(call(j, "EVAL", "return redis.acl_check_cmd('get','y')", "0")).isNull();
        }
    }

    @Test
    void deletedUsersConnectionsAreClosed() {
        try (Jedis admin = ENGINE.jedis(); Jedis j = ENGINE.jedis()) {
            call(admin, "ACL", "SETUSER", "gone", "on", "nopass", "+@all", "~*");
            call(j, "AUTH", "gone", "x");
            assertThat(call(admin, "ACL", "DELUSER", "gone", "nobody")).isEqualTo(1L);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> call(j, "PING"))
                    .isInstanceOf(redis.clients.jedis.exceptions.JedisConnectionException.class);
        }
    }

    @Test
    void catAndCommandInfoCarryRedisCategories() {
        try (Jedis j = ENGINE.jedis()) {
            assertThat(strings(call(j, "ACL", "CAT"))).hasSize(21).startsWith("keyspace", "read", "write");
            assertThat(strings(call(j, "ACL", "CAT", "transaction")))
                    .containsExactlyInAnyOrder("exec", "discard", "unwatch", "watch", "multi");
            assertThat(call(j, "ACL", "CAT", "nope")).isEqualTo("!ERR Unknown category 'nope'");
            List<?> info = (List<?>) ((List<?>) call(j, "COMMAND", "INFO", "get")).get(0);
            assertThat(info.get(6)).isEqualTo(List.of("@read", "@string", "@fast"));
            assertThat(((String) call(j, "ACL", "GENPASS"))).hasSize(64);
            assertThat(((String) call(j, "ACL", "GENPASS", "5"))).hasSize(2);
            assertThat(call(j, "ACL", "SAVE")).isEqualTo("!ERR This Redis instance is not configured to use an ACL file. "
                    + "You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE "
                    + "(assuming you have a Redis configuration file set) in order to store users in the Redis "
                    + "configuration.");
        }
    }

    @Test
    void slowlogRedactsPasswordsAndRules() {
        try (Jedis j = ENGINE.jedis()) {
            call(j, "CONFIG", "SET", "slowlog-log-slower-than", "0");
            call(j, "SLOWLOG", "RESET");
            call(j, "ACL", "SETUSER", "sl", "on", ">p");
            call(j, "AUTH", "sl", "p");
            call(j, "HELLO", "2", "AUTH", "sl", "p", "SETNAME", "n");
            call(j, "AUTH", "default", "x");
            call(j, "CONFIG", "SET", "slowlog-log-slower-than", "10000");
            List<?> log = (List<?>) call(j, "SLOWLOG", "GET", "10");
            List<Object> args = new java.util.ArrayList<>();
            for (Object e : log) args.add(((List<?>) e).get(3));
            assertThat(args).contains(
                    List.of("HELLO", "2", "AUTH", "(redacted)", "(redacted)", "SETNAME", "n"),
                    List.of("AUTH", "(redacted)", "(redacted)"),
                    List.of("ACL", "SETUSER", "(redacted)", "(redacted)", "(redacted)"));
        }
    }
}
