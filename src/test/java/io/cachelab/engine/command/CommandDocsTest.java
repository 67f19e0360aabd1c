package io.cachelab.engine.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * COMMAND DOCS with its argument lists, byte for byte as redis-server 7.0.15 answers over RESP3
 * (replies recorded in command-docs/): the field order of addReplyCommandArgList, absent fields left
 * out, flags as a set of status replies, oneof and block arguments nested, deprecated_since on an
 * argument (CLIENT KILL's old ip:port form), multiple_token (BITFIELD_RO's GET).
 */
class CommandDocsTest extends EngineTestSupport {

    @ParameterizedTest
    @CsvSource({"SET, set", "GETEX, getex", "MIGRATE, migrate", "CLIENT|KILL, client-kill", "BITFIELD_RO, bitfield_ro"})
    void docsAreRedisReplyWithArguments(String command, String recording) throws IOException {
        String expected;
        try (InputStream in = CommandDocsTest.class.getResourceAsStream("command-docs/" + recording + ".resp3")) {
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (RawResp r = new RawResp(engine.port())) {
            r.call("HELLO", "3");
            assertThat(r.call("COMMAND", "DOCS", command)).isEqualTo(expected);
        }
    }

    @org.junit.jupiter.api.Test
    void getexArgumentsHaveRedisStructure() {
        try (RawResp r = new RawResp(engine.port())) {
            r.call("HELLO", "3");
            String docs = r.call("COMMAND", "DOCS", "GETEX");
            // the key, then the optional oneof of five tokens: EX PX EXAT PXAT PERSIST
            assertThat(docs).contains("$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n"
                    + "$14\r\nkey_spec_index\r\n:0\r\n%4\r\n$4\r\nname\r\n$10\r\nexpiration\r\n$4\r\ntype\r\n$5\r\noneof\r\n"
                    + "$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*5\r\n");
            assertThat(docs).endsWith("%3\r\n$4\r\nname\r\n$7\r\npersist\r\n$4\r\ntype\r\n$10\r\npure-token\r\n"
                    + "$5\r\ntoken\r\n$7\r\nPERSIST\r\n");
        }
    }
}
