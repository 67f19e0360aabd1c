package io.cachelab.engine.command;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every list and sorted-set write fires the keyspace events Redis fires, in the same order:
 * events.expected was recorded from redis-server 7.0.15 running events.commands.
 */
class KeyspaceEventsTest extends EngineTestSupport {
    private static String resource(String name) throws Exception {
        try (InputStream in = KeyspaceEventsTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void listAndZSetWritesFireRedisEvents() throws Exception {
        List<String> expected = Arrays.stream(resource("events.expected").split("\n")).filter(l -> !l.isBlank()).toList();
        Transcript commands = new Transcript(engine.port());
        Transcript subscriber = new Transcript(engine.port());
        try {
            commands.run("flushall");
            assertThat(commands.run("config set notify-keyspace-events KEA")).isEqualTo("+OK");
            subscriber.run("psubscribe __keyevent@*");
            for (String line : resource("events.commands").split("\n")) {
                if (!line.isBlank()) commands.run(line);
            }
            List<String> got = new ArrayList<>();
            while (got.size() < expected.size()) {
                String msg = subscriber.next(); // ["pmessage" "__keyevent@*" "__keyevent@0__:rpush" "l"]
                List<String> parts = Transcript.split(msg.substring(1, msg.length() - 1));
                got.add(parts.get(2).substring(parts.get(2).indexOf(':') + 1) + " " + parts.get(3));
            }
            assertThat(got).containsExactlyElementsOf(expected);
        } finally {
            commands.run("config set notify-keyspace-events \"\"");
            commands.close();
            subscriber.close();
        }
    }
}
