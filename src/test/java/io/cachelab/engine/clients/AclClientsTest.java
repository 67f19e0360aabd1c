package io.cachelab.engine.clients;

import io.cachelab.engine.TestEngine;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.protocol.ProtocolVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Jedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Real clients logging in as an ACL user: Lettuce authenticates with HELLO 3 AUTH user pass (RESP3)
 * or AUTH user pass (RESP2); Jedis with AUTH user pass. The user's rules then decide, with Redis's
 * NOPERM texts reaching the client unchanged.
 */
class AclClientsTest {
    static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    private static void createUser() {
        try (Jedis j = ENGINE.jedis()) {
            j.aclSetUser("app", "reset", "on", ">s3cret", "~app:*", "&app:*", "+@all", "-@dangerous");
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceLogsInAsAnAclUser(ProtocolVersion protocol) {
        createUser();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(ENGINE.port())
                .withAuthentication("app", "s3cret".toCharArray()).build();
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (StatefulRedisConnection<String, String> conn = client.connect()) {
            var redis = conn.sync();
            assertThat(redis.aclWhoami()).isEqualTo("app");
            assertThat(redis.set("app:1", "v")).isEqualTo("OK");
            assertThat(redis.get("app:1")).isEqualTo("v");
            assertThatThrownBy(() -> redis.get("other"))
                    .isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessage("NOPERM this user has no permissions to access one of the keys used as arguments");
            assertThatThrownBy(redis::flushall)
                    .isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessage("NOPERM this user has no permissions to run the 'flushall' command");
            assertThatThrownBy(() -> redis.publish("news", "x"))
                    .isInstanceOf(RedisCommandExecutionException.class)
                    .hasMessage("NOPERM this user has no permissions to access one of the channels used as arguments");
            assertThat(redis.publish("app:events", "x")).isEqualTo(0L);
        } finally {
            client.shutdown();
        }
    }

    @ParameterizedTest
    @EnumSource(value = ProtocolVersion.class, names = {"RESP2", "RESP3"})
    void lettuceRejectsAWrongPassword(ProtocolVersion protocol) {
        createUser();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(ENGINE.port())
                .withAuthentication("app", "wrong".toCharArray()).build();
        RedisClient client = RedisClient.create(uri);
        client.setOptions(ClientOptions.builder().protocolVersion(protocol).build());
        try (Jedis j = ENGINE.jedis()) {
            j.aclLogReset();
            // Lettuce's own message varies (a handshake race in the client); the server's ACL LOG does not
            assertThatThrownBy(client::connect).isInstanceOf(io.lettuce.core.RedisConnectionException.class);
            var entry = j.aclLog().get(0);
            assertThat(entry.getReason()).isEqualTo("auth");
            assertThat(entry.getUsername()).isEqualTo("app");
            assertThat(entry.getObject()).isEqualTo(protocol == ProtocolVersion.RESP3 ? "HELLO" : "AUTH");
        } finally {
            client.shutdown();
        }
    }

    @Test
    void jedisAuthWithUsername() {
        createUser();
        try (Jedis j = ENGINE.jedis()) {
            assertThat(j.auth("app", "s3cret")).isEqualTo("OK");
            assertThat(j.aclWhoAmI()).isEqualTo("app");
            assertThat(j.set("app:2", "x")).isEqualTo("OK");
            assertThat(j.clientInfo()).contains(" user=app ");
        }
    }
}
