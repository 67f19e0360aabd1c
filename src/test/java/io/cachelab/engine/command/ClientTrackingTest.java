package io.cachelab.engine.command;

import io.cachelab.engine.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CLIENT TRACKING on the wire; each expected byte string was captured from redis-server 7.0.15
 * running the same sequence.
 */
class ClientTrackingTest {
    private static final TestEngine ENGINE = TestEngine.start();

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    void resp3InvalidationFollowsTheReplyOfTheCommandThatCausedIt() {
        try (RawResp r = new RawResp(ENGINE.port())) {
            r.call("HELLO", "3");
            assertThat(r.call("CLIENT", "TRACKING", "on")).isEqualTo("+OK\r\n");
            r.call("HSET", "myhash", "f", "1");
            r.call("HGET", "myhash", "f");
            assertThat(r.call("HDEL", "myhash", "f")).isEqualTo(":1\r\n");
            assertThat(r.read()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$6\r\nmyhash\r\n");
            r.call("MSET", "a{t}", "1", "b{t}", "2");
            r.call("GET", "a{t}");
            r.call("MULTI");
            r.call("INCR", "a{t}");
            r.call("GET", "b{t}");
            assertThat(r.call("EXEC")).isEqualTo("*2\r\n:2\r\n$1\r\n2\r\n");
            assertThat(r.read()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$4\r\na{t}\r\n");
            r.call("CLIENT", "TRACKING", "off");
        }
    }

    @Test
    void redirectionToASubscribedResp2Client() {
        try (RawResp redir = new RawResp(ENGINE.port()); RawResp r = new RawResp(ENGINE.port());
             RawResp writer = new RawResp(ENGINE.port())) {
            String id = redir.call("CLIENT", "ID").trim().substring(1);
            redir.call("SUBSCRIBE", "__redis__:invalidate");
            assertThat(r.call("CLIENT", "TRACKING", "on", "REDIRECT", id)).isEqualTo("+OK\r\n");
            writer.call("SET", "key1", "1");
            r.call("GET", "key1");
            writer.call("SET", "key1", "2");
            assertThat(redir.read()).isEqualTo("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n*1\r\n$4\r\nkey1\r\n");
            assertThat(r.call("CLIENT", "GETREDIR")).isEqualTo(":" + id + "\r\n");
        }
    }

    @Test
    void scriptsTrackTheirDeclaredKeysOnlyWhenTheyRead() {
        try (RawResp r = new RawResp(ENGINE.port()); RawResp writer = new RawResp(ENGINE.port())) {
            r.call("HELLO", "3");
            r.call("CLIENT", "TRACKING", "on");
            r.call("EVAL", "redis.call('set', 'key3{t}', 'bar')", "2", "key1{t}", "key2{t}");
            writer.call("MSET", "key2{t}", "2", "key1{t}", "2");
            r.call("EVAL", "redis.call('get', 'key3{t}')", "2", "key1{t}", "key2{t}");
            writer.call("MSET", "key2{t}", "2", "key1{t}", "2");
            assertThat(r.read()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nkey2{t}\r\n");
            assertThat(r.read()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$7\r\nkey1{t}\r\n");
            // EVAL_RO is flagged read-only, yet tracks nothing unless its script reads
            r.call("EVAL_RO", "redis.call('ping')", "2", "key1{t}", "key2{t}");
            writer.call("MSET", "key2{t}", "2", "key1{t}", "2");
            assertThat(r.call("PING")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void anUnblockedClientGetsItsReplyBeforeItsInvalidation() throws Exception {
        try (RawResp r = new RawResp(ENGINE.port()); RawResp blocked = new RawResp(ENGINE.port())) {
            r.call("DEL", "list1{t}", "list2{t}");
            r.call("RPUSH", "list2{t}", "a");
            blocked.call("HELLO", "3");
            blocked.call("CLIENT", "TRACKING", "on");
            blocked.call("LRANGE", "list2{t}", "0", "-1");
            blocked.send("BLMOVE", "list1{t}", "list2{t}", "left", "left", "0");
            Thread.sleep(100);
            r.call("RPUSH", "list1{t}", "foo");
            assertThat(blocked.read()).isEqualTo("$3\r\nfoo\r\n");
            assertThat(blocked.read()).isEqualTo(">2\r\n$10\r\ninvalidate\r\n*1\r\n$8\r\nlist2{t}\r\n");
        }
    }

    @Test
    void optionErrors() {
        try (RawResp r = new RawResp(ENGINE.port())) {
            assertThat(r.call("CLIENT", "TRACKING", "on", "PREFIX", "a")).isEqualTo("-ERR PREFIX option requires BCAST mode to be enabled\r\n");
            assertThat(r.call("CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT")).isEqualTo("-ERR You can't specify both OPTIN mode and OPTOUT mode\r\n");
            assertThat(r.call("CLIENT", "TRACKING", "on", "REDIRECT", "999999")).isEqualTo("-ERR The client ID you want redirect to does not exist\r\n");
            assertThat(r.call("CLIENT", "CACHING", "yes")).isEqualTo("-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n");
        }
    }
}
