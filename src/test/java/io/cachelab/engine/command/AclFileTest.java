package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.cachelab.engine.command.RawJedis.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** aclfile: users loaded at start, ACL SAVE / ACL LOAD round trips, and a bad file changing nothing. */
class AclFileTest {

    @Test
    void loadSaveAndReload() throws IOException {
        Path dir = Path.of(TestEngine.tempDir());
        Path file = dir.resolve("users.acl");
        Files.writeString(file, "user alice on allcommands allkeys &* >alice\n"
                + "user bob on -@all +@set +acl ~set* &* >bob\n"
                + "user default on nopass ~* &* +@all\n");
        try (TestEngine engine = TestEngine.start("aclfile", file.toString());
             Jedis j = engine.jedis()) {
            assertThat(call(j, "ACL", "LIST")).isEqualTo(List.of(
                    "user alice on #2bd806c97f0e00af1a1fc3328fa763a9269723c8db8fac4f93af71db186d6e90 ~* &* +@all",
                    "user bob on #81b637d8fcd2c6da6359e6963113a1170de795e4b725b84d1e0b4cfd9ec58ce9 ~set* &* -@all +@set +acl",
                    "user default on nopass ~* &* +@all"));
            assertThat(call(j, "AUTH", "bob", "bob")).isEqualTo("OK");
            assertThat(call(j, "SADD", "set", "1")).isEqualTo(1L);
            assertThat(call(j, "SET", "key", "v")).isEqualTo("!NOPERM this user has no permissions to run the 'set' command");
            assertThat(call(j, "ACL", "SETUSER", "eve", "+get", "allkeys", ">eve", "on")).isEqualTo("OK");
            assertThat(call(j, "ACL", "SAVE")).isEqualTo("OK");
            assertThat(Files.readAllLines(file)).contains(
                    "user eve on #85262adf74518bbb70c7cb94cd6159d91669e5a81edf1efebd543eadbda9fa2b ~* resetchannels -@all +get");

            // ACL LOAD replaces every user: bob's connection is closed after the reply
            assertThat(call(j, "ACL", "LOAD")).isEqualTo("OK");
            assertThatThrownBy(() -> call(j, "PING")).isInstanceOf(JedisConnectionException.class);

            try (Jedis k = engine.jedis()) {
                Files.writeString(file, "\nuser alice on nopass ~* -@all", java.nio.file.StandardOpenOption.APPEND);
                assertThat(call(k, "ACL", "LOAD")).isEqualTo("!ERR WARNING: Duplicate user 'alice' found on line 6. "
                        + "WARNING: ACL errors detected, no change to the previously active ACL rules was performed");
                assertThat(call(k, "ACL", "USERS")).isEqualTo(List.of("alice", "bob", "default", "eve"));
            }
        }
    }
}
