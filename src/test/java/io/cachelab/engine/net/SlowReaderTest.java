package io.cachelab.engine.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.cachelab.engine.TestEngine;
import io.cachelab.engine.it.RespClient;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while tens of megabytes of replies wait for it: the reply buffer is
 * written in slices and compacted as it drains, so another client keeps being served meanwhile,
 * and when the slow reader reads again it gets every byte, in order.
 */
class SlowReaderTest {
    private static final TestEngine ENGINE = TestEngine.start("client-output-buffer-limit", "normal 0 0 0");

    @AfterAll
    static void stop() {
        ENGINE.close();
    }

    @Test
    void aReaderThatFallsBehindGetsEveryByteInOrder() throws Exception {
        byte[] value = new byte[1 << 20];
        for (int i = 0; i < value.length; i++) value[i] = (byte) ('a' + i % 26);
        int gets = 40;
        try (RespClient other = new RespClient("127.0.0.1", ENGINE.port());
             Socket slow = new Socket("127.0.0.1", ENGINE.port())) {
            other.call("SET".getBytes(), "big".getBytes(), value);
            OutputStream out = slow.getOutputStream();
            StringBuilder pipeline = new StringBuilder();
            for (int i = 0; i < gets; i++) pipeline.append("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n");
            out.write(pipeline.toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // 40 MB wait for the slow socket; the other client is answered meanwhile
            for (int i = 0; i < 100; i++) assertThat(other.call("INCR", "counter").integer()).isEqualTo(i + 1);
            DataInputStream in = new DataInputStream(slow.getInputStream());
            for (int i = 0; i < gets; i++) {
                assertThat(line(in)).isEqualTo("$" + value.length);
                byte[] got = new byte[value.length];
                in.readFully(got);
                assertThat(Arrays.equals(got, value)).as("reply %d", i).isTrue();
                assertThat(line(in)).isEmpty();
            }
        }
    }

    private static String line(DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) != '\r') sb.append((char) ch);
        assertThat(in.read()).isEqualTo('\n');
        return sb.toString();
    }
}
